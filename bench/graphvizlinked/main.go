//go:build graphvizlinked

// Command graphvizlinked is tradeoff with go-graphviz linked in, built only
// by bench/diagram.sh (go build -tags graphvizlinked) to measure what every
// command would pay for Graphviz's WebAssembly start-up if the main binary
// imported it. It is the counterfactual, never shipped.
package main

import (
	"os"

	_ "github.com/goccy/go-graphviz"

	"github.com/tradeoff-dev/tradeoff/cli"
)

func main() { os.Exit(cli.Main()) }
