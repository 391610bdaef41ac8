package compare

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Side is one version of the design and what the pipeline made of it.
type Side struct {
	// Name says where it came from ("design.cue", "git:main:design.cue").
	Name     string
	Design   *schema.Design
	Estimate *estimator.Result
	// Graph replaces Estimate for a design written with components.
	Graph  *estimator.GraphResult
	Review *rules.Report
}

// Diff is everything that changed between two versions.
type Diff struct {
	Old string `json:"old"`
	New string `json:"new"`
	// Design is the new version's name.
	Design  string `json:"design"`
	Summary string `json:"summary"`

	Choices  []Choice        `json:"choices"`
	Findings []FindingChange `json:"findings"`

	// Cloud is the new design's cloud, whose cost the summary quotes.
	Cloud        string         `json:"cloud"`
	Cost         []CostChange   `json:"cost"`
	P99          []LatencyDelta `json:"p99"`
	Availability Delta          `json:"availability"`
	RunwayMonths Delta          `json:"runway_months"`
	MeetsSLO     [2]bool        `json:"meets_slo"`
	MeetsBudget  [2]bool        `json:"meets_budget"`

	// Components and Calls are what changed in the graph of a design
	// written with components.
	Components []ComponentChange `json:"components,omitempty"`
	Calls      []CallChange      `json:"calls,omitempty"`

	// graph is set for two designs written with components, whose
	// estimate has no runway yet.
	graph bool
}

// Change kinds of a finding.
const (
	Appeared    = "appeared"
	Disappeared = "disappeared"
	Escalated   = "severity raised"
	Eased       = "severity lowered"
	Unwaived    = "no longer waived"
	Waived      = "waived"
)

// FindingChange is one finding that differs between the versions.
type FindingChange struct {
	ID     string `json:"id"`
	Rule   string `json:"rule"`
	Title  string `json:"title"`
	Change string `json:"change"`
	// OldSeverity is empty for a finding that appeared, NewSeverity for
	// one that disappeared.
	OldSeverity string `json:"old_severity,omitempty"`
	NewSeverity string `json:"new_severity,omitempty"`
	// Waived is whether a current waiver hides it in the new version.
	Waived  bool            `json:"waived"`
	Message string          `json:"message"`
	Pos     schema.Position `json:"position"`
	// Introduced is true when the change brings the finding in, or makes
	// it worse, unwaived: what --fail-on judges.
	Introduced bool `json:"introduced"`

	sev rules.Severity
}

// Severity is the finding's severity in the version that has it (the new
// one when both do).
func (f FindingChange) Severity() rules.Severity { return f.sev }

// CostChange is one cloud's monthly cost, as planned.
type CostChange struct {
	Cloud string  `json:"cloud"`
	Old   float64 `json:"old_usd"`
	New   float64 `json:"new_usd"`
	Delta float64 `json:"delta_usd"`
}

// LatencyDelta is one operation's p99 at peak; nil on the side that does
// not have the operation (or where it is unbounded).
type LatencyDelta struct {
	Operation string   `json:"operation"`
	Old       *float64 `json:"old_ms"`
	New       *float64 `json:"new_ms"`
	SLO       *float64 `json:"slo_ms"`
	// Unbounded marks a side whose path is saturated: [old, new].
	Unbounded [2]bool `json:"unbounded"`
	MeetsSLO  [2]bool `json:"meets_slo"`
}

// Delta is a figure before and after; nil stands for "never" (a runway
// that does not end).
type Delta struct {
	Old *float64 `json:"old"`
	New *float64 `json:"new"`
}

