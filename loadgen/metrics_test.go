package main

import (
	"bufio"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	sampleRe = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (\S+)$`)
	labelRe  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
	typeRe   = regexp.MustCompile(`^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$`)
	helpRe   = regexp.MustCompile(`^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$`)
)

type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// parseExposition checks every line's syntax and that samples follow their family's TYPE line.
func parseExposition(t *testing.T, text string) []sample {
	t.Helper()
	var out []sample
	types := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if m := typeRe.FindStringSubmatch(line); m != nil {
			if _, dup := types[m[1]]; dup {
				t.Fatalf("duplicate TYPE for %s", m[1])
			}
			types[m[1]] = m[2]
			continue
		}
		if helpRe.MatchString(line) {
			continue
		}
		m := sampleRe.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("bad exposition line: %q", line)
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("bad value in %q", line)
		}
		family := m[1]
		if types[family] == "" {
			family = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(family, "_bucket"), "_sum"), "_count")
			if types[family] != "histogram" {
				t.Fatalf("sample %s without a TYPE line", m[1])
			}
		}
		labels := map[string]string{}
		for _, l := range labelRe.FindAllStringSubmatch(m[2], -1) {
			labels[l[1]] = l[2]
		}
		out = append(out, sample{m[1], labels, v})
	}
	return out
}

func TestMetricsExposition(t *testing.T) {
	if s := parseExposition(t, metricsText(nil)); len(s) != 1 || s[0].name != "loadgen_info" {
		t.Fatalf("before any run want only loadgen_info, got %v", s)
	}
	m := newRunMetrics("r-1", 1700000000.5)
	durs := []float64{0.0005, 0.001, 0.0011, 0.02, 0.3, 0.999, 1, 4, 7, 0.0025}
	for i, d := range durs {
		m.recordRequest(kindEcho, i%numOutcomes, d, 0)
	}
	m.recordRequest(kindQuote, outTimeout, 1, 1)
	m.recordDrop(1)
	m.recordLag(0.004, 0)
	m.recordLag(0.001, 0)
	m.iterations.Add(11)
	samples := parseExposition(t, metricsText(m))

	byName := map[string][]sample{}
	for _, s := range samples {
		if s.name != "loadgen_info" && s.labels["run_id"] != "r-1" {
			t.Fatalf("%s lacks run_id=r-1: %v", s.name, s.labels)
		}
		byName[s.name] = append(byName[s.name], s)
	}
	if n := len(byName["loadgen_requests_total"]); n != numKinds*numOutcomes {
		t.Fatalf("want %d request series (zeros included), got %d", numKinds*numOutcomes, n)
	}
	var total float64
	for _, s := range byName["loadgen_requests_total"] {
		total += s.value
	}
	if total != 11 {
		t.Fatalf("requests total %v, want 11", total)
	}
	for _, k := range kindNames {
		var buckets []sample
		for _, s := range byName["loadgen_request_duration_seconds_bucket"] {
			if s.labels["kind"] == k {
				buckets = append(buckets, s)
			}
		}
		if len(buckets) != len(bucketBounds)+1 {
			t.Fatalf("%s: %d buckets", k, len(buckets))
		}
		prevLe, prev := -1.0, -1.0
		for _, b := range buckets {
			le, err := strconv.ParseFloat(b.labels["le"], 64)
			if err != nil || le <= prevLe || b.value < prev {
				t.Fatalf("%s: buckets not ascending/cumulative at le=%s", k, b.labels["le"])
			}
			prevLe, prev = le, b.value
		}
		if buckets[len(buckets)-1].labels["le"] != "+Inf" {
			t.Fatalf("%s: last bucket is not +Inf", k)
		}
		var count float64 = -1
		for _, s := range byName["loadgen_request_duration_seconds_count"] {
			if s.labels["kind"] == k {
				count = s.value
			}
		}
		if count != prev {
			t.Fatalf("%s: +Inf bucket %v != _count %v", k, prev, count)
		}
	}
	// Spot checks: le is inclusive, so 0.001 falls into the 0.001 bucket.
	for _, s := range byName["loadgen_request_duration_seconds_bucket"] {
		if s.labels["kind"] == "echo" && s.labels["le"] == "0.001" && s.value != 2 {
			t.Fatalf("echo le=0.001 = %v, want 2", s.value)
		}
		if s.labels["kind"] == "echo" && s.labels["le"] == "5" && s.value != 9 {
			t.Fatalf("echo le=5 = %v, want 9", s.value)
		}
	}
	for name, want := range map[string]float64{"loadgen_dropped_iterations_total": 1, "loadgen_iterations_total": 11, "loadgen_load_start_seconds": 1700000000.5, "loadgen_running": 0, "loadgen_pacer_lag_seconds": 0.004} {
		if got := byName[name]; len(got) != 1 || got[0].value != want {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
	}
	ls := m.second(0)
	if ls.Requests != 10 || ls.OK != 2 || ls.Errors != 8 || ls.P99Ms == nil || *ls.P99Ms != 7000 || ls.PacerLagMs != 4 {
		t.Fatalf("second 0 stats wrong: %+v", ls)
	}
	if ls := m.second(1); ls.Requests != 1 || ls.Dropped != 1 {
		t.Fatalf("second 1 stats wrong: %+v", ls)
	}
}
