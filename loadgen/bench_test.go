package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkSustainedRate measures what the generator sustains against a trivial local server
// (both in this process, so they share the machine's cores). Run with:
//
//	go test -run '^$' -bench SustainedRate -benchtime 1x .
//
// Each sub-benchmark holds one target rate for 3 s and reports achieved ok/s, drop percentage and the pacer's worst lag.
func BenchmarkSustainedRate(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "nonce=%s", r.URL.Query().Get("nonce"))
	}))
	defer srv.Close()
	for _, rate := range []float64{2000, 5000, 10000, 15000, 20000} {
		b.Run(fmt.Sprintf("rate=%g", rate), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				cfg := testConfig(srv.URL)
				cfg.Mix = Mix{Echo: 1}
				cfg.MaxInFlight = 1000
				cfg.Stages = []Stage{{Name: "b", Duration: 3, Executor: "constant-arrival-rate", Rate: rate}}
				if err := cfg.validate(); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				r := startRun(cfg)
				// Sample the pacer's worst lag of each full second, as a scrape would.
				worstLag := 0.0
				tick := time.NewTicker(time.Second)
			wait:
				for {
					select {
					case <-r.done:
						break wait
					case <-tick.C:
						worstLag = max(worstLag, r.metrics.second(r.lastSecondIndex()).PacerLagMs)
					}
				}
				tick.Stop()
				el := time.Since(start).Seconds()
				tot := r.metrics.totals()
				b.ReportMetric(float64(tot["ok"])/3, "ok/s")
				b.ReportMetric(100*float64(tot["dropped"])/float64(tot["dropped"]+tot["iterations"]), "drop%")
				b.ReportMetric(float64(tot["requests"]-tot["ok"]), "errors")
				b.ReportMetric(el, "wall_s")
				b.ReportMetric(worstLag, "lag_ms")
			}
		})
	}
}