// Compare computes the diff. today is the date the reviews judged waivers
// against, the same for both sides.
func Compare(old, new Side) *Diff {
	d := &Diff{Old: old.Name, New: new.Name, Design: new.Design.System.Name}
	d.Choices = Choices(old.Design, new.Design)
	d.Findings = Findings(old.Review, new.Review)
	if old.Graph != nil && new.Graph != nil {
		d.Cloud, d.graph = new.Graph.Cloud, true
		// The components are compared as components, not field by field.
		d.Choices = slices.DeleteFunc(d.Choices, func(c Choice) bool { return strings.HasPrefix(c.Path, "components.") })
		d.compareGraphs(old, new)
		d.Summary = d.summary()
		return d
	}
	d.Cloud = new.Estimate.Cloud
	for _, cl := range estimator.Clouds {
		o, n := old.Estimate.Cost.For(cl).MonthlyUSD, new.Estimate.Cost.For(cl).MonthlyUSD
		d.Cost = append(d.Cost, CostChange{Cloud: cl, Old: round2(o), New: round2(n), Delta: round2(n - o)})
	}
	d.P99 = latencies(old.Estimate, new.Estimate)
	d.Availability = Delta{Old: ptr(old.Estimate.Availability.Estimated), New: ptr(new.Estimate.Availability.Estimated)}
	d.RunwayMonths = Delta{Old: finite(float64(old.Estimate.RunwayMonths)), New: finite(float64(new.Estimate.RunwayMonths))}
	d.MeetsSLO = [2]bool{old.Estimate.Verdict.MeetsSLO, new.Estimate.Verdict.MeetsSLO}
	d.MeetsBudget = [2]bool{old.Estimate.Verdict.MeetsBudget, new.Estimate.Verdict.MeetsBudget}
	d.Summary = d.summary()
	return d
}

// Findings compares two reviews finding by finding (by stable ID).
func Findings(old, new *rules.Report) []FindingChange {
	before := map[string]rules.Finding{}
	for _, f := range old.Findings {
		before[f.ID] = f
	}
	after := map[string]rules.Finding{}
	for _, f := range new.Findings {
		after[f.ID] = f
	}
	var out []FindingChange
	for _, f := range new.Findings {
		o, had := before[f.ID]
		c := FindingChange{ID: f.ID, Rule: f.Rule, Title: f.Title, NewSeverity: f.Severity.String(), Waived: f.Waived(),
			Message: f.Message, Pos: f.Pos, sev: f.Severity}
		switch {
		case !had:
			c.Change = Appeared
			c.Introduced = !f.Waived()
		case o.Severity < f.Severity:
			c.Change, c.OldSeverity = Escalated, o.Severity.String()
			c.Introduced = !f.Waived()
		case o.Severity > f.Severity:
			c.Change, c.OldSeverity = Eased, o.Severity.String()
		case o.Waived() && !f.Waived():
			c.Change, c.OldSeverity = Unwaived, o.Severity.String()
			c.Introduced = true
		case !o.Waived() && f.Waived():
			c.Change, c.OldSeverity = Waived, o.Severity.String()
		default:
			continue
		}
		out = append(out, c)
	}
	for _, f := range old.Findings {
		if _, still := after[f.ID]; still {
			continue
		}
		out = append(out, FindingChange{ID: f.ID, Rule: f.Rule, Title: f.Title, Change: Disappeared, OldSeverity: f.Severity.String(),
			Waived: f.Waived(), Message: f.Message, Pos: f.Pos, sev: f.Severity})
	}
	// Introduced first, then by severity (highest first) and ID.
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Introduced != b.Introduced {
			return a.Introduced
		}
		if a.sev != b.sev {
			return a.sev > b.sev
		}
		return a.ID < b.ID
	})
	return out
}

// Failing counts the findings the change introduces at or above threshold.
func (d *Diff) Failing(threshold rules.Severity) int {
	n := 0
	for _, f := range d.Findings {
		if f.Introduced && f.sev >= threshold {
			n++
		}
	}
	return n
}

// opP99 is one operation's p99 at peak, from either estimate.
type opP99 struct {
	name  string
	p99   float64
	slo   *float64
	meets bool
}

func latencies(old, new *estimator.Result) []LatencyDelta {
	of := func(r *estimator.Result) []opP99 {
		var out []opP99
		for _, op := range r.Operations {
			out = append(out, opP99{op.Name, float64(op.P99Ms), op.SLOP99Ms, op.MeetsSLO})
		}
		return out
	}
	return latencyDeltas(of(old), of(new))
}

// latencyDeltas pairs the operations of the two versions by name.
func latencyDeltas(old, new []opP99) []LatencyDelta {
	byName := map[string]*LatencyDelta{}
	var names []string
	add := func(ops []opP99, side int) {
		for _, op := range ops {
			l, ok := byName[op.name]
			if !ok {
				l = &LatencyDelta{Operation: op.name}
				byName[op.name] = l
				names = append(names, op.name)
			}
			var v *float64
			if math.IsInf(op.p99, 1) {
				l.Unbounded[side] = true
			} else {
				v = ptr(round2(op.p99))
			}
			if side == 0 {
				l.Old = v
			} else {
				l.New, l.SLO = v, op.slo
			}
			l.MeetsSLO[side] = op.meets
		}
	}
	add(old, 0)
	add(new, 1)
	sort.Strings(names)
	out := make([]LatencyDelta, 0, len(names))
	for _, n := range names {
		out = append(out, *byName[n])
	}
	return out
}

