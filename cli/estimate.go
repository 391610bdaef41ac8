package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/lipgloss/table"
	"github.com/muesli/termenv"
	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

type estimateOptions struct {
	scenario string
	cloud    string
	output   string
	explain  bool
	horizon  horizonMonths
	prices   string
}

func newEstimateCmd(app *App) *cobra.Command {
	opts := &estimateOptions{}
	cmd := &cobra.Command{
		Use:   "estimate FILE",
		Short: "Estimate capacity, cost on AWS/GCP/Azure, p99, availability and runway",
		Long: `Estimate what a design needs and what it costs: instances per tier at the
target utilisation, cache hit ratio (Che's approximation under Zipf
popularity), database reads after the cache, shards and replicas, queue
consumers (Little's law) and backlog drain time, p99 latency per operation
(M/M/c queueing along the path, hop distributions convolved), availability
from published SLAs, monthly cost on AWS, GCP and Azure side by side, and the
month in which each tier saturates at the stated growth.

The verdict comes first: does the design meet its SLOs and budget, and by how
much. --explain prints the derivation of every figure. Prices, SLAs and
per-node throughput come from data files with their sources and dates
(docs/estimator.md); every unsourced figure is listed as an assumption.`,
		Example: `  tradeoff estimate examples/shortener.cue
  tradeoff estimate examples/shortener.cue --scenario zone-down --explain
  tradeoff estimate design.cue --cloud gcp -o markdown
  tradeoff estimate design.cue --prices our-prices.yaml --horizon 24 -o json`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.check(); err != nil {
				return err
			}
			return estimateRun(app, cmd.OutOrStdout(), args[0], opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.scenario, "scenario", estimator.ScenarioPeak, "scenario for the tables: "+strings.Join(estimator.ScenarioNames, "|"))
	f.StringVar(&opts.cloud, "cloud", "all", "clouds to price: aws|gcp|azure|all")
	f.StringVarP(&opts.output, "output", "o", "text", "output format: text|json|markdown")
	f.BoolVar(&opts.explain, "explain", false, "print the derivation of every figure")
	opts.horizon = 12
	f.Var(&opts.horizon, "horizon", "growth horizon in months: 36 or 3y")
	f.StringVar(&opts.prices, "prices", "", "YAML file overriding prices by id, with optional discounts")
	cmd.RegisterFlagCompletionFunc("scenario", cobra.FixedCompletions(estimator.ScenarioNames, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("cloud", cobra.FixedCompletions([]string{"aws", "gcp", "azure", "all"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json", "markdown"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

func (o *estimateOptions) check() error {
	switch {
	case !oneOf(o.scenario, estimator.ScenarioNames...) && !graphScenario(o.scenario):
		return usageErrorf("invalid --scenario %q: use %s", o.scenario, strings.Join(estimator.ScenarioNames, ", "))
	case !oneOf(o.cloud, "aws", "gcp", "azure", "all"):
		return usageErrorf("invalid --cloud %q: use aws, gcp, azure or all", o.cloud)
	case !oneOf(o.output, "text", "json", "markdown"):
		return usageErrorf("invalid output format %q: use text, json or markdown", o.output)
	}
	return nil
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

func estimateRun(app *App, out io.Writer, path string, opts *estimateOptions) error {
	d, err := schema.Load(path, app.Stdin)
	if err != nil {
		return err
	}
	if len(d.Components) > 0 {
		return estimateGraphRun(app, out, path, d, opts)
	}
	if graphScenario(opts.scenario) {
		return usageErrorf("--scenario %s names a component: only a design written with components has them (tradeoff expand writes this one so); use %s", opts.scenario, strings.Join(estimator.ScenarioNames, ", "))
	}
	cat, err := catalogWithPrices(opts.prices)
	if err != nil {
		return err
	}
	r, err := estimateDesign(d, estimator.Options{Scenario: opts.scenario, HorizonMonths: int(opts.horizon), Catalog: cat})
	if err != nil {
		return err
	}
	clouds := estimator.Clouds
	if opts.cloud != "all" {
		clouds = []string{opts.cloud}
	}
	switch opts.output {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case "markdown":
		writeEstimate(out, r, clouds, opts.explain, markdownStyle{})
		return nil
	}
	writeEstimate(out, r, clouds, opts.explain, newTextStyle(out, app.Color))
	return nil
}

// style renders headings, tables and marks for one output format.
type style interface {
	heading(s string) string
	table(headers []string, rows [][]string, numeric map[int]bool) string
	good(s string) string
	bad(s string) string
	bullet(s string) string
	code(s string) string
}

type textStyle struct {
	r               *lipgloss.Renderer
	head, ok, fail  lipgloss.Style
	border, headerS lipgloss.Style
}

func newTextStyle(out io.Writer, color bool) textStyle {
	r := lipgloss.NewRenderer(out)
	if !color {
		r.SetColorProfile(termenv.Ascii)
	}
	return textStyle{
		r:       r,
		head:    r.NewStyle().Bold(true),
		ok:      r.NewStyle().Foreground(lipgloss.Color("2")),
		fail:    r.NewStyle().Foreground(lipgloss.Color("1")).Bold(true),
		border:  r.NewStyle().Foreground(lipgloss.Color("8")),
		headerS: r.NewStyle().Bold(true).Padding(0, 1),
	}
}

func (t textStyle) heading(s string) string { return t.head.Render(s) }
func (t textStyle) good(s string) string    { return t.ok.Render("✓ " + s) }
func (t textStyle) bad(s string) string     { return t.fail.Render("✗ " + s) }
func (t textStyle) bullet(s string) string  { return "  " + s }
func (t textStyle) code(s string) string    { return s }

func (t textStyle) table(headers []string, rows [][]string, numeric map[int]bool) string {
	cell := t.r.NewStyle().Padding(0, 1)
	tb := table.New().Border(lipgloss.RoundedBorder()).BorderStyle(t.border).Headers(headers...).Rows(rows...).
		StyleFunc(func(row, col int) lipgloss.Style {
			s := cell
			if row == table.HeaderRow {
				s = t.headerS
			}
			if numeric[col] {
				s = s.Align(lipgloss.Right)
			}
			return s
		})
	return tb.Render()
}

type markdownStyle struct{}

func (markdownStyle) heading(s string) string { return "### " + s }
func (markdownStyle) good(s string) string    { return "✅ " + s }
func (markdownStyle) bad(s string) string     { return "❌ " + s }
func (markdownStyle) bullet(s string) string  { return "- " + s }
func (markdownStyle) code(s string) string    { return "`" + s + "`" }

func (markdownStyle) table(headers []string, rows [][]string, numeric map[int]bool) string {
	var b strings.Builder
	b.WriteString("| " + strings.Join(headers, " | ") + " |\n|")
	for i := range headers {
		if numeric[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		esc := make([]string, len(r))
		for i, c := range r {
			esc[i] = strings.NewReplacer("|", `\|`, "*", `\*`).Replace(c)
		}
		b.WriteString("| " + strings.Join(esc, " | ") + " |\n")
	}
	return b.String() // a blank line ends the table before any list
}

func writeEstimate(w io.Writer, r *estimator.Result, clouds []string, explain bool, st style) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	if _, md := st.(markdownStyle); md {
		p("## Estimate: %s", r.Design)
		p("")
	}
	// The verdict first.
	v := r.Verdict
	if v.MeetsSLO && v.MeetsBudget {
		p("%s", st.good(v.Summary))
	} else {
		p("%s", st.bad(v.Summary))
	}
	for _, reason := range v.Reasons {
		p("%s", st.bullet(reason))
	}
	p("")

	// Operations.
	p("%s", st.heading(fmt.Sprintf("Operations (%s scenario)", r.Scenario)))
	p("")
	var rows [][]string
	for _, op := range r.Operations {
		slo := "—"
		if op.SLOP99Ms != nil {
			slo = estimator.Num(*op.SLOP99Ms)
		}
		meets := "yes"
		if !op.MeetsSLO {
			meets = "NO"
		}
		hit := "—"
		if op.HitRatio != nil {
			hit = estimator.Pct(*op.HitRatio)
		}
		name := op.Name
		if op.Async {
			name += " (async)"
		}
		rows = append(rows, []string{name + mark(op.Assumed), estimator.Num(op.PeakRPS), ms(op.P50Ms), ms(op.P99Ms), slo, meets, hit, estimator.Pct(op.Availability)})
	}
	p("%s", st.table([]string{"operation", "peak rps", "p50 ms", "p99 ms", "SLO ms", "meets", "cache hits", "availability"}, rows, nums(1, 2, 3, 4, 6, 7)))
	p("")

	// Components.
	p("%s", st.heading("Components"))
	p("")
	rows = nil
	headers := []string{"component", "kind", "instances", "needed", "load/s", "utilisation"}
	for _, c := range clouds {
		headers = append(headers, c+" $/mo")
	}
	for _, c := range r.Components {
		inst, need, util, load := "—", "—", "—", "—"
		if c.Kind != "network" {
			inst, need = fmt.Sprint(c.Instances), fmt.Sprint(c.Needed)
			load = estimator.Num(c.LoadRPS)
			if c.CapacityRPS > 0 || math.IsInf(float64(c.Utilization), 1) {
				util = utilText(float64(c.Utilization))
			} else {
				util = "managed"
			}
		}
		name := c.Name + mark(c.Assumed)
		if c.SPOF {
			name += " (SPOF)"
		}
		row := []string{name, c.Kind, inst, need, load, util}
		for _, cl := range clouds {
			row = append(row, estimator.USD(c.MonthlyUSD[cl]))
		}
		rows = append(rows, row)
	}
	total := []string{"total", "", "", "", "", ""}
	for _, cl := range clouds {
		cc := r.Cost.For(cl)
		s := estimator.USD(cc.MonthlyUSD)
		if len(cc.Unpriced) > 0 {
			s += "+"
		}
		total = append(total, s)
	}
	rows = append(rows, total)
	numeric := nums(2, 3, 4, 5)
	for i := range clouds {
		numeric[6+i] = true
	}
	p("%s", st.table(headers, rows, numeric))
	for _, cl := range clouds {
		if cc := r.Cost.For(cl); len(cc.Unpriced) > 0 {
			p("%s", st.bullet(fmt.Sprintf("%s+: not priced (no sourced figure; supply with --prices): %s", cl, strings.Join(cc.Unpriced, ", "))))
		}
	}
	if r.BudgetUSD != nil {
		p("%s", st.bullet(fmt.Sprintf("budget %s/month on %s (the design's cloud)", estimator.USD(*r.BudgetUSD), r.Cloud)))
	}
	p("")

	// Availability.
	a := r.Availability
	p("%s", st.heading("Availability"))
	p("")
	line := fmt.Sprintf("estimated %s (%s path) against the %s SLO: error budget %s min/month, expected downtime %s min/month",
		estimator.Pct(a.Estimated), a.WorstOperation, estimator.Pct(a.SLO), estimator.Num(a.ErrorBudgetMinutes), estimator.Num(a.DowntimeMinutes))
	if a.MeetsSLO {
		p("%s", st.good(line))
	} else {
		p("%s", st.bad(line))
	}
	if len(a.SinglePoints) > 0 {
		p("%s", st.bullet("single points of failure: "+strings.Join(a.SinglePoints, "; ")))
	}
	p("")

	writeRunway(w, r.Runway, r.RunwayMonths, r.HorizonMonths, st)

	// Scenarios.
	p("%s", st.heading("Scenarios"))
	p("")
	rows = nil
	headers = []string{"scenario", "p99 SLOs", "availability"}
	for _, c := range clouds {
		headers = append(headers, c+" $/mo needed")
	}
	for _, s := range r.Scenarios {
		meets := "met"
		if !s.MeetsSLO {
			meets = "MISSED"
		}
		avail := estimator.Pct(s.Availability)
		if len(s.Down) > 0 {
			avail += " (down: " + strings.Join(s.Down, ", ") + ")"
		}
		row := []string{s.Name, meets, avail}
		for _, cl := range clouds {
			row = append(row, estimator.USD(s.MonthlyUSD[cl]))
		}
		rows = append(rows, row)
	}
	numeric = map[int]bool{}
	for i := range clouds {
		numeric[3+i] = true
	}
	p("%s", st.table(headers, rows, numeric))
	p("%s", st.bullet("cost needed: each tier at the larger of its planned size and what the scenario needs"))
	p("")

	if explain {
		writeExplain(w, r, clouds, st)
	}

	writeAssumptions(w, r.Assumptions, st)
	p("")
	var asOf []string
	for _, k := range []string{"aws", "gcp", "azure", "defaults", "sla"} {
		if d, ok := r.PricesAsOf[k]; ok {
			asOf = append(asOf, k+" "+d)
		}
	}
	p("Figures as of: %s. * marks a figure resting on an assumption; --explain shows every derivation.", strings.Join(asOf, ", "))
}

// writeAssumptions lists every figure an estimate rests on that is
// unsourced, secondary or a default standing in for the design.
func writeAssumptions(w io.Writer, assumptions []estimator.Assumption, st style) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("%s", st.heading(fmt.Sprintf("Assumptions (%d)", len(assumptions))))
	p("")
	for _, as := range assumptions {
		val := ""
		if as.Display != "" {
			val = " = " + as.Display
		}
		note := as.Note
		if note == "" {
			note = as.Source
		}
		p("%s", st.bullet(fmt.Sprintf("%s%s [%s]: %s", st.code(as.ID), val, as.Tag, note)))
	}
}

func writeExplain(w io.Writer, r *estimator.Result, clouds []string, st style) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("%s", st.heading("Derivations"))
	p("")
	for _, op := range r.Operations {
		p("operation %s:", op.Name)
		for _, d := range op.Derivation {
			p("%s", st.bullet(d))
		}
	}
	for _, c := range r.Components {
		p("component %s:", c.Name)
		for _, d := range c.Derivation {
			p("%s", st.bullet(d))
		}
	}
	p("availability:")
	for _, d := range r.Availability.Derivation {
		p("%s", st.bullet(d))
	}
	p("runway:")
	for _, rw := range r.Runway {
		p("%s", st.bullet(rw.Derivation))
	}
	for _, k := range r.Keyspaces {
		p("keyspace of %s:", k.Operation)
		for _, d := range k.Derivation {
			p("%s", st.bullet(d))
		}
	}
	writeCostItems(w, &r.Cost, clouds, st)
	p("")
}

func mark(assumed bool) string {
	if assumed {
		return "*"
	}
	return ""
}

func nums(cols ...int) map[int]bool {
	m := map[int]bool{}
	for _, c := range cols {
		m[c] = true
	}
	return m
}

func ms(m estimator.Millis) string {
	if math.IsInf(float64(m), 1) {
		return "∞"
	}
	return estimator.Num(float64(m))
}

func utilText(u float64) string {
	if math.IsInf(u, 1) {
		return "down"
	}
	return estimator.Pct(u)
}

func monthsText(m float64) string {
	switch {
	case math.IsInf(m, 1):
		return "never"
	case m == 0:
		return "now"
	}
	return fmt.Sprintf("month %s", estimator.Num(m))
}

// writeCostItems lists each cloud's bill line by line with its derivation,
// for --explain.
func writeCostItems(w io.Writer, costs *estimator.Costs, clouds []string, st style) {
	for _, cl := range clouds {
		cc := costs.For(cl)
		fmt.Fprintf(w, "cost on %s (%s/month):\n", cl, estimator.USD(cc.MonthlyUSD))
		for _, it := range cc.Items {
			fmt.Fprintf(w, "%s\n", st.bullet(fmt.Sprintf("%s %s [%s]: %s", it.Component, it.PriceID, it.Tag, it.Derivation)))
		}
	}
}

// writeRunway is the runway table of either form.
func writeRunway(w io.Writer, runway []estimator.Runway, first estimator.Months, horizon int, st style) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("%s", st.heading(fmt.Sprintf("Runway at the stated growth (horizon %d months)", horizon)))
	p("")
	var rows [][]string
	for _, rw := range runway {
		bend := "scales out"
		if !rw.ScalesOut {
			bend = "redesign"
		}
		rows = append(rows, []string{rw.Component, rw.Resource, monthsText(float64(rw.Months)), bend})
	}
	p("%s", st.table([]string{"component", "resource", "saturates in", "fix"}, rows, nums(2)))
	p("%s", st.bullet("runway (first ceiling that needs a redesign): "+monthsText(float64(first))))
	p("")
}
