package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// view is the document's content as text, worked out once so that the
// HTML and the Markdown say exactly the same things.
type view struct {
	Name, Description, Where string
	Verdict                  verdict
	// Components is true for a design written with components, whose
	// estimate sizes nothing beyond what the design states.
	Components  bool
	Clouds      []string
	DesignCloud string

	Scenarios []scenarioRow
	Parts     []partRow
	Totals    []string
	Unpriced  []string
	Budget    string

	Ops       []opRow
	OpScenPer []string // scenario names for the per-scenario p99 columns

	Avail availView

	Runway       []runwayRow
	RunwayMonths string
	Horizon      int

	Active, Waived []findingRow
	Stale          []staleRow
	Assumptions    []assumptionRow
	AsOf           string
	Version        string
}

type scenarioRow struct {
	Name, Description string
	MeetsSLO          bool
	Availability      string
	Costs             []string
}

type partRow struct {
	Name, Kind, Instances, Needed, Load, Utilisation string
	Costs                                            []string
	Assumed, SPOF, Overloaded                        bool
}

type opRow struct {
	Name                            string
	Async, Assumed, HasSLO, Meets   bool
	PeakRPS, P50, P99, SLO, HitRate string
	Availability, Bottleneck        string
	P99Ms, SLOMs                    float64
	PerScenario                     []string
}

type availView struct {
	Estimated, SLO, Worst        string
	BudgetMin, DowntimeMin, Used string
	UsedPct                      float64
	Meets                        bool
	SinglePoints                 []string
	Derivation                   []string
}

type runwayRow struct {
	Component, Resource, Load, Capacity, When, Fix string
	Within                                         bool
}

type findingRow struct {
	ID, Rule, Severity, Title, Component, Where string
	Message, Remediation, Path                  string
	Waiver                                      string
}

type staleRow struct{ Where, Message string }

type assumptionRow struct {
	ID, Value, Tag, Note string
}

func newView(in *Input) *view {
	if in.Graph != nil {
		return newGraphView(in)
	}
	r := in.Estimate
	d := in.Design
	v := &view{
		Name:        r.Design,
		Description: d.System.Description,
		Verdict:     newVerdict(in),
		Clouds:      estimator.Clouds,
		DesignCloud: r.Cloud,
		Horizon:     r.HorizonMonths,
		Version:     in.Version,
	}
	v.Where = whereText(d, r.Cloud)

	for _, s := range r.Scenarios {
		row := scenarioRow{Name: s.Name, Description: s.Description, MeetsSLO: s.MeetsSLO, Availability: estimator.Pct(s.Availability)}
		if len(s.Down) > 0 {
			row.Availability += " (down: " + strings.Join(s.Down, ", ") + ")"
		}
		for _, c := range v.Clouds {
			row.Costs = append(row.Costs, estimator.USD(s.MonthlyUSD[c]))
		}
		v.Scenarios = append(v.Scenarios, row)
	}

	for _, c := range r.Components {
		p := partRow{Name: c.Name, Kind: c.Kind, Instances: "—", Needed: "—", Load: "—", Utilisation: "—", Assumed: c.Assumed, SPOF: c.SPOF}
		if c.Kind != "network" {
			p.Instances, p.Needed = fmt.Sprint(c.Instances), fmt.Sprint(c.Needed)
			p.Load = estimator.Num(c.LoadRPS)
			u := float64(c.Utilization)
			switch {
			case math.IsInf(u, 1):
				p.Utilisation, p.Overloaded = "down", true
			case c.CapacityRPS > 0:
				p.Utilisation, p.Overloaded = estimator.Pct(u), u >= 1
			default:
				p.Utilisation = "managed"
			}
		}
		for _, cl := range v.Clouds {
			p.Costs = append(p.Costs, estimator.USD(c.MonthlyUSD[cl]))
		}
		v.Parts = append(v.Parts, p)
	}
	for _, cl := range v.Clouds {
		cc := r.Cost.For(cl)
		t := estimator.USD(cc.MonthlyUSD)
		if len(cc.Unpriced) > 0 {
			t += "+"
			v.Unpriced = append(v.Unpriced, fmt.Sprintf("%s+: not priced (no sourced figure; supply it with --prices): %s", cl, strings.Join(cc.Unpriced, ", ")))
		}
		v.Totals = append(v.Totals, t)
	}
	if r.BudgetUSD != nil {
		cost := r.Cost.For(r.Cloud).MonthlyUSD
		rel := "under"
		diff := *r.BudgetUSD - cost
		if diff < 0 {
			rel, diff = "over", -diff
		}
		v.Budget = fmt.Sprintf("Budget %s/month on %s, the design's cloud: the plan costs %s, %s %s.", estimator.USD(*r.BudgetUSD), r.Cloud, estimator.USD(cost), estimator.USD(diff), rel)
	}

	for _, s := range r.Scenarios {
		v.OpScenPer = append(v.OpScenPer, s.Name)
	}
	for _, op := range r.Operations {
		o := opRow{Name: op.Name, Async: op.Async, Assumed: op.Assumed, Meets: op.MeetsSLO,
			PeakRPS: estimator.Num(op.PeakRPS), P50: msText(float64(op.P50Ms)), P99: msText(float64(op.P99Ms)),
			SLO: "—", HitRate: "—", Availability: estimator.Pct(op.Availability), Bottleneck: op.Bottleneck, P99Ms: float64(op.P99Ms)}
		if op.SLOP99Ms != nil {
			o.HasSLO, o.SLO, o.SLOMs = true, estimator.Num(*op.SLOP99Ms), *op.SLOP99Ms
		}
		if op.HitRatio != nil {
			o.HitRate = estimator.Pct(*op.HitRatio)
		}
		for _, s := range r.Scenarios {
			cell := "—"
			for _, so := range s.Operations {
				if so.Name == op.Name {
					cell = msText(float64(so.P99Ms))
					if !so.MeetsSLO {
						cell += " ✗"
					}
				}
			}
			o.PerScenario = append(o.PerScenario, cell)
		}
		v.Ops = append(v.Ops, o)
	}

	a := r.Availability
	v.Avail = availView{
		Estimated: estimator.Pct(a.Estimated), SLO: estimator.Pct(a.SLO), Worst: a.WorstOperation,
		BudgetMin: estimator.Num(a.ErrorBudgetMinutes), DowntimeMin: estimator.Num(a.DowntimeMinutes),
		Meets: a.MeetsSLO, SinglePoints: a.SinglePoints, Derivation: a.Derivation,
	}
	if a.ErrorBudgetMinutes > 0 {
		v.Avail.UsedPct = a.DowntimeMinutes / a.ErrorBudgetMinutes * 100
		v.Avail.Used = estimator.Num(v.Avail.UsedPct) + "%"
	}

	v.Runway = runwayRows(r.Runway, r.HorizonMonths)
	v.RunwayMonths = monthsText(float64(r.RunwayMonths))

	v.findings(in)
	v.assumptions(r.Assumptions, r.PricesAsOf)
	return v
}

