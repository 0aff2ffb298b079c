package main

import (
	"math"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The /metrics exposition. Names, labels and meanings are read by the harness's PromQL: change
// them there too. Each run's numbers live in runMetrics (atomics and one lock per histogram on the
// hot path); this collector turns them into constant metrics at scrape time, and client_golang
// writes the format and negotiates it with the scraper.

var (
	descInfo     = prometheus.NewDesc("loadgen_info", "Load generator build information.", nil, prometheus.Labels{"version": version})
	descRequests = prometheus.NewDesc("loadgen_requests_total", "Finished requests by kind and outcome.", []string{"run_id", "kind", "outcome"}, nil)
	descDuration = prometheus.NewDesc("loadgen_request_duration_seconds", "Duration of finished requests (timeouts at the deadline).", []string{"run_id", "kind"}, nil)
	runDesc      = func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"run_id"}, nil)
	}
	descDropped    = runDesc("loadgen_dropped_iterations_total", "Iterations not started because maxInFlight requests were in flight.")
	descIterations = runDesc("loadgen_iterations_total", "Iterations started (requests sent).")
	descInFlight   = runDesc("loadgen_in_flight", "Requests in flight.")
	descTargetRate = runDesc("loadgen_target_rate", "Current target arrival rate, iterations/s.")
	descStage      = runDesc("loadgen_stage_index", "Index of the current stage.")
	descRunning    = runDesc("loadgen_running", "1 while the run is in progress.")
	descLoadStart  = runDesc("loadgen_load_start_seconds", "Unix time of the run's t=0.")
	descPacerLag   = runDesc("loadgen_pacer_lag_seconds", "Worst late wake-up of the pacer in the previous full second; high means the generator is CPU-starved.")
)

// scrapedRun is one kept run as a scrape sees it: its numbers and its previous full second, for
// the pacer-lag gauge (a finished run's last second).
type scrapedRun struct {
	m          *runMetrics
	lastSecond int64
}

// runCollector exposes the runs the daemon keeps (keptRuns: the current or last one and those
// before it), each under its own run_id; runs returns them, none before the first run.
type runCollector struct {
	runs func() []scrapedRun
}

// Describe sends nothing: the run_id label changes from run to run, so the collector is unchecked.
func (runCollector) Describe(chan<- *prometheus.Desc) {}

func (c runCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descInfo, prometheus.GaugeValue, 1)
	for _, r := range c.runs() {
		collectRun(ch, r.m, r.lastSecond)
	}
}

// collectRun sends one run's series; last is its previous full second, for the pacer-lag gauge.
func collectRun(ch chan<- prometheus.Metric, m *runMetrics, last int64) {
	for k := range numKinds {
		for o := range numOutcomes {
			ch <- prometheus.MustNewConstMetric(descRequests, prometheus.CounterValue, float64(m.requests[k][o].Load()), m.runID, kindNames[k], outcomeNames[o])
		}
	}
	for k := range numKinds {
		cum, sum, count := m.hist[k].snapshot()
		ch <- prometheus.MustNewConstHistogram(descDuration, count, sum, cum, m.runID, kindNames[k])
	}
	running := 0.0
	if m.running.Load() {
		running = 1
	}
	for _, s := range []struct {
		desc *prometheus.Desc
		typ  prometheus.ValueType
		val  float64
	}{
		{descDropped, prometheus.CounterValue, float64(m.dropped.Load())},
		{descIterations, prometheus.CounterValue, float64(m.iterations.Load())},
		{descInFlight, prometheus.GaugeValue, float64(m.inFlight.Load())},
		{descTargetRate, prometheus.GaugeValue, math.Float64frombits(m.targetRate.Load())},
		{descStage, prometheus.GaugeValue, float64(m.stageIndex.Load())},
		{descRunning, prometheus.GaugeValue, running},
		{descLoadStart, prometheus.GaugeValue, m.loadStart},
		{descPacerLag, prometheus.GaugeValue, m.pacerLagMs(last) / 1000},
	} {
		ch <- prometheus.MustNewConstMetric(s.desc, s.typ, s.val, m.runID)
	}
}

// metricsHandler serves GET /metrics for the runs runs returns.
func metricsHandler(runs func() []scrapedRun) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(runCollector{runs})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}
