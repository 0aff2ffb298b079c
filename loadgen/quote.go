package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// quoteToken is lowercase hex of HMAC-SHA256(key, id + ":" + issuedAt + ":" + text),
// the signature the upstream service puts on every quote.
func quoteToken(key []byte, id string, issuedAtMs int64, text string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + ":" + strconv.FormatInt(issuedAtMs, 10) + ":" + text))
	return hex.EncodeToString(m.Sum(nil))
}

// verifyQuote returns nil when body is a correctly signed quote that is fresh enough at now.
func verifyQuote(body []byte, key []byte, maxAgeSeconds float64, now time.Time) error {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return fmt.Errorf("not a JSON object")
	}
	var id, text, token string
	for name, dst := range map[string]*string{"id": &id, "text": &text, "token": &token} {
		v, ok := raw[name]
		if !ok || json.Unmarshal(v, dst) != nil {
			return fmt.Errorf("field %s missing or not a string", name)
		}
	}
	var num json.Number
	v, ok := raw["issuedAt"]
	// json.Number also accepts a quoted number, so a string "123" is rejected explicitly.
	if !ok || len(v) == 0 || v[0] == '"' || json.Unmarshal(v, &num) != nil {
		return fmt.Errorf("field issuedAt missing or not a number")
	}
	issuedAt, err := strconv.ParseInt(num.String(), 10, 64)
	if err != nil {
		return fmt.Errorf("field issuedAt is not an integer")
	}
	want := quoteToken(key, id, issuedAt, text)
	if !hmac.Equal([]byte(want), []byte(token)) {
		return fmt.Errorf("token does not match")
	}
	nowMs := now.UnixMilli()
	if nowMs-issuedAt > int64(maxAgeSeconds*1000)+2000 {
		return fmt.Errorf("quote too old (%d ms)", nowMs-issuedAt)
	}
	if issuedAt > nowMs+2000 {
		return fmt.Errorf("quote issued in the future (%d ms ahead)", issuedAt-nowMs)
	}
	return nil
}
