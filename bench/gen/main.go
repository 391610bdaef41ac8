// Command gen writes a synthetic design with a given number of operations
// for the scale benchmarks (see bench/synth).
//
//	go run ./bench/gen -ops 1000 > design.cue
//	go run ./bench/gen -components 1000 -ops 1000 > graph.cue
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
)

func main() {
	ops := flag.Int("ops", 100, "number of operations")
	seed := flag.Int64("seed", 1, "random seed")
	comps := flag.Int("components", 0, "write the design with this many components (at least 20) instead of the shorthand")
	flag.Parse()
	if *ops < 1 || *ops > 100000 {
		fmt.Fprintln(os.Stderr, "gen: -ops must be between 1 and 100000")
		os.Exit(2)
	}
	if *comps > 0 {
		os.Stdout.Write(synth.Components(*comps, *ops, *seed))
		return
	}
	os.Stdout.Write(synth.Design(*ops, *seed))
}
