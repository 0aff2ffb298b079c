package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
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

// secondStats aggregates requests that finished (and iterations dropped) in one second of the run.
type secondStats struct {
	idx                         int64
	requests, ok, errs, dropped int64
	durs                        []float64
	maxLag                      float64 // worst pacer oversleep, seconds
}

// runMetrics holds every number of one run; it outlives the run until the next one starts.
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

func fmtFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// writeMetrics writes the Prometheus text exposition (format 0.0.4) for m (nil: no run yet);
// lastSecond is the run's previous full second, for the pacer-lag gauge.
func writeMetrics(w io.Writer, m *runMetrics, lastSecond int64) {
	fmt.Fprintf(w, "# HELP loadgen_info Load generator build information.\n# TYPE loadgen_info gauge\nloadgen_info{version=%q} 1\n", version)
	if m == nil {
		return
	}
	rid := strconv.Quote(m.runID)
	fmt.Fprintf(w, "# HELP loadgen_requests_total Finished requests by kind and outcome.\n# TYPE loadgen_requests_total counter\n")
	for k := 0; k < numKinds; k++ {
		for o := 0; o < numOutcomes; o++ {
			fmt.Fprintf(w, "loadgen_requests_total{run_id=%s,kind=%q,outcome=%q} %d\n", rid, kindNames[k], outcomeNames[o], m.requests[k][o].Load())
		}
	}
	fmt.Fprintf(w, "# HELP loadgen_request_duration_seconds Duration of finished requests (timeouts at the deadline).\n# TYPE loadgen_request_duration_seconds histogram\n")
	for k := 0; k < numKinds; k++ {
		h := &m.hist[k]
		h.mu.Lock()
		counts := append([]uint64(nil), h.counts...)
		sum, count := h.sum, h.count
		h.mu.Unlock()
		var cum uint64
		for i, c := range counts {
			cum += c
			le := math.Inf(1)
			if i < len(bucketBounds) {
				le = bucketBounds[i]
			}
			fmt.Fprintf(w, "loadgen_request_duration_seconds_bucket{run_id=%s,kind=%q,le=%q} %d\n", rid, kindNames[k], fmtFloat(le), cum)
		}
		fmt.Fprintf(w, "loadgen_request_duration_seconds_sum{run_id=%s,kind=%q} %s\n", rid, kindNames[k], fmtFloat(sum))
		fmt.Fprintf(w, "loadgen_request_duration_seconds_count{run_id=%s,kind=%q} %d\n", rid, kindNames[k], count)
	}
	running := 0
	if m.running.Load() {
		running = 1
	}
	single := []struct {
		name, typ, help, val string
	}{
		{"loadgen_dropped_iterations_total", "counter", "Iterations not started because maxInFlight requests were in flight.", strconv.FormatInt(m.dropped.Load(), 10)},
		{"loadgen_iterations_total", "counter", "Iterations started (requests sent).", strconv.FormatInt(m.iterations.Load(), 10)},
		{"loadgen_in_flight", "gauge", "Requests in flight.", strconv.FormatInt(m.inFlight.Load(), 10)},
		{"loadgen_target_rate", "gauge", "Current target arrival rate, iterations/s.", fmtFloat(math.Float64frombits(m.targetRate.Load()))},
		{"loadgen_stage_index", "gauge", "Index of the current stage.", strconv.FormatInt(m.stageIndex.Load(), 10)},
		{"loadgen_running", "gauge", "1 while the run is in progress.", strconv.Itoa(running)},
		{"loadgen_load_start_seconds", "gauge", "Unix time of the run's t=0.", strconv.FormatFloat(m.loadStart, 'f', 3, 64)},
		{"loadgen_pacer_lag_seconds", "gauge", "Worst late wake-up of the pacer in the previous full second; high means the generator is CPU-starved.", fmtFloat(m.second(lastSecond).PacerLagMs / 1000)},
	}
	for _, s := range single {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n%s{run_id=%s} %s\n", s.name, s.help, s.name, s.typ, s.name, rid, s.val)
	}
}
