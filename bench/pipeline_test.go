// Package bench holds the benchmark harness; this file holds the Go
// benchmarks of the pipeline stages, run by bench/gobench.sh and compared
// across commits with benchstat.
package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// designs are the inputs: the shortener example and synthetic designs.
func designs(b *testing.B) []struct {
	name string
	src  []byte
} {
	ex, err := os.ReadFile(filepath.Join("..", "examples", "shortener.cue"))
	if err != nil {
		b.Fatal(err)
	}
	out := []struct {
		name string
		src  []byte
	}{{"shortener", ex}}
	for _, n := range []int{10, 100, 1000} {
		out = append(out, struct {
			name string
			src  []byte
		}{fmt.Sprintf("ops=%d", n), synth.Design(n, 1)})
	}
	return out
}

// BenchmarkLoad measures the loader: parse, unify with #Design, validate,
// decode and check.
func BenchmarkLoad(b *testing.B) {
	for _, d := range designs(b) {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := schema.LoadBytes("design.cue", d.src, "cue"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEstimate measures the estimator alone, on loaded designs.
func BenchmarkEstimate(b *testing.B) {
	for _, d := range designs(b) {
		design, err := schema.LoadBytes("design.cue", d.src, "cue")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resetMemos()
				if _, err := estimator.Estimate(design, estimator.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReview measures the rule catalogue alone, on loaded designs.
func BenchmarkReview(b *testing.B) {
	today := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range designs(b) {
		design, err := schema.LoadBytes("design.cue", d.src, "cue")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resetMemos()
				ctx, err := rules.NewContext(design)
				if err != nil {
					b.Fatal(err)
				}
				rules.Review(ctx, rules.Options{Today: today})
			}
		})
	}
}

// graphDesigns are synthetic designs written with components: n components
// and n operations whose call trees are six deep (bench/synth.Components).
func graphDesigns(b *testing.B) []struct {
	name   string
	design *schema.Design
} {
	var out []struct {
		name   string
		design *schema.Design
	}
	for _, n := range []int{100, 1000} {
		d, err := schema.LoadBytes("graph.cue", synth.Components(n, n, 1), "cue")
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, struct {
			name   string
			design *schema.Design
		}{fmt.Sprintf("components=%d", n), d})
	}
	return out
}

// BenchmarkLoadGraph measures the loader on component designs.
func BenchmarkLoadGraph(b *testing.B) {
	for _, n := range []int{100, 1000} {
		src := synth.Components(n, n, 1)
		b.Run(fmt.Sprintf("components=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := schema.LoadBytes("graph.cue", src, "cue"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEstimateGraph measures the graph estimator alone.
func BenchmarkEstimateGraph(b *testing.B) {
	for _, d := range graphDesigns(b) {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resetMemos()
				if _, err := estimator.EstimateGraph(d.design, estimator.Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReviewGraph measures what `tradeoff review` does after loading a
// component design: the estimate and the rule catalogue over it.
func BenchmarkReviewGraph(b *testing.B) {
	today := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, d := range graphDesigns(b) {
		b.Run(d.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resetMemos()
				ctx, err := rules.NewContext(d.design)
				if err != nil {
					b.Fatal(err)
				}
				rules.Review(ctx, rules.Options{Today: today})
			}
		})
	}
}
