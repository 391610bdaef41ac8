package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/optimize"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type optimizeOptions struct {
	write  bool
	tune   []string
	fix    []string
	output string
	today  string
	prices string
}

func newOptimizeCmd(app *App) *cobra.Command {
	opts := &optimizeOptions{}
	cmd := &cobra.Command{
		Use:   "optimize FILE",
		Short: "Find the cheapest configuration that meets every SLO with no high finding",
		Long: `Search the counts and sizes of the design for the cheapest configuration
that meets every SLO (p99 per operation and availability, at peak) with no
finding at or above high — "the cheapest design that meets the SLO wins" —
and print the winning changes as a diff of the design, with the cost saved
and the best configuration on each cloud.

Knobs: ` + strings.Join(optimize.KnobPaths(), ", ") + `.

By default every count and size is searched, those the design writes too (a
written count is a guess to check, not a requirement), and the technology
and the cloud are kept. Naming knobs narrows the search to them and to what
the design leaves out: mark fields in the file with a CUE attribute —
instances: 4 @tune() — or pass --tune (--tune all adds the cloud).
@tune(min=2, max=12) bounds a count; @tune(aws, gcp) lists the values a
choice may take. --fix holds a knob as written.

The search is deterministic: it raises counts to what the estimate says each
tier needs until every constraint holds, then lowers each knob as far as the
constraints allow and tries every size, cache memory and (when tunable)
cloud. When no configuration meets every constraint it says which one binds,
and whether any setting of the knobs could meet it.

--write applies the changes to FILE, keeping its comments and layout (values
are replaced where they stand; missing fields are added to their struct). It
edits a single .cue file; for YAML or JSON apply the printed changes by hand.

Exit status:
  0  a configuration meets every constraint (written with --write)
  1  no configuration of the knobs meets every constraint
  2  invalid design or usage`,
		Example: `  tradeoff optimize examples/shortener.cue --tune all
  tradeoff optimize design.cue --write
  tradeoff optimize design.cue --tune services.instances,database.replicas --fix system.cloud
  tradeoff optimize design.cue -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !oneOf(opts.output, "text", "json") {
				return usageErrorf("invalid output format %q: use text or json", opts.output)
			}
			if opts.write {
				if args[0] == "-" {
					return usageErrorf("--write needs a file, not standard input")
				}
				if ext := strings.ToLower(filepath.Ext(args[0])); ext != ".cue" {
					return usageErrorf("--write edits CUE files only (%s is not one): apply the printed changes by hand", args[0])
				}
			}
			return optimizeRun(cmd, app, args[0], opts)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&opts.write, "write", false, "apply the winning changes to FILE (a .cue file), keeping comments and layout")
	f.StringSliceVar(&opts.tune, "tune", nil, "search only these knobs (comma-separated), or all to move the cloud too")
	f.StringSliceVar(&opts.fix, "fix", nil, "never change these knobs (comma-separated)")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text or json")
	f.StringVar(&opts.today, "today", "", "judge waiver expiry as of this date (YYYY-MM-DD); default today")
	f.StringVar(&opts.prices, "prices", "", "YAML file overriding prices by id, with optional discounts")
	knobs := append([]string{"all"}, optimize.KnobPaths()...)
	cmd.RegisterFlagCompletionFunc("tune", cobra.FixedCompletions(knobs, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("fix", cobra.FixedCompletions(optimize.KnobPaths(), cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

// optimizeReport is the JSON output.
type optimizeReport struct {
	*optimize.Outcome
	Changes     []optimize.Change `json:"changes"`
	SavingUSD   float64           `json:"saving_usd"`
	SavingShare float64           `json:"saving_share"`
	Diff        string            `json:"diff,omitempty"`
	Written     bool              `json:"written"`
}

func optimizeRun(cmd *cobra.Command, app *App, path string, opts *optimizeOptions) error {
	today, err := parseToday(opts.today)
	if err != nil {
		return err
	}
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	src, marks, err := readMarks(path)
	if err != nil {
		return err
	}
	cat, err := catalogWithPrices(opts.prices)
	if err != nil {
		return err
	}
	knobs, err := optimize.Knobs(d, optimize.Tuning{Marks: marks, Flags: opts.tune, Fixed: opts.fix})
	if err != nil {
		return &InputError{Err: err}
	}
	o, err := optimize.Search(d, knobs, optimize.Options{Today: today, Catalog: cat})
	if err != nil {
		return &InputError{Err: err}
	}
	rep := &optimizeReport{Outcome: o}
	var edited []byte
	var editErr error
	if o.Best != nil {
		rep.Changes = o.Changes(o.Best)
		rep.SavingUSD, rep.SavingShare = o.Saving()
		if len(rep.Changes) > 0 && src != nil {
			edited, editErr = optimize.Edit(path, src, rep.Changes)
			if editErr == nil {
				editErr = verifyEdit(path, edited, o, cat, today)
			}
			if editErr == nil {
				rep.Diff = optimize.UnifiedDiff(path, path+" (optimized)", string(src), string(edited))
			}
		}
	}
	if opts.write && editErr != nil {
		return &InputError{Err: fmt.Errorf("cannot write the changes: %w", editErr)}
	}
	if opts.write && edited != nil && editErr == nil {
		if err := writeFileAtomic(path, edited, true); err != nil {
			return err
		}
		rep.Written = true
	}
	out := cmd.OutOrStdout()
	if opts.output == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		writeOptimize(out, path, rep, editErr, opts.write)
	}
	if o.Best == nil {
		return &silentError{code: ExitFindings}
	}
	return nil
}

// readMarks reads the @tune attributes of a CUE design (a file, or every
// .cue file of a directory); src is the file's text when FILE is one .cue
// file, the only case --write edits.
func readMarks(path string) (src []byte, marks map[string]optimize.Mark, err error) {
	marks = map[string]optimize.Mark{}
	var files []string
	fi, statErr := os.Stat(path)
	switch {
	case path == "-" || statErr != nil:
		return nil, marks, nil
	case fi.IsDir():
		files, _ = filepath.Glob(filepath.Join(path, "*.cue"))
	case strings.ToLower(filepath.Ext(path)) == ".cue":
		files = []string{path}
	default:
		return nil, marks, nil
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, &InputError{Err: fmt.Errorf("cannot read %s: %v", f, err)}
		}
		m, err := optimize.Marks(f, data)
		if err != nil {
			return nil, nil, &InputError{Err: err}
		}
		for k, v := range m {
			marks[k] = v
		}
		if len(files) == 1 && !fi.IsDir() {
			src = data
		}
	}
	return src, marks, nil
}

// verifyEdit loads the edited text as a design and checks that it says
// exactly what the search chose.
func verifyEdit(path string, edited []byte, o *optimize.Outcome, cat *estimator.Catalog, today time.Time) error {
	d, err := schema.LoadBytes(path, edited, "cue")
	if err != nil {
		return fmt.Errorf("internal error: the rewritten design does not load: %v", err)
	}
	if err := o.Verify(d, optimize.Options{Today: today, Catalog: cat}); err != nil {
		return fmt.Errorf("internal error: %v", err)
	}
	return nil
}

// writeOptimize prints the outcome: what was searched, the winner as a
// diff of the design with the money it saves, the best on each cloud, or
// what binds when nothing meets every constraint.
func writeOptimize(w io.Writer, path string, rep *optimizeReport, editErr error, write bool) {
	o := rep.Outcome
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("tradeoff optimize: %s (%s)", o.Design, path)
	if len(o.Knobs) == 0 {
		p("no knob to search: --fix holds every one the design has; pass --tune (all, or %s)", strings.Join(optimize.KnobPaths(), ", "))
	} else {
		var ks []string
		for _, k := range o.Knobs {
			ks = append(ks, k.Path+" ("+k.Why+")")
		}
		p("searched %d knob(s) in %d configurations: %s", len(o.Knobs), o.Evaluations, strings.Join(ks, ", "))
	}
	p("")
	b := o.Baseline
	if !b.Meets && o.Best != nil {
		p("the design as written (%s %s/month) does not meet:", b.Cloud, estimator.USD(b.MonthlyUSD))
		for _, v := range b.Violations {
			p("  - %s", v.Text)
		}
		p("")
	}
	if o.Best == nil {
		p("no configuration of the knobs meets every SLO with no finding at or above high.")
		p("what binds (the nearest miss, %s %s/month):", o.Clouds[0].Cloud, estimator.USD(o.Clouds[0].MonthlyUSD))
		for _, bd := range o.Binding {
			why := "met with more capacity, but not together with the rest"
			switch {
			case bd.Unreachable:
				why = "not met even with every knob at its largest: change the design, not its size"
			case bd.Cost && len(o.Binding) == 1:
				why = "the budget binds: this is the cheapest configuration that meets every SLO, and it costs more"
			case bd.Cost:
				why = "over budget even at the cheapest configuration the search found"
			}
			p("  - %s", bd.Text)
			p("    %s", why)
			if bd.Kind == "finding" {
				rule, _, _ := strings.Cut(bd.Key, "@")
				p("    (tradeoff explain %s)", rule)
			}
		}
	} else {
		best := o.Best
		switch {
		case len(o.Knobs) == 0:
			p("the design as written meets every SLO with no finding at or above high: %s %s/month.", best.Cloud, estimator.USD(best.MonthlyUSD))
		case len(rep.Changes) == 0:
			p("the design as written is the cheapest configuration found that meets every SLO with no finding at or above high: %s %s/month.", best.Cloud, estimator.USD(best.MonthlyUSD))
		default:
			saving := ""
			if rep.SavingUSD > 0 {
				saving = fmt.Sprintf(", %s/month (%s) less than the design as written", estimator.USD(rep.SavingUSD), estimator.Pct(rep.SavingShare))
			} else if rep.SavingUSD < 0 {
				saving = fmt.Sprintf(", %s/month more than the design as written, which does not meet every constraint", estimator.USD(-rep.SavingUSD))
			}
			p("cheapest configuration meeting every SLO with no finding at or above high: %s %s/month%s.", best.Cloud, estimator.USD(best.MonthlyUSD), saving)
			if len(best.Unpriced) > 0 {
				p("(%s leaves out what it cannot price: %s)", best.Cloud, strings.Join(best.Unpriced, ", "))
			}
			p("")
			if len(o.Limits) > 0 {
				p("what holds it there:")
				for _, l := range o.Limits {
					p("  %s %s: one fewer breaks %s", l.Path, l.Value, l.Below.Text)
				}
				p("")
			}
			switch {
			case rep.Diff != "":
				fmt.Fprint(w, rep.Diff)
			default:
				for _, c := range rep.Changes {
					p("  %s", c)
				}
				if editErr != nil {
					p("(not shown as a diff: %v)", editErr)
				}
			}
		}
	}
	writeSteps(p, o)
	p("")
	p("best per cloud:")
	for _, r := range o.Clouds {
		status := "meets every constraint"
		if !r.Meets {
			var keys []string
			for i, v := range r.Violations {
				if i == 3 {
					keys = append(keys, "…")
					break
				}
				keys = append(keys, v.Key)
			}
			status = fmt.Sprintf("misses %d constraint(s) (%s)", len(r.Violations), strings.Join(keys, ", "))
		}
		var cs []string
		for _, c := range o.Changes(r) {
			if c.Path != "system.cloud" {
				cs = append(cs, c.String())
			}
		}
		changes := "as written"
		if len(cs) > 0 {
			changes = strings.Join(cs, ", ")
		}
		p("  %-6s %10s/month  %s; %s", r.Cloud, estimator.USD(r.MonthlyUSD), status, changes)
	}
	if o.CloudFixed {
		p("  (the design fixes its cloud: mark system.cloud @tune() or pass --tune system.cloud to let optimize move it)")
	}
	switch {
	case rep.Written:
		p("")
		p("wrote %s", path)
	case write && o.Best != nil && len(rep.Changes) == 0:
		p("")
		p("nothing to write: %s is already the cheapest configuration found", path)
	case write && o.Best == nil:
		p("")
		p("nothing written")
	}
}

// stepsShown is how many single changes optimize lists, and missesShown
// how many of the constraints each still misses (all are above).
const stepsShown, missesShown = 3, 4

// writeSteps lists the single changes that buy the most of what the design
// misses per dollar: the answer when only one change can be made now.
func writeSteps(p func(string, ...any), o *optimize.Outcome) {
	if o.Baseline.Feasible {
		return
	}
	p("")
	if len(o.Steps) == 0 {
		p("no single change of one knob by one step reduces what the design as written misses.")
		return
	}
	p("one change at a time, from the design as written, most SLO per dollar first:")
	for i, st := range o.Steps[:min(len(o.Steps), stepsShown)] {
		cost := fmt.Sprintf("+%s/month", estimator.USD(st.DeltaUSD))
		if st.DeltaUSD <= 0 {
			cost = fmt.Sprintf("%s/month less", estimator.USD(-st.DeltaUSD))
		}
		var fixes, misses []string
		for _, v := range st.Fixes {
			fixes = append(fixes, shortViolation(v))
		}
		for _, v := range st.Misses {
			misses = append(misses, shortViolation(v))
		}
		p("  %d. %s: %s", i+1, st.Change, cost)
		if len(fixes) > 0 {
			p("     clears: %s", strings.Join(fixes, "; "))
		}
		if len(misses) > missesShown {
			misses = append(misses[:missesShown], fmt.Sprintf("and %d more", len(misses)-missesShown))
		}
		if len(misses) > 0 {
			p("     still misses: %s", strings.Join(misses, "; "))
		}
	}
}

// shortViolation is a constraint in a list: an SLO with its figures, a
// finding by its rule, place and severity (the full text is above).
func shortViolation(v optimize.Violation) string {
	if v.Kind == "finding" {
		head, _, _ := strings.Cut(v.Text, ": ")
		return head
	}
	return v.Text
}
