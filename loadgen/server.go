package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"sync"
	"time"
)

// keptRuns is how many runs /metrics exposes: the current (or last) one and the ones before it.
// The harness runs short loads back to back and reads each one's final counters from Prometheus a
// few seconds after the next has started, so a finished run's series must outlive it. Eight is
// more than a ladder needs (the other app's trial in between) and keeps each scrape small: every
// kept run is about 100 series that Prometheus ingests each second on the load path's CPU.
const keptRuns = 8

// daemon holds the current (or last) run, at most one running at a time, and the finished runs
// before it that /metrics still exposes. /status, /run and /stop see the current run only.
type daemon struct {
	keep int // runs kept, the current one included; 0 means keptRuns

	mu   sync.Mutex
	runs []*run // oldest first; the last is the current (or last) run
}

// Status is the body of GET /status.
type Status struct {
	Running    bool             `json:"running"`
	RunID      string           `json:"runId"`
	Stage      string           `json:"stage"`
	StageIndex int              `json:"stageIndex"`
	Elapsed    float64          `json:"elapsed"`
	Duration   float64          `json:"duration"`
	LastSecond LastSecond       `json:"lastSecond"`
	Totals     map[string]int64 `json:"totals"`
	Done       bool             `json:"done"`
	Aborted    bool             `json:"aborted"`
	// LoadStart is the unix time (s) of t=0, the same as loadgen_load_start_seconds.
	LoadStart float64 `json:"loadStart"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, map[string]string{"error": msg})
}

func (d *daemon) current() *run {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.currentLocked()
}

// currentLocked is current with d.mu held.
func (d *daemon) currentLocked() *run {
	if len(d.runs) == 0 {
		return nil
	}
	return d.runs[len(d.runs)-1]
}

// push makes r the current run and drops the oldest runs beyond the bound; call with d.mu held.
// A run whose run_id r reuses is dropped too: two runs with one label set would fail the scrape.
func (d *daemon) push(r *run) {
	keep := d.keep
	if keep <= 0 {
		keep = keptRuns
	}
	if prev := d.currentLocked(); prev != nil {
		prev.metrics.retire()
	}
	kept := d.runs[:0]
	for _, old := range d.runs {
		if old.cfg.RunID != r.cfg.RunID {
			kept = append(kept, old)
		}
	}
	clear(d.runs[len(kept):]) // let dropped runs be collected
	kept = append(kept, r)
	if n := len(kept) - keep; n > 0 {
		copy(kept, kept[n:])
		clear(kept[len(kept)-n:])
		kept = kept[:len(kept)-n]
	}
	d.runs = kept
}

func (d *daemon) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", metricsHandler(d.metricsOf))
	mux.HandleFunc("POST /run", d.handleRun)
	mux.HandleFunc("GET /status", d.handleStatus)
	mux.HandleFunc("POST /stop", d.handleStop)
	mux.HandleFunc("POST /gate", d.handleGate)
	mux.HandleFunc("GET /version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, 200, map[string]string{"version": version})
	})
	return mux
}

// metricsOf returns the kept runs' metrics, oldest first, each with its previous full second (a
// finished run's last second); none before any run.
func (d *daemon) metricsOf() []scrapedRun {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]scrapedRun, len(d.runs))
	for i, r := range d.runs {
		out[i] = scrapedRun{r.metrics, r.lastSecondIndex()}
	}
	return out
}

func readBody(w http.ResponseWriter, req *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		writeError(w, 400, "cannot read body: "+err.Error())
		return nil, false
	}
	return body, true
}

func (d *daemon) handleRun(w http.ResponseWriter, req *http.Request) {
	body, ok := readBody(w, req)
	if !ok {
		return
	}
	cfg, err := parseRunConfig(body)
	if err != nil {
		writeError(w, 400, err.Error())
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if cur := d.currentLocked(); cur != nil {
		select {
		case <-cur.done:
		default:
			writeError(w, 409, fmt.Sprintf("run %s is in progress", cur.cfg.RunID))
			return
		}
	}
	r := startRun(cfg)
	d.push(r)
	writeJSON(w, 202, map[string]any{"runId": cfg.RunID, "duration": r.sched.total})
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

func (d *daemon) status() Status {
	r := d.current()
	if r == nil {
		return Status{Totals: map[string]int64{}, LastSecond: LastSecond{}}
	}
	running := r.metrics.running.Load()
	elapsed, _ := r.elapsed()
	idx := int(r.metrics.stageIndex.Load())
	return Status{
		Running:    running,
		RunID:      r.cfg.RunID,
		Stage:      r.cfg.Stages[idx].Name,
		StageIndex: idx,
		Elapsed:    round3(elapsed),
		Duration:   r.sched.total,
		LastSecond: r.metrics.second(r.lastSecondIndex()),
		Totals:     r.metrics.totals(),
		Done:       !running,
		Aborted:    r.isAborted(),
		LoadStart:  r.metrics.loadStart,
	}
}

// elapsed is seconds since t=0, frozen when the pacer stops (the in-flight tail may still drain).
func (r *run) elapsed() (float64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.paced {
		return r.loadEnd, true
	}
	return time.Since(r.start).Seconds(), false
}

// lastSecondIndex is the previous full second while load is sent, else the load's last second.
func (r *run) lastSecondIndex() int64 {
	el, paced := r.elapsed()
	if paced {
		return int64(math.Ceil(el)) - 1
	}
	return int64(el) - 1
}

func (d *daemon) handleStatus(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 200, d.status())
}

func (d *daemon) handleStop(w http.ResponseWriter, _ *http.Request) {
	r := d.current()
	if r == nil {
		writeJSON(w, 200, map[string]any{"stopped": false})
		return
	}
	running := r.metrics.running.Load()
	r.stop()
	writeJSON(w, 200, map[string]any{"stopped": running, "runId": r.cfg.RunID})
}

type gateRequest struct {
	Target             string   `json:"target"`
	QuoteKey           string   `json:"quoteKey"`
	QuoteMaxAgeSeconds *float64 `json:"quoteMaxAgeSeconds"`
}

func (d *daemon) handleGate(w http.ResponseWriter, req *http.Request) {
	body, ok := readBody(w, req)
	if !ok {
		return
	}
	var g gateRequest
	if err := json.Unmarshal(body, &g); err != nil {
		writeError(w, 400, "invalid JSON: "+err.Error())
		return
	}
	if err := validateTarget("target", g.Target); err != nil {
		writeError(w, 400, err.Error())
		return
	}
	key, err := decodeQuoteKey("quoteKey", g.QuoteKey)
	if err != nil {
		writeError(w, 400, err.Error())
		return
	}
	// No default: the age is the challenge's rule (quoteMaxAgeSeconds in its file), sent by the harness.
	if g.QuoteMaxAgeSeconds == nil || !finite(*g.QuoteMaxAgeSeconds) || *g.QuoteMaxAgeSeconds <= 0 {
		writeError(w, 400, "quoteMaxAgeSeconds: required, must be > 0")
		return
	}
	maxAge := *g.QuoteMaxAgeSeconds
	target := g.Target
	for len(target) > 0 && target[len(target)-1] == '/' {
		target = target[:len(target)-1]
	}
	writeJSON(w, 200, runGate(target, key, maxAge))
}
