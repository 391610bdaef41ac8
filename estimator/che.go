package estimator

import (
	"math"
	"slices"
	"sort"
	"sync"
)

// Zipf popularity over n objects with exponent s: q_i ∝ i^{−s}, Σq_i = 1.
// Large catalogues are compressed into buckets of equal rank width on a log
// scale so Che's fixed point stays fast for a billion keys; each bucket keeps
// its total probability mass and a representative per-object popularity.
type Zipf struct {
	N int64   // objects in the catalogue
	S float64 // skew exponent (1 is classic Zipf)

	prob  []float64 // per-object popularity in each bucket
	count []float64 // objects in each bucket
}

// zipfExactLimit is the catalogue size up to which every rank is kept.
const zipfExactLimit = 20000

// NewZipf builds the popularity table. Above zipfExactLimit objects, ranks
// beyond the first are grouped into geometrically growing buckets (ratio
// 1.002), whose popularity varies by at most 0.2%·s inside a bucket.
//
// The buckets do not depend on n, only where the last one is cut, so the
// unnormalised buckets of each skew are computed once per process (see
// zipfRanks) and a catalogue of any size takes its prefix: the runway asks
// for a new catalogue size every month it probes, and this is what keeps
// that from recomputing thousands of powers each time. The result is bit
// for bit what building the table from scratch gives.
func NewZipf(n int64, s float64) Zipf {
	z := Zipf{N: n, S: s}
	if n <= 0 {
		return z
	}
	zipfMu.Lock()
	defer zipfMu.Unlock()
	r := ranksFor(n <= zipfExactLimit, s)
	r.extend(n)
	k := sort.Search(len(r.hi), func(i int) bool { return r.hi[i] > n }) // buckets wholly within n
	z.prob = make([]float64, k, k+1)
	z.count = make([]float64, k, k+1)
	copy(z.prob, r.prob[:k])
	copy(z.count, r.count[:k])
	total := 0.0
	if k > 0 {
		total = r.total[k-1]
	}
	if lo := int64(1); k < len(r.hi) {
		if k > 0 {
			lo = r.hi[k-1] + 1
		}
		if lo <= n { // the bucket that n cuts short
			p, cnt := zipfBucket(lo, n, s)
			z.prob = append(z.prob, p)
			z.count = append(z.count, cnt)
			total += p * cnt
		}
	}
	for i := range z.prob {
		z.prob[i] /= total
	}
	return z
}

// zipfBucket is the mean of i^{−s} over ranks lo..hi (inclusive), by the
// midpoint rule on ranks for wide buckets, and the bucket's width.
func zipfBucket(lo, hi int64, s float64) (mean, cnt float64) {
	cnt = float64(hi - lo + 1)
	sum := 0.0
	if hi-lo < 8 {
		for i := lo; i <= hi; i++ {
			sum += math.Pow(float64(i), -s)
		}
	} else {
		sum = cnt * math.Pow(math.Sqrt(float64(lo)*float64(hi)), -s)
	}
	return sum / cnt, cnt
}

// zipfRanks is one skew's buckets, unnormalised and uncut, in rank order:
// one rank each (exact) or growing by 1.002 (bucketed). total[i] is the
// mass of buckets 0..i, summed in the same order NewZipf sums them.
type zipfRanks struct {
	exact bool
	s     float64
	hi    []int64 // last rank of each bucket
	prob  []float64
	count []float64
	total []float64
}

// extend adds buckets until they reach rank n, making room for them all
// at once: ranks up to 500 are one bucket each, then buckets grow by 0.2%.
func (r *zipfRanks) extend(n int64) {
	need := n
	if !r.exact && n > 500 {
		need = 500 + int64(math.Log(float64(n)/500)/math.Log(1.002)) + 16
	}
	if extra := int(need) - len(r.hi); extra > 0 {
		r.hi = slices.Grow(r.hi, extra)
		r.prob = slices.Grow(r.prob, extra)
		r.count = slices.Grow(r.count, extra)
		r.total = slices.Grow(r.total, extra)
	}
	for len(r.hi) == 0 || r.hi[len(r.hi)-1] < n {
		lo := int64(1)
		if len(r.hi) > 0 {
			lo = r.hi[len(r.hi)-1] + 1
		}
		hi := lo
		if !r.exact {
			hi = nextBucketEnd(lo)
		}
		p, cnt := zipfBucket(lo, hi, r.s)
		total := p * cnt
		if len(r.total) > 0 {
			total = r.total[len(r.total)-1] + p*cnt
		}
		r.hi = append(r.hi, hi)
		r.prob = append(r.prob, p)
		r.count = append(r.count, cnt)
		r.total = append(r.total, total)
	}
}

