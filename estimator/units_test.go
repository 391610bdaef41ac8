package estimator

import (
	"math"
	"testing"
)

func TestConversionsAreExact(t *testing.T) {
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"2M a day is 23.148 per second", PerDayToPerSecond(2e6), 2e6 / 86400},
		{"86,400 a day is exactly one per second", PerDayToPerSecond(86400), 1},
		{"the 730 h month has 2,628,000 seconds", SecondsPerMonth, 2628000},
		{"2,628,000 a month is exactly one per second", PerMonthToPerSecond(2628000), 1},
		{"one per second is 2,628,000 a month", PerSecondToPerMonth(1), 2628000},
		{"a month has 43,800 minutes", MinutesPerMonth, 43800},
		// system-design-primer: 1 req/s = 2.5M/month, 40 rps = 100M/month, 400 rps = 1B/month.
		{"primer: 2.5M a month is 1 per second", PrimerPerMonthToPerSecond(2.5e6), 1},
		{"primer: 100M a month is 40 per second", PrimerPerMonthToPerSecond(100e6), 40},
		{"primer: 1B a month is 400 per second", PrimerPerMonthToPerSecond(1e9), 400},
		{"primer: 10M writes a month is 4 per second", PrimerPerMonthToPerSecond(10e6), 4},
		{"a GiB is 2^30 bytes", GiB, 1 << 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %.17g, want %.17g", tt.got, tt.want)
			}
		})
	}
}

func TestExactAndPrimerMonthDifferByFivePercent(t *testing.T) {
	// The primer's 2.5M s/month is a rounding of 2.628M; the exact figure is
	// 4.87% lower per second, which derivations state rather than hide.
	exact := PerMonthToPerSecond(1e9)
	primer := PrimerPerMonthToPerSecond(1e9)
	if d := (primer - exact) / primer; math.Abs(d-0.0487) > 0.0005 {
		t.Errorf("relative gap = %.4f, want about 0.0487", d)
	}
}

func TestCeilCount(t *testing.T) {
	for _, tt := range []struct {
		x    float64
		want int
	}{
		{0, 0}, {0.2, 1}, {3, 3}, {3.01, 4}, {-5, 0}, {math.NaN(), 0},
		{1e15, 1e15}, {1.1e27, 1e15}, {math.Inf(1), 1e15},
	} {
		if got := ceilCount(tt.x); got != tt.want {
			t.Errorf("ceilCount(%v) = %d, want %d", tt.x, got, tt.want)
		}
	}
}
