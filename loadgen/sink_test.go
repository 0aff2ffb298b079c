package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestSinkPassesTheLoadGeneratorsChecks runs a real short load of echoes and pages against the
// sink: every answer must be ok, as the load generator classifies it.
func TestSinkPassesTheLoadGeneratorsChecks(t *testing.T) {
	srv := httptest.NewServer(sinkHandler())
	t.Cleanup(srv.Close)
	cfg := testConfig(srv.URL)
	cfg.Mix = Mix{Echo: 80, Page: 20}
	r := startRun(mustValid(t, cfg))
	waitDone(t, r, 10*time.Second)
	tot := r.metrics.totals()
	if tot["requests"] < 90 || tot["ok"] != tot["requests"] {
		t.Fatalf("totals %v: want every one of about 100 requests ok", tot)
	}
}

func TestSinkAnswers(t *testing.T) {
	srv := httptest.NewServer(sinkHandler())
	t.Cleanup(srv.Close)
	cases := []struct {
		path   string
		status int
	}{
		{"/", 200},
		{"/healthz", 200},
		{"/api/echo?nonce=00ff", 200},
		{"/api/echo?nonce=", 400},
		{"/api/echo?nonce=%3Cscript%3E", 400},
		{"/api/quote", 404},
		{"/other", 404},
	}
	for _, c := range cases {
		resp, err := http.Get(srv.URL + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, resp.StatusCode, c.status)
		}
	}
}
