package report

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
)

// WriteMarkdown writes the review as Markdown for a repository or a wiki:
// the same sections as the HTML, the diagram as a Mermaid block (GitHub
// draws it) and the growth charts as a table of the same figures.
func WriteMarkdown(w io.Writer, in *Input) error {
	v := newView(in)
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("# Design review: %s", v.Name)
	p("")
	if v.Description != "" {
		p("%s", v.Description)
		p("")
	}
	p("%s · peak scenario · %d-month horizon", v.Where, v.Horizon)
	p("")

	mark := "✅"
	if !v.Verdict.Pass {
		mark = "❌"
	}
	p("> %s **%s**", mark, v.Verdict.Headline)
	p(">")
	for _, r := range v.Verdict.Reasons {
		p("> - %s", r)
	}
	p("> - Review: %s", v.Verdict.Review)
	p("")

	p("## The design")
	p("")
	if in.Diagram.Mermaid != "" {
		p("```mermaid")
		b.WriteString(strings.TrimRight(in.Diagram.Mermaid, "\n") + "\n")
		p("```")
		p("")
	}
	if g := in.Diagram.Graph; g != nil {
		for _, n := range g.Notes {
			p("- %s", strings.ReplaceAll(n, "*", `\*`))
		}
		if len(g.Notes) > 0 {
			p("")
		}
	}

	p("## Estimates")
	p("")
	p("### Per scenario")
	p("")
	headers := []string{"scenario", "p99 SLOs", "availability"}
	right := map[int]bool{}
	for i, c := range v.Clouds {
		headers = append(headers, c+" $/month")
		right[3+i] = true
	}
	var rows [][]string
	for _, s := range v.Scenarios {
		met := "met"
		if !s.MeetsSLO {
			met = "**missed**"
		}
		rows = append(rows, append([]string{s.Name + " — " + s.Description, met, s.Availability}, s.Costs...))
	}
	mdTable(&b, headers, rows, right)
	if !v.Components {
		p("Cost needed: each tier at the larger of its planned size and what the scenario needs.")
	} else {
		p("Cost at the counts the design states (a worker fleet with no count, at what the average rate needs).")
	}
	p("")
	p("### Per cloud, as planned")
	p("")
	headers = []string{"component", "kind", "instances", "needed at peak", "load/s", "utilisation"}
	right = map[int]bool{2: true, 3: true, 4: true, 5: true}
	for i, c := range v.Clouds {
		headers = append(headers, c+" $/month")
		right[6+i] = true
	}
	rows = nil
	for _, c := range v.Parts {
		name := c.Name
		if c.Assumed {
			name += "\\*"
		}
		if c.SPOF {
			name += " (SPOF)"
		}
		util := c.Utilisation
		if c.Overloaded {
			util = "**" + util + "**"
		}
		rows = append(rows, append([]string{name, c.Kind, c.Instances, c.Needed, c.Load, util}, c.Costs...))
	}
	rows = append(rows, append([]string{"**total**", "", "", "", "", ""}, v.Totals...))
	mdTable(&b, headers, rows, right)
	for _, u := range v.Unpriced {
		p("- %s", u)
	}
	if v.Budget != "" {
		p("- %s", v.Budget)
	}
	p("- \\* rests on an assumption (see Assumptions).")
	p("")

	p("## p99 latency against the SLO")
	p("")
	headers = []string{"operation", "peak rps", "p50", "p99", "SLO ms", "meets", "cache hits", "availability"}
	right = map[int]bool{1: true, 2: true, 3: true, 4: true, 6: true, 7: true}
	for i, s := range v.OpScenPer {
		headers = append(headers, "p99 "+s)
		right[8+i] = true
	}
	rows = nil
	for _, o := range v.Ops {
		name := o.Name
		if o.Async {
			name += " (async)"
		}
		if o.Assumed {
			name += "\\*"
		}
		meets := "yes"
		if !o.Meets {
			meets = "**no**"
		}
		rows = append(rows, append([]string{name, o.PeakRPS, o.P50, o.P99, o.SLO, meets, o.HitRate, o.Availability}, o.PerScenario...))
	}
	mdTable(&b, headers, rows, right)
	for _, od := range in.Operations {
		p("### %s: where its tail comes from", od.Name)
		p("")
		p("%s", od.Why)
		p("")
		p("```mermaid")
		b.WriteString(strings.TrimRight(od.Mermaid, "\n") + "\n")
		p("```")
		p("")
		for _, n := range od.Graph.Notes {
			p("- %s", n)
		}
		if len(od.Graph.Notes) > 0 {
			p("")
		}
	}

	p("## Availability and error budget")
	p("")
	a := v.Avail
	am := "✅"
	if !a.Meets {
		am = "❌"
	}
	p("%s Estimated **%s** on the %s path against the **%s** SLO. Error budget %s min/month; expected downtime %s min/month%s.",
		am, a.Estimated, a.Worst, a.SLO, a.BudgetMin, a.DowntimeMin, usedText(a.Used))
	p("")
	if len(a.SinglePoints) > 0 {
		p("Single points of failure:")
		p("")
		for _, s := range a.SinglePoints {
			p("- %s", s)
		}
		p("")
	}

	p("## Growth and runway")
	p("")
	writeGrowthTable(&b, in)
	p("Runway (the first ceiling that needs a redesign rather than more instances): **%s**.", v.RunwayMonths)
	p("")
	rows = nil
	if len(v.Runway) > 0 {
		for _, r := range v.Runway {
			when := r.When
			if r.Within {
				when = "**" + when + "**"
			}
			rows = append(rows, []string{r.Component, r.Resource, r.Load, r.Capacity, when, r.Fix})
		}
		mdTable(&b, []string{"component", "resource", "load now", "capacity", "saturates in", "fix"}, rows, map[int]bool{2: true, 3: true, 4: true})
	}

	p("## Findings (%d)", len(v.Active))
	p("")
	if len(v.Active) == 0 {
		p("No open findings: every rule is satisfied or waived.")
		p("")
	}
	for _, f := range v.Active {
		p("### %s `%s` %s", strings.ToUpper(f.Severity), f.ID, f.Title)
		p("")
		p("`%s` · `%s`", f.Where, f.Path)
		p("")
		p("%s", f.Message)
		p("")
		p("**Fix:** %s (`tradeoff explain %s`)", f.Remediation, f.Rule)
		p("")
		if f.Waiver != "" {
			p("Waiver: %s", f.Waiver)
			p("")
		}
	}

	p("## Waivers (%d)", len(v.Waived))
	p("")
	if len(v.Waived) == 0 {
		p("No waivers apply to this design.")
		p("")
	}
	for _, f := range v.Waived {
		p("- **`%s`** (%s) %s — %s. Accepted: %s", f.ID, f.Severity, f.Title, f.Message, f.Waiver)
	}
	if len(v.Waived) > 0 {
		p("")
	}
	if len(v.Stale) > 0 {
		p("Stale waivers:")
		p("")
		for _, s := range v.Stale {
			p("- `%s`: %s", s.Where, s.Message)
		}
		p("")
	}

	p("## Assumptions (%d)", len(v.Assumptions))
	p("")
	p("Every figure the estimate used without a primary source, and every default standing in for something the design left out.")
	p("")
	rows = nil
	for _, as := range v.Assumptions {
		rows = append(rows, []string{"`" + as.ID + "`", as.Value, as.Tag, as.Note})
	}
	mdTable(&b, []string{"figure", "value", "tag", "source or note"}, rows, nil)
	p("---")
	p("")
	p("Figures as of: %s. Generated by tradeoff %s; `tradeoff estimate --explain` prints the derivation of every figure.", v.AsOf, v.Version)
	_, err := w.Write(b.Bytes())
	return err
}

