package synth_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The scale benchmarks mean nothing if the synthetic designs are invalid:
// every size must load and have exactly the operations asked for.
func TestDesignsAreValid(t *testing.T) {
	for _, ops := range []int{1, 9, 10, 100, 1000} {
		t.Run(fmt.Sprintf("%d operations", ops), func(t *testing.T) {
			if testing.Short() && ops > 100 {
				t.Skip("1000 operations take a second to load")
			}
			d, err := schema.LoadBytes("synthetic.cue", synth.Design(ops, 1), "cue")
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Traffic) != ops {
				t.Fatalf("got %d operations, want %d", len(d.Traffic), ops)
			}
		})
	}
}

func TestDesignIsDeterministic(t *testing.T) {
	if !bytes.Equal(synth.Design(100, 7), synth.Design(100, 7)) {
		t.Fatal("the same size and seed gave different designs")
	}
	if bytes.Equal(synth.Design(100, 7), synth.Design(100, 8)) {
		t.Fatal("different seeds gave the same design")
	}
}
