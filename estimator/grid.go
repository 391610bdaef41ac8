package estimator

import (
	"math"
	"sync"

	"gonum.org/v1/gonum/dsp/fourier"
)

// Grid is a latency distribution held as its CDF on a uniform grid from 0,
// for composing the calls of a call tree: calls in order add (their
// distributions convolve), parallel branches and fan-outs take the maximum
// (CDFs multiply, for independent calls: F^N is "the tail at scale"),
// waiting for the first k of n takes an order statistic, a cache is a
// mixture of its hit and its miss, and a timeout with retries truncates
// and restarts. Percentiles do not add; distributions do.
type Grid struct {
	dt  float64
	cdf []float64 // cdf[k] = P(T ≤ k·dt)
}

// gridPoints is the resolution of every grid of one operation.
const gridPoints = 2048

// newGrid is an empty grid spanning [0, span].
func newGrid(span float64) Grid {
	if span <= 0 {
		span = 1e-3
	}
	return Grid{dt: span / (gridPoints - 1), cdf: make([]float64, gridPoints)}
}

// PointGrid is a fixed delay.
func PointGrid(span, t float64) Grid {
	g := newGrid(span)
	for k := range g.cdf {
		if float64(k)*g.dt >= t-1e-12 {
			g.cdf[k] = 1
		}
	}
	return g
}

// GridOf samples a distribution's CDF onto a grid.
func GridOf(span float64, cdf func(t float64) float64) Grid {
	g := newGrid(span)
	for k := range g.cdf {
		g.cdf[k] = cdf(float64(k) * g.dt)
	}
	return g
}

// LognormalCDF is the lognormal whose median is p50 and whose 99th
// percentile is p99: ln T ~ N(ln p50, σ²), σ = (ln p99 − ln p50) / z₀.₉₉.
// It is how an external provider's published p50 and p99 become a
// distribution: two percentiles fix a lognormal, and a latency is never
// negative.
func LognormalCDF(p50, p99 float64) func(float64) float64 {
	const z99 = 2.3263478740408408
	mu := math.Log(p50)
	sigma := (math.Log(p99) - mu) / z99
	return func(t float64) float64 {
		if t <= 0 {
			return 0
		}
		if sigma <= 0 {
			if t >= p50 {
				return 1
			}
			return 0
		}
		return 0.5 * math.Erfc(-(math.Log(t)-mu)/(sigma*math.Sqrt2))
	}
}

// at is P(T ≤ t), interpolated between grid points.
func (g Grid) at(t float64) float64 {
	if t < 0 {
		return 0
	}
	k := t / g.dt
	i := int(k)
	if i >= len(g.cdf)-1 {
		return g.cdf[len(g.cdf)-1]
	}
	fr := k - float64(i)
	return g.cdf[i]*(1-fr) + g.cdf[i+1]*fr
}

// Quantile is the smallest grid time with P(T ≤ t) ≥ p, interpolated
// between grid points; +Inf when the grid never reaches p (a call that
// can fail: a timeout with no retry left).
func (g Grid) Quantile(p float64) float64 {
	for k, c := range g.cdf {
		if c >= p {
			if k == 0 {
				return 0
			}
			prev := g.cdf[k-1]
			fr := 0.0
			if c > prev {
				fr = (p - prev) / (c - prev)
			}
			return (float64(k-1) + fr) * g.dt
		}
	}
	return math.Inf(1)
}

// Mean is E[T] over the grid (the mass that never arrives is left out).
func (g Grid) Mean() float64 {
	m := 0.0
	for k := 0; k+1 < len(g.cdf); k++ {
		m += (g.cdf[k+1] - g.cdf[k]) * (float64(k) + 0.5) * g.dt
	}
	return m
}

// Then is the time of a followed by b: the convolution of the two.
func (g Grid) Then(b Grid) Grid {
	// A fixed delay (the start of a sequence, a stated work) only moves
	// the other distribution: no product to sum.
	if i, p, ok := g.point(); ok {
		return b.shifted(i, p)
	}
	if j, p, ok := b.point(); ok {
		return g.shifted(j, p)
	}
	s := scratchPool.Get().(*convScratch)
	defer scratchPool.Put(s)
	pa, pb := g.pmfInto(s.pa), b.pmfInto(s.pb)
	// Only the cells that hold probability take part: a hop's time is
	// concentrated on a few cells of an operation's span, so this is far
	// below gridPoints² (the result is the same).
	loA, hiA := support(pa)
	loB, hiB := support(pb)
	var pdf []float64
	if (hiA-loA+1)*(hiB-loB+1) > fftAbove {
		pdf = s.convolveFFT(pa, pb, loA, hiA, loB, hiB)
	} else {
		pdf = s.convolveDirect(pa, pb, loA, hiA, loB, hiB)
	}
	out := newGrid(g.dt * (gridPoints - 1))
	sum := 0.0
	for k := range out.cdf {
		sum += pdf[k]
		out.cdf[k] = math.Min(1, sum)
	}
	return out
}

