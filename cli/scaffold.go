package cli

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/scaffold"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type scaffoldOptions struct {
	output  string
	module  string
	force   bool
	offline bool
}

func newScaffoldCmd(app *App) *cobra.Command {
	opts := &scaffoldOptions{}
	cmd := &cobra.Command{
		Use:   "scaffold FILE -o DIR",
		Short: "Generate a runnable Go URL-shortener service for the design's stack",
		Long: `Generate a Go URL shortener that runs on the stack the design chose:
PostgreSQL or MySQL; Redis, Memcached or no shared cache; Kafka, RabbitMQ,
NATS JetStream, SQS or no queue; nginx, HAProxy or a managed load balancer.

The service has the API, configuration, caching, click counting, metrics,
alert rules, dashboard, load-balancer config, migrations, tests and load
test described in docs/scaffold.md. Its defaults (TTL, stampede defence,
pool sizes, replicas, shards, SLO alerts, load-test rates) come from the
design and its estimate; with no backing service configured it runs on
in-process stand-ins, so 'go run ./cmd/server' works anywhere.

DIR must be new or empty unless --force is given; --force replaces the
generated files and leaves others alone. Files are written to a staging
directory first and moved into place, so a failure leaves DIR as it was.
'go mod tidy' runs in the new project (it needs the Go module proxy or a
warm module cache); --offline skips it.`,
		Example: `  tradeoff scaffold examples/shortener.cue -o shortener
  tradeoff scaffold design.cue -o svc --module github.com/acme/links --force`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.output == "" {
				return usageErrorf("name the output directory with -o DIR")
			}
			return scaffoldRun(cmd, app, args[0], opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "directory to generate the project in (required)")
	cmd.Flags().StringVar(&opts.module, "module", "", "Go module path of the project (default example.com/<design name>)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "write into a non-empty directory, replacing generated files")
	cmd.Flags().BoolVar(&opts.offline, "offline", false, "skip 'go mod tidy' (run it yourself before building)")
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

func scaffoldRun(cmd *cobra.Command, app *App, path string, opts *scaffoldOptions) error {
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	var p scaffold.Params
	var mapping *scaffold.Mapping
	if len(d.Components) > 0 {
		est, gerr := estimator.EstimateGraph(d, estimator.Options{})
		if gerr != nil {
			return &InputError{Err: gerr}
		}
		p, mapping, err = scaffold.FromGraph(d, est)
	} else {
		est, eerr := estimator.Estimate(d, estimator.Options{})
		if eerr != nil {
			return eerr
		}
		p, mapping, err = scaffold.FromDesign(d, est)
	}
	var unsupported *scaffold.UnsupportedError
	if errors.As(err, &unsupported) {
		return schema.Errors{{Pos: d.Source.ValuePos(unsupported.Path), Path: unsupported.Path,
			Msg: unsupported.Msg + "; hint: " + unsupported.Hint}}
	}
	if err != nil {
		return err
	}
	if opts.module != "" {
		p.Module = opts.module
	}
	stderr := cmd.ErrOrStderr()
	res, err := scaffold.Generate(cmd.Context(), p, opts.output, scaffold.Options{
		Force:    opts.force,
		Offline:  opts.offline,
		Progress: func(msg string) { fmt.Fprintln(stderr, "scaffold:", msg) },
	})
	var pe *scaffold.ParamError
	var pathErr *scaffold.PathError
	switch {
	case errors.Is(err, scaffold.ErrNotEmpty):
		return usageErrorf("%s is not empty: pick a new directory, or pass --force to replace the generated files in it", opts.output)
	case errors.As(err, &pe), errors.As(err, &pathErr):
		return &InputError{Err: fmt.Errorf("%s: %w", path, err)}
	case err != nil:
		return err
	}
	out := cmd.OutOrStdout()
	p = p.Defaults()
	fmt.Fprintf(out, "scaffolded %q (%s): %s + %s cache + %s queue, %s load balancer\n",
		p.DesignName, p.DesignHash, p.DB, p.Cache, p.Queue, p.LB)
	for _, n := range mapping.Notes {
		fmt.Fprintf(out, "  - %s\n", n)
	}
	fmt.Fprintln(out)
	shown := opts.output
	if filepath.IsAbs(shown) {
		shown = res.Dir
	}
	res.Summary(out, shown)
	return nil
}