func ptr(x float64) *float64 { return &x }

func finite(x float64) *float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return nil
	}
	return &x
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// summary is the one line a pull request shows first: the changed
// choices, the findings the change brings and removes, and what it costs
// on the design's cloud, in latency, availability and runway.
func (d *Diff) summary() string {
	var parts []string
	const showChoices = 3
	for i, c := range d.Choices {
		if i == showChoices {
			parts = append(parts, fmt.Sprintf("%d more choice(s)", len(d.Choices)-showChoices))
			break
		}
		parts = append(parts, c.Label+" "+arrow(c.Old, c.New))
	}
	parts = append(parts, d.componentSummary()...)
	parts = append(parts, d.findingSummary()...)
	for _, c := range d.Cost {
		if c.Cloud == d.Cloud && math.Abs(c.Delta) >= 0.5 {
			parts = append(parts, fmt.Sprintf("%s %s/month", strings.ToUpper(c.Cloud), signedUSD(c.Delta)))
		}
	}
	for _, l := range d.P99 {
		if s := l.text(); s != "" {
			parts = append(parts, "p99 "+l.Operation+" "+s)
		}
	}
	if o, n := d.Availability.Old, d.Availability.New; o != nil && n != nil && estimator.Pct(*o) != estimator.Pct(*n) {
		parts = append(parts, fmt.Sprintf("availability %s → %s", estimator.Pct(*o), estimator.Pct(*n)))
	}
	if o, n := monthsText(d.RunwayMonths.Old), monthsText(d.RunwayMonths.New); o != n && !d.graph {
		parts = append(parts, fmt.Sprintf("runway %s → %s", o, n))
	}
	if len(parts) == 0 {
		return "no change to the design's choices, findings or numbers"
	}
	return strings.Join(parts, "; ")
}

// findingSummary counts findings by change and severity: "+1 high
// finding (CAP002@redirect)", "−2 medium findings".
func (d *Diff) findingSummary() []string {
	type key struct {
		change string
		sev    rules.Severity
	}
	groups := map[key][]string{}
	var order []key
	for _, f := range d.Findings {
		k := key{f.Change, f.sev}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f.ID)
	}
	var out []string
	for _, k := range order {
		ids := groups[k]
		n := len(ids)
		noun := "finding"
		if n > 1 {
			noun = "findings"
		}
		which := ids[0]
		if n > 1 {
			which += ", …"
		}
		switch k.change {
		case Appeared:
			out = append(out, fmt.Sprintf("+%d %s %s (%s)", n, k.sev, noun, which))
		case Disappeared:
			out = append(out, fmt.Sprintf("−%d %s %s (%s)", n, k.sev, noun, which))
		default:
			out = append(out, fmt.Sprintf("%d %s %s %s (%s)", n, k.sev, noun, k.change, which))
		}
	}
	return out
}

// text is "41 → 28 ms", "unbounded → 28 ms", or "" when unchanged.
func (l LatencyDelta) text() string {
	side := func(v *float64, unbounded bool) string {
		switch {
		case unbounded:
			return "unbounded"
		case v == nil:
			return "—"
		}
		return estimator.Num(*v)
	}
	o, n := side(l.Old, l.Unbounded[0]), side(l.New, l.Unbounded[1])
	if o == n {
		return ""
	}
	unit := " ms"
	if l.Unbounded[1] || l.New == nil {
		unit = ""
		if l.Old != nil {
			o += " ms"
		}
	}
	return o + " → " + n + unit
}

func arrow(old, new string) string {
	switch {
	case old == "":
		return "added: " + new
	case new == "":
		return "removed (was " + old + ")"
	}
	return old + " → " + new
}

func signedUSD(x float64) string {
	if x < 0 {
		return "−" + estimator.USD(-x)
	}
	return "+" + estimator.USD(x)
}

func monthsText(m *float64) string {
	switch {
	case m == nil:
		return "never"
	case *m == 0:
		return "now"
	}
	return "month " + estimator.Num(*m)
}
