// The service contract (docs/ENTRY.md) in Go's standard library: no modules to download.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"sync"
	"syscall"
	"time"
)

const (
	upstreamURL = "http://upstream:8080/quote"
	// A quote younger than fresh is served as it is; an older one is refreshed in the background
	// (one request at a time reaches the dependency). While the dependency fails the cached copy
	// is served for at most stale: the platform counts a quote older than 30 s as a wrong answer.
	fresh = time.Second
	stale = 25 * time.Second
	// Fail fast: a slow dependency must not hold our requests.
	upstreamTimeout = 500 * time.Millisecond
)

const index = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SRE Chaos entry</title></head>
<body><h1>Hello from Go</h1><p>Try <a href="/api/quote">/api/quote</a>.</p></body></html>
`

var hexNonce = regexp.MustCompile(`^[0-9a-fA-F]{1,128}$`)

// quoteCache holds the last good quote and runs at most one refresh at a time.
type quoteCache struct {
	mu         sync.Mutex
	body       []byte
	at         time.Time
	refreshing chan struct{} // closed when the refresh in flight ends; nil when none is
	client     *http.Client
}

func (c *quoteCache) refresh() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.refreshing != nil {
		return c.refreshing
	}
	done := make(chan struct{})
	c.refreshing = done
	go func() {
		body, err := c.fetch()
		c.mu.Lock()
		if err == nil {
			c.body, c.at = body, time.Now()
		}
		c.refreshing = nil
		c.mu.Unlock()
		close(done)
	}()
	return done
}

func (c *quoteCache) fetch() ([]byte, error) {
	resp, err := c.client.Get(upstreamURL)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	// Only a good answer is cached: an error must not replace a usable copy.
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return body, nil
}

// get returns a quote at most stale old, or nil.
func (c *quoteCache) get() []byte {
	c.mu.Lock()
	body, age := c.body, time.Since(c.at)
	c.mu.Unlock()
	if body == nil || age >= fresh {
		pending := c.refresh()
		if body == nil || age >= stale {
			<-pending // nothing usable yet: wait for this refresh rather than fail at once
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.body != nil && time.Since(c.at) < stale {
		return c.body
	}
	return nil
}

func routes(cache *quoteCache) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, index)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /api/echo", func(w http.ResponseWriter, r *http.Request) {
		// Only a hex nonce is echoed: anything else could inject content into the answer.
		nonce := r.URL.Query().Get("nonce")
		if !hexNonce.MatchString(nonce) {
			http.Error(w, "nonce must be 1-128 hex digits", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "nonce=%s\n", nonce)
	})
	mux.HandleFunc("GET /api/quote", func(w http.ResponseWriter, r *http.Request) {
		body := cache.get()
		if body == nil {
			http.Error(w, "the dependency is failing and no recent quote is cached", http.StatusBadGateway)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	return mux
}

// healthcheck is the container's health probe: the image has no shell, so the binary asks itself.
func healthcheck(port string) int {
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get("http://127.0.0.1:" + port + "/healthz")
	if err != nil {
		return 1
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 1
	}
	return 0
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	if len(os.Args) > 1 && os.Args[1] == "-healthcheck" {
		os.Exit(healthcheck(port))
	}
	cache := &quoteCache{client: &http.Client{Timeout: upstreamTimeout}}
	srv := &http.Server{
		Addr:              ":" + port,
		Handler:           routes(cache),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       65 * time.Second,
	}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
		<-stop
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}()
	log.Printf("listening on :%s", port)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
