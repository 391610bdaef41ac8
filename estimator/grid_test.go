package estimator

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func expCDF(rate float64) func(float64) float64 {
	return func(t float64) float64 { return 1 - math.Exp(-rate*t) }
}

// TestGridAgainstClosedForms checks each composition on a case with a
// known answer.
func TestGridAgainstClosedForms(t *testing.T) {
	const span = 0.2
	e := GridOf(span, expCDF(100)) // mean 10 ms
	for _, tc := range []struct {
		name string
		got  float64
		want float64
	}{
		// Erlang-2: 1 − e^{−λt}(1 + λt) = 0.99 at λt = 6.6384.
		{"two in order", e.Then(e).Quantile(0.99), 0.066384},
		// Waiting for all of 10: F^10 = 0.99 → t = −ln(1 − 0.99^{1/10}) / λ.
		{"fan-out of 10, all", e.KOfN(10, 10).Quantile(0.99), -math.Log(1-math.Pow(0.99, 0.1)) / 100},
		// The first of 3: 1 − (1 − F)^3 = 0.99 → t = −ln(0.01) / (3λ).
		{"first of 3", e.KOfN(1, 3).Quantile(0.99), -math.Log(0.01) / 300},
		{"max of two is all of two", e.Max(e).Quantile(0.99), e.KOfN(2, 2).Quantile(0.99)},
		// A lognormal fixed by its p50 and p99 gives them back.
		{"lognormal p50", GridOf(5, LognormalCDF(0.4, 2)).Quantile(0.5), 0.4},
		{"lognormal p99", GridOf(5, LognormalCDF(0.4, 2)).Quantile(0.99), 2},
		// Half the requests hit at 1 ms, half miss to an exponential:
		// 0.5 + 0.5·F(t) = 0.99 → F(t) = 0.98.
		{"mixture", PointGrid(span, 0.001).Mix(0.5, e).Quantile(0.99), -math.Log(0.02) / 100},
		// Timeout 30 ms, one retry: P(T ≤ t) = F(τ) + (1 − F(τ))·F(t − τ)
		// for τ < t ≤ 2τ; F(τ) = 0.9502, so 0.99 needs F(t−τ) = 0.7993.
		{"timeout and a retry", e.Timeout(0.030, 1).Quantile(0.99), 0.030 - math.Log(1-(0.99-(1-math.Exp(-3)))/math.Exp(-3))/100},
	} {
		if math.Abs(tc.got-tc.want) > 0.01*tc.want+2*span/gridPoints {
			t.Errorf("%s: %.5f, want %.5f", tc.name, tc.got, tc.want)
		}
	}
	// A timeout with no retry left fails 5% of requests: no p99.
	if q := e.Timeout(0.030, 0).Quantile(0.99); !math.IsInf(q, 1) {
		t.Errorf("timeout without retry: p99 %v, want +Inf (5%% fail)", q)
	}
}

// TestFanOutAgainstSimulation: a request that does 2 ms of its own work
// (exponential), then fans out to 20 shards of a lognormal backend (p50
// 5 ms, p99 40 ms) and waits for all, then reads a store (exponential,
// mean 1 ms), simulated with a fixed seed and compared with the grids.
func TestFanOutAgainstSimulation(t *testing.T) {
	const span = 1.0
	own, store := GridOf(span, expCDF(500)), GridOf(span, expCDF(1000))
	shard := GridOf(span, LognormalCDF(0.005, 0.040))
	tree := own.Then(shard.KOfN(20, 20)).Then(store)

	rng := rand.New(rand.NewPCG(17, 18))
	mu, sigma := math.Log(0.005), (math.Log(0.040)-math.Log(0.005))/2.3263478740408408
	const n = 200000
	samples := make([]float64, n)
	for i := range samples {
		worst := 0.0
		for range 20 {
			worst = math.Max(worst, math.Exp(mu+sigma*rng.NormFloat64()))
		}
		samples[i] = rng.ExpFloat64()/500 + worst + rng.ExpFloat64()/1000
	}
	slices.Sort(samples)
	for _, p := range []float64{0.5, 0.9, 0.99} {
		sim := samples[int(p*n)]
		got := tree.Quantile(p)
		if math.Abs(got-sim) > 0.03*sim {
			t.Errorf("p%g: grids %.2f ms, simulation %.2f ms", p*100, got*1000, sim*1000)
		}
	}
}

