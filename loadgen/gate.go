package main

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// gateCheckTimeout bounds each gate check; a var only so tests can shorten it.
var gateCheckTimeout = 2 * time.Second

// GateCheck is one named verification result.
type GateCheck struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
	Detail string `json:"detail"`
}

// GateResult is the body of the POST /gate answer.
type GateResult struct {
	Passed bool        `json:"passed"`
	Checks []GateCheck `json:"checks"`
}

// snippet is the first 120 bytes of a body, escaped so it is safe in a one-line detail.
func snippet(b []byte) string {
	if len(b) > 120 {
		b = b[:120]
	}
	return strconv.Quote(string(b))
}

func describe(r result) string {
	if r.err != nil {
		return fmt.Sprintf("error: %v", r.err)
	}
	return fmt.Sprintf("status %d, body %s", r.status, snippet(r.body))
}

func randomNonce() string {
	var b [16]byte
	_, _ = crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// runGate checks that target is a working app before any load is sent to it.
func runGate(target string, key []byte, maxAgeS float64) GateResult {
	client := newClient(4)
	defer client.CloseIdleConnections()
	get := func(path string) result {
		ctx, cancel := context.WithTimeout(context.Background(), gateCheckTimeout)
		defer cancel()
		return fetch(ctx, client, target+path)
	}
	var checks []GateCheck
	add := func(name string, ok bool, detail string) {
		checks = append(checks, GateCheck{Name: name, Passed: ok, Detail: detail})
	}

	r := get("/")
	switch {
	case r.err != nil || r.status != 200:
		add("page", false, "GET / failed: "+describe(r))
	case !isPage(r):
		add("page", false, "GET / is not HTML (no <html and Content-Type "+strconv.Quote(r.contentType)+"): "+describe(r))
	default:
		add("page", true, "GET / returned an HTML page")
	}

	r = get("/healthz")
	if r.err != nil || r.status != 200 {
		add("healthz", false, "GET /healthz failed: "+describe(r))
	} else {
		add("healthz", true, "GET /healthz returned 200")
	}

	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("echo-%d", i)
		nonce := randomNonce()
		r = get("/api/echo?nonce=" + nonce)
		switch {
		case r.err != nil || r.status != 200:
			add(name, false, "GET /api/echo failed: "+describe(r))
		case !bytes.Contains(r.body, []byte(nonce)):
			add(name, false, "nonce not echoed ("+nonce+"): "+describe(r))
		default:
			add(name, true, "nonce echoed")
		}
	}

	r = get("/api/quote")
	if r.err != nil || r.status != 200 {
		add("quote", false, "GET /api/quote failed: "+describe(r))
	} else if err := verifyQuote(r.body, key, maxAgeS, time.Now()); err != nil {
		add("quote", false, "invalid quote: "+err.Error()+"; "+describe(r))
	} else {
		add("quote", true, "signed, fresh quote")
	}

	passed := true
	for _, c := range checks {
		passed = passed && c.Passed
	}
	return GateResult{Passed: passed, Checks: checks}
}
