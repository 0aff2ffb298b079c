package main

import (
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
// Prometheus scrapes once a second while they keep recording (BenchmarkScrape). Compare runs with
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
	m := newRunMetrics("bench", 0)
	for i := range 10000 {
		m.recordRequest(i%numKinds, i%numOutcomes, float64(i%700)/1000, 0)
	}
	h := metricsHandler(func() (*runMetrics, int64) { return m, 0 })
	req := httptest.NewRequest("GET", "/metrics", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(discard{}, req)
	}
}
