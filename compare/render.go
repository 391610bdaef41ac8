package compare

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/tradeoff-dev/tradeoff/estimator"
)

// JSON writes the diff as indented JSON.
func JSON(w io.Writer, d *Diff) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(d)
}

// Text writes the diff for a terminal: the summary line first, then each
// part in its own block.
func Text(w io.Writer, d *Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "tradeoff diff: %s (%s → %s)\n%s\n", d.Design, d.Old, d.New, d.Summary)
	tw := func(f func(t *tabwriter.Writer)) {
		t := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		f(t)
		t.Flush()
	}
	if len(d.Choices) > 0 {
		fmt.Fprintf(&b, "\nCHOICES (%d)\n", len(d.Choices))
		tw(func(t *tabwriter.Writer) {
			for _, c := range d.Choices {
				fmt.Fprintf(t, "  %s\t%s\t%s\n", c.Path, arrow(c.Old, c.New), c.Pos)
			}
		})
	}
	if lines := d.componentLines(); len(lines) > 0 {
		fmt.Fprintf(&b, "\nCOMPONENTS (%d)\n", len(lines))
		for _, l := range lines {
			fmt.Fprintf(&b, "  %s\n", l)
		}
	}
	if len(d.Findings) > 0 {
		fmt.Fprintf(&b, "\nFINDINGS (%d)\n", len(d.Findings))
		for _, f := range d.Findings {
			fmt.Fprintf(&b, "  %s %s  %s [%s]\n    %s  %s\n", mark(f), f.ID, f.Title, severityText(f), f.Pos, f.Message)
		}
	}
	fmt.Fprintf(&b, "\nNUMBERS (old → new)\n")
	tw(func(t *tabwriter.Writer) {
		for _, row := range d.numberRows() {
			fmt.Fprintf(t, "  %s\t%s\t→ %s\t%s\n", row[0], row[1], row[2], row[3])
		}
	})
	_, err := io.WriteString(w, b.String())
	return err
}

// Markdown writes the diff as a pull-request comment.
func Markdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### tradeoff diff: `%s`\n\n", d.Design)
	fmt.Fprintf(&b, "**%s**\n\n", cell(d.Summary))
	fmt.Fprintf(&b, "`%s` → `%s`\n", d.Old, d.New)
	if len(d.Choices) > 0 {
		b.WriteString("\n| Choice | Old | New | Where |\n|---|---|---|---|\n")
		for _, c := range d.Choices {
			fmt.Fprintf(&b, "| %s (`%s`) | %s | %s | `%s` |\n", cell(c.Label), c.Path, code(c.Old), code(c.New), c.Pos)
		}
	}
	if lines := d.componentLines(); len(lines) > 0 {
		b.WriteString("\n")
		for _, l := range lines {
			fmt.Fprintf(&b, "- %s\n", cell(l))
		}
	}
	if len(d.Findings) > 0 {
		b.WriteString("\n| | Finding | Severity | What |\n|---|---|---|---|\n")
		for _, f := range d.Findings {
			fmt.Fprintf(&b, "| %s %s | `%s` %s | %s | %s |\n", mark(f), f.Change, f.ID, cell(f.Title), severityText(f), cell(f.Message))
		}
	}
	b.WriteString("\n| | Old | New | Change |\n|---|---:|---:|---:|\n")
	for _, row := range d.numberRows() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", row[0], row[1], row[2], row[3])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// numberRows are the estimate's figures before and after: cost per cloud,
// p99 per operation, availability, runway and the verdict.
func (d *Diff) numberRows() [][4]string {
	var rows [][4]string
	for _, c := range d.Cost {
		name := c.Cloud + " $/month"
		if c.Cloud == d.Cloud {
			name += " (design's cloud)"
		}
		change := "—"
		if c.Delta != 0 {
			change = signedUSD(c.Delta)
		}
		rows = append(rows, [4]string{name, estimator.USD(c.Old), estimator.USD(c.New), change})
	}
	for _, l := range d.P99 {
		slo := ""
		if l.SLO != nil {
			slo = " (SLO " + estimator.Num(*l.SLO) + " ms)"
		}
		o, n := msText(l.Old, l.Unbounded[0]), msText(l.New, l.Unbounded[1])
		change := "—"
		if l.Old != nil && l.New != nil && *l.Old != *l.New {
			change = signedNum(*l.New-*l.Old) + " ms"
		} else if o != n {
			change = "changed"
		}
		rows = append(rows, [4]string{"p99 " + l.Operation + slo, o, n, change})
	}
	pct := func(x *float64) string {
		if x == nil {
			return "—"
		}
		return estimator.Pct(*x)
	}
	a := d.Availability
	change := "—"
	if pct(a.Old) != pct(a.New) {
		change = "changed"
	}
	rows = append(rows, [4]string{"availability", pct(a.Old), pct(a.New), change})
	if !d.graph {
		r := d.RunwayMonths
		change = "—"
		if monthsText(r.Old) != monthsText(r.New) {
			change = "changed"
		}
		rows = append(rows, [4]string{"runway", monthsText(r.Old), monthsText(r.New), change})
	}
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "missed"
	}
	within := func(ok bool) string {
		if ok {
			return "within"
		}
		return "over"
	}
	rows = append(rows,
		[4]string{"SLOs", met(d.MeetsSLO[0]), met(d.MeetsSLO[1]), same(d.MeetsSLO)},
		[4]string{"budget", within(d.MeetsBudget[0]), within(d.MeetsBudget[1]), same(d.MeetsBudget)})
	return rows
}

func same(v [2]bool) string {
	if v[0] == v[1] {
		return "—"
	}
	return "changed"
}

func msText(v *float64, unbounded bool) string {
	switch {
	case unbounded:
		return "unbounded"
	case v == nil:
		return "—"
	}
	return estimator.Num(*v) + " ms"
}

func signedNum(x float64) string {
	if x < 0 {
		return "−" + estimator.Num(-x)
	}
	return "+" + estimator.Num(x)
}

// mark is + for a finding the change brings, − for one it removes, ~ for
// one it changes.
func mark(f FindingChange) string {
	switch f.Change {
	case Appeared, Unwaived, Escalated:
		return "+"
	case Disappeared, Waived, Eased:
		return "−"
	}
	return "~"
}

func severityText(f FindingChange) string {
	switch {
	case f.OldSeverity == "":
		s := f.NewSeverity
		if f.Waived {
			s += ", waived"
		}
		return s
	case f.NewSeverity == "" || f.Change == Disappeared:
		return f.OldSeverity
	case f.OldSeverity != f.NewSeverity:
		return f.OldSeverity + " → " + f.NewSeverity
	case f.Change == Waived:
		return f.NewSeverity + ", now waived"
	case f.Change == Unwaived:
		return f.NewSeverity + ", no longer waived"
	}
	return f.NewSeverity
}

func cell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

func code(s string) string {
	if s == "" {
		return "—"
	}
	return "`" + cell(strings.ReplaceAll(s, "`", "'")) + "`"
}