// nextBucketEnd is the last rank of the bucket that starts at lo: 0.2%
// wider, and the last int64 once that product no longer fits one. Without
// that cap the conversion of a product past 2^63 gave a negative rank, every
// bucket near the top became one rank wide, and a catalogue of 9e18 keys
// asked for quintillions of buckets (FuzzEstimate, out of memory).
func nextBucketEnd(lo int64) int64 {
	f := math.Floor(float64(lo) * 1.002)
	if f >= math.MaxInt64 { // float64(MaxInt64) is 2^63
		return math.MaxInt64
	}
	return max(int64(f), lo)
}

type zipfKey struct {
	exact bool
	s     float64
}

// zipfTables holds the buckets of every skew met in the process, guarded
// by zipfMu; a bucketed table for a billion objects is about 8,000
// buckets, so the map is emptied past a few dozen skews.
var (
	zipfMu     sync.Mutex
	zipfTables = map[zipfKey]*zipfRanks{}
)

func ranksFor(exact bool, s float64) *zipfRanks {
	k := zipfKey{exact, s}
	r := zipfTables[k]
	if r == nil {
		if len(zipfTables) >= 64 {
			clear(zipfTables)
		}
		r = &zipfRanks{exact: exact, s: s}
		zipfTables[k] = r
	}
	return r
}

// CheHitRatio is the LRU hit ratio for a cache holding c objects under
// independent requests with Zipf popularity (Che, Tung & Wang 2002; Fricker,
// Robert & Roberts, arXiv 1202.3974). It solves Σ(1 − e^{−q_i·T}) = c for
// the characteristic time T, then H = Σ q_i·(1 − e^{−q_i·T}).
func CheHitRatio(z Zipf, c float64) float64 {
	if c <= 0 || z.N <= 0 {
		return 0
	}
	if c >= float64(z.N) {
		return 1
	}
	t := cheTime(z, c, false)
	h := 0.0
	for i, q := range z.prob {
		h += z.count[i] * q * -math.Expm1(-q*t)
	}
	return math.Min(h, 1)
}

// StaticTopHitRatio is the perfect-LFU bound: the cache holds the c most
// popular objects, H = Σ_{i≤c} q_i (Doyle et al., USITS 2003, in its discrete
// form). LRU never beats it under independent requests.
func StaticTopHitRatio(z Zipf, c float64) float64 {
	h, left := 0.0, c
	for i, q := range z.prob {
		if left <= 0 {
			break
		}
		take := math.Min(z.count[i], left)
		h += take * q
		left -= take
	}
	return math.Min(h, 1)
}

// CheCapacityFor is the LRU size, in objects, that reaches hit ratio h under
// Che's approximation: both the occupancy and the hit ratio grow with the
// characteristic time T, so solving for T on the hit ratio finds it.
func CheCapacityFor(z Zipf, h float64) float64 {
	if h <= 0 || z.N <= 0 {
		return 0
	}
	if h >= 1 {
		return float64(z.N)
	}
	t := cheTime(z, h, true)
	c := 0.0
	for i, q := range z.prob {
		c += z.count[i] * -math.Expm1(-q*t)
	}
	return c
}

// cheTime solves g(T) = target for the characteristic time T, where
// g(T) = Σ n_i·w_i·(1 − e^{−q_i·T}) over the buckets, w_i = q_i (the hit
// ratio) when byMass, else 1 (the occupancy). g is increasing and concave,
// so Newton's method started at T = 0 climbs to the root from below without
// overshooting: a few passes over the buckets, each computing g and g'
// together, where doubling and bisection took about seventy. It is what
// keeps an estimate of a cached design as fast as loading it.
func cheTime(z Zipf, target float64, byMass bool) float64 {
	t := 0.0
	for range 500 {
		g, dg := 0.0, 0.0
		for i, q := range z.prob {
			w := z.count[i]
			if byMass {
				w *= q
			}
			em1 := 0.0 // e^{−qT} − 1, exact for small qT; the first pass needs none
			if t != 0 {
				em1 = math.Expm1(-q * t)
			}
			g -= w * em1
			dg += w * q * (1 + em1)
		}
		if g >= target || dg <= 0 {
			return t
		}
		step := (target - g) / dg
		if step <= t*1e-13 {
			return t + step
		}
		t += step
	}
	return t
}
