package main

import (
	"math"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// The /metrics exposition. Names, labels and meanings are read by the harness's PromQL: change
// them there too. The run's numbers live in runMetrics (atomics and one lock per histogram on the
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

// runCollector exposes the current (or last) run; current returns nil before the first run, and
// the run's previous full second for the pacer-lag gauge.
type runCollector struct {
	current func() (m *runMetrics, lastSecond int64)
}

// Describe sends nothing: the run_id label changes from run to run, so the collector is unchecked.
func (runCollector) Describe(chan<- *prometheus.Desc) {}

func (c runCollector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(descInfo, prometheus.GaugeValue, 1)
	m, last := c.current()
	if m == nil {
		return
	}
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

// metricsHandler serves GET /metrics for the runs current returns.
func metricsHandler(current func() (*runMetrics, int64)) http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(runCollector{current})
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorHandling: promhttp.HTTPErrorOnError})
}
