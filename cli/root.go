// Package cli is tradeoff's command line: one file per command, each
// parsing its flags and handing a design down the pipeline
// (schema → estimator → rules → renderers). It holds no domain logic.
package cli

import (
	"io"
	"os"

	"github.com/spf13/cobra"
)

// App carries what commands need from the outside world, so that tests can
// run the whole CLI in-process with buffers instead of a terminal.
type App struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Color is false when NO_COLOR is set or output is not a terminal.
	Color bool
	// Getenv reads the environment (tests replace it).
	Getenv func(string) string
}

// Main runs tradeoff with the process's arguments and returns its exit
// status.
func Main() int {
	app := &App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	app.Color = os.Getenv("NO_COLOR") == "" && isTerminal(os.Stdout)
	return app.Run(os.Args[1:])
}

// Run runs tradeoff with args and returns its exit status.
func (app *App) Run(args []string) int {
	root := newRootCmd(app)
	root.SetArgs(args)
	err := root.Execute()
	return exitCode(err, app.Stderr)
}

const exitStatusHelp = `
Exit status:
  0  success (and, for review, no finding at or above --fail-on)
  1  findings at or above the --fail-on threshold
  2  invalid input or usage
`

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "tradeoff",
		Short: "Review system designs: validate, estimate, and name the trade-offs",
		Long: `tradeoff reviews a system design written in CUE (or YAML/JSON): traffic,
SLOs, budget, and the load-balancer, cache, database, queue, consistency and
observability choices. It checks the design, estimates its capacity, cost,
p99 latency and availability, and flags the trade-offs it makes.

"There is no scaling, only trade-offs — name the one you're making."`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version(),
	}
	root.SetIn(app.Stdin)
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	root.SetUsageTemplate(root.UsageTemplate() + exitStatusHelp)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &UsageError{Err: err} })
	root.SetVersionTemplate("tradeoff {{.Version}}\n")

	for _, newCmd := range []func(*App) *cobra.Command{
		newValidateCmd,
		newExpandCmd,
		newImportCmd,
		newEstimateCmd,
		newReviewCmd,
		newRulesCmd,
		newExplainCmd,
		newDiagramCmd,
		newScaffoldCmd,
		newInitCmd,
		newReportCmd,
		newDiffCmd,
		newOptimizeCmd,
		newSchemaCmd,
		newVersionCmd,
	} {
		root.AddCommand(newCmd(app))
	}
	// cobra adds `completion` lazily and, having subcommands and no run
	// function of its own, answers "completion tcsh" with its help page and
	// exit 0. Runnable, it reports the unknown shell as a usage error.
	root.InitDefaultCompletionCmd()
	if c, _, err := root.Find([]string{"completion"}); err == nil && c != root {
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	return root
}