func TestAtLeast(t *testing.T) {
	for _, tc := range []struct {
		k, n int
		p    float64
		want float64
	}{
		{1, 1, 0.3, 0.3},
		{2, 3, 0.5, 0.5},          // P(≥2 of 3 fair coins)
		{2, 3, 0.9, 0.972},        // 3·0.81·0.1 + 0.729
		{3, 5, 0.999, 0.99999999}, // quorum of 5 at 99.9%: fails only with 3 down, C(5,3)·1e-9
		{0, 4, 0.1, 1},
		{5, 4, 0.9, 0},
	} {
		if got := atLeast(tc.k, tc.n, tc.p); math.Abs(got-tc.want) > 1e-6 {
			t.Errorf("atLeast(%d, %d, %v) = %v, want %v", tc.k, tc.n, tc.p, got, tc.want)
		}
	}
}

// TestConvolveFFTMatchesDirect: the FFT path of Then gives the direct
// sum's distribution, for spread and narrow operands alike.
func TestConvolveFFTMatchesDirect(t *testing.T) {
	for _, tc := range []struct {
		name string
		a, b Grid
	}{
		{"lognormal then lognormal", GridOf(2, LognormalCDF(0.1, 0.5)), GridOf(2, LognormalCDF(0.2, 0.9))},
		{"exponential then lognormal", GridOf(1, func(t float64) float64 { return 1 - math.Exp(-t/0.05) }), GridOf(1, LognormalCDF(0.05, 0.3))},
		{"point then lognormal", PointGrid(1, 0.1), GridOf(1, LognormalCDF(0.05, 0.3))},
		// Both start late and run past the end together: the FFT is sized
		// to the supports and cut at the grid's end.
		{"late then late", GridOf(1, func(t float64) float64 { return LognormalCDF(0.2, 0.5)(t - 0.4) }), GridOf(1, func(t float64) float64 { return LognormalCDF(0.1, 0.4)(t - 0.3) })},
		{"narrow then spread", GridOf(1, func(t float64) float64 { return LognormalCDF(0.01, 0.012)(t - 0.2) }), GridOf(1, LognormalCDF(0.2, 0.9))},
	} {
		pa, pb := tc.a.pmfInto(make([]float64, gridPoints)), tc.b.pmfInto(make([]float64, gridPoints))
		loA, hiA := support(pa)
		loB, hiB := support(pb)
		s := scratchPool.Get().(*convScratch)
		direct := slices.Clone(s.convolveDirect(pa, pb, loA, hiA, loB, hiB))
		fft := s.convolveFFT(pa, pb, loA, hiA, loB, hiB)
		scratchPool.Put(s)
		for k := range direct {
			if math.Abs(direct[k]-fft[k]) > 1e-12 {
				t.Errorf("%s: cell %d: direct %g, FFT %g", tc.name, k, direct[k], fft[k])
				break
			}
		}
	}
}

// TestThenPointIsAShift: a fixed delay convolved by the shortcut gives what
// the sum over cells gives, for a delay that always answers and one that
// answers with a probability below one, on either side.
func TestThenPointIsAShift(t *testing.T) {
	spread := GridOf(1, LognormalCDF(0.05, 0.3))
	half := PointGrid(1, 0.2).Mix(0.5, newGrid(1))
	for _, tc := range []struct {
		name string
		a, b Grid
	}{
		{"zero then spread", PointGrid(1, 0), spread},
		{"spread then delay", spread, PointGrid(1, 0.1)},
		{"half a delay then spread", half, spread},
	} {
		got := tc.a.Then(tc.b)
		pa, pb := tc.a.pmfInto(make([]float64, gridPoints)), tc.b.pmfInto(make([]float64, gridPoints))
		s := scratchPool.Get().(*convScratch)
		pdf := s.convolveDirect(pa, pb, 0, gridPoints-1, 0, gridPoints-1)
		sum := 0.0
		for k := range pdf {
			sum += pdf[k]
			if want := math.Min(1, sum); math.Abs(got.cdf[k]-want) > 1e-12 {
				t.Errorf("%s: cell %d: shift %g, sum %g", tc.name, k, got.cdf[k], want)
				break
			}
		}
		scratchPool.Put(s)
	}
}
