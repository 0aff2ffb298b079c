package main

import (
	"math"
	"testing"
	"time"
)

func TestScheduleCounts(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	cases := []struct {
		name   string
		stages []Stage
		want   float64
	}{
		{"constant 50/s 10s", []Stage{{Duration: 10, Executor: "constant-arrival-rate", Rate: 50}}, 500},
		{"ramp 0-100 10s", []Stage{{Duration: 10, Executor: "ramping-arrival-rate", StartRate: f(0), Rate: 100}}, 500},
		{"ramp 100-0 3s", []Stage{{Duration: 3, Executor: "ramping-arrival-rate", StartRate: f(100), Rate: 0}}, 150},
		{"steps + ramp", []Stage{
			{Duration: 10, Executor: "constant-arrival-rate", Rate: 50},
			{Duration: 10, Executor: "ramping-arrival-rate", StartRate: f(0), Rate: 100},
			{Duration: 2.5, Executor: "constant-arrival-rate", Rate: 7},
		}, 500 + 500 + 17.5},
		{"fractional rate", []Stage{{Duration: 10, Executor: "constant-arrival-rate", Rate: 0.3}}, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSchedule(c.stages)
			got := s.due(s.total)
			if math.Abs(float64(got)-c.want) > 1 {
				t.Fatalf("due at end = %d, want %v ±1", got, c.want)
			}
			// Monotonic, and never beyond the total.
			prev := int64(0)
			for ms := 0; ms <= int(s.total*1000)+500; ms += 7 {
				d := s.due(float64(ms) / 1000)
				if d < prev {
					t.Fatalf("due decreased at %d ms", ms)
				}
				prev = d
			}
			if prev != got {
				t.Fatalf("due after end %d != due at end %d", prev, got)
			}
		})
	}
	// Half-way through a 0→100 ramp over 10 s, a quarter of the iterations are due.
	s := newSchedule(cases[1].stages)
	if d := s.due(5); d != 125 {
		t.Fatalf("ramp half-way due = %d, want 125", d)
	}
	if r := s.rateAt(5); r != 50 {
		t.Fatalf("ramp half-way rate = %v, want 50", r)
	}
}

// TestRunPacing runs real (short) constant and ramping stages against a fast app.
func TestRunPacing(t *testing.T) {
	key := testKey(t)
	app := newTestApp(t, key, appOptions{})
	f := func(x float64) *float64 { return &x }
	for _, c := range []struct {
		name   string
		stages []Stage
		want   int64
	}{
		{"constant", []Stage{{Name: "c", Duration: 1, Executor: "constant-arrival-rate", Rate: 200}}, 200},
		{"ramping", []Stage{{Name: "r", Duration: 1.2, Executor: "ramping-arrival-rate", StartRate: f(0), Rate: 300}}, 180},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(app.URL)
			cfg.Stages = c.stages
			cfg.MaxInFlight = 1000
			r := startRun(mustValid(t, cfg))
			waitDone(t, r, 5*time.Second)
			tot := r.metrics.totals()
			if d := tot["iterations"] + tot["dropped"] - c.want; d < -1 || d > 1 {
				t.Fatalf("iterations+dropped = %d, want %d ±1", tot["iterations"]+tot["dropped"], c.want)
			}
			if tot["ok"] != tot["iterations"] || tot["requests"] != tot["iterations"] {
				t.Fatalf("want every request ok, got %v", tot)
			}
			if r.metrics.running.Load() || r.metrics.inFlight.Load() != 0 {
				t.Fatal("run still marked running or in flight after done")
			}
		})
	}
}

func TestDroppedWhenSaturated(t *testing.T) {
	key := testKey(t)
	app := newTestApp(t, key, appOptions{delay: 400 * time.Millisecond})
	cfg := testConfig(app.URL)
	cfg.Stages = []Stage{{Name: "s", Duration: 1, Executor: "constant-arrival-rate", Rate: 200}}
	cfg.MaxInFlight = 10
	r := startRun(mustValid(t, cfg))
	waitDone(t, r, 5*time.Second)
	tot := r.metrics.totals()
	if tot["dropped"] < 100 {
		t.Fatalf("expected most iterations dropped, got %v", tot)
	}
	// At most ~maxInFlight per 400 ms can start: 10 × ceil(1 s / 0.4 s) = 30.
	if tot["iterations"] > 30 || tot["iterations"] < 10 {
		t.Fatalf("iterations = %d, want 10..30", tot["iterations"])
	}
	if tot["iterations"]+tot["dropped"] < 199 {
		t.Fatalf("iterations+dropped = %d, want 200 ±1", tot["iterations"]+tot["dropped"])
	}
}

func TestStopAbortsInFlight(t *testing.T) {
	key := testKey(t)
	app := newTestApp(t, key, appOptions{delay: 5 * time.Second})
	cfg := testConfig(app.URL)
	cfg.Stages = []Stage{{Name: "s", Duration: 30, Executor: "constant-arrival-rate", Rate: 50}}
	cfg.TimeoutMs = 10000
	r := startRun(mustValid(t, cfg))
	time.Sleep(300 * time.Millisecond)
	r.stop()
	waitDone(t, r, 3*time.Second)
	tot := r.metrics.totals()
	if !r.isAborted() || tot["iterations"] == 0 || tot["requests"] != tot["iterations"] {
		t.Fatalf("aborted=%v totals=%v: want every started request counted", r.isAborted(), tot)
	}
}
