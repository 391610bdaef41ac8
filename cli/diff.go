package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/compare"
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type diffOptions struct {
	output  string
	failOn  string
	today   string
	horizon horizonMonths
	prices  string
}

var diffFormats = []string{"text", "json", "markdown"}

func newDiffCmd(app *App) *cobra.Command {
	opts := &diffOptions{}
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Say what changed between two versions of a design, and what it costs",
		Long: `Compare two versions of a design: the choices that changed (every field,
defaults included), the findings that appeared, disappeared or changed
severity, and the change in monthly cost per cloud, p99 per operation,
availability and runway. The first line sums it up, e.g.

  redirect consistency strong → eventual; +1 high finding (CAP002@redirect);
  AWS +$312/month; p99 redirect 41 → 28 ms

OLD and NEW are design files (.cue, .yaml, .yml, .json), - for standard
input (one of them), or git:REV:PATH for a version in git history, read with
'git show REV:PATH' in the current directory (PATH is relative to the
repository root; write git:REV:./PATH for one relative to the current
directory). A git version is read as a single file.

-o markdown is written for a pull-request comment.

Exit status:
  0  no finding the change introduces at or above --fail-on
  1  the change introduces a finding at or above --fail-on (a new one, one
     raised to that severity, or one whose waiver it removed)
  2  invalid design or usage`,
		Example: `  tradeoff diff git:main:design.cue design.cue
  tradeoff diff old.cue new.cue -o json
  tradeoff diff git:origin/main:design.cue design.cue -o markdown --fail-on high > comment.md`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !oneOf(opts.output, diffFormats...) {
				return usageErrorf("invalid output format %q: use text, json or markdown", opts.output)
			}
			failOn := rules.Severity(-1)
			if opts.failOn != "none" {
				s, err := rules.ParseSeverity(opts.failOn)
				if err != nil {
					return usageErrorf("invalid --fail-on: %v (or none)", err)
				}
				failOn = s
			}
			if args[0] == "-" && args[1] == "-" {
				return usageErrorf("only one of OLD and NEW can be standard input")
			}
			return diffRun(cmd, app, args[0], args[1], failOn, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text, json or markdown")
	f.StringVar(&opts.failOn, "fail-on", "none", "exit 1 when the change introduces an unwaived finding at or above this severity: info, low, medium, high, critical or none")
	f.StringVar(&opts.today, "today", "", "judge waiver expiry as of this date (YYYY-MM-DD); default today")
	opts.horizon = 12
	f.Var(&opts.horizon, "horizon", "growth horizon in months, for the runway: 36 or 3y")
	f.StringVar(&opts.prices, "prices", "", "YAML file overriding prices by id, with optional discounts")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(diffFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "low", "medium", "high", "critical", "none"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

func diffRun(cmd *cobra.Command, app *App, oldSpec, newSpec string, failOn rules.Severity, opts *diffOptions) error {
	today, err := parseToday(opts.today)
	if err != nil {
		return err
	}
	cat, err := catalogWithPrices(opts.prices)
	if err != nil {
		return err
	}
	side := func(spec string) (compare.Side, error) {
		d, name, err := loadVersion(cmd.Context(), app, spec)
		if err != nil {
			return compare.Side{}, err
		}
		if len(d.Components) > 0 {
			g, err := estimator.EstimateGraph(d, estimator.Options{HorizonMonths: int(opts.horizon), Catalog: cat})
			if err != nil {
				return compare.Side{}, &InputError{Err: err}
			}
			rep := rules.Review(&rules.Context{Design: d, Figures: cat, Graph: g, Model: d.Graph()}, rules.Options{Today: today})
			return compare.Side{Name: name, Design: d, Graph: g, Review: rep}, nil
		}
		est, err := estimateDesign(d, estimator.Options{HorizonMonths: int(opts.horizon), Catalog: cat})
		if err != nil {
			return compare.Side{}, err
		}
		rep, err := reviewDesign(d, today, est, opts.prices)
		if err != nil {
			return compare.Side{}, err
		}
		return compare.Side{Name: name, Design: d, Estimate: est, Review: rep}, nil
	}
	old, err := side(oldSpec)
	if err != nil {
		return err
	}
	new, err := side(newSpec)
	if err != nil {
		return err
	}
	if (old.Graph == nil) != (new.Graph == nil) {
		return &InputError{Err: fmt.Errorf("%s and %s are written in different forms (one with components, one with the sections): diff compares two designs of the same form\n\thint: tradeoff expand prints a sections design in the component form", old.Name, new.Name)}
	}
	d := compare.Compare(old, new)
	out := cmd.OutOrStdout()
	switch opts.output {
	case "json":
		err = compare.JSON(out, d)
	case "markdown":
		err = compare.Markdown(out, d)
	default:
		err = compare.Text(out, d)
	}
	if err != nil {
		return err
	}
	if failOn >= 0 {
		if n := d.Failing(failOn); n > 0 {
			return &FindingsError{Count: n}
		}
	}
	return nil
}

// gitTimeout bounds one `git show`.
const gitTimeout = 30 * time.Second

// loadVersion reads one side of a diff: a file, standard input, or
// git:REV:PATH.
func loadVersion(ctx context.Context, app *App, spec string) (*schema.Design, string, error) {
	rest, ok := strings.CutPrefix(spec, "git:")
	if !ok {
		d, err := schema.Load(spec, app.Stdin)
		return d, spec, err
	}
	rev, path, ok := strings.Cut(rest, ":")
	if !ok || rev == "" || path == "" {
		return nil, "", usageErrorf("invalid version %q: write git:REV:PATH, e.g. git:main:design.cue", spec)
	}
	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	switch format {
	case "cue", "json":
	case "yaml", "yml":
		format = "yaml"
	default:
		return nil, "", usageErrorf("cannot read %q from git: a design is a .cue, .yaml, .yml or .json file", path)
	}
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	git := exec.CommandContext(ctx, "git", "show", rev+":"+path)
	git.Stdout, git.Stderr = &stdout, &stderr
	if err := git.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var ee *exec.Error
		if errors.As(err, &ee) {
			msg = "git is not installed or not on PATH"
		}
		if msg == "" {
			msg = err.Error()
		}
		return nil, "", &InputError{Err: fmt.Errorf("cannot read %s: %s\n\thint: REV is a commit, branch or tag; PATH is relative to the repository root (or ./PATH to the current directory)", spec, msg)}
	}
	if stdout.Len() > schema.MaxFileSize {
		return nil, "", &InputError{Err: fmt.Errorf("%s is larger than %d MiB: a design is a page or two", spec, schema.MaxFileSize>>20)}
	}
	d, err := schema.LoadBytes(spec, stdout.Bytes(), format)
	return d, spec, err
}
