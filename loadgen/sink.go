package main

import (
	"net/http"
	"time"
)

// The load path's control (docs/FAIRNESS.md, "The load path's own limit"): a null app that answers
// the cheap paths of the service contract (the page, /healthz and the echo) at almost no CPU. The
// harness sends it, through its own toxiproxy hop, the step an entry could not hold: if the sink
// cannot hold it either, the load generator and the proxy set that ceiling, not the entry. It has
// no quote: the harness sends it echo and page requests only.

var sinkPage = []byte("<!doctype html><html lang=\"en\"><head><title>sink</title></head><body><p>sink</p></body></html>\n")

// isHexNonce accepts what the load generator sends: up to 64 hex digits.
func isHexNonce(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}

func sinkHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(sinkPage)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /api/echo", func(w http.ResponseWriter, r *http.Request) {
		nonce := r.URL.Query().Get("nonce")
		if !isHexNonce(nonce) {
			http.Error(w, "nonce: 1-64 hex digits", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"nonce":"` + nonce + `"}`))
	})
	return mux
}

// serveSink runs the null app until SIGTERM/SIGINT.
func serveSink(addr string) error {
	srv := &http.Server{Addr: addr, Handler: sinkHandler(), ReadHeaderTimeout: 10 * time.Second}
	return untilSignal(srv, "loadgen sink", nil)
}
