// Command gen writes a synthetic design with a given number of operations
// for the scale benchmarks (see bench/synth).
//
//	go run ./bench/gen -ops 1000 > design.cue
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
	flag.Parse()
	if *ops < 1 || *ops > 100000 {
		fmt.Fprintln(os.Stderr, "gen: -ops must be between 1 and 100000")
		os.Exit(2)
	}
	os.Stdout.Write(synth.Design(*ops, *seed))
}
