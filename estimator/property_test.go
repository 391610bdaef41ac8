package estimator_test

import (
	"math/rand/v2"
	"testing"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// variant is base with its numbers turned at random by the fuzzer's knobs
// (variant 0 is the example itself).
func variant(base *schema.Design, rng *rand.Rand, i int) *schema.Design {
	d := cloneDesign(base)
	if i > 0 {
		data := make([]byte, 5*40)
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		applyKnobs(d, i, data)
	}
	return d
}

// TestStoredBytesNeverShrink: data a design keeps is there at the horizon.
// Whatever the rates, growth, retention and sizes, the stored bytes and
// objects at the horizon are at least those of today.
func TestStoredBytesNeverShrink(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 4))
	for pick, base := range fuzzBases(t) {
		for i := range 40 {
			d := variant(base, rng, i)
			for _, months := range []int{1, 12, 36} {
				r, err := estimator.Estimate(d, estimator.Options{HorizonMonths: months})
				if err != nil {
					t.Fatalf("base %d variant %d: %v", pick, i, err)
				}
				for _, c := range r.Components {
					db := c.DB
					if db == nil {
						continue
					}
					if db.StorageHorizon < db.StorageBytes || db.ObjectsHorizon < db.Objects {
						t.Fatalf("base %d (%s) variant %d, %d months: %s stores %g B / %g objects now and %g B / %g at the horizon\ndesign: %s",
							pick, base.System.Name, i, months, c.Name, db.StorageBytes, db.Objects, db.StorageHorizon, db.ObjectsHorizon, designJSON(d))
					}
				}
			}
		}
	}
}

// TestMoreRegionsNeverLessAvailableNorCheaper: every example and random
// variants of it, run in one region and then in two to five: each region
// more never lowers the availability and never costs less on any cloud.
func TestMoreRegionsNeverLessAvailableNorCheaper(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 5))
	for pick, base := range fuzzBases(t) {
		if base.System.Footprint == schema.SingleNode {
			continue
		}
		for i := range 10 {
			d := variant(base, rng, i)
			d.System.PeerRegions = nil
			var prev *estimator.Result
			for regions := 1; regions <= 5; regions++ {
				d.System.Regions = regions
				d.System.Footprint = schema.MultiZone
				if regions > 1 {
					d.System.Footprint = schema.MultiRegion
				}
				r, err := estimator.Estimate(d, estimator.Options{})
				if err != nil {
					t.Fatalf("base %d variant %d: %v", pick, i, err)
				}
				if prev != nil {
					if r.Availability.Estimated < prev.Availability.Estimated {
						t.Fatalf("%s variant %d: %d regions %v, %d regions %v\ndesign: %s", base.System.Name, i,
							regions, r.Availability.Estimated, regions-1, prev.Availability.Estimated, designJSON(d))
					}
					for _, cloud := range estimator.Clouds {
						if now, before := r.Cost.For(cloud).MonthlyUSD, prev.Cost.For(cloud).MonthlyUSD; now < before {
							t.Fatalf("%s variant %d on %s: %d regions $%v, %d regions $%v", base.System.Name, i, cloud, regions, now, regions-1, before)
						}
					}
				}
				prev = r
			}
		}
	}
}
