package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const testKeyHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

func testKey(t *testing.T) []byte {
	t.Helper()
	k, err := decodeQuoteKey("quoteKey", testKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// appOptions tune the fake app the tests load and gate.
type appOptions struct {
	cannedEcho bool          // answer every echo with the same body
	delay      time.Duration // sleep before answering every request
	status     int           // if set, answer everything with this status
}

// newTestApp is a correct (or deliberately broken) implementation of the entry's API.
func newTestApp(t *testing.T, key []byte, o appOptions) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o.delay > 0 {
			select {
			case <-time.After(o.delay):
			case <-r.Context().Done():
				return
			}
		}
		if o.status != 0 {
			w.WriteHeader(o.status)
			return
		}
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><HTML><body>hi</body></HTML>")
		case "/healthz":
			fmt.Fprint(w, "ok\n")
		case "/api/echo":
			if o.cannedEcho {
				fmt.Fprint(w, "nonce=c0ffee\n")
				return
			}
			fmt.Fprintf(w, "nonce=%s\n", r.URL.Query().Get("nonce"))
		case "/api/quote":
			now := time.Now().UnixMilli()
			q := map[string]any{"id": "q1", "text": "Ünïcode: ok", "issuedAt": now, "extra": true}
			q["token"] = quoteToken(key, "q1", now, "Ünïcode: ok")
			_ = json.NewEncoder(w).Encode(q)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func testConfig(target string) *RunConfig {
	return &RunConfig{
		RunID:              "test-run",
		Target:             target,
		Stages:             []Stage{{Name: "s1", Duration: 1, Executor: "constant-arrival-rate", Rate: 100}},
		Mix:                Mix{Echo: 70, Page: 20, Quote: 10},
		TimeoutMs:          1000,
		MaxInFlight:        64,
		QuoteKey:           testKeyHex,
		QuoteMaxAgeSeconds: 30,
		FastFailMs:         100,
		Seed:               42,
	}
}

// mustValid validates cfg (filling derived fields) or fails the test.
func mustValid(t *testing.T, c *RunConfig) *RunConfig {
	t.Helper()
	if err := c.validate(); err != nil {
		t.Fatalf("config invalid: %v", err)
	}
	return c
}

// waitDone waits for a run to finish.
func waitDone(t *testing.T, r *run, limit time.Duration) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(limit):
		t.Fatalf("run did not finish within %v", limit)
	}
}

// collectorOf exposes runs (oldest first; none: no run yet) as /metrics does, with second 0 as
// each one's previous full second.
func collectorOf(runs ...*runMetrics) runCollector {
	return runCollector{func() []scrapedRun {
		out := make([]scrapedRun, len(runs))
		for i, m := range runs {
			out[i] = scrapedRun{m, 0}
		}
		return out
	}}
}
