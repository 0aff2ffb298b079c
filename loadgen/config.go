package main

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
)

// Caps the daemon enforces whatever the harness sends.
const (
	maxTotalDuration = 1800.0
	maxRate          = 20000.0
	maxInFlightCap   = 5000
	maxTimeoutMs     = 60000
)

// Stage is one k6-style arrival-rate stage. Duration is in seconds and rates in iterations/s.
type Stage struct {
	Name      string   `json:"name"`
	Duration  float64  `json:"duration"`
	Executor  string   `json:"executor"`
	Rate      float64  `json:"rate"`
	StartRate *float64 `json:"startRate,omitempty"`
}

// Mix holds the relative weights of the three request kinds.
type Mix struct {
	Echo  float64 `json:"echo"`
	Page  float64 `json:"page"`
	Quote float64 `json:"quote"`
}

// RunConfig is the body of POST /run.
type RunConfig struct {
	RunID              string  `json:"runId"`
	Target             string  `json:"target"`
	Stages             []Stage `json:"stages"`
	Mix                Mix     `json:"mix"`
	TimeoutMs          int     `json:"timeoutMs"`
	MaxInFlight        int     `json:"maxInFlight"`
	QuoteKey           string  `json:"quoteKey"`
	QuoteMaxAgeSeconds float64 `json:"quoteMaxAgeSeconds"`
	FastFailMs         int     `json:"fastFailMs"`
	// Seed makes the mix and nonces reproducible; 0 means random.
	Seed uint64 `json:"seed,omitempty"`

	quoteKeyBytes []byte
}

// parseRunConfig decodes and validates a run config; the error names the offending field.
func parseRunConfig(body []byte) (*RunConfig, error) {
	var c RunConfig
	dec := json.NewDecoder(strings.NewReader(string(body)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("invalid JSON: %v", err)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// validateTarget accepts only plain http:// URLs with a host (the harness gives container names).
func validateTarget(field, target string) error {
	u, err := url.Parse(target)
	if err != nil || u.Scheme != "http" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s: must be an http:// URL with a host and no query, got %q", field, target)
	}
	if u.Path != "" && u.Path != "/" {
		return fmt.Errorf("%s: must not have a path, got %q", field, target)
	}
	return nil
}

// decodeQuoteKey decodes the hex HMAC key shared with the upstream service.
func decodeQuoteKey(field, key string) ([]byte, error) {
	b, err := hex.DecodeString(key)
	if err != nil || len(b) == 0 {
		return nil, fmt.Errorf("%s: must be non-empty hex", field)
	}
	return b, nil
}

func (c *RunConfig) validate() error {
	if !validRunID(c.RunID) {
		return fmt.Errorf("runId: must be 1-128 characters of A-Z a-z 0-9 . _ : -")
	}
	if err := validateTarget("target", c.Target); err != nil {
		return err
	}
	c.Target = strings.TrimSuffix(c.Target, "/")
	if len(c.Stages) == 0 {
		return fmt.Errorf("stages: at least one stage is required")
	}
	total := 0.0
	for i := range c.Stages {
		s := &c.Stages[i]
		f := fmt.Sprintf("stages[%d]", i)
		if s.Name == "" {
			s.Name = fmt.Sprintf("stage-%d", i+1)
		}
		if !finite(s.Duration) || s.Duration <= 0 {
			return fmt.Errorf("%s.duration: must be > 0 seconds", f)
		}
		if !finite(s.Rate) || s.Rate < 0 || s.Rate > maxRate {
			return fmt.Errorf("%s.rate: must be between 0 and %g iterations/s", f, maxRate)
		}
		switch s.Executor {
		case "constant-arrival-rate":
			if s.StartRate != nil && *s.StartRate != s.Rate {
				return fmt.Errorf("%s.startRate: not allowed for constant-arrival-rate", f)
			}
		case "ramping-arrival-rate":
			if s.StartRate == nil {
				// As in k6, a ramp without a start continues from where the previous stage ended.
				prev := 0.0
				if i > 0 {
					prev = c.Stages[i-1].Rate
				}
				s.StartRate = &prev
			}
			if !finite(*s.StartRate) || *s.StartRate < 0 || *s.StartRate > maxRate {
				return fmt.Errorf("%s.startRate: must be between 0 and %g iterations/s", f, maxRate)
			}
		default:
			return fmt.Errorf("%s.executor: must be constant-arrival-rate or ramping-arrival-rate, got %q", f, s.Executor)
		}
		total += s.Duration
	}
	if total > maxTotalDuration {
		return fmt.Errorf("stages: total duration %g s exceeds %g s", total, maxTotalDuration)
	}
	m := c.Mix
	for _, w := range []struct {
		n string
		v float64
	}{{"echo", m.Echo}, {"page", m.Page}, {"quote", m.Quote}} {
		if !finite(w.v) || w.v < 0 {
			return fmt.Errorf("mix.%s: must be a weight >= 0", w.n)
		}
	}
	if m.Echo+m.Page+m.Quote <= 0 {
		return fmt.Errorf("mix: at least one weight must be > 0")
	}
	if c.TimeoutMs < 1 || c.TimeoutMs > maxTimeoutMs {
		return fmt.Errorf("timeoutMs: must be between 1 and %d", maxTimeoutMs)
	}
	if c.MaxInFlight < 1 || c.MaxInFlight > maxInFlightCap {
		return fmt.Errorf("maxInFlight: must be between 1 and %d", maxInFlightCap)
	}
	key, err := decodeQuoteKey("quoteKey", c.QuoteKey)
	if err != nil {
		return err
	}
	c.quoteKeyBytes = key
	if !finite(c.QuoteMaxAgeSeconds) || c.QuoteMaxAgeSeconds <= 0 || c.QuoteMaxAgeSeconds > 86400 {
		return fmt.Errorf("quoteMaxAgeSeconds: must be > 0 and <= 86400")
	}
	if c.FastFailMs < 0 || c.FastFailMs > maxTimeoutMs {
		return fmt.Errorf("fastFailMs: must be between 0 and %d", maxTimeoutMs)
	}
	return nil
}

// validRunID keeps run ids safe to print unescaped inside a Prometheus label value.
func validRunID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, ch := range id {
		ok := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || strings.ContainsRune("._:-", ch)
		if !ok {
			return false
		}
	}
	return true
}
