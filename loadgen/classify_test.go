package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestClassify runs one real request per case against an httptest server and checks the outcome.
func TestClassify(t *testing.T) {
	key := testKey(t)
	const nonce = "0123456789abcdef0123456789abcdef"
	echo := func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "nonce=%s", r.URL.Query().Get("nonce")) }
	status := func(code int, delay time.Duration) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.WriteHeader(code)
		}
	}
	quote := func(token func(issued int64) string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			now := time.Now().UnixMilli()
			fmt.Fprintf(w, `{"id":"a","text":"b","issuedAt":%d,"token":%q}`, now, token(now))
		}
	}
	cases := []struct {
		name    string
		kind    int
		handler http.HandlerFunc // nil: nothing listens (connection refused)
		want    int
	}{
		{"echo ok", kindEcho, echo, outOK},
		{"canned echo", kindEcho, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "nonce=c0ffee") }, outWrongBody},
		{"echo 204 empty", kindEcho, status(204, 0), outWrongBody},
		{"page html by content-type", kindPage, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "hello")
		}, outOK},
		{"page html by body", kindPage, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "<HTML></HTML>")
		}, outOK},
		{"page not html", kindPage, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, "{}")
		}, outWrongBody},
		{"quote ok", kindQuote, quote(func(issued int64) string { return quoteToken(key, "a", issued, "b") }), outOK},
		{"quote bad token", kindQuote, quote(func(int64) string { return "deadbeef" }), outWrongBody},
		{"503 fast", kindEcho, status(503, 0), outFastFail},
		{"429 fast", kindQuote, status(429, 0), outFastFail},
		{"503 slow", kindEcho, status(503, 250*time.Millisecond), outHTTPError},
		{"500", kindEcho, status(500, 0), outHTTPError},
		{"404", kindPage, status(404, 0), outHTTPError},
		{"redirect not followed", kindPage, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
		}, outHTTPError},
		{"timeout", kindEcho, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, outTimeout},
		{"slow body timeout", kindEcho, func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "nonce=")
			w.(http.Flusher).Flush()
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}, outTimeout},
		{"connection reset", kindEcho, func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.(*net.TCPConn).SetLinger(0)
			conn.Close()
		}, outConnError},
		{"connection refused", kindEcho, nil, outConnError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var url string
			if c.handler == nil {
				ln, err := net.Listen("tcp", "127.0.0.1:0")
				if err != nil {
					t.Fatal(err)
				}
				url = "http://" + ln.Addr().String()
				ln.Close()
			} else {
				srv := httptest.NewServer(c.handler)
				defer srv.Close()
				url = srv.URL
			}
			cl := &classifier{timeout: 500 * time.Millisecond, fastFail: 100 * time.Millisecond, quoteKey: key, quoteMaxAgeS: 30, now: time.Now}
			client := newClient(4)
			ctx, cancel := context.WithTimeout(context.Background(), cl.timeout)
			defer cancel()
			res := fetch(ctx, client, url+pathFor(c.kind, nonce))
			got, why := cl.classify(c.kind, nonce, res)
			if got != c.want {
				t.Fatalf("outcome %s (%s), want %s; status %d err %v", outcomeNames[got], why, outcomeNames[c.want], res.status, res.err)
			}
		})
	}
}

func TestClientIgnoresProxyEnv(t *testing.T) {
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:1")
	t.Setenv("http_proxy", "http://127.0.0.1:1")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "direct") }))
	defer srv.Close()
	res := fetch(context.Background(), newClient(1), srv.URL+"/")
	if res.err != nil || !strings.Contains(string(res.body), "direct") {
		t.Fatalf("request went elsewhere: %v %q", res.err, res.body)
	}
}

func TestBodyReadLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, strings.Repeat("x", 200<<10))
	}))
	defer srv.Close()
	res := fetch(context.Background(), newClient(1), srv.URL+"/")
	if res.err != nil || len(res.body) != maxBody {
		t.Fatalf("read %d bytes (err %v), want %d", len(res.body), res.err, maxBody)
	}
}
