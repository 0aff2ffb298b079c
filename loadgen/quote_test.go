package main

import (
	"fmt"
	"testing"
	"time"
)

// The vector is documented in README.md; it was cross-checked with node:crypto createHmac.
const vectorToken = "5ccdc869d462717f45ded994433b6e0aab5e0e7d5013a0cbd94891c5fd6c8d18"

func TestQuoteTokenVector(t *testing.T) {
	if got := quoteToken(testKey(t), "q-1", 1700000000000, "Hello, wörld"); got != vectorToken {
		t.Fatalf("token = %s, want %s", got, vectorToken)
	}
}

func TestVerifyQuote(t *testing.T) {
	key := testKey(t)
	now := time.UnixMilli(1700000000000)
	body := func(issued int64, token string) []byte {
		return []byte(fmt.Sprintf(`{"id":"q-1","text":"Hello, wörld","issuedAt":%d,"token":%q,"source":"upstream"}`, issued, token))
	}
	signed := func(issued int64) []byte { return body(issued, quoteToken(key, "q-1", issued, "Hello, wörld")) }
	base := now.UnixMilli()
	cases := []struct {
		name string
		body []byte
		ok   bool
	}{
		{"vector at issue time", body(base, vectorToken), true},
		{"age exactly max+2s", signed(base - 32000), true},
		{"age max+2s+1ms", signed(base - 32001), false},
		{"future 2s", signed(base + 2000), true},
		{"future 2s+1ms", signed(base + 2001), false},
		{"wrong token", body(base, "00"+vectorToken[2:]), false},
		{"uppercase token", body(base, "5CCDC869D462717F45DED994433B6E0AAB5E0E7D5013A0CBD94891C5FD6C8D18"), false},
		{"wrong key", body(base, quoteToken([]byte("other"), "q-1", base, "Hello, wörld")), false},
		{"float issuedAt", []byte(`{"id":"q-1","text":"Hello, wörld","issuedAt":1700000000000.5,"token":"x"}`), false},
		{"string issuedAt", []byte(`{"id":"q-1","text":"Hello, wörld","issuedAt":"1700000000000","token":"` + vectorToken + `"}`), false},
		{"missing text", []byte(`{"id":"q-1","issuedAt":1700000000000,"token":"` + vectorToken + `"}`), false},
		{"not JSON", []byte(`<html>quote</html>`), false},
		{"array", []byte(`[1,2]`), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := verifyQuote(c.body, key, 30, now)
			if (err == nil) != c.ok {
				t.Fatalf("verifyQuote ok=%v, want %v (err %v)", err == nil, c.ok, err)
			}
		})
	}
}
