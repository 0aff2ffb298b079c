package main

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"log"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// run is one load run: the pacer goroutine plus one goroutine per in-flight request.
type run struct {
	cfg      *RunConfig
	sched    *schedule
	metrics  *runMetrics
	client   *http.Client
	classify *classifier
	start    time.Time
	cancel   context.CancelFunc
	ctx      context.Context
	done     chan struct{}

	mu      sync.Mutex
	aborted bool
	loadEnd float64 // seconds from t=0 when the pacer stopped starting iterations
	paced   bool    // the pacer has stopped; requests may still be in flight
}

func randomSeed() uint64 {
	var b [8]byte
	_, _ = crand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// startRun starts the pacer for cfg and returns at once; r.done closes when every request has ended.
func startRun(cfg *RunConfig) *run {
	ctx, cancel := context.WithCancel(context.Background())
	start := time.Now()
	r := &run{
		cfg:     cfg,
		sched:   newSchedule(cfg.Stages),
		metrics: newRunMetrics(cfg.RunID, float64(start.UnixNano())/1e9),
		client:  newClient(cfg.MaxInFlight),
		classify: &classifier{
			timeout:      time.Duration(cfg.TimeoutMs) * time.Millisecond,
			fastFail:     time.Duration(cfg.FastFailMs) * time.Millisecond,
			quoteKey:     cfg.quoteKeyBytes,
			quoteMaxAgeS: cfg.QuoteMaxAgeSeconds,
			now:          time.Now,
		},
		start:  start,
		ctx:    ctx,
		cancel: cancel,
		done:   make(chan struct{}),
	}
	r.metrics.running.Store(true)
	r.metrics.targetRate.Store(math.Float64bits(r.sched.rateAt(0)))
	go r.pace()
	return r
}

// stop aborts the run: no new iterations, in-flight requests are cancelled.
func (r *run) stop() {
	r.mu.Lock()
	select {
	case <-r.done:
	default:
		r.aborted = true
	}
	r.mu.Unlock()
	r.cancel()
}

func (r *run) isAborted() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.aborted
}

func (r *run) second(t time.Time) int64 { return int64(t.Sub(r.start) / time.Second) }

// pace starts iterations on schedule. How many are due is computed from elapsed time, so
// a late wake-up starts the backlog at once and the count never drifts.
func (r *run) pace() {
	seed := r.cfg.Seed
	if seed == 0 {
		seed = randomSeed()
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pick := newPicker(r.cfg.Mix, rng)
	var wg sync.WaitGroup
	var started int64
	log.Printf("run %s: stage 0 %q (%s, %g→%g/s, %gs)", r.cfg.RunID, r.cfg.Stages[0].Name, r.cfg.Stages[0].Executor, startRate(r.cfg.Stages[0]), r.cfg.Stages[0].Rate, r.cfg.Stages[0].Duration)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		now := time.Now()
		t := now.Sub(r.start).Seconds()
		end := t >= r.sched.total
		if end {
			t = r.sched.total
		}
		// Log every stage entered, including any a late wake-up skipped over.
		for st := r.sched.stageAt(t); !end && int64(st) > r.metrics.stageIndex.Load(); {
			i := r.metrics.stageIndex.Add(1)
			s := r.cfg.Stages[i]
			log.Printf("run %s: stage %d %q (%s, %g→%g/s, %gs)", r.cfg.RunID, i, s.Name, s.Executor, startRate(s), s.Rate, s.Duration)
		}
		rate := r.sched.rateAt(t)
		r.metrics.targetRate.Store(math.Float64bits(rate))
		due := r.sched.due(t)
		sec := r.second(now)
		for ; started < due; started++ {
			if r.metrics.inFlight.Load() >= int64(r.cfg.MaxInFlight) {
				r.metrics.recordDrop(sec)
				continue
			}
			kind := pick.pick()
			nonce := ""
			if kind == kindEcho {
				var b [16]byte
				binary.LittleEndian.PutUint64(b[:8], rng.Uint64())
				binary.LittleEndian.PutUint64(b[8:], rng.Uint64())
				nonce = hex.EncodeToString(b[:])
			}
			r.metrics.iterations.Add(1)
			r.metrics.inFlight.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r.doIteration(kind, nonce)
			}()
		}
		if end {
			break
		}
		// Sleep until the next iteration is due (estimated from the current rate), at most 10 ms
		// so ramps from 0 and stage changes are noticed promptly.
		wait := 10 * time.Millisecond
		if rate > 0 {
			need := float64(due+1) - r.sched.cumulative(t)
			if w := time.Duration(need / rate * float64(time.Second)); w < wait {
				wait = w
			}
		}
		// Below ~0.5 ms, sleeping costs more CPU than it buys precision; a batch starts at once.
		if wait < 500*time.Microsecond {
			wait = 500 * time.Microsecond
		}
		timer.Reset(wait)
		planned := now.Add(wait)
		select {
		case <-r.ctx.Done():
			timer.Stop()
		case <-timer.C:
			// Measured after the goroutine runs again, so scheduling delay counts too.
			woke := time.Now()
			r.metrics.recordLag(max(0, woke.Sub(planned).Seconds()), r.second(woke))
		}
		if r.ctx.Err() != nil {
			break
		}
	}
	r.metrics.targetRate.Store(0)
	r.mu.Lock()
	r.loadEnd = math.Min(time.Since(r.start).Seconds(), r.sched.total)
	r.paced = true
	r.mu.Unlock()
	wg.Wait()
	r.client.CloseIdleConnections()
	r.mu.Lock()
	r.metrics.running.Store(false)
	close(r.done)
	aborted := r.aborted
	r.mu.Unlock()
	log.Printf("run %s: finished (aborted=%v, iterations=%d, dropped=%d)", r.cfg.RunID, aborted, r.metrics.iterations.Load(), r.metrics.dropped.Load())
}

// doIteration sends one request, classifies it and records it.
func (r *run) doIteration(kind int, nonce string) {
	defer r.metrics.inFlight.Add(-1)
	ctx, cancel := context.WithTimeout(r.ctx, r.classify.timeout)
	defer cancel()
	res := fetch(ctx, r.client, r.cfg.Target+pathFor(kind, nonce))
	outcome, _ := r.classify.classify(kind, nonce, res)
	sec := res.elapsed.Seconds()
	if outcome == outTimeout {
		sec = r.classify.timeout.Seconds()
	}
	r.metrics.recordRequest(kind, outcome, sec, r.second(time.Now()))
}
