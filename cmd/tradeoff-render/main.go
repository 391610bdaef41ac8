// Command tradeoff-render lays out a DOT graph read on standard input and
// writes it as SVG on standard output, with Graphviz compiled to
// WebAssembly: no Graphviz install is needed. `tradeoff diagram -f svg`
// runs it as a sub-process, so that only drawing pays Graphviz's start-up
// cost; it is looked for next to the tradeoff executable, then on PATH.
//
//	tradeoff diagram -f dot design.cue | tradeoff-render > design.svg
//
// Exit status: 0 rendered, 2 invalid input or usage.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/tradeoff-dev/tradeoff/internal/render"
)

// maxInput bounds standard input: a diagram of thousands of nodes is a few
// megabytes of DOT.
const maxInput = 64 << 20

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("tradeoff-render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("T", "svg", "output format: svg or dot (laid-out DOT with positions)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tradeoff-render [-T svg|dot] < graph.dot > graph.svg")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "tradeoff-render: unexpected argument %q: the graph is read from standard input\n", fs.Arg(0))
		return 2
	}
	src, err := io.ReadAll(io.LimitReader(stdin, maxInput+1))
	if err != nil {
		fmt.Fprintf(stderr, "tradeoff-render: reading standard input: %v\n", err)
		return 2
	}
	if len(src) > maxInput {
		fmt.Fprintf(stderr, "tradeoff-render: input larger than %d MiB\n", maxInput>>20)
		return 2
	}
	ctx := context.Background()
	r, err := render.New(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "tradeoff-render: %v\n", err)
		return 2
	}
	defer r.Close()
	out, err := r.Render(ctx, src, *format)
	if err != nil {
		fmt.Fprintf(stderr, "tradeoff-render: %v\n", err)
		return 2
	}
	if _, err := stdout.Write(out); err != nil {
		fmt.Fprintf(stderr, "tradeoff-render: writing output: %v\n", err)
		return 2
	}
	return 0
}
