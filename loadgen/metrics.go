package main

import (
	"math"
	"sort"
	"sync"
	"sync/atomic"
)

// Request outcomes, in metric-label order.
const (
	outOK = iota
	outFastFail
	outHTTPError
	outWrongBody
	outTimeout
	outConnError
	numOutcomes
)

var outcomeNames = [numOutcomes]string{"ok", "fast_fail", "http_error", "wrong_body", "timeout", "conn_error"}

// bucketBounds are the upper bounds (seconds) of the duration histogram, +Inf implied.
var bucketBounds = []float64{0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5}

// histogram counts durations under one lock, so a scrape reads buckets, sum and count that agree.
// It is hand-written where client_golang's lock-free one was measured slower on this hot path
// (docs/DECISIONS.md); client_golang writes it out (runCollector).
type histogram struct {
	mu     sync.Mutex
	counts []uint64 // per bucket, not cumulative; last is +Inf
	sum    float64
	count  uint64
}

func (h *histogram) observe(sec float64) {
	i := sort.SearchFloat64s(bucketBounds, sec) // first bound >= sec: le is inclusive
	h.mu.Lock()
	h.counts[i]++
	h.sum += sec
	h.count++
	h.mu.Unlock()
}

// snapshot returns the cumulative count per bound (without +Inf), the sum and the count.
func (h *histogram) snapshot() (map[float64]uint64, float64, uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	cum, n := make(map[float64]uint64, len(bucketBounds)), uint64(0)
	for i, le := range bucketBounds {
		n += h.counts[i]
		cum[le] = n
	}
	return cum, h.sum, h.count
}

// secondStats aggregates requests that finished (and iterations dropped) in one second of the run.
type secondStats struct {
	idx                         int64
	requests, ok, errs, dropped int64
	durs                        []float64
	maxLag                      float64 // worst pacer oversleep, seconds
}

// runMetrics holds every number of one run; it outlives the run while the daemon keeps the run
// (keptRuns), for /metrics.
type runMetrics struct {
	runID      string
	requests   [numKinds][numOutcomes]atomic.Int64
	hist       [numKinds]histogram
	dropped    atomic.Int64
	iterations atomic.Int64
	inFlight   atomic.Int64
	targetRate atomic.Uint64 // float64 bits
	stageIndex atomic.Int64
	running    atomic.Bool
	loadStart  float64 // unix seconds of t=0

	secMu sync.Mutex
	secs  [2]secondStats
}

func newRunMetrics(runID string, loadStart float64) *runMetrics {
	m := &runMetrics{runID: runID, loadStart: loadStart}
	for k := range m.hist {
		m.hist[k].counts = make([]uint64, len(bucketBounds)+1)
	}
	m.secs[0].idx, m.secs[1].idx = -1, -1
	return m
}

// slot returns the per-second slot for second idx, recycling the older one; call with secMu held.
func (m *runMetrics) slot(idx int64) *secondStats {
	s := &m.secs[idx%2]
	if s.idx != idx {
		*s = secondStats{idx: idx, durs: s.durs[:0]}
	}
	return s
}

func (m *runMetrics) recordRequest(kind, outcome int, sec float64, second int64) {
	m.requests[kind][outcome].Add(1)
	m.hist[kind].observe(sec)
	m.secMu.Lock()
	s := m.slot(second)
	s.requests++
	if outcome == outOK {
		s.ok++
	} else {
		s.errs++
	}
	s.durs = append(s.durs, sec)
	m.secMu.Unlock()
}

// recordLag notes how late the pacer woke; a large lag means the generator itself is starved of CPU.
func (m *runMetrics) recordLag(lag float64, second int64) {
	m.secMu.Lock()
	if s := m.slot(second); lag > s.maxLag {
		s.maxLag = lag
	}
	m.secMu.Unlock()
}

func (m *runMetrics) recordDrop(second int64) {
	m.dropped.Add(1)
	m.secMu.Lock()
	m.slot(second).dropped++
	m.secMu.Unlock()
}

// LastSecond is the /status summary of one full second.
type LastSecond struct {
	Requests int64    `json:"requests"`
	OK       int64    `json:"ok"`
	Errors   int64    `json:"errors"`
	Dropped  int64    `json:"dropped"`
	P99Ms    *float64 `json:"p99Ms"`
	// PacerLagMs is the pacer's worst late wake-up in that second (generator health, not the app's).
	PacerLagMs float64 `json:"pacerLagMs"`
}

func (m *runMetrics) second(idx int64) LastSecond {
	m.secMu.Lock()
	defer m.secMu.Unlock()
	var out LastSecond
	if idx < 0 {
		return out
	}
	s := &m.secs[idx%2]
	if s.idx != idx {
		return out
	}
	out = LastSecond{Requests: s.requests, OK: s.ok, Errors: s.errs, Dropped: s.dropped, PacerLagMs: math.Round(s.maxLag*1e6) / 1e3}
	if n := len(s.durs); n > 0 {
		d := append([]float64(nil), s.durs...)
		sort.Float64s(d)
		p := d[int(math.Ceil(0.99*float64(n)))-1] * 1000
		p = math.Round(p*1000) / 1000
		out.P99Ms = &p
	}
	return out
}

// pacerLagMs is second idx's worst pacer lag, as in LastSecond, without sorting that second's durations.
func (m *runMetrics) pacerLagMs(idx int64) float64 {
	m.secMu.Lock()
	defer m.secMu.Unlock()
	if idx < 0 || m.secs[idx%2].idx != idx {
		return 0
	}
	return math.Round(m.secs[idx%2].maxLag*1e6) / 1e3
}

// retire frees the per-second durations of a finished run that is no longer the current one: only
// /status reads them (p99Ms), and only for the current run. The pacer lag, which /metrics reads,
// stays. Call it once the run has ended, so nothing records any more.
func (m *runMetrics) retire() {
	m.secMu.Lock()
	for i := range m.secs {
		m.secs[i].durs = nil
	}
	m.secMu.Unlock()
}

func (m *runMetrics) totals() map[string]int64 {
	t := map[string]int64{}
	var all int64
	for o := 0; o < numOutcomes; o++ {
		var n int64
		for k := 0; k < numKinds; k++ {
			n += m.requests[k][o].Load()
		}
		t[outcomeNames[o]] = n
		all += n
	}
	t["requests"] = all
	t["dropped"] = m.dropped.Load()
	t["iterations"] = m.iterations.Load()
	return t
}