// whereText is the document's place line: cloud, region, footprint.
func whereText(d *schema.Design, cloud string) string {
	where := []string{strings.ToUpper(cloud)}
	if d.System.Region != "" {
		where = append(where, d.System.Region)
	}
	return strings.Join(append(where, d.System.Footprint), " · ")
}

func findingOf(f rules.Finding) findingRow {
	row := findingRow{ID: f.ID, Rule: f.Rule, Severity: f.Severity.String(), Title: f.Title, Component: f.Component,
		Where: f.Pos.String(), Message: f.Message, Remediation: f.Remediation, Path: f.Path}
	if w := f.Waiver; w != nil {
		s := fmt.Sprintf("%q", w.Reason)
		if w.Owner != "" {
			s += ", owner " + w.Owner
		}
		switch {
		case w.Expired:
			s += ", expired " + w.Expires + " (no longer hides the finding)"
		case w.Expires != "":
			s += ", until " + w.Expires
		}
		row.Waiver = s + " — " + w.Pos.String()
	}
	return row
}

// runwayFigure prints a runway's load or capacity in its resource's unit:
// bytes for storage, a percentage for utilisation and hit ratios, else a
// rate.
// runwayRows are the runway's lines, either form's.
func runwayRows(runway []estimator.Runway, horizon int) []runwayRow {
	var out []runwayRow
	for _, rw := range runway {
		fix := "scales out"
		if !rw.ScalesOut {
			fix = "redesign"
		}
		out = append(out, runwayRow{Component: rw.Component, Resource: rw.Resource,
			Load: runwayFigure(rw.Resource, rw.Load), Capacity: runwayFigure(rw.Resource, rw.Capacity),
			When: monthsText(float64(rw.Months)), Fix: fix, Within: float64(rw.Months) <= float64(horizon)})
	}
	return out
}

func runwayFigure(resource string, x float64) string {
	switch {
	case resource == "storage":
		return estimator.Bytes(x)
	case strings.Contains(resource, "utilisation"), strings.Contains(resource, "hit ratio"):
		return estimator.Pct(x)
	}
	return estimator.Num(x)
}

func msText(m float64) string {
	if math.IsInf(m, 1) {
		return "unbounded"
	}
	return estimator.Num(m) + " ms"
}

// when says when a month comes: "now", "in month 3.7" or "never".
func when(m float64) string {
	if m == 0 || math.IsInf(m, 1) {
		return monthsText(m)
	}
	return "in " + monthsText(m)
}

func monthsText(m float64) string {
	switch {
	case math.IsInf(m, 1):
		return "never"
	case m == 0:
		return "now"
	}
	return "month " + estimator.Num(m)
}
