package render

import (
	"encoding/json"
	"io"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// jsonReport is the documented JSON shape of a review: the report plus the
// threshold it was judged against.
type jsonReport struct {
	*rules.Report
	FailOn  rules.Severity `json:"fail_on"`
	Failing int            `json:"failing"`
	// Counts are unwaived findings per severity.
	Counts map[string]int `json:"counts"`
	Waived int            `json:"waived"`
}

// JSON writes the report as indented JSON.
func JSON(w io.Writer, rep *rules.Report, opts Options) error {
	counts, waived := rep.Counts()
	c := map[string]int{}
	for _, s := range rules.Severities() {
		c[s.String()] = counts[s]
	}
	return writeJSON(w, jsonReport{Report: rep, FailOn: opts.FailOn, Failing: rep.Failing(opts.FailOn), Counts: c, Waived: waived})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
