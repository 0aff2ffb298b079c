package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures the exposition alone.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(p []byte) (int, error) { return len(p), nil }
func (discard) WriteHeader(int)             {}

// The exposition's cost on the generator's hot path: every finished request records into the
// run's metrics (BenchmarkRecordRequest, from all cores at once, as the request goroutines do), and
// Prometheus scrapes once a second while they keep recording (BenchmarkScrape: the current run
// alone, and the keptRuns runs /metrics exposes). Compare runs with
// benchstat, e.g. go test -run '^$' -bench 'RecordRequest|Scrape' -count 10 .

func BenchmarkRecordRequest(b *testing.B) {
	m := newRunMetrics("bench", 0)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.recordRequest(i%numKinds, i%numOutcomes, float64(i%700)/1000, int64(i>>12))
			i++
		}
	})
}

func BenchmarkScrape(b *testing.B) {
	b.Run("1run", func(b *testing.B) { benchScrape(b, 1) })
	b.Run("keptRuns", func(b *testing.B) { benchScrape(b, keptRuns) })
}

// benchScrape scrapes n kept runs of 10 000 requests each.
func benchScrape(b *testing.B, n int) {
	runs := make([]*runMetrics, n)
	for r := range runs {
		runs[r] = newRunMetrics(fmt.Sprint("bench-", r), 0)
		for i := range 10000 {
			runs[r].recordRequest(i%numKinds, i%numOutcomes, float64(i%700)/1000, 0)
		}
	}
	h := metricsHandler(collectorOf(runs...).runs)
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(discard{}, req)
	}
}
