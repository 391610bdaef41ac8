package estimator

import (
	"container/list"
	"math"
	"math/rand/v2"
	"sort"
	"testing"
)

// simulateLRU replays seeded independent Zipf requests through an exact LRU
// of capacity c and returns the hit ratio after a warm-up.
func simulateLRU(n int, s float64, c int, requests int, seed uint64) float64 {
	z := NewZipf(int64(n), s)
	cdf := make([]float64, n)
	acc := 0.0
	for i, q := range z.prob {
		acc += q
		cdf[i] = acc
	}
	rng := rand.New(rand.NewPCG(seed, 7))
	lru := list.New()
	where := make(map[int]*list.Element, c)
	hits, counted := 0, 0
	warm := requests / 5
	for r := 0; r < requests; r++ {
		k := sort.SearchFloat64s(cdf, rng.Float64()*acc)
		if e, ok := where[k]; ok {
			lru.MoveToFront(e)
			if r >= warm {
				hits++
			}
		} else {
			where[k] = lru.PushFront(k)
			if lru.Len() > c {
				old := lru.Back()
				lru.Remove(old)
				delete(where, old.Value.(int))
			}
		}
		if r >= warm {
			counted++
		}
	}
	return float64(hits) / float64(counted)
}

func TestCheMatchesExactLRUSimulation(t *testing.T) {
	tests := []struct {
		name string
		n, c int
		s    float64
	}{
		{"classic Zipf, 1% cached", 10000, 100, 1.0},
		{"classic Zipf, 10% cached", 10000, 1000, 1.0},
		{"mild skew 0.8, 5% cached", 5000, 250, 0.8},
		{"steep skew 1.2, 2% cached", 5000, 100, 1.2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			che := CheHitRatio(NewZipf(int64(tt.n), tt.s), float64(tt.c))
			sim := simulateLRU(tt.n, tt.s, tt.c, 600000, 42)
			if math.Abs(che-sim) > 0.01 {
				t.Errorf("Che %.4f vs simulated LRU %.4f", che, sim)
			}
		})
	}
}

func TestCheIsBelowStaticTopAndAboveCacheShare(t *testing.T) {
	z := NewZipf(100000, 0.9)
	for _, c := range []float64{10, 1000, 20000} {
		che, top := CheHitRatio(z, c), StaticTopHitRatio(z, c)
		if che > top+1e-9 {
			t.Errorf("c=%g: LRU %.4f above perfect LFU %.4f", c, che, top)
		}
		if che < c/float64(z.N) {
			t.Errorf("c=%g: LRU %.4f below uniform share %.4f", c, che, c/float64(z.N))
		}
	}
}

func TestBucketedZipfAgreesWithExact(t *testing.T) {
	// Just above the exact limit the bucketed table must give the same hit
	// ratio as the exact one just below it, to well under a percent.
	exact := CheHitRatio(NewZipf(zipfExactLimit, 1), 500)
	bucketed := CheHitRatio(NewZipf(zipfExactLimit+1, 1), 500)
	if math.Abs(exact-bucketed) > 0.002 {
		t.Errorf("exact %.5f vs bucketed %.5f", exact, bucketed)
	}
}

func TestZipfAtTheTopOfInt64(t *testing.T) {
	// Catalogues near 2^63 keys must bucket like any other: a few
	// thousand buckets that sum to one, not one bucket per rank.
	for _, n := range []int64{math.MaxInt64, math.MaxInt64 - 1, 1 << 62, 9_223_000_000_000_000_000} {
		z := NewZipf(n, 0.9)
		if len(z.prob) > 30000 {
			t.Errorf("n=%d: %d buckets, want a few thousand", n, len(z.prob))
		}
		mass, objects := 0.0, 0.0
		for i, q := range z.prob {
			mass += q * z.count[i]
			objects += z.count[i]
		}
		if math.Abs(mass-1) > 1e-9 || math.Abs(objects-float64(n))/float64(n) > 1e-9 {
			t.Errorf("n=%d: mass %g over %g objects", n, mass, objects)
		}
		if h := CheHitRatio(z, 1e6); !(h > 0 && h < 1) {
			t.Errorf("n=%d: hit ratio %g", n, h)
		}
	}
}

