package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// Markdown writes the report as a pull-request comment: the verdict first,
// one table row per finding, remedies folded under each severity, waived
// findings and stale waivers at the end.
func Markdown(w io.Writer, rep *rules.Report, opts Options) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### tradeoff review: `%s`\n\n", rep.Design)
	fmt.Fprintf(&b, "**%s**\n", verdict(rep, opts.FailOn))
	active, waived := split(rep)
	if len(active) > 0 {
		b.WriteString("\n| Severity | Finding | Where | What |\n|---|---|---|---|\n")
		for _, f := range active {
			fmt.Fprintf(&b, "| %s | `%s` %s | `%s` | %s |\n", f.Severity, f.ID, cell(f.Title), f.Pos, cell(f.Message))
		}
		b.WriteString("\n<details><summary>How to fix</summary>\n\n")
		for _, f := range active {
			fmt.Fprintf(&b, "- **`%s`** — %s Run `tradeoff explain %s` for the trade-off.\n", f.ID, f.Remediation, f.Rule)
		}
		b.WriteString("\n</details>\n")
	}
	if len(waived) > 0 {
		b.WriteString("\n<details><summary>Waived</summary>\n\n| Finding | Where | Waiver |\n|---|---|---|\n")
		for _, f := range waived {
			fmt.Fprintf(&b, "| `%s` %s | `%s` | %s |\n", f.ID, cell(f.Title), f.Pos, cell(waiverWords(f.Waiver)))
		}
		b.WriteString("\n</details>\n")
	}
	if len(rep.StaleWaivers) > 0 {
		b.WriteString("\n**Stale waivers**\n\n")
		for _, s := range rep.StaleWaivers {
			fmt.Fprintf(&b, "- `%s`: %s\n", s.Pos, s.Message)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.ReplaceAll(s, "\n", " ")
}
