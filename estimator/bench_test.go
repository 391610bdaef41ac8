package estimator

import (
	"path/filepath"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// BenchmarkEstimate runs a full estimate (five scenarios, three clouds) of
// every example design. Run: go test -bench Estimate ./estimator
func BenchmarkEstimate(b *testing.B) {
	paths, _ := filepath.Glob("../examples/*.cue")
	yamls, _ := filepath.Glob("../examples/*.yaml")
	paths = append(paths, yamls...)
	if len(paths) == 0 {
		b.Fatal("no examples")
	}
	for _, p := range paths {
		d, err := schema.Load(p, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(p), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				ResetMemos() // measure the cold cost, not the memo
				if _, err := Estimate(d, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheHitRatio is Che's fixed point over a billion-object catalogue.
func BenchmarkCheHitRatio(b *testing.B) {
	z := NewZipf(1_000_000_000, 0.9)
	for i := 0; i < b.N; i++ {
		CheHitRatio(z, 10_000_000)
	}
}
