package estimator

import (
	"encoding/binary"
	"math"
)

// Stage is one independent delay on a request path. Its time is Fixed
// seconds, plus an exponential with rate Rate (per second) when Rate > 0,
// present only with probability Prob (1 when zero). An M/M/c hop is two
// stages: the service Exp(μ) always, and the wait Exp(cμ−λ) with probability
// C(c,a) — exactly the hypoexponential of MMc.ResponseTail.
type Stage struct {
	Fixed float64
	Rate  float64
	Prob  float64
}

// QueueStages splits an M/M/c hop into its service and waiting stages. A
// queue nobody waits in (C(c,a) = 0, as at zero load) has no waiting stage:
// a Prob of zero would mean "always".
func QueueStages(q MMc) []Stage {
	return ServiceStages(q, 1)
}

// ServiceStages splits an M/G/c hop, whose service time has coefficient of
// variation cv (standard deviation over mean), into its service and waiting
// stages; cv = 1 is M/M/c exactly. Variability, not the mean, makes the
// queue:
//
//   - The wait keeps M/M/c's probability C(c,a) and its exponential shape,
//     with its mean scaled by (1 + cv²)/2: the Allen–Cunneen approximation
//     for Poisson arrivals, which for one server is Kingman's formula and
//     Pollaczek–Khinchine's exact M/G/1 mean. Keeping the shape is this
//     estimator's choice [D]; the sources give the mean.
//   - The service has mean 1/μ and standard deviation cv/μ: a fixed
//     (1−cv)/μ then Exp(μ/cv) for cv ≤ 1 (all fixed at cv = 0), and for
//     cv > 1 a two-phase Coxian, Exp(2μ) then, with probability 1/(2cv²),
//     Exp(μ/cv²).
func ServiceStages(q MMc, cv float64) []Stage {
	var out []Stage
	switch {
	case cv == 1:
		out = []Stage{{Rate: q.Mu}}
	case cv <= 0:
		out = []Stage{{Fixed: 1 / q.Mu}}
	case cv < 1:
		out = []Stage{{Fixed: (1 - cv) / q.Mu}, {Rate: q.Mu / cv}}
	default:
		out = []Stage{{Rate: 2 * q.Mu}, {Rate: q.Mu / (cv * cv), Prob: 1 / (2 * cv * cv)}}
	}
	if c := q.PWait(); c > 0 {
		rate := q.theta()
		if cv != 1 {
			rate *= 2 / (1 + cv*cv)
		}
		out = append(out, Stage{Rate: rate, Prob: c})
	}
	return out
}

// Dist is the distribution of a sum of stages, held as its CDF on a uniform
// grid and shifted by the sum of the fixed delays. Percentiles do not add
// (estimation.md §4.2), so paths are combined through their distributions.
type Dist struct {
	shift float64
	dt    float64
	cdf   []float64 // cdf[k] = P(random part ≤ k·dt)
}

// distPoints is the grid size; the grid spans the 1−1e-9 quantile of every
// exponential stage added up, so the truncated tail is negligible.
const distPoints = 4096

// SumStages convolves the stages numerically. Adding an Exp(λ) stage to a
// variable with CDF F gives H(t) = ∫ λe^{−λu} F(t−u) du; with F linear
// between grid points the update is exact:
//
//	H(t+h) = e^{−λh}·H(t) + a·F(t+h) − b·(F(t+h) − F(t)),
//	a = 1 − e^{−λh},  b = (1 − e^{−λh}(1+λh)) / (λh).
//
// This is O(points) per stage and fully deterministic. Operations that
// cross the same tiers in the same scenario have the same stages, so the
// result is remembered per exact stage chain (see sumMemo): a design with a
// thousand operations on three paths convolves a handful of chains, not
// thousands, and every result is bit for bit what the convolution gives.
func SumStages(stages []Stage) Dist {
	return sumMemo.get(stageKey(stages), func() Dist { return sumStages(stages) })
}

// sumMemo remembers convolved distributions within a process, keyed by the
// exact bits of every stage in order (the order matters to the last bit of
// floating point, so it is part of the key). Dist is never modified after
// it is built, so callers may share one. At 2,048 chains of about 33 KB
// the memo is emptied, which bounds it to 67 MB: a component design has a
// chain or two per component, and a review estimates it once per
// scenario, so a thousand components' chains must fit to be reused.
var sumMemo = newMemoTable[string, Dist](2048)

// ResetMemos empties the process-wide memos (convolved stage chains,
// mixture quantiles, queue hops, Che's results and Zipf buckets), so that a benchmark
// measures what one command pays from a cold start rather than what a
// long-running caller pays once warm.
func ResetMemos() {
	sumMemo.reset()
	mixMemo.reset()
	hopMemo.reset()
	opMemo.reset()
	cheMu.Lock()
	clear(cheMemo)
	cheMu.Unlock()
	zipfMu.Lock()
	clear(zipfTables)
	zipfMu.Unlock()
}

