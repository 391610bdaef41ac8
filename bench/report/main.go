// Command benchreport turns the raw output of the benchmark tools
// (hyperfine JSON, GNU time, wrk, bench/openloop) into the Markdown tables of
// BENCHMARKS.md, and writes one section of that file without touching the
// others. It is a helper for the bench/*.sh scripts, not part of tradeoff.
package main

import (
	"fmt"
	"os"
)

var commands = map[string]func(args []string) error{
	"section": sectionCmd,
	"machine": machineCmd,
	"cli":     cliCmd,
	"scale":   scaleCmd,
	"service": serviceCmd,
	"predict": predictCmd,
	"calib":   calibCmd,
	"measure": measureCmd,
	"summary": summaryCmd,
}

func main() {
	if len(os.Args) < 2 || commands[os.Args[1]] == nil {
		fmt.Fprintln(os.Stderr, "usage: benchreport section|machine|cli [flags]")
		os.Exit(2)
	}
	if err := commands[os.Args[1]](os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport "+os.Args[1]+": "+err.Error())
		os.Exit(1)
	}
}
