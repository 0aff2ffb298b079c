package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

const maxBody = 64 << 10

// newClient builds the HTTP/1.1 keep-alive client: no proxy from the environment, no
// redirects followed, and enough idle connections to keep maxInFlight sockets open.
func newClient(maxInFlight int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        maxInFlight + 16,
		MaxIdleConnsPerHost: maxInFlight + 16,
		IdleConnTimeout:     60 * time.Second,
		ForceAttemptHTTP2:   false,
		DisableCompression:  true,
	}
	return &http.Client{
		Transport:     tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// result is what one request produced, before classification.
type result struct {
	status      int
	contentType string
	body        []byte
	err         error
	elapsed     time.Duration
}

// fetch performs one GET with the given context and reads at most maxBody bytes of the body.
func fetch(ctx context.Context, client *http.Client, url string) result {
	start := time.Now()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return result{err: err, elapsed: time.Since(start)}
	}
	resp, err := client.Do(req)
	if err != nil {
		return result{err: err, elapsed: time.Since(start)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	// Closing an unread remainder drops the connection instead of draining a huge body.
	resp.Body.Close()
	r := result{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body, err: err, elapsed: time.Since(start)}
	return r
}

// isPage is the page check: an HTML document.
func isPage(r result) bool {
	return strings.HasPrefix(strings.ToLower(r.contentType), "text/html") ||
		bytes.Contains(bytes.ToLower(r.body), []byte("<html"))
}

// classifier turns a result into an outcome for one request kind.
type classifier struct {
	timeout      time.Duration
	fastFail     time.Duration
	quoteKey     []byte
	quoteMaxAgeS float64
	now          func() time.Time
}

// classify applies the outcome rules: timeout and connection errors first, then status, then body.
func (c *classifier) classify(kind int, nonce string, r result) (int, string) {
	if r.err != nil {
		if errors.Is(r.err, context.DeadlineExceeded) || r.elapsed >= c.timeout {
			return outTimeout, "deadline passed"
		}
		// Everything else the transport reports (refused, reset, EOF, DNS, a run aborted
		// by /stop, malformed response) is a connection error.
		return outConnError, r.err.Error()
	}
	if r.elapsed > c.timeout {
		return outTimeout, "deadline passed"
	}
	if r.status == 429 || r.status == 503 {
		if r.elapsed <= c.fastFail {
			return outFastFail, ""
		}
		return outHTTPError, "slow 429/503"
	}
	if r.status < 200 || r.status > 299 {
		return outHTTPError, "status " + http.StatusText(r.status)
	}
	switch kind {
	case kindEcho:
		if !bytes.Contains(r.body, []byte(nonce)) {
			return outWrongBody, "nonce not echoed"
		}
	case kindPage:
		if r.status != 200 || !isPage(r) {
			return outWrongBody, "not an HTML page"
		}
	case kindQuote:
		if err := verifyQuote(r.body, c.quoteKey, c.quoteMaxAgeS, c.now()); err != nil {
			return outWrongBody, err.Error()
		}
	}
	return outOK, ""
}

// pathFor returns the request path of a kind.
func pathFor(kind int, nonce string) string {
	switch kind {
	case kindEcho:
		return "/api/echo?nonce=" + nonce
	case kindPage:
		return "/"
	default:
		return "/api/quote"
	}
}
