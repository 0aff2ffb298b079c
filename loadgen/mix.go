package main

import "math/rand/v2"

// Request kinds, in metric-label order.
const (
	kindEcho = iota
	kindPage
	kindQuote
	numKinds
)

var kindNames = [numKinds]string{"echo", "page", "quote"}

// picker chooses a request kind by weighted random. It is used from one goroutine only.
type picker struct {
	cum [numKinds]float64
	rng *rand.Rand
}

func newPicker(m Mix, rng *rand.Rand) *picker {
	p := &picker{rng: rng}
	p.cum[kindEcho] = m.Echo
	p.cum[kindPage] = p.cum[kindEcho] + m.Page
	p.cum[kindQuote] = p.cum[kindPage] + m.Quote
	return p
}

func (p *picker) pick() int {
	x := p.rng.Float64() * p.cum[numKinds-1]
	for k := 0; k < numKinds; k++ {
		// A zero weight has an empty interval, so it is never chosen.
		if x < p.cum[k] {
			return k
		}
	}
	// Float64 < 1 keeps x below the total; this guards rounding only.
	for k := numKinds - 1; k >= 0; k-- {
		if k == 0 || p.cum[k] > p.cum[k-1] {
			return k
		}
	}
	return kindEcho
}
