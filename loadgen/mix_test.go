package main

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestMixProportions(t *testing.T) {
	cases := []struct {
		mix  Mix
		want [numKinds]float64
	}{
		{Mix{Echo: 70, Page: 20, Quote: 10}, [numKinds]float64{0.7, 0.2, 0.1}},
		{Mix{Echo: 1, Page: 1, Quote: 2}, [numKinds]float64{0.25, 0.25, 0.5}},
		{Mix{Echo: 0, Page: 0, Quote: 5}, [numKinds]float64{0, 0, 1}},
		{Mix{Echo: 3, Page: 0, Quote: 0}, [numKinds]float64{1, 0, 0}},
	}
	const n = 100000
	for _, c := range cases {
		p := newPicker(c.mix, rand.New(rand.NewPCG(1, 2)))
		var got [numKinds]float64
		for i := 0; i < n; i++ {
			got[p.pick()]++
		}
		for k := range got {
			frac := got[k] / n
			if math.Abs(frac-c.want[k]) > 0.01 || (c.want[k] == 0 && got[k] != 0) {
				t.Errorf("mix %+v: %s fraction %.4f, want %.2f", c.mix, kindNames[k], frac, c.want[k])
			}
		}
	}
}

func TestMixSeedable(t *testing.T) {
	a := newPicker(Mix{Echo: 1, Page: 1, Quote: 1}, rand.New(rand.NewPCG(7, 7)))
	b := newPicker(Mix{Echo: 1, Page: 1, Quote: 1}, rand.New(rand.NewPCG(7, 7)))
	for i := 0; i < 1000; i++ {
		if a.pick() != b.pick() {
			t.Fatal("same seed gave different sequences")
		}
	}
}
