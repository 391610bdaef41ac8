// Command tradeoff reviews system designs written in CUE: it validates
// them, estimates their capacity, cost, latency and availability, and
// names the trade-offs they make.
package main

import (
	"os"

	"github.com/tradeoff-dev/tradeoff/cli"
)

func main() { os.Exit(cli.Main()) }
