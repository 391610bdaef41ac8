package estimator

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

func near(got, want, rel float64) bool {
	if want == 0 {
		return math.Abs(got) <= rel
	}
	return math.Abs(got-want) <= rel*math.Abs(want)
}

func TestErlangBMatchesPublishedTable(t *testing.T) {
	// Values from standard Erlang B tables (blocking probability).
	tests := []struct {
		c    int
		a    float64
		want float64
	}{
		{1, 1, 0.5},
		{2, 1, 0.2},
		{5, 2, 0.03670},
		{10, 5, 0.01838},
	}
	for _, tt := range tests {
		if got := ErlangB(tt.c, tt.a); !near(got, tt.want, 2e-3) {
			t.Errorf("B(%d, %g) = %.5f, want %.5f", tt.c, tt.a, got, tt.want)
		}
	}
}

func TestErlangCRecurrenceAgreesWithClosedForm(t *testing.T) {
	for c := 1; c <= 40; c++ {
		for _, rho := range []float64{0.05, 0.3, 0.6, 0.85, 0.99} {
			a := rho * float64(c)
			got, want := ErlangC(c, a), erlangCClosedForm(c, a)
			if !near(got, want, 1e-10) {
				t.Errorf("c=%d a=%g: recurrence %.12f, closed form %.12f", c, a, got, want)
			}
		}
	}
}

func TestErlangCMatchesKnownValues(t *testing.T) {
	tests := []struct {
		name string
		c    int
		a    float64
		want float64
	}{
		{"M/M/1 waits with probability ρ", 1, 0.7, 0.7},
		{"M/M/2 at ρ=0.5 is 2ρ²/(1+ρ) = 1/3", 2, 1, 1.0 / 3},
		{"3 servers at 2 Erlangs is 4/9", 3, 2, 4.0 / 9},
		{"call-centre table: 10 Erlangs on 11 agents", 11, 10, 0.6821},
		{"call-centre table: 10 Erlangs on 12 agents", 12, 10, 0.4494},
		{"overloaded: every arrival waits", 4, 5, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ErlangC(tt.c, tt.a); !near(got, tt.want, 5e-4) {
				t.Errorf("C(%d, %g) = %.5f, want %.5f", tt.c, tt.a, got, tt.want)
			}
		})
	}
}

func TestErlangCDoesNotOverflowForLargeFleets(t *testing.T) {
	got := ErlangC(5000, 4900)
	if math.IsNaN(got) || got <= 0 || got >= 1 {
		t.Fatalf("C(5000, 4900) = %v, want a probability in (0,1)", got)
	}
}

// TestErlangBOfBillionsOfServers: sixty billion servers (a design's 1e9
// rps per instance at a 60 s service time) offered 6035 Erlangs block no
// one, as sixty thousand do, and the recurrence stops once it reaches zero
// rather than stepping through every server.
func TestErlangBOfBillionsOfServers(t *testing.T) {
	if b := ErlangB(60_000_000_000, 6035); b != 0 || ErlangB(60_000, 6035) != 0 {
		t.Fatalf("ErlangB(6e10, 6035) = %v, ErlangB(6e4, 6035) = %v, want 0", b, ErlangB(60_000, 6035))
	}
	if c := ErlangC(60_000_000_000, 6035); c != 0 {
		t.Fatalf("ErlangC(6e10, 6035) = %v, want 0", c)
	}
}

func TestMM1ResponseQuantileIsExponential(t *testing.T) {
	// In M/M/1 the response time is Exp(μ−λ): t_p = −ln(1−p)/(μ−λ).
	q := MMc{Lambda: 600, Mu: 1000, C: 1}
	for _, p := range []float64{0.5, 0.9, 0.99, 0.999} {
		got, err := q.ResponseQuantile(p)
		if err != nil {
			t.Fatal(err)
		}
		want := -math.Log(1-p) / 400
		if !near(got, want, 1e-6) {
			t.Errorf("p=%g: got %.6g s, want %.6g s", p, got, want)
		}
	}
}

func TestMMcMeanWaitAndLittlesLaw(t *testing.T) {
	q := MMc{Lambda: 2, Mu: 1, C: 3}
	wq, err := q.MeanWait()
	if err != nil {
		t.Fatal(err)
	}
	// C = 4/9, cμ−λ = 1 → Wq = 4/9 s; Lq = λWq = 8/9.
	if !near(wq, 4.0/9, 1e-9) || !near(q.Lambda*wq, 8.0/9, 1e-9) {
		t.Errorf("Wq = %g, Lq = %g; want 4/9 and 8/9", wq, q.Lambda*wq)
	}
	w, _ := q.MeanResponse()
	if !near(w, 4.0/9+1, 1e-9) {
		t.Errorf("W = %g, want %g", w, 4.0/9+1)
	}
}

func TestWaitQuantileIsZeroWhenFewWait(t *testing.T) {
	q := MMc{Lambda: 1, Mu: 10, C: 4} // C tiny
	got, _ := q.WaitQuantile(0.99)
	if got != 0 {
		t.Errorf("t99 wait = %g, want 0", got)
	}
	q = MMc{Lambda: 0.9, Mu: 1, C: 1} // C = 0.9, θ = 0.1
	got, _ = q.WaitQuantile(0.99)
	if want := math.Log(0.9/0.01) / 0.1; !near(got, want, 1e-12) {
		t.Errorf("t99 wait = %g, want %g", got, want)
	}
}

func TestResponseTailMatchesSimulation(t *testing.T) {
	// Seeded FCFS M/M/3 simulation; the analytic p99 must agree within 3%.
	q := MMc{Lambda: 2.4, Mu: 1, C: 3}
	want, err := q.ResponseQuantile(0.99)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	free := make([]float64, q.C)
	now := 0.0
	const n = 400000
	resp := make([]float64, 0, n)
	for i := 0; i < n+20000; i++ {
		now += rng.ExpFloat64() / q.Lambda
		k := 0
		for j := range free {
			if free[j] < free[k] {
				k = j
			}
		}
		start := math.Max(now, free[k])
		free[k] = start + rng.ExpFloat64()/q.Mu
		if i >= 20000 { // drop the warm-up
			resp = append(resp, free[k]-now)
		}
	}
	sort.Float64s(resp)
	got := resp[int(0.99*float64(len(resp)))]
	if !near(got, want, 0.03) {
		t.Errorf("simulated p99 %.3f s, analytic %.3f s", got, want)
	}
}

func TestUnstableQueueIsAnError(t *testing.T) {
	q := MMc{Lambda: 10, Mu: 2, C: 5}
	if _, err := q.ResponseQuantile(0.99); err != ErrUnstable {
		t.Errorf("err = %v, want ErrUnstable", err)
	}
}

func TestServersFor(t *testing.T) {
	tests := []struct {
		name             string
		lambda, mu, util float64
		want             int
	}{
		{"69.4 rps at 400 rps × 0.6 needs one", 69.4, 400, 0.6, 1},
		{"exactly at target needs no extra server", 240, 400, 0.6, 1},
		{"just above target needs two", 241, 400, 0.6, 2},
		{"no traffic still needs one", 0, 400, 0.6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ServersFor(tt.lambda, tt.mu, tt.util); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}
