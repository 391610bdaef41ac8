package estimator

import (
	"math"
	"testing"
)

func TestConsumersByLittlesLaw(t *testing.T) {
	tests := []struct {
		name                 string
		lambda, work, target float64
		want                 int
	}{
		{"100 msg/s × 50 ms = 5 busy, at 60% needs 9", 100, 0.05, 0.6, 9},
		{"100 msg/s × 50 ms at 100% needs 5", 100, 0.05, 1, 5},
		{"a trickle still needs one consumer", 0.01, 0.2, 0.6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ConsumersFor(tt.lambda, tt.work, tt.target); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestBacklogAndDrain(t *testing.T) {
	// 10 minutes down at 100 msg/s leaves 60,000 messages; with capacity 150
	// the spare 50 msg/s drains them in 1,200 s.
	if got := DrainSeconds(100, 150, 600); got != 1200 {
		t.Errorf("drain = %g s, want 1200", got)
	}
	if got := DrainSeconds(100, 100, 600); !math.IsInf(got, 1) {
		t.Errorf("no spare capacity must never drain, got %g", got)
	}
	if got := DrainSeconds(100, 150, 0); got != 0 {
		t.Errorf("no outage, no backlog: got %g", got)
	}
	if got := BacklogGrowth(120, 100); got != 20 {
		t.Errorf("growth = %g, want 20 msg/s", got)
	}
	if got := BacklogGrowth(80, 100); got != 0 {
		t.Errorf("growth = %g, want 0", got)
	}
}

func TestRunway(t *testing.T) {
	tests := []struct {
		name                   string
		load, capacity, growth float64
		want                   float64
	}{
		{"10× headroom at 10×/year lasts a year", 100, 1000, 10, 12},
		{"100× a year (the talk) eats 10× headroom in 6 months", 100, 1000, 100, 6},
		{"already saturated", 1000, 900, 10, 0},
		{"no growth, no deadline", 100, 1000, 1, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RunwayMonths(tt.load, tt.capacity, tt.growth)
			if !(got == tt.want || near(got, tt.want, 1e-12)) {
				t.Errorf("got %g months, want %g", got, tt.want)
			}
		})
	}
	if got := GrowthFactor(100, 6); !near(got, 10, 1e-12) {
		t.Errorf("six months at 100×/year = %g×, want 10×", got)
	}
}
