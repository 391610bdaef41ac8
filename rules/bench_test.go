package rules

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

func benchDesign(b *testing.B, name string) *schema.Design {
	b.Helper()
	d, err := schema.Load(filepath.Join("..", "examples", name), nil)
	if err != nil {
		b.Fatal(err)
	}
	return d
}

// BenchmarkReview measures the rules alone on a prepared context (design,
// figures and estimate already made).
func BenchmarkReview(b *testing.B) {
	for _, name := range []string{"shortener.cue", "flawed.cue"} {
		b.Run(name, func(b *testing.B) {
			c, err := NewContext(benchDesign(b, name))
			if err != nil {
				b.Fatal(err)
			}
			opts := Options{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				Review(c, opts)
			}
		})
	}
}

// BenchmarkContextAndReview adds what `tradeoff review` does before the
// rules run: the figures and the estimate.
func BenchmarkContextAndReview(b *testing.B) {
	d := benchDesign(b, "shortener.cue")
	opts := Options{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}
	for i := 0; i < b.N; i++ {
		c, err := NewContext(d)
		if err != nil {
			b.Fatal(err)
		}
		Review(c, opts)
	}
}