func usedText(used string) string {
	if used == "" {
		return ""
	}
	return " (" + used + " of the budget)"
}

// writeGrowthTable gives the growth charts' figures as a table: cost per
// cloud and each tier's utilisation, month by month.
func writeGrowthTable(b *bytes.Buffer, in *Input) {
	g := in.Growth
	if g == nil || len(g.Months) == 0 {
		return
	}
	headers := []string{"month"}
	right := map[int]bool{0: true}
	for _, c := range estimator.Clouds {
		right[len(headers)] = true
		headers = append(headers, c+" $/month")
	}
	for _, t := range g.Tiers {
		right[len(headers)] = true
		headers = append(headers, t)
	}
	var rows [][]string
	for _, m := range g.Months {
		row := []string{fmt.Sprint(m.Month)}
		for _, c := range estimator.Clouds {
			row = append(row, estimator.USD(m.NeededUSD[c]))
		}
		for _, t := range g.Tiers {
			u, ok := m.Utilisation[t]
			switch {
			case !ok:
				row = append(row, "—")
			case math.IsInf(u, 1):
				row = append(row, "**down**")
			case u >= 1:
				row = append(row, "**"+estimator.Pct(u)+"**")
			default:
				row = append(row, estimator.Pct(u))
			}
		}
		rows = append(rows, row)
	}
	fmt.Fprintf(b, "Monthly cost per cloud (every tier scaled to what that month's peak needs) and peak utilisation of each tier at its planned size; **bold** is at or past saturation.\n\n")
	mdTable(b, headers, rows, right)
	var marks []string
	for _, t := range g.Tiers {
		for _, c := range g.Ceilings[t] {
			marks = append(marks, fmt.Sprintf("%s %s %s", t, c.Resource, when(float64(c.Months))))
		}
	}
	if len(marks) > 0 {
		fmt.Fprintf(b, "Ceilings reached within the horizon: %s.\n\n", strings.Join(marks, "; "))
	}
}

// mdTable writes a Markdown table, escaping cell text.
func mdTable(b *bytes.Buffer, headers []string, rows [][]string, right map[int]bool) {
	b.WriteString("| " + strings.Join(headers, " | ") + " |\n|")
	for i := range headers {
		if right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range rows {
		cells := make([]string, len(r))
		for i, c := range r {
			cells[i] = strings.NewReplacer("|", `\|`, "\n", " ").Replace(c)
		}
		b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
	}
	b.WriteString("\n")
}
