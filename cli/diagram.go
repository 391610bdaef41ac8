package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/diagram"
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/internal/safewrite"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type diagramOptions struct {
	format string
	output string
	view   string
	group  string
	force  bool
	shards bool
}

var diagramFormats = []string{"svg", "dot", "mermaid", "png", "d2", "structurizr", "likec4"}

// modelFormats are the architecture-as-code exports: a model of the
// component graph for another tool, not a picture.
var modelFormats = map[string]func(io.Writer, *diagram.Graph) error{
	"d2": diagram.WriteD2, "structurizr": diagram.WriteStructurizr, "likec4": diagram.WriteLikeC4,
}

// formatByExt maps output file extensions to formats.
var formatByExt = map[string]string{
	".svg": "svg", ".dot": "dot", ".gv": "dot", ".mmd": "mermaid", ".mermaid": "mermaid", ".png": "png",
	".d2": "d2", ".dsl": "structurizr", ".c4": "likec4", ".likec4": "likec4",
}

func newDiagramCmd(app *App) *cobra.Command {
	opts := &diagramOptions{}
	views := make([]string, len(diagram.Views))
	for i, v := range diagram.Views {
		views[i] = string(v)
	}
	cmd := &cobra.Command{
		Use:   "diagram FILE",
		Short: "Draw the design with its traffic, numbers and risks (SVG, DOT, Mermaid, PNG)",
		Long: `Draw the design as the talk draws a system: clients, CDN, load balancer,
application instances, cache, database primary and replicas, the queue and
its workers, the telemetry collector and the external uptime probe. Edges
carry peak requests per second (and bytes where they cost money); nodes
carry instance counts and settings.

Views:
  overview  the whole system (default)
  op:NAME   one operation of a design written with components: its calls
            numbered in order, each with its own p99
  read      read operations only: cache hits and misses drawn differently
  write     write operations and replication
  async     what goes through the queue
  failure   what one zone down leaves standing

Formats (-f, or taken from the -o extension):
  svg       laid out by the tradeoff-render binary (no Graphviz needed)
  dot       Graphviz source: dot -Tsvg diagram.dot > diagram.svg
  mermaid   a Mermaid flowchart for Markdown and GitHub (.mmd)
  png       the SVG converted by rsvg-convert (librsvg), if installed
  d2        a D2 diagram (.d2): d2 diagram.d2 diagram.svg
  structurizr  a Structurizr DSL workspace (.dsl), containers and relationships
  likec4    a LikeC4 model (.c4): likec4 serve
The last three export the component graph (a design written with the
sections is expanded into it first) with the estimate's figures as
descriptions and the worst finding as a tag.

Without -o the diagram goes to standard output; -o - does the same. An
existing file is never replaced without --force.

tradeoff-render is looked for in $TRADEOFF_RENDER, next to the tradeoff
executable, then on PATH. Install it with: go install ./cmd/tradeoff-render`,
		Example: `  tradeoff diagram examples/shortener.cue -o shortener.svg
  tradeoff diagram examples/shortener.cue --view failure -o failure.svg
  tradeoff diagram examples/shortener.cue -f mermaid >> docs/design.md
  tradeoff diagram examples/shortener.cue -f dot | dot -Tpdf > shortener.pdf`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			format, err := opts.resolveFormat()
			if err != nil {
				return err
			}
			view := diagram.View(opts.view)
			if name, ok := strings.CutPrefix(opts.view, diagram.OperationView); !ok || name == "" {
				if view, err = diagram.ParseView(opts.view); err != nil {
					return &UsageError{Err: fmt.Errorf("%v (or op:NAME, one operation of a design written with components)", err)}
				}
			}
			if opts.output != "" && opts.output != "-" && !opts.force {
				if _, err := os.Lstat(opts.output); err == nil {
					return usageErrorf("%s already exists: use --force to replace it", opts.output)
				}
			}
			return diagramRun(cmd, app, args[0], format, view, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.format, "format", "f", "", "output format: svg, dot, mermaid, png, or a model: d2, structurizr, likec4 (default: from the -o extension, else svg)")
	cmd.Flags().StringVarP(&opts.output, "output", "o", "", "output file, or - for standard output (default: standard output)")
	cmd.Flags().StringVar(&opts.view, "view", string(diagram.Overview), "what to draw: "+strings.Join(views, ", "))
	cmd.Flags().StringVar(&opts.group, "group", "", "box a design written with components by kind, region or zone (what losing one does to each component)")
	cmd.Flags().BoolVar(&opts.force, "force", false, "replace an existing output file")
	cmd.Flags().BoolVar(&opts.shards, "expand-shards", false, "draw every database shard and its replicas as separate nodes")
	cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(diagramFormats, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("view", cobra.FixedCompletions(views, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

// resolveFormat takes -f, else the output file's extension, else SVG; a
// format that contradicts the extension is a mistake worth stopping for.
func (o *diagramOptions) resolveFormat() (string, error) {
	ext := ""
	if o.output != "" && o.output != "-" {
		ext = strings.ToLower(filepath.Ext(o.output))
	}
	byExt, known := formatByExt[ext]
	if o.format == "" {
		if ext == "" {
			return "svg", nil
		}
		if !known {
			return "", usageErrorf("cannot tell the format from %q: name the file .svg, .dot, .mmd, .png, .d2, .dsl or .c4, or pass -f", o.output)
		}
		return byExt, nil
	}
	f := strings.ToLower(o.format)
	if f == "mmd" {
		f = "mermaid"
	}
	ok := false
	for _, allowed := range diagramFormats {
		ok = ok || f == allowed
	}
	if !ok {
		return "", usageErrorf("invalid format %q: use %s", o.format, strings.Join(diagramFormats, ", "))
	}
	if known && byExt != f {
		return "", usageErrorf("-f %s does not match the output file %s: drop -f or rename the file", f, o.output)
	}
	return f, nil
}

func diagramRun(cmd *cobra.Command, app *App, path, format string, view diagram.View, opts *diagramOptions) error {
	// The renderer starts first so that its start-up overlaps the work
	// below; a missing renderer is reported after the design's own errors.
	renderer, rendererErr := startRenderer(cmd, app, format == "svg" || format == "png")
	defer renderer.Close()
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	var g *diagram.Graph
	if _, model := modelFormats[format]; model && len(d.Components) == 0 {
		// The model formats are the component graph's: the sections are
		// written in that form first, as expand prints them.
		if d, err = expandedDesign(d); err != nil {
			return err
		}
	}
	if len(d.Components) > 0 {
		g, err = componentDiagram(d, view, opts.group)
	} else if opts.group != "" {
		err = usageErrorf("--group %s: grouping draws a design written with components; tradeoff expand writes this one in that form", opts.group)
	} else if strings.HasPrefix(string(view), diagram.OperationView) {
		err = usageErrorf("--view %s: per-operation views draw a design written with components; tradeoff expand writes this one in that form", view)
	} else {
		var in diagram.Input
		if in, err = diagramInput(d, view); err == nil {
			g, err = diagram.Build(in, view, diagram.Options{ExpandShards: opts.shards})
		}
	}
	if err != nil {
		return err
	}
	// DOT, unless the format is a text of its own; SVG and PNG lay it out.
	write := diagram.WriteDOT
	if w, ok := modelFormats[format]; ok {
		write = w
	} else if format == "mermaid" {
		write = diagram.WriteMermaid
	}
	var buf bytes.Buffer
	if err := write(&buf, g); err != nil {
		return err
	}
	out := buf.Bytes()
	if format == "svg" || format == "png" {
		if rendererErr != nil {
			return renderError(rendererErr)
		}
		svg, err := renderer.SVG(out)
		if err != nil {
			return renderError(err)
		}
		out = svg
		if format == "png" {
			if out, err = diagram.SVGToPNG(cmd.Context(), svg); err != nil {
				return renderError(err)
			}
		}
	}
	if opts.output == "" || opts.output == "-" {
		_, err := cmd.OutOrStdout().Write(out)
		return err
	}
	return writeFileAtomic(opts.output, out, opts.force)
}

// expandedDesign is d written with components, through schema.Expand.
func expandedDesign(d *schema.Design) (*schema.Design, error) {
	text, err := schema.Expand(d)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	e, err := schema.Load("-", bytes.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("internal error: the expanded design does not load: %v", err)
	}
	return e, nil
}

// componentDiagram draws a design written with components: the component
// graph with the estimate's numbers and the review's findings. Only the
// overview exists for that form yet.
func componentDiagram(d *schema.Design, view diagram.View, groupBy string) (*diagram.Graph, error) {
	op, perOp := strings.CutPrefix(string(view), diagram.OperationView)
	if view != diagram.Overview && view != diagram.Failure && !perOp {
		return nil, usageErrorf("--view %s: a design written with components is drawn as its whole graph (--view overview), with one zone down (--view failure) or one operation's calls (--view op:NAME)", view)
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		return nil, &InputError{Err: err}
	}
	rep := rules.Review(ctx, rules.Options{})
	in := diagram.ComponentInput{Design: d, Estimate: ctx.Graph, Findings: diagram.FromReview(rep), Group: groupBy}
	if view == diagram.Failure || groupBy == "zone" {
		zd, err := estimator.EstimateGraph(d, estimator.Options{Scenario: estimator.ScenarioZoneDown})
		if err != nil {
			return nil, &InputError{Err: err}
		}
		in.ZoneLoss = zd
		if view == diagram.Failure {
			in.ZoneDown = zd
		}
	}
	build := func() (*diagram.Graph, error) { return diagram.BuildComponents(in) }
	if perOp {
		build = func() (*diagram.Graph, error) { return diagram.BuildOperation(in, op) }
	}
	g, err := build()
	if err != nil {
		return nil, usageErrorf("%v", err)
	}
	return g, nil
}

// diagramInput runs the design down the pipeline: the estimate's numbers
// (peak scenario, embedded prices; the failure view adds the zone-down
// scenario) and the review's findings.
func diagramInput(d *schema.Design, view diagram.View) (diagram.Input, error) {
	est, err := estimator.Estimate(d, estimator.Options{})
	if err != nil {
		return diagram.Input{}, err
	}
	var zoneDown *estimator.Result
	if view == diagram.Failure {
		if zoneDown, err = estimator.Estimate(d, estimator.Options{Scenario: estimator.ScenarioZoneDown}); err != nil {
			return diagram.Input{}, err
		}
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		return diagram.Input{}, fmt.Errorf("internal error: %v", err)
	}
	rep := rules.Review(ctx, rules.Options{})
	return diagram.Input{Design: d, Numbers: diagram.FromEstimates(est, zoneDown), Findings: diagram.FromReview(rep)}, nil
}

// startRenderer starts tradeoff-render when need is set, before the
// design is loaded, so that Graphviz's start-up overlaps the pipeline; the
// error (a missing renderer) is for the caller to report after the
// design's own errors. Close the Renderer, which may be nil.
func startRenderer(cmd *cobra.Command, app *App, need bool) (*diagram.Renderer, error) {
	if !need {
		return nil, nil
	}
	bin, err := diagram.FindRenderer(app.Getenv(diagram.RendererEnv))
	if err != nil {
		return nil, err
	}
	return diagram.StartRenderer(cmd.Context(), bin)
}

// renderError keeps a missing tool's hint, which spans lines, readable.
func renderError(err error) error {
	var missing *diagram.MissingToolError
	if errors.As(err, &missing) {
		return &InputError{Err: fmt.Errorf("cannot draw this format: %w", err)}
	}
	return err
}

// writeFileAtomic writes a command's output file with safewrite.File:
// whole or not at all, and, without --force, never over a file, even one
// that appeared while the output was being made.
func writeFileAtomic(path string, data []byte, force bool) error {
	err := safewrite.File(path, data, force)
	if errors.Is(err, fs.ErrExist) {
		return usageErrorf("%s already exists: use --force to replace it", path)
	}
	return err
}
