package report

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules/render"
)

// The document of a design written with components: the same sections,
// filled from the component estimate. What that estimate does not make yet
// (growth month by month, the zone-down scenario) is said, not drawn as
// zero.

// minutesPerMonth is a 730-hour month, the estimator's.
const minutesPerMonth = estimator.HoursPerMonth * 60

func newGraphView(in *Input) *view {
	r, d := in.Graph, in.Design
	v := &view{
		Name:        r.Design,
		Description: d.System.Description,
		Verdict:     newGraphVerdict(in),
		Clouds:      estimator.Clouds,
		DesignCloud: r.Cloud,
		Horizon:     r.HorizonMonths,
		Version:     in.Version,
		Components:  true,
	}
	v.Where = whereText(d, r.Cloud)

	peak := scenarioRow{Name: r.Scenario, Description: "every component at the operations' peak rates", MeetsSLO: v.Verdict.MeetsSLO,
		Availability: estimator.Pct(r.Availability.Estimated)}
	for _, cl := range v.Clouds {
		peak.Costs = append(peak.Costs, estimator.USD(r.Costs.For(cl).MonthlyUSD))
	}
	v.Scenarios = []scenarioRow{peak}

	for _, c := range r.Components {
		p := partRow{Name: c.Name, Kind: c.Kind, Instances: fmt.Sprint(c.Instances), Needed: "—", Load: estimator.Num(c.LoadRPS), Utilisation: "—"}
		if c.Utilization != nil {
			p.Utilisation, p.Overloaded = estimator.Pct(*c.Utilization), *c.Utilization >= 1
		}
		for _, cl := range v.Clouds {
			usd := estimator.USD(c.MonthlyUSD[cl])
			if c.Unpriced {
				usd += "+"
			}
			p.Costs = append(p.Costs, usd)
		}
		v.Parts = append(v.Parts, p)
	}
	for _, net := range []string{"egress", "replication"} {
		p := partRow{Name: net, Kind: "network", Instances: "—", Needed: "—", Load: "—", Utilisation: "—"}
		any := false
		for _, cl := range v.Clouds {
			usd := r.Costs.For(cl).ComponentTotal(net)
			any = any || usd > 0
			p.Costs = append(p.Costs, estimator.USD(usd))
		}
		if any || net == "egress" {
			v.Parts = append(v.Parts, p)
		}
	}
	for _, cl := range v.Clouds {
		cc := r.Costs.For(cl)
		t := estimator.USD(cc.MonthlyUSD)
		if len(cc.Unpriced) > 0 {
			t += "+"
			v.Unpriced = append(v.Unpriced, fmt.Sprintf("%s+: not priced (%s): %s", cl, estimator.UnpricedHint, strings.Join(cc.Unpriced, ", ")))
		}
		v.Totals = append(v.Totals, t)
	}
	if r.BudgetUSD != nil {
		cost := r.Costs.For(r.Cloud).MonthlyUSD
		rel, diff := "under", *r.BudgetUSD-cost
		if diff < 0 {
			rel, diff = "over", -diff
		}
		v.Budget = fmt.Sprintf("Budget %s/month on %s, the design's cloud: the plan costs %s, %s %s.", estimator.USD(*r.BudgetUSD), r.Cloud, estimator.USD(cost), estimator.USD(diff), rel)
	}

	v.OpScenPer = []string{r.Scenario}
	for _, op := range r.Operations {
		o := opRow{Name: op.Name, Async: op.Async, Meets: op.MeetsSLO, PeakRPS: estimator.Num(op.PeakRPS),
			P50: msText(float64(op.P50Ms)), P99: msText(float64(op.P99Ms)), SLO: "—", HitRate: "—",
			Availability: estimator.Pct(op.Availability), Bottleneck: op.Bottleneck, P99Ms: float64(op.P99Ms)}
		if len(op.Unmodelled) > 0 {
			o.P99 += " (floor)"
			o.Assumed = true
		}
		if op.SLOP99Ms != nil {
			o.HasSLO, o.SLO, o.SLOMs = true, estimator.Num(*op.SLOP99Ms), *op.SLOP99Ms
		}
		o.PerScenario = []string{o.P99}
		v.Ops = append(v.Ops, o)
	}

	a := r.Availability
	budget, down := (1-a.SLO)*minutesPerMonth, (1-a.Estimated)*minutesPerMonth
	v.Avail = availView{Estimated: estimator.Pct(a.Estimated), SLO: estimator.Pct(a.SLO), Worst: a.WorstOperation,
		BudgetMin: estimator.Num(budget), DowntimeMin: estimator.Num(down), Meets: a.MeetsSLO}
	for _, op := range r.Operations {
		if op.Name == a.WorstOperation {
			v.Avail.Derivation = availabilityLines(op.Derivation)
		}
	}
	if budget > 0 {
		v.Avail.UsedPct = down / budget * 100
		v.Avail.Used = estimator.Num(v.Avail.UsedPct) + "%"
	}

	v.Runway = runwayRows(r.Runway, r.HorizonMonths)
	v.RunwayMonths = monthsText(float64(r.RunwayMonths))
	v.findings(in)
	v.assumptions(r.Assumptions, r.PricesAsOf)
	return v
}

