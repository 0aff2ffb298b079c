package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// recordedRun is a run with a known set of observations.
func recordedRun() *runMetrics {
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
	return m
}

func TestMetricsBeforeAnyRun(t *testing.T) {
	want := fmt.Sprintf("# HELP loadgen_info Load generator build information.\n# TYPE loadgen_info gauge\nloadgen_info{version=%q} 1\n", version)
	if err := testutil.CollectAndCompare(collectorOf(), strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}

func TestMetricsOfARun(t *testing.T) {
	c := collectorOf(recordedRun())
	want := `
# HELP loadgen_dropped_iterations_total Iterations not started because maxInFlight requests were in flight.
# TYPE loadgen_dropped_iterations_total counter
loadgen_dropped_iterations_total{run_id="r-1"} 1
# HELP loadgen_iterations_total Iterations started (requests sent).
# TYPE loadgen_iterations_total counter
loadgen_iterations_total{run_id="r-1"} 11
# HELP loadgen_load_start_seconds Unix time of the run's t=0.
# TYPE loadgen_load_start_seconds gauge
loadgen_load_start_seconds{run_id="r-1"} 1.7000000005e+09
# HELP loadgen_running 1 while the run is in progress.
# TYPE loadgen_running gauge
loadgen_running{run_id="r-1"} 0
# HELP loadgen_pacer_lag_seconds Worst late wake-up of the pacer in the previous full second; high means the generator is CPU-starved.
# TYPE loadgen_pacer_lag_seconds gauge
loadgen_pacer_lag_seconds{run_id="r-1"} 0.004
`
	names := []string{"loadgen_dropped_iterations_total", "loadgen_iterations_total", "loadgen_load_start_seconds", "loadgen_running", "loadgen_pacer_lag_seconds"}
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), names...); err != nil {
		t.Fatal(err)
	}
	// Every kind × outcome is a series, zeros included, so rate() has a start point for each.
	if n := testutil.CollectAndCount(c, "loadgen_requests_total"); n != numKinds*numOutcomes {
		t.Fatalf("want %d request series, got %d", numKinds*numOutcomes, n)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", err, problems)
	}
}

// gathered returns the families /metrics would expose for c, by name.
func gathered(t *testing.T, c prometheus.Collector) map[string]*dto.MetricFamily {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		out[f.GetName()] = f
	}
	return out
}

func labelsOf(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

func TestMetricsRequestsAndDurations(t *testing.T) {
	fams := gathered(t, collectorOf(recordedRun()))
	byOutcome := map[string]float64{}
	for _, s := range fams["loadgen_requests_total"].GetMetric() {
		l := labelsOf(s)
		if l["run_id"] != "r-1" {
			t.Fatalf("request series lacks run_id=r-1: %v", l)
		}
		byOutcome[l["kind"]+"/"+l["outcome"]] += s.GetCounter().GetValue()
	}
	if byOutcome["echo/ok"] != 2 || byOutcome["echo/conn_error"] != 1 || byOutcome["quote/timeout"] != 1 || byOutcome["page/ok"] != 0 {
		t.Fatalf("requests by kind/outcome: %v", byOutcome)
	}
	hists := fams["loadgen_request_duration_seconds"].GetMetric()
	if len(hists) != numKinds {
		t.Fatalf("want a duration histogram per kind, got %d", len(hists))
	}
	for _, s := range hists {
		l, h := labelsOf(s), s.GetHistogram()
		if l["run_id"] != "r-1" || len(h.GetBucket()) != len(bucketBounds) {
			t.Fatalf("histogram %v: %d buckets", l, len(h.GetBucket()))
		}
		if l["kind"] != "echo" {
			continue
		}
		// le is inclusive: 0.001 falls into the 0.001 bucket; 7 s only into +Inf (the count).
		cum := map[float64]uint64{}
		for _, b := range h.GetBucket() {
			cum[b.GetUpperBound()] = b.GetCumulativeCount()
		}
		if cum[0.001] != 2 || cum[0.0025] != 4 || cum[5] != 9 || h.GetSampleCount() != 10 {
			t.Fatalf("echo buckets %v, count %d", cum, h.GetSampleCount())
		}
		if sum := h.GetSampleSum(); sum < 13.3240 || sum > 13.3242 {
			t.Fatalf("echo sum %v, want 13.3241", sum)
		}
	}
}

func TestSecondStats(t *testing.T) {
	m := recordedRun()
	ls := m.second(0)
	if ls.Requests != 10 || ls.OK != 2 || ls.Errors != 8 || ls.P99Ms == nil || *ls.P99Ms != 7000 || ls.PacerLagMs != 4 {
		t.Fatalf("second 0 stats wrong: %+v", ls)
	}
	if ls := m.second(1); ls.Requests != 1 || ls.Dropped != 1 {
		t.Fatalf("second 1 stats wrong: %+v", ls)
	}
	if m.pacerLagMs(0) != 4 || m.pacerLagMs(1) != 0 || m.pacerLagMs(-1) != 0 {
		t.Fatalf("pacer lag by second: %v %v", m.pacerLagMs(0), m.pacerLagMs(1))
	}
}

// TestMetricsOfSeveralRuns: every kept run is exposed under its own run_id, loadgen_info once.
func TestMetricsOfSeveralRuns(t *testing.T) {
	second := newRunMetrics("r-2", 1700000100)
	second.recordRequest(kindPage, outOK, 0.01, 0)
	second.iterations.Add(1)
	second.running.Store(true)
	c := collectorOf(recordedRun(), second)
	want := `
# HELP loadgen_iterations_total Iterations started (requests sent).
# TYPE loadgen_iterations_total counter
loadgen_iterations_total{run_id="r-1"} 11
loadgen_iterations_total{run_id="r-2"} 1
# HELP loadgen_running 1 while the run is in progress.
# TYPE loadgen_running gauge
loadgen_running{run_id="r-1"} 0
loadgen_running{run_id="r-2"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "loadgen_iterations_total", "loadgen_running"); err != nil {
		t.Fatal(err)
	}
	fams := gathered(t, c)
	if n := len(fams["loadgen_info"].GetMetric()); n != 1 {
		t.Fatalf("loadgen_info %d times", n)
	}
	if n := len(fams["loadgen_requests_total"].GetMetric()); n != 2*numKinds*numOutcomes {
		t.Fatalf("want %d request series, got %d", 2*numKinds*numOutcomes, n)
	}
	if n := len(fams["loadgen_request_duration_seconds"].GetMetric()); n != 2*numKinds {
		t.Fatalf("want %d histograms, got %d", 2*numKinds, n)
	}
	if problems, err := testutil.CollectAndLint(c); err != nil || len(problems) > 0 {
		t.Fatalf("lint: %v %v", err, problems)
	}
}