// stageKey is the exact bit pattern of a stage chain.
func stageKey(stages []Stage) string {
	b := make([]byte, 0, 24*len(stages))
	for _, s := range stages {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.Fixed))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.Rate))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(s.Prob))
	}
	return string(b)
}

func sumStages(stages []Stage) Dist {
	d := Dist{}
	span := 0.0
	for _, s := range stages {
		d.shift += s.Fixed
		if s.Rate > 0 && s.prob() > 0 {
			span += -math.Log(1e-9) / s.Rate
		}
	}
	if span == 0 {
		return d
	}
	d.dt = span / distPoints
	f := make([]float64, distPoints+1)
	for k := range f {
		f[k] = 1 // all mass at zero
	}
	h := make([]float64, distPoints+1)
	for _, s := range stages {
		p := s.prob()
		if s.Rate <= 0 || p == 0 {
			continue
		}
		x := s.Rate * d.dt
		e := math.Exp(-x)
		a := -math.Expm1(-x)
		b := (a - x*e) / x
		h[0] = 0
		for k := 1; k <= distPoints; k++ {
			h[k] = e*h[k-1] + a*f[k] - b*(f[k]-f[k-1])
		}
		if p == 1 { // (1−p)·f + p·h is h exactly: f is a CDF, finite
			f, h = h, f
			continue
		}
		for k := range f {
			f[k] = (1-p)*f[k] + p*h[k]
		}
	}
	d.cdf = f
	return d
}

func (s Stage) prob() float64 {
	if s.Prob == 0 {
		return 1
	}
	return s.Prob
}

// CDF is P(T ≤ t).
func (d Dist) CDF(t float64) float64 {
	x := t - d.shift
	if x < 0 {
		return 0
	}
	if d.cdf == nil {
		return 1
	}
	k := x / d.dt
	i := int(k)
	if i >= len(d.cdf)-1 {
		return d.cdf[len(d.cdf)-1]
	}
	fr := k - float64(i)
	return d.cdf[i]*(1-fr) + d.cdf[i+1]*fr
}

// Quantile is the smallest t with P(T ≤ t) ≥ p.
func (d Dist) Quantile(p float64) float64 {
	return MixtureQuantile(p, []Weighted{{Weight: 1, Dist: d}})
}

// Mean is E[T], integrated from the grid.
func (d Dist) Mean() float64 {
	m := d.shift
	for k := 0; k+1 < len(d.cdf); k++ {
		m += (1 - (d.cdf[k]+d.cdf[k+1])/2) * d.dt
	}
	return m
}

// upper is a time beyond which the distribution has no mass left to speak of.
func (d Dist) upper() float64 { return d.shift + d.dt*float64(len(d.cdf)) }

// Weighted is one branch of a mixture, such as the cache-hit path with
// weight h and the miss path with weight 1−h.
type Weighted struct {
	Weight float64
	Dist   Dist
}

// MixtureQuantile is the p-quantile of F(t) = Σ w_i·F_i(t), by bisection
// (estimation.md §4.2, "cache hit/miss mixture"). The operations that
// share a path share their distributions (see SumStages), so a mixture of
// up to two is remembered by the identity of its grids (see mixMemo).
func MixtureQuantile(p float64, parts []Weighted) float64 {
	if len(parts) > 2 {
		return mixtureQuantile(p, parts)
	}
	k := mixKey{p: p, n: len(parts)}
	for i, w := range parts {
		k.parts[i] = partKey{w: w.Weight, shift: w.Dist.shift, dt: w.Dist.dt, n: len(w.Dist.cdf)}
		if len(w.Dist.cdf) > 0 {
			k.parts[i].cdf = &w.Dist.cdf[0]
		}
	}
	return mixMemo.get(k, func() float64 { return mixtureQuantile(p, parts) })
}

// mixMemo remembers quantiles of mixtures by the address of each part's
// grid: a Dist's grid is never written after it is built, and the key
// holds the grid's first element, so the memory cannot be reused for
// another grid while the entry lives.
var mixMemo = newMemoTable[mixKey, float64](4096)

type mixKey struct {
	p     float64
	n     int
	parts [2]partKey
}

type partKey struct {
	w, shift, dt float64
	cdf          *float64
	n            int
}

func mixtureQuantile(p float64, parts []Weighted) float64 {
	total, hi := 0.0, 0.0
	for _, w := range parts {
		total += w.Weight
		hi = math.Max(hi, w.Dist.upper())
	}
	cdf := func(t float64) float64 {
		s := 0.0
		for _, w := range parts {
			s += w.Weight * w.Dist.CDF(t)
		}
		return s / total
	}
	return bisect(func(t float64) bool { return cdf(t) >= p }, 0, hi)
}

// FanOutQuantile is the request-level p-quantile when a request waits for n
// identical independent calls: the per-call quantile at p^{1/n} ("The Tail at
// Scale", Dean & Barroso 2013).
func FanOutQuantile(d Dist, p float64, n int) float64 {
	return d.Quantile(math.Pow(p, 1/float64(n)))
}
