package estimator

import (
	"fmt"
	"math"
	"strings"
)

// operations turns the scenario's per-operation figures into the result.
func (s *scenarioRun) operations(e *estimator) []Operation {
	var out []Operation
	avail := e.opAvailability()
	for _, op := range e.d.Operations() {
		l := s.lat[op.Name]
		o := Operation{
			Name: op.Name, Kind: op.Kind, Async: op.Async,
			AvgRPS: sig(op.Rate.PerSecond()), PeakRPS: sig(s.rate[op.Name]),
			P50Ms: Millis(l.p50 * 1000), P99Ms: Millis(l.p99 * 1000), MeetsSLO: true,
			Path: op.Path, Bottleneck: l.bottleneck,
			Availability: avail[op.Name].value,
		}
		o.Derivation = append(o.Derivation, "rate: "+s.rateD[op.Name])
		o.Derivation = append(o.Derivation, l.deriv...)
		if slo, ok := e.d.SLO.P99[op.Name]; ok {
			ms := slo.Milliseconds()
			o.SLOP99Ms = &ms
			o.MeetsSLO = l.p99 <= slo.Seconds()
			if o.MeetsSLO {
				o.Derivation = append(o.Derivation, fmt.Sprintf("meets the %s SLO with %s to spare", Ms(slo.Seconds()), Ms(slo.Seconds()-l.p99)))
			} else {
				o.Derivation = append(o.Derivation, fmt.Sprintf("misses the %s SLO by %s", Ms(slo.Seconds()), Ms(l.p99-slo.Seconds())))
			}
		}
		if s.tiers["cache"] != nil && op.IsRead() && op.Passes("cache") {
			h := s.hit
			o.HitRatio = &h
		}
		for _, comp := range op.Path {
			if t := s.tiers[comp]; t != nil && t.assumed {
				o.Assumed = true
			}
		}
		if e.figAssumed("network.rtt.cross_zone") && e.zones > 1 {
			o.Assumed = true
		}
		out = append(out, o)
	}
	return out
}

// components turns the scenario's tiers into the result.
func (s *scenarioRun) components(e *estimator, p *plan) []Component {
	var out []Component
	for _, t := range s.sortedTiers() {
		c := Component{
			Name: t.name, Kind: t.kind, Instances: t.instances, Needed: t.needed, Serving: s.serving(t, p),
			LoadRPS: sig(t.load), CapacityRPS: sig(t.cap), Utilization: Util(roundTo(t.util, 4)),
			SPOF: t.spof || e.d.System.Footprint == "single-node", Cache: t.cache, DB: t.db, Queue: t.queue,
			Derivation: t.deriv, Assumed: t.assumed,
		}
		if t.name == "services" || t.name == "loadBalancer" && p.lb.kind != "managed" || t.name == "workers" {
			c.Zones = e.zones
		}
		out = append(out, c)
	}
	return out
}

// serving turns the survivors survivors() counted into the tier's own
// instances: the app, workers, balancer and cache count instances, the
// replicas count per shard, and the database and queue survive or not as
// a whole.
func (s *scenarioRun) serving(t *tierState, p *plan) int {
	alive, ok := s.alive[t.name]
	if !ok {
		return t.instances
	}
	switch t.name {
	case "services", "workers", "loadBalancer", "cache":
		return alive
	case "replicas":
		return alive * p.db.shards
	}
	if alive == 0 {
		return 0
	}
	return t.instances
}

func roundTo(x float64, decimals int) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	p := math.Pow(10, float64(decimals))
	return math.Round(x*p) / p
}

// verdict answers first: SLOs and budget, and by how much.
func (e *estimator) verdict(r *Result) Verdict {
	v := Verdict{MeetsSLO: true, MeetsBudget: true}
	for _, op := range r.Operations {
		if op.SLOP99Ms == nil {
			continue
		}
		p99 := float64(op.P99Ms)
		if !op.MeetsSLO {
			v.MeetsSLO = false
			if math.IsInf(p99, 1) {
				v.Reasons = append(v.Reasons, fmt.Sprintf("%s: p99 unbounded — %s is saturated (SLO %s ms)", op.Name, op.Bottleneck, Num(*op.SLOP99Ms)))
			} else {
				v.Reasons = append(v.Reasons, fmt.Sprintf("%s: p99 %s ms misses the %s ms SLO by %s ms", op.Name, Num(p99), Num(*op.SLOP99Ms), Num(p99-*op.SLOP99Ms)))
			}
		} else {
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s: p99 %s ms meets the %s ms SLO (%s ms to spare)", op.Name, Num(p99), Num(*op.SLOP99Ms), Num(*op.SLOP99Ms-p99)))
		}
	}
	a := r.Availability
	if !a.MeetsSLO {
		v.MeetsSLO = false
		v.Reasons = append(v.Reasons, fmt.Sprintf("availability %s is below the %s SLO (%s min/month of downtime against a %s-minute budget)",
			Pct(a.Estimated), Pct(a.SLO), Num(a.DowntimeMinutes), Num(a.ErrorBudgetMinutes)))
	} else {
		v.Reasons = append(v.Reasons, fmt.Sprintf("availability %s meets the %s SLO", Pct(a.Estimated), Pct(a.SLO)))
	}
	cost := r.Cost.For(r.Cloud).MonthlyUSD
	if r.BudgetUSD != nil {
		b := *r.BudgetUSD
		if cost > b {
			v.MeetsBudget = false
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s costs %s/month, %s (%s) over the %s budget", r.Cloud, USD(cost), USD(cost-b), Pct((cost-b)/b), USD(b)))
		} else {
			v.Reasons = append(v.Reasons, fmt.Sprintf("%s costs %s/month, %s under the %s budget", r.Cloud, USD(cost), USD(b-cost), USD(b)))
		}
	}
	slo := "meets its SLOs"
	if !v.MeetsSLO {
		slo = "misses its SLOs"
	}
	budget := "has no budget to compare with"
	switch {
	case r.BudgetUSD == nil:
	case v.MeetsBudget && v.MeetsSLO, !v.MeetsBudget && !v.MeetsSLO:
		budget = "is within budget"
		if !v.MeetsBudget {
			budget = "is over budget"
		}
		budget = "and " + budget
	case v.MeetsBudget:
		budget = "but is within budget"
	default:
		budget = "but is over budget"
	}
	if r.BudgetUSD == nil {
		budget = "and " + budget
	}
	v.Summary = strings.Join([]string{r.Design, slo, budget, "(" + r.Scenario + " scenario)"}, " ")
	return v
}
