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

// daemon holds the current (or last) run; at most one runs at a time.
type daemon struct {
	mu  sync.Mutex
	cur *run
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
	return d.cur
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

// metricsOf returns the current (or last) run's metrics and its previous full second; nil before any run.
func (d *daemon) metricsOf() (*runMetrics, int64) {
	if r := d.current(); r != nil {
		return r.metrics, r.lastSecondIndex()
	}
	return nil, -1
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
	if d.cur != nil {
		select {
		case <-d.cur.done:
		default:
			writeError(w, 409, fmt.Sprintf("run %s is in progress", d.cur.cfg.RunID))
			return
		}
	}
	d.cur = startRun(cfg)
	writeJSON(w, 202, map[string]any{"runId": cfg.RunID, "duration": d.cur.sched.total})
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
