package rules

import (
	"fmt"
	"sort"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Report is the outcome of one review.
type Report struct {
	Design string   `json:"design"`
	Files  []string `json:"files"`
	// Today is the date waiver expiry was judged against (YYYY-MM-DD).
	Today    string    `json:"today"`
	Findings []Finding `json:"findings"`
	// StaleWaivers are waivers that matched no finding: the risk they
	// accepted is gone (or the rule or component was misspelled).
	StaleWaivers []StaleWaiver `json:"stale_waivers"`
}

// AppliedWaiver is the design's waiver as it applies to one finding.
type AppliedWaiver struct {
	Reason  string `json:"reason"`
	Owner   string `json:"owner,omitempty"`
	Expires string `json:"expires,omitempty"`
	// Expired waivers no longer hide their finding.
	Expired bool            `json:"expired"`
	Pos     schema.Position `json:"position"`
}

// StaleWaiver is a waiver that matches nothing.
type StaleWaiver struct {
	Rule      string          `json:"rule"`
	Component string          `json:"component,omitempty"`
	Reason    string          `json:"reason"`
	Owner     string          `json:"owner,omitempty"`
	Message   string          `json:"message"`
	Pos       schema.Position `json:"position"`
}

// Options tune a review.
type Options struct {
	// Today judges waiver expiry; the zero value means the current date.
	Today time.Time
	// Rules to run; nil means the whole catalogue.
	Rules []*Rule
}

// Review runs the rules over the design, applies its waivers and returns
// the findings in a stable order: severity (highest first), rule ID,
// component.
func Review(c *Context, opts Options) *Report {
	d := c.Design
	today := opts.Today
	if today.IsZero() {
		today = time.Now()
	}
	ruleset := opts.Rules
	if ruleset == nil {
		ruleset = All()
	}
	rep := &Report{Design: d.System.Name, Today: today.Format(time.DateOnly), Findings: []Finding{}, StaleWaivers: []StaleWaiver{}}
	if d.Source != nil {
		rep.Files = d.Source.Files
	}
	seen := map[string]bool{}
	for _, r := range ruleset {
		check := r.Check
		if c.Graph != nil {
			check = r.GraphCheck
		}
		if check == nil {
			continue
		}
		for _, f := range check(c) {
			f.Rule, f.Category, f.Severity, f.Title, f.Remediation = r.ID, r.Category, r.Severity, r.Title, r.Remediation
			f.ID = r.ID + "@" + f.Component
			if seen[f.ID] {
				// One finding per rule and component: the first (most
				// specific) message stands.
				continue
			}
			seen[f.ID] = true
			f.Pos = d.Source.Pos(f.Path)
			rep.Findings = append(rep.Findings, f)
		}
	}
	ran := map[string]bool{}
	for _, r := range ruleset {
		ran[r.ID] = true
	}
	rep.applyWaivers(d, today, ran)
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.Rule != b.Rule {
			return idLess(a.Rule, b.Rule)
		}
		if a.USDPerMonth != b.USDPerMonth {
			return a.USDPerMonth > b.USDPerMonth
		}
		return a.Component < b.Component
	})
	return rep
}

// applyWaivers marks the findings each waiver covers. A waiver for a rule
// that exists but did not run (a review of selected rules) is neither
// applied nor stale.
func (rep *Report) applyWaivers(d *schema.Design, today time.Time, ran map[string]bool) {
	day := today.Format(time.DateOnly)
	for i, w := range d.Waivers {
		if r, ok := Lookup(w.Rule); ok && !ran[r.ID] {
			continue
		}
		path := fmt.Sprintf("waivers[%d]", i)
		matched := 0
		for k := range rep.Findings {
			f := &rep.Findings[k]
			if f.Rule != w.Rule || (w.Component != "" && w.Component != f.Component) {
				continue
			}
			matched++
			if f.Waiver != nil && !f.Waiver.Expired {
				continue // an earlier current waiver already covers it
			}
			f.Waiver = &AppliedWaiver{
				Reason: w.Reason, Owner: w.Owner, Expires: w.Expires,
				// A waiver is good through its expiry date.
				Expired: w.Expires != "" && w.Expires < day,
				Pos:     d.Source.Pos(path),
			}
		}
		if matched > 0 {
			continue
		}
		s := StaleWaiver{Rule: w.Rule, Component: w.Component, Reason: w.Reason, Owner: w.Owner, Pos: d.Source.Pos(path)}
		target := w.Rule
		if w.Component != "" {
			target += "@" + w.Component
		}
		if _, ok := Lookup(w.Rule); !ok {
			s.Message = fmt.Sprintf("waiver for %s matches nothing: there is no rule %s (see `tradeoff rules`)", target, w.Rule)
		} else {
			s.Message = fmt.Sprintf("waiver for %s matches nothing: the design no longer triggers it; remove the waiver", target)
		}
		rep.StaleWaivers = append(rep.StaleWaivers, s)
	}
}

// Failing counts the findings at or above threshold that no current waiver
// hides: the review fails when it is not zero.
func (rep *Report) Failing(threshold Severity) int {
	n := 0
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Severity >= threshold && !f.Waived() {
			n++
		}
	}
	return n
}

// Counts returns how many unwaived findings there are per severity, and how
// many are waived.
func (rep *Report) Counts() (bySeverity map[Severity]int, waived int) {
	bySeverity = map[Severity]int{}
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Waived() {
			waived++
		} else {
			bySeverity[f.Severity]++
		}
	}
	return bySeverity, waived
}
