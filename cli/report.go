package cli

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/diagram"
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/report"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type reportOptions struct {
	output  string
	format  string
	force   bool
	layout  string
	horizon horizonMonths
	prices  string
	failOn  string
	today   string
}

var (
	reportFormats = []string{"html", "markdown"}
	reportLayouts = []string{"auto", "graphviz", "builtin"}
)

func newReportCmd(app *App) *cobra.Command {
	opts := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report FILE -o review.html|review.md",
		Short: "Write the design review document (HTML or Markdown)",
		Long: `Write one document for a design review: the verdict first (does the design
meet its SLOs and budget, and does the review pass), the overview diagram,
the estimate per scenario and per cloud, p99 against the SLO per operation,
availability and the error budget, growth charts (monthly cost per cloud and
utilisation per tier across the horizon, with the month each tier saturates
marked) and the runway, the findings with their remedies, the waivers, and
every assumption the figures rest on.

The HTML is one self-contained file: inline CSS and SVG, no scripts, no
fonts or images fetched from anywhere. It reads on a phone and prints.
Markdown draws the diagram as a Mermaid block (GitHub renders it) and the
charts as tables. The same design gives byte-identical output.

The format follows the -o extension (.html, .htm, .md, .markdown) unless -f
says otherwise; -o - writes to standard output and needs -f. An existing
file is never replaced without --force.

The HTML diagram is laid out by Graphviz through tradeoff-render when it is
installed (looked for in $TRADEOFF_RENDER, next to tradeoff, then on PATH),
else by tradeoff's built-in layout, which needs nothing and says so in the
caption. --layout graphviz fails with an install hint instead; --layout
builtin never looks for tradeoff-render (reproducible on any machine).

Exit status:
  0  the report was written (whatever its verdict; gate with 'tradeoff review')
  2  invalid design or usage, or the file could not be written`,
		Example: `  tradeoff report examples/shortener.cue -o review.html
  tradeoff report design.cue -o docs/review.md --force
  tradeoff report design.cue -f html -o - > review.html
  tradeoff report design.cue -o review.html --layout builtin --today 2026-12-01`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := opts.resolve()
			if err != nil {
				return err
			}
			failOn, err := rules.ParseSeverity(opts.failOn)
			if err != nil {
				return usageErrorf("invalid --fail-on: %v", err)
			}
			if err := refuseExisting(opts.output, opts.force); err != nil {
				return err
			}
			return reportRun(cmd, app, args[0], format, failOn, opts)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&opts.output, "output", "o", "", "output file (.html or .md), or - for standard output with -f")
	f.StringVarP(&opts.format, "format", "f", "", "html or markdown (default: from the -o extension)")
	f.BoolVar(&opts.force, "force", false, "replace an existing output file")
	f.StringVar(&opts.layout, "layout", "auto", "diagram layout for HTML: auto, graphviz (tradeoff-render) or builtin")
	opts.horizon = 12
	f.Var(&opts.horizon, "horizon", "growth horizon in months: 36 or 3y")
	f.StringVar(&opts.prices, "prices", "", "YAML file overriding prices by id, with optional discounts")
	f.StringVar(&opts.failOn, "fail-on", "high", "severity at or above which an unwaived finding fails the review's verdict")
	f.StringVar(&opts.today, "today", "", "judge waiver expiry as of this date (YYYY-MM-DD); default today")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(reportFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("layout", cobra.FixedCompletions(reportLayouts, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions([]string{"info", "low", "medium", "high", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

// resolve checks the flags and picks the format: -f, else the extension.
func (o *reportOptions) resolve() (string, error) {
	if !oneOf(o.layout, reportLayouts...) {
		return "", usageErrorf("invalid --layout %q: use auto, graphviz or builtin", o.layout)
	}
	if o.output == "" {
		return "", usageErrorf("no output file: pass -o review.html or -o review.md (or -o - with -f)")
	}
	byExt := ""
	if o.output != "-" {
		switch strings.ToLower(filepath.Ext(o.output)) {
		case ".html", ".htm":
			byExt = "html"
		case ".md", ".markdown":
			byExt = "markdown"
		}
	}
	f := strings.ToLower(o.format)
	if f == "md" {
		f = "markdown"
	}
	switch {
	case f == "" && byExt != "":
		return byExt, nil
	case f == "" && o.output == "-":
		return "", usageErrorf("-o - needs a format: add -f html or -f markdown")
	case f == "":
		return "", usageErrorf("cannot tell the format from %q: name the file .html or .md, or pass -f", o.output)
	case !oneOf(f, reportFormats...):
		return "", usageErrorf("invalid format %q: use html or markdown", o.format)
	case byExt != "" && byExt != f:
		return "", usageErrorf("-f %s does not match the output file %s: drop -f or rename the file", f, o.output)
	}
	return f, nil
}

func reportRun(cmd *cobra.Command, app *App, path, format string, failOn rules.Severity, opts *reportOptions) error {
	today, err := parseToday(opts.today)
	if err != nil {
		return err
	}
	// Start the renderer now, so its start-up overlaps the pipeline below.
	renderer, rendererErr := startRenderer(cmd, app, format != "markdown" && opts.layout != "builtin")
	defer renderer.Close()
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	cat, err := catalogWithPrices(opts.prices)
	if err != nil {
		return err
	}
	var in *report.Input
	if len(d.Components) > 0 {
		in, err = componentReport(d, cat, int(opts.horizon), today)
	} else {
		in, err = sectionsReport(d, cat, int(opts.horizon), today, opts.prices)
	}
	if err != nil {
		return err
	}
	in.FailOn, in.Version = failOn, version()
	g := in.Diagram.Graph
	var out bytes.Buffer
	switch format {
	case "markdown":
		var mmd bytes.Buffer
		if err := diagram.WriteMermaid(&mmd, g); err != nil {
			return err
		}
		in.Diagram.Mermaid = mmd.String()
		err = report.WriteMarkdown(&out, in)
	default:
		if in.Diagram.SVG, err = graphvizSVG(cmd, renderer, rendererErr, g, opts.layout); err != nil {
			return err
		}
		err = report.WriteHTML(&out, in)
	}
	if err != nil {
		return err
	}
	if opts.output == "-" {
		_, err := cmd.OutOrStdout().Write(out.Bytes())
		return err
	}
	return writeFileAtomic(opts.output, out.Bytes(), opts.force)
}

// sectionsReport runs a design written with the sections down the
// pipeline: estimate, growth month by month, review, diagram.
func sectionsReport(d *schema.Design, cat *estimator.Catalog, horizon int, today time.Time, prices string) (*report.Input, error) {
	est, err := estimateDesign(d, estimator.Options{HorizonMonths: horizon, Catalog: cat})
	if err != nil {
		return nil, err
	}
	growth, err := report.NewGrowth(d, est, cat)
	if err != nil {
		return nil, err
	}
	rep, err := reviewDesign(d, today, est, prices)
	if err != nil {
		return nil, err
	}
	g, err := diagram.Build(diagram.Input{Design: d, Numbers: diagram.FromEstimate(est), Findings: diagram.FromReview(rep)}, diagram.Overview, diagram.Options{})
	if err != nil {
		return nil, err
	}
	in := &report.Input{Design: d, Estimate: est, Growth: growth, Review: rep}
	in.Diagram.Graph = g
	return in, nil
}

// componentReport runs a design written with components down the
// pipeline: the graph estimate (with the prices given), its review and
// its component diagram.
func componentReport(d *schema.Design, cat *estimator.Catalog, horizon int, today time.Time) (*report.Input, error) {
	est, err := estimator.EstimateGraph(d, estimator.Options{HorizonMonths: horizon, Catalog: cat})
	if err != nil {
		return nil, &InputError{Err: err}
	}
	rep := rules.Review(&rules.Context{Design: d, Figures: cat, Graph: est, Model: d.Graph()}, rules.Options{Today: today})
	g, err := diagram.BuildComponents(diagram.ComponentInput{Design: d, Estimate: est, Findings: diagram.FromReview(rep)})
	if err != nil {
		return nil, err
	}
	in := &report.Input{Design: d, Graph: est, Review: rep}
	in.Diagram.Graph = g
	// The operations that miss their p99 SLO, or use more than nearSLO of
	// it, get their own view: the reader sees which call the tail is.
	for _, op := range est.Operations {
		if op.SLOP99Ms == nil {
			continue
		}
		p99, slo := float64(op.P99Ms), *op.SLOP99Ms
		why := ""
		switch {
		case !op.MeetsSLO && p99 > slo:
			why = fmt.Sprintf("%s misses its %s ms p99 SLO: p99 %s ms.", op.Name, estimator.Num(slo), estimator.Num(p99))
		case p99 >= nearSLO*slo:
			why = fmt.Sprintf("%s uses %s of its %s ms p99 SLO.", op.Name, estimator.Pct(p99/slo), estimator.Num(slo))
		default:
			continue
		}
		og, err := diagram.BuildOperation(diagram.ComponentInput{Design: d, Estimate: est, Findings: diagram.FromReview(rep)}, op.Name)
		if err != nil {
			return nil, err
		}
		var mmd bytes.Buffer
		if err := diagram.WriteMermaid(&mmd, og); err != nil {
			return nil, err
		}
		in.Operations = append(in.Operations, report.OperationDiagram{Name: op.Name, Why: why, Graph: og, Mermaid: mmd.String()})
	}
	return in, nil
}

// nearSLO is the share of its p99 SLO past which an operation's report
// shows where its tail comes from.
const nearSLO = 0.5

// graphvizSVG lays the diagram out with the renderer started by reportRun
// when the layout allows it and the binary is there; nil means the built-in
// layout.
func graphvizSVG(cmd *cobra.Command, renderer *diagram.Renderer, rendererErr error, g *diagram.Graph, layout string) ([]byte, error) {
	if layout == "builtin" {
		return nil, nil
	}
	if rendererErr != nil {
		var missing *diagram.MissingToolError
		if layout == "auto" && errors.As(rendererErr, &missing) {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: %s not found; the diagram uses the built-in layout (--layout builtin says so quietly)\n", diagram.RendererName)
			return nil, nil
		}
		return nil, renderError(rendererErr)
	}
	var dot bytes.Buffer
	if err := diagram.WriteDOT(&dot, g); err != nil {
		return nil, err
	}
	svg, err := renderer.SVG(dot.Bytes())
	if err != nil {
		return nil, renderError(err)
	}
	return svg, nil
}
