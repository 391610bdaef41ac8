package main

import (
	"flag"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/tradeoff-dev/tradeoff/cli"
)

func main() {
	n := flag.Int("n", 20, "")
	out := flag.String("o", "/tmp/perf/cli.prof", "")
	flag.Parse()
	f, _ := os.Create(*out)
	pprof.StartCPUProfile(f)
	for i := 0; i < *n; i++ {
		app := &cli.App{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: io.Discard, Getenv: os.Getenv}
		app.Run(flag.Args())
	}
	pprof.StopCPUProfile()
}
