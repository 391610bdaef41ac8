package cli

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/rules/render"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type reviewOptions struct {
	output string
	failOn string
	today  string
	rules  []string
}

var reviewFormats = []string{"text", "json", "sarif", "markdown"}

func newReviewCmd(app *App) *cobra.Command {
	opts := &reviewOptions{}
	cmd := &cobra.Command{
		Use:   "review FILE",
		Short: "Review a design against the rule catalogue and name its trade-offs",
		Long: `Review a design against every rule in the catalogue (see 'tradeoff rules')
and report each finding with its numbers, its position in the design file
and its remedy. Findings are grouped by severity; waivers declared in the
design hide a finding until they expire, and a waiver that matches nothing
is reported as stale.

FILE is a .cue, .yaml, .yml or .json file, a directory holding one CUE
package, or - for standard input.

Exit status:
  0  no unwaived finding at or above --fail-on
  1  at least one unwaived finding at or above --fail-on
  2  invalid design or usage`,
		Example: `  tradeoff review examples/shortener.cue
  tradeoff review -o markdown design.cue > review.md
  tradeoff review -o sarif --fail-on medium design.cue > tradeoff.sarif
  tradeoff review --rule CACHE001,CACHE002 design.cue`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !oneOf(opts.output, reviewFormats...) {
				return usageErrorf("invalid output format %q: use text, json, sarif or markdown", opts.output)
			}
			failOn, err := rules.ParseSeverity(opts.failOn)
			if err != nil {
				return usageErrorf("invalid --fail-on: %v", err)
			}
			today := time.Now()
			if opts.today != "" {
				if today, err = time.Parse(time.DateOnly, opts.today); err != nil {
					return usageErrorf("invalid --today %q: write it as YYYY-MM-DD", opts.today)
				}
			}
			var only []*rules.Rule
			for _, id := range opts.rules {
				r, ok := rules.Lookup(id)
				if !ok {
					return usageErrorf("unknown rule %q in --rule: %s", id, suggestRule(id))
				}
				only = append(only, r)
			}
			return reviewRun(app, cmd.OutOrStdout(), args[0], failOn, today, only, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text, json, sarif or markdown")
	cmd.Flags().StringVar(&opts.failOn, "fail-on", "high", "exit 1 when an unwaived finding is at or above this severity: info, low, medium, high or critical")
	cmd.Flags().StringSliceVar(&opts.rules, "rule", nil, "run only these rules (repeat or separate with commas); default all")
	cmd.Flags().StringVar(&opts.today, "today", "", "judge waiver expiry as of this date (YYYY-MM-DD), for reproducible runs; default today")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(reviewFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

func reviewRun(app *App, out io.Writer, path string, failOn rules.Severity, today time.Time, only []*rules.Rule, opts *reviewOptions) error {
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		return err
	}
	rep := rules.Review(ctx, rules.Options{Today: today, Rules: only})
	ropts := render.Options{FailOn: failOn, Color: app.Color && opts.output == "text", Version: version()}
	switch opts.output {
	case "json":
		err = render.JSON(out, rep, ropts)
	case "sarif":
		err = render.SARIF(out, rep, ropts)
	case "markdown":
		err = render.Markdown(out, rep, ropts)
	default:
		err = render.Text(out, rep, ropts)
	}
	if err != nil {
		return err
	}
	if n := rep.Failing(failOn); n > 0 {
		return &FindingsError{Count: n}
	}
	return nil
}