// point is the cell that holds all of the grid's mass, and that mass,
// when one cell does: a fixed delay, of a call that always answers or of
// one that sometimes does not.
func (g Grid) point() (cell int, mass float64, ok bool) {
	i := 0
	for i < len(g.cdf) && g.cdf[i] == 0 {
		i++
	}
	if i == len(g.cdf) {
		return 0, 0, false
	}
	for _, c := range g.cdf[i+1:] {
		if c != g.cdf[i] {
			return 0, 0, false
		}
	}
	return i, g.cdf[i], true
}

// shifted is the grid delayed by cells and scaled by mass: its
// convolution with a point.
func (g Grid) shifted(cells int, mass float64) Grid {
	out := newGrid(g.dt * (gridPoints - 1))
	for k := cells; k < len(out.cdf); k++ {
		out.cdf[k] = math.Min(1, mass*g.cdf[k-cells])
	}
	return out
}

// fftAbove is the size (cells × cells) above which a convolution goes
// through the FFT, O(n log n), rather than the direct sum, O(n²): the
// direct sum is exact and cheaper for the narrow distributions of most
// hops; two spread distributions are four million products directly.
// The threshold is the fastest of 4, 16 and 64 × gridPoints on the
// 1,000-component benchmark (bench: BenchmarkEstimateGraph).
const fftAbove = 16 * gridPoints

// convScratch is one convolution's working memory: the cells of both
// operands and the result, and an FFT with its buffers for each size a
// convolution takes. A thousand-operation estimate convolves thousands of
// times, and allocating these each time was most of its garbage; each
// goroutine takes its own from the pool.
type convScratch struct {
	pa, pb, pdf []float64
	ffts        map[int]*fftBuffers
}

// fftBuffers is an FFT of one size with its inputs and outputs.
type fftBuffers struct {
	fft            *fourier.FFT
	padA, padB, sq []float64
	ca, cb         []complex128
}

var scratchPool = sync.Pool{New: func() any {
	return &convScratch{
		pa: make([]float64, gridPoints), pb: make([]float64, gridPoints), pdf: make([]float64, gridPoints),
		ffts: map[int]*fftBuffers{},
	}
}}

// sized is the FFT of n points, made on first use.
func (s *convScratch) sized(n int) *fftBuffers {
	f := s.ffts[n]
	if f == nil {
		f = &fftBuffers{fft: fourier.NewFFT(n), padA: make([]float64, n), padB: make([]float64, n), sq: make([]float64, n),
			ca: make([]complex128, n/2+1), cb: make([]complex128, n/2+1)}
		s.ffts[n] = f
	}
	return f
}

// convolveFFT is the first gridPoints cells of a ∗ b by the FFT, over the
// cells that hold probability (lo to hi of each): a circular convolution
// as long as the two supports together is a linear one, so the FFT is
// the power of two that holds them, often half of twice the grid. Only
// the cells below the grid's end are wanted, so neither operand is taken
// past them. The tiny negative values rounding leaves are zeroed.
func (s *convScratch) convolveFFT(a, b []float64, loA, hiA, loB, hiB int) []float64 {
	want := gridPoints - loA - loB // result cells from loA+loB on
	la, lb := min(hiA-loA+1, want), min(hiB-loB+1, want)
	n := 2
	for n < la+lb-1 {
		n *= 2
	}
	f := s.sized(n)
	copy(f.padA, a[loA:loA+la])
	clear(f.padA[la:])
	copy(f.padB, b[loB:loB+lb])
	clear(f.padB[lb:])
	ca, cb := f.fft.Coefficients(f.ca, f.padA), f.fft.Coefficients(f.cb, f.padB)
	for i := range ca {
		ca[i] *= cb[i]
	}
	seq := f.fft.Sequence(f.sq, ca)
	out := s.pdf
	clear(out)
	scale := float64(n) // gonum's inverse is not normalised
	for m := range min(n, want) {
		out[loA+loB+m] = math.Max(0, seq[m]/scale)
	}
	return out
}

