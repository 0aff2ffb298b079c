package main

import "math"

// schedule is the piecewise-linear arrival rate of a run. Iterations due by time t are
// floor(integral of the rate from 0 to t), computed from t itself so the pacer never drifts.
type schedule struct {
	stages []Stage
	starts []float64 // start time of each stage, seconds
	total  float64
}

func newSchedule(stages []Stage) *schedule {
	s := &schedule{stages: stages, starts: make([]float64, len(stages))}
	for i, st := range stages {
		s.starts[i] = s.total
		s.total += st.Duration
	}
	return s
}

func startRate(st Stage) float64 {
	if st.Executor == "ramping-arrival-rate" && st.StartRate != nil {
		return *st.StartRate
	}
	return st.Rate
}

// stageAt returns the index of the stage running at t (the last one once t >= total).
func (s *schedule) stageAt(t float64) int {
	for i := len(s.stages) - 1; i > 0; i-- {
		if t >= s.starts[i] {
			return i
		}
	}
	return 0
}

// rateAt is the target arrival rate at t, in iterations/s; 0 after the end.
func (s *schedule) rateAt(t float64) float64 {
	if t < 0 || t >= s.total {
		return 0
	}
	i := s.stageAt(t)
	st := s.stages[i]
	r0 := startRate(st)
	return r0 + (st.Rate-r0)*(t-s.starts[i])/st.Duration
}

// cumulative is the exact (fractional) number of iterations due by t.
func (s *schedule) cumulative(t float64) float64 {
	if t <= 0 {
		return 0
	}
	n := 0.0
	for i, st := range s.stages {
		r0 := startRate(st)
		tau := math.Min(t-s.starts[i], st.Duration)
		if tau <= 0 {
			break
		}
		n += r0*tau + (st.Rate-r0)*tau*tau/(2*st.Duration)
	}
	return n
}

// due is the whole number of iterations that must have started by t. The epsilon keeps
// 10 s × 50/s from landing on 499.999… because of floating-point error.
func (s *schedule) due(t float64) int64 {
	return int64(math.Floor(s.cumulative(t) + 1e-9))
}
