package optimize

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// BenchmarkSearch times a whole search on each example with every knob
// tunable (--tune all), the widest search optimize makes: "finishes in
// seconds on the examples" is measured here, not asserted in a test.
func BenchmarkSearch(b *testing.B) {
	files, _ := filepath.Glob("../examples/*.cue")
	for _, f := range files {
		d, err := schema.Load(f, nil)
		if err != nil {
			b.Fatal(err)
		}
		knobs, err := Knobs(d, Tuning{Flags: []string{"all"}})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(f), ".cue"), func(b *testing.B) {
			var evals int
			for i := 0; i < b.N; i++ {
				o, err := Search(d, knobs, Options{Today: today})
				if err != nil {
					b.Fatal(err)
				}
				evals = o.Evaluations
			}
			b.ReportMetric(float64(evals), "configs")
		})
	}
}