func TestBiggerCacheNeverLowersHitRatio(t *testing.T) {
	for _, s := range []float64{0.6, 0.8, 1.0, 1.3} {
		z := NewZipf(1_000_000_000, s)
		prev := 0.0
		for c := 1.0; c < 1e9; c *= 3.7 {
			h := CheHitRatio(z, c)
			if h < prev-1e-9 {
				t.Errorf("s=%g: hit ratio fell from %.6f to %.6f at c=%g", s, prev, h, c)
			}
			prev = h
		}
	}
}

func TestCheEdges(t *testing.T) {
	z := NewZipf(100, 1)
	if got := CheHitRatio(z, 0); got != 0 {
		t.Errorf("empty cache hit ratio %g", got)
	}
	if got := CheHitRatio(z, 100); got != 1 {
		t.Errorf("cache holding everything hit ratio %g", got)
	}
	if got := CheHitRatio(NewZipf(1000, 0), 100); math.Abs(got-0.1) > 0.01 {
		t.Errorf("uniform popularity: hit ratio %g, want about the cached share 0.1", got)
	}
}

func TestCheCapacityForInvertsTheHitRatio(t *testing.T) {
	z := NewZipf(5_000_000, 0.9)
	for _, h := range []float64{0.3, 0.6, 0.9} {
		c := CheCapacityFor(z, h)
		if got := CheHitRatio(z, c); math.Abs(got-h) > 1e-4 {
			t.Errorf("capacity %.0f for hit ratio %g gives %.5f", c, h, got)
		}
	}
}

// zipfFromScratch builds the table the way NewZipf did before it shared
// buckets between catalogue sizes: the reference the shared tables must
// match bit for bit.
func zipfFromScratch(n int64, s float64) Zipf {
	z := Zipf{N: n, S: s}
	if n <= 0 {
		return z
	}
	add := func(lo, hi int64) {
		p, cnt := zipfBucket(lo, hi, s)
		z.prob = append(z.prob, p)
		z.count = append(z.count, cnt)
	}
	if n <= zipfExactLimit {
		for i := int64(1); i <= n; i++ {
			add(i, i)
		}
	} else {
		for lo := int64(1); lo <= n; {
			hi := min(max(int64(math.Floor(float64(lo)*1.002)), lo), n)
			add(lo, hi)
			lo = hi + 1
		}
	}
	total := 0.0
	for i := range z.prob {
		total += z.prob[i] * z.count[i]
	}
	for i := range z.prob {
		z.prob[i] /= total
	}
	return z
}

func TestSharedZipfBucketsMatchATableBuiltFromScratch(t *testing.T) {
	// Sizes in an order that both extends a table and cuts it short, on
	// both sides of the exact limit and at bucket edges.
	sizes := []int64{1, 2, 7, 500, 19999, 20000, 20001, 3_000_000, 25_000, 1_000_000_000, 123_456_789, 501, 1_000_000_001}
	for _, s := range []float64{0.7, 0.99, 1.2} {
		for _, n := range sizes {
			got, want := NewZipf(n, s), zipfFromScratch(n, s)
			if len(got.prob) != len(want.prob) {
				t.Fatalf("n=%d s=%g: %d buckets, want %d", n, s, len(got.prob), len(want.prob))
			}
			for i := range want.prob {
				if got.prob[i] != want.prob[i] || got.count[i] != want.count[i] {
					t.Fatalf("n=%d s=%g bucket %d: (%v, %v), want (%v, %v)", n, s, i, got.prob[i], got.count[i], want.prob[i], want.count[i])
				}
			}
		}
	}
}
