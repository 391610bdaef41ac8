package estimator

import (
	"testing"
)

func TestCompositeAvailability(t *testing.T) {
	tests := []struct {
		name      string
		got, want float64
	}{
		{"primer: two 99.9% in series give 99.8%", Series(0.999, 0.999), 0.998001},
		{"primer: two 99.9% in parallel give 99.9999%", Parallel(0.999, 0.999), 0.999999},
		{"three identical members", ParallelN(0.99, 3), 0.999999},
		{"failover that always switches is parallel", Failover(0.995, 0.995, 1), Parallel(0.995, 0.995)},
		{"failover that never switches is the primary", Failover(0.995, 0.995, 0), 0.995},
		{"empty series is certain", Series(), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !near(tt.got, tt.want, 1e-12) {
				t.Errorf("got %.12f, want %.12f", tt.got, tt.want)
			}
		})
	}
}

func TestErrorBudgetMatchesPrimer(t *testing.T) {
	// Primer: 99.9% allows 43m 49.7s a month; 99.99% allows 4m 23s. The
	// primer uses a 365.25/12-day month (43,830 min); ours is 730 h
	// (43,800 min), so the two agree to within 2 s.
	tests := []struct {
		a       float64
		seconds float64
	}{
		{0.999, 43*60 + 49.7},
		{0.9999, 4*60 + 23},
	}
	for _, tt := range tests {
		got := DowntimeMinutesPerMonth(tt.a) * 60
		if d := got - tt.seconds; d > 2 || d < -2 {
			t.Errorf("A=%g: %.1f s/month, want %.1f", tt.a, got, tt.seconds)
		}
	}
}

func TestMoreReplicasNeverLowerAvailability(t *testing.T) {
	for _, a := range []float64{0.9, 0.99, 0.995, 0.999, 0.9999} {
		prev := 0.0
		for n := 1; n <= 12; n++ {
			got := Series(0.9999, ParallelN(a, n))
			if got < prev {
				t.Errorf("a=%g: %d replicas give %.9f, fewer gave %.9f", a, n, got, prev)
			}
			prev = got
		}
	}
}