// availabilityLines keeps the availability part of an operation's
// derivation.
func availabilityLines(deriv []string) []string {
	var out []string
	for _, l := range deriv {
		if strings.Contains(l, "availability") {
			out = append(out, l)
		}
	}
	return out
}

func newGraphVerdict(in *Input) verdict {
	r := in.Graph
	out := verdict{MeetsSLO: r.Availability.MeetsSLO, MeetsBudget: true,
		Review: render.Verdict(in.Review, in.FailOn), ReviewPass: in.Review.Failing(in.FailOn) == 0}
	for _, op := range r.Operations {
		if op.SLOP99Ms == nil {
			continue
		}
		if !op.MeetsSLO {
			out.MeetsSLO = false
			out.Reasons = append(out.Reasons, fmt.Sprintf("%s: p99 %s misses the %s SLO", op.Name, msText(float64(op.P99Ms)), msText(*op.SLOP99Ms)))
		} else {
			out.Reasons = append(out.Reasons, fmt.Sprintf("%s: p99 %s meets the %s SLO", op.Name, msText(float64(op.P99Ms)), msText(*op.SLOP99Ms)))
		}
	}
	verb := "meets"
	if !r.Availability.MeetsSLO {
		verb = "misses"
	}
	out.Reasons = append(out.Reasons, fmt.Sprintf("availability %s (%s path) %s the %s SLO", estimator.Pct(r.Availability.Estimated), r.Availability.WorstOperation, verb, estimator.Pct(r.Availability.SLO)))
	cost := r.Costs.For(r.Cloud).MonthlyUSD
	if r.BudgetUSD != nil {
		out.MeetsBudget = cost <= *r.BudgetUSD
		rel := "under"
		if !out.MeetsBudget {
			rel = "over"
		}
		out.Reasons = append(out.Reasons, fmt.Sprintf("%s costs %s/month, %s %s the %s budget", r.Cloud, estimator.USD(cost), estimator.USD(math.Abs(*r.BudgetUSD-cost)), rel, estimator.USD(*r.BudgetUSD)))
	}
	out.Pass = out.MeetsSLO && out.MeetsBudget && out.ReviewPass
	if out.Pass {
		out.Headline = r.Design + " meets its SLOs and budget, and the review passes"
	} else {
		out.Headline = r.Design + " " + failures(out)
	}
	return out
}

// findings fills the active, waived and stale findings from the review.
func (v *view) findings(in *Input) {
	active, waived := activeAndWaived(in.Review)
	for _, f := range active {
		v.Active = append(v.Active, findingOf(f))
	}
	for _, f := range waived {
		v.Waived = append(v.Waived, findingOf(f))
	}
	for _, f := range active {
		if f.Waiver != nil {
			v.Waived = append(v.Waived, findingOf(f))
		}
	}
	for _, s := range in.Review.StaleWaivers {
		v.Stale = append(v.Stale, staleRow{Where: s.Pos.String(), Message: s.Message})
	}
}

// assumptions fills the assumptions and the prices' dates.
func (v *view) assumptions(as []estimator.Assumption, pricesAsOf map[string]string) {
	for _, a := range as {
		note := a.Note
		if note == "" {
			note = a.Source
		} else if a.Source != "" && a.Source != "none" && a.Source != note {
			note += " (" + a.Source + ")"
		}
		val := a.Display
		if val == "" {
			val = "—"
		}
		v.Assumptions = append(v.Assumptions, assumptionRow{ID: a.ID, Value: val, Tag: string(a.Tag), Note: note})
	}
	keys := make([]string, 0, len(pricesAsOf))
	for k := range pricesAsOf {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var asOf []string
	for _, k := range keys {
		asOf = append(asOf, k+" "+pricesAsOf[k])
	}
	v.AsOf = strings.Join(asOf, ", ")
}
