// Package render presents review findings and the rule catalogue: text for
// terminals (lipgloss, colour only when asked), JSON, Markdown for pull
// requests, SARIF 2.1.0 for code scanning, and the generated docs page. It
// decides presentation only; what a finding says comes from package rules.
package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// Options control how a report is presented.
type Options struct {
	// FailOn is the severity at or above which unwaived findings fail.
	FailOn rules.Severity
	// Color enables ANSI styling (false when NO_COLOR is set or the output
	// is not a terminal).
	Color bool
	// Version is the tool's version, for SARIF.
	Version string
}

// styles paints text only when colour is on, so plain output carries no
// escape codes at all.
type styles struct {
	on  bool
	r   *lipgloss.Renderer
	sev map[rules.Severity]lipgloss.Style
}

func newStyles(w io.Writer, on bool) *styles {
	r := lipgloss.NewRenderer(w)
	s := &styles{on: on, r: r, sev: map[rules.Severity]lipgloss.Style{
		rules.Critical: r.NewStyle().Bold(true).Foreground(lipgloss.Color("9")),
		rules.High:     r.NewStyle().Bold(true).Foreground(lipgloss.Color("1")),
		rules.Medium:   r.NewStyle().Bold(true).Foreground(lipgloss.Color("3")),
		rules.Low:      r.NewStyle().Bold(true).Foreground(lipgloss.Color("4")),
		rules.Info:     r.NewStyle().Bold(true).Foreground(lipgloss.Color("8")),
	}}
	return s
}

func (s *styles) paint(st lipgloss.Style, text string) string {
	if !s.on {
		return text
	}
	return st.Render(text)
}

func (s *styles) severity(sev rules.Severity, text string) string { return s.paint(s.sev[sev], text) }
func (s *styles) bold(text string) string                         { return s.paint(s.r.NewStyle().Bold(true), text) }
func (s *styles) faint(text string) string                        { return s.paint(s.r.NewStyle().Faint(true), text) }

// Text writes the report for a terminal: findings grouped by severity,
// highest first, each with its position, message and remedy; waived
// findings and stale waivers after them; the verdict last.
func Text(w io.Writer, rep *rules.Report, opts Options) error {
	st := newStyles(w, opts.Color)
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", st.bold("tradeoff review:"), designLabel(rep))
	active, waived := split(rep)
	if len(active) == 0 && len(waived) == 0 && len(rep.StaleWaivers) == 0 {
		b.WriteString("\nNo findings: every rule is satisfied.\n")
	}
	sevs := rules.Severities()
	for i := len(sevs) - 1; i >= 0; i-- {
		sev := sevs[i]
		group := bySeverity(active, sev)
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s\n", st.severity(sev, fmt.Sprintf("%s (%d)", strings.ToUpper(sev.String()), len(group))))
		for _, f := range group {
			writeTextFinding(&b, st, f)
		}
	}
	if len(waived) > 0 {
		fmt.Fprintf(&b, "\n%s\n", st.bold(fmt.Sprintf("WAIVED (%d)", len(waived))))
		for _, f := range waived {
			fmt.Fprintf(&b, "  %s  %s [%s]\n", st.bold(f.ID), f.Title, f.Severity)
			fmt.Fprintf(&b, "    %s  %s\n", st.faint(f.Pos.String()), f.Message)
			fmt.Fprintf(&b, "    waived: %s\n", waiverWords(f.Waiver))
		}
	}
	if len(rep.StaleWaivers) > 0 {
		fmt.Fprintf(&b, "\n%s\n", st.bold(fmt.Sprintf("STALE WAIVERS (%d)", len(rep.StaleWaivers))))
		for _, s := range rep.StaleWaivers {
			fmt.Fprintf(&b, "  %s  %s\n", st.faint(s.Pos.String()), s.Message)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", verdict(rep, opts.FailOn))
	_, err := io.WriteString(w, b.String())
	return err
}

func writeTextFinding(b *strings.Builder, st *styles, f rules.Finding) {
	fmt.Fprintf(b, "  %s  %s\n", st.bold(f.ID), f.Title)
	fmt.Fprintf(b, "    %s  %s\n", st.faint(f.Pos.String()), f.Message)
	if f.Waiver != nil && f.Waiver.Expired {
		fmt.Fprintf(b, "    waiver expired: %s\n", waiverWords(f.Waiver))
	}
	fmt.Fprintf(b, "    fix: %s\n", f.Remediation)
}

func designLabel(rep *rules.Report) string {
	files := strings.Join(rep.Files, ", ")
	if files == "" {
		return fmt.Sprintf("design %q", rep.Design)
	}
	return fmt.Sprintf("design %q (%s)", rep.Design, files)
}

// split separates findings a current waiver hides from the rest.
func split(rep *rules.Report) (active, waived []rules.Finding) {
	for _, f := range rep.Findings {
		if f.Waived() {
			waived = append(waived, f)
		} else {
			active = append(active, f)
		}
	}
	return active, waived
}

func bySeverity(fs []rules.Finding, sev rules.Severity) []rules.Finding {
	var out []rules.Finding
	for _, f := range fs {
		if f.Severity == sev {
			out = append(out, f)
		}
	}
	return out
}

func waiverWords(w *rules.AppliedWaiver) string {
	s := fmt.Sprintf("%q", w.Reason)
	if w.Owner != "" {
		s += " (owner " + w.Owner + ")"
	}
	switch {
	case w.Expired:
		s += ", expired " + w.Expires
	case w.Expires != "":
		s += ", until " + w.Expires
	}
	return s + " at " + w.Pos.String()
}

// verdict is the last line: counts per severity and whether the review
// fails at the threshold.
func verdict(rep *rules.Report, failOn rules.Severity) string {
	counts, waived := rep.Counts()
	var parts []string
	sevs := rules.Severities()
	for i := len(sevs) - 1; i >= 0; i-- {
		if n := counts[sevs[i]]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, sevs[i]))
		}
	}
	summary := "no findings"
	if len(parts) > 0 {
		summary = strings.Join(parts, ", ")
	}
	if waived > 0 {
		summary += fmt.Sprintf("; %d waived", waived)
	}
	if len(rep.StaleWaivers) > 0 {
		summary += fmt.Sprintf("; %d stale waiver(s)", len(rep.StaleWaivers))
	}
	if n := rep.Failing(failOn); n > 0 {
		return fmt.Sprintf("FAIL: %d finding(s) at or above %s (%s)", n, failOn, summary)
	}
	return fmt.Sprintf("PASS: nothing at or above %s (%s)", failOn, summary)
}