// convolveDirect is a ∗ b over the cells that hold probability.
func (s *convScratch) convolveDirect(pa, pb []float64, loA, hiA, loB, hiB int) []float64 {
	pdf := s.pdf
	clear(pdf)
	for i := loA; i <= hiA; i++ {
		x := pa[i]
		if x == 0 {
			continue
		}
		last := min(hiB, gridPoints-1-i)
		row := pdf[i:]
		for j := loB; j <= last; j++ {
			row[j] += x * pb[j]
		}
	}
	return pdf
}

// negligible is a cell probability too small to matter at the ends of a
// distribution: all the cells of a grid below it hold less than 1e-11,
// far under the 1e-2 a p99 reads.
const negligible = 5e-15

// support is the first and last cell of p that hold more than negligible
// probability (hi < lo when none does): an exponential tail is positive
// to the end of the grid, but its last cells do not move any percentile.
func support(p []float64) (lo, hi int) {
	lo, hi = 0, -1
	for lo < len(p) && p[lo] <= negligible {
		lo++
	}
	for hi = len(p) - 1; hi >= lo && p[hi] <= negligible; hi-- {
	}
	return lo, hi
}

// pmfInto is the probability in each grid cell (cdf[0] in the first),
// written into p.
func (g Grid) pmfInto(p []float64) []float64 {
	prev := 0.0
	for k, c := range g.cdf {
		p[k] = math.Max(0, c-prev)
		prev = c
	}
	return p
}

// Max is the later of two independent times: a fork that joins.
func (g Grid) Max(b Grid) Grid {
	out := newGrid(g.dt * (gridPoints - 1))
	for k := range out.cdf {
		out.cdf[k] = g.cdf[k] * b.cdf[k]
	}
	return out
}

// KOfN is the time until k of n independent calls with this distribution
// have answered: P(at least k done by t) = Σ_{j≥k} C(n,j) F^j (1−F)^{n−j}.
// k = n is the fan-out that waits for all (F^n), k = 1 the first answer,
// k = ⌊n/2⌋+1 a quorum.
func (g Grid) KOfN(k, n int) Grid {
	out := newGrid(g.dt * (gridPoints - 1))
	for i, f := range g.cdf {
		out.cdf[i] = atLeast(k, n, f)
	}
	return out
}

// atLeast is P(Binomial(n, p) ≥ k).
func atLeast(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	case k == n:
		return math.Pow(p, float64(n))
	case p <= 0:
		return 0
	case p >= 1:
		return 1
	}
	// Sum the binomial terms in logs: n can be large.
	lp, lq := math.Log(p), math.Log1p(-p)
	s := 0.0
	for j := k; j <= n; j++ {
		lc := lgamma(n+1) - lgamma(j+1) - lgamma(n-j+1)
		s += math.Exp(lc + float64(j)*lp + float64(n-j)*lq)
	}
	return math.Min(1, s)
}

func lgamma(n int) float64 {
	v, _ := math.Lgamma(float64(n))
	return v
}

// Mix is a mixture: with probability w this grid, else b (a cache hit and
// its miss; a call made by a share of requests and skipped by the rest).
func (g Grid) Mix(w float64, b Grid) Grid {
	out := newGrid(g.dt * (gridPoints - 1))
	for k := range out.cdf {
		out.cdf[k] = w*g.cdf[k] + (1-w)*b.cdf[k]
	}
	return out
}

// Timeout is a call the caller abandons after tau and tries again, up to
// retries more times: T = X when X ≤ τ, else τ plus the next attempt. With
// no attempt left the caller gives up at τ with a failure: that mass never
// arrives, so it counts against the tail (the quantile is +Inf when more
// than 1% of requests fail).
func (g Grid) Timeout(tau float64, retries int) Grid {
	out := newGrid(g.dt * (gridPoints - 1))
	kt := int(math.Floor(tau / g.dt))
	if kt >= gridPoints-1 {
		return g
	}
	pLate := 1 - g.cdf[kt]
	var next Grid
	if retries > 0 {
		next = g.Timeout(tau, retries-1)
	}
	for k := range out.cdf {
		if k <= kt {
			out.cdf[k] = g.cdf[k]
			continue
		}
		v := g.cdf[kt]
		if retries > 0 {
			v += pLate * next.cdf[k-kt]
		}
		out.cdf[k] = v
	}
	return out
}
