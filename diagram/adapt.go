package diagram

import (
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
)

// FromEstimate takes what the picture prints from an estimate: each
// operation's peak rate, the cache hit ratio the estimator computed, and
// per tier the planned instances, utilisation at peak and monthly cost on
// the design's cloud. A tier the provider scales by itself (no capacity
// figure) has no utilisation to show.
func FromEstimate(r *estimator.Result) *Numbers {
	n := &Numbers{Cloud: r.Cloud, PeakRPS: map[string]float64{}, Components: map[string]Load{}}
	for _, op := range r.Operations {
		n.PeakRPS[op.Name] = op.PeakRPS
	}
	for _, c := range r.Components {
		util := float64(c.Utilization)
		if c.CapacityRPS <= 0 {
			util = -1
		}
		n.Components[c.Name] = Load{Instances: c.Instances, Utilisation: util, MonthlyUSD: c.MonthlyUSD[r.Cloud], Assumed: c.Assumed}
		if c.Cache != nil {
			hit := c.Cache.HitRatio
			n.HitRatio = &hit
		}
	}
	return n
}

// FromReview takes each finding's rule, component, severity and whether a
// current waiver covers it.
func FromReview(rep *rules.Report) []Finding {
	out := make([]Finding, 0, len(rep.Findings))
	for i := range rep.Findings {
		f := &rep.Findings[i]
		out = append(out, Finding{Rule: f.Rule, Component: f.Component, Severity: ParseSeverity(f.Severity.String()), Waived: f.Waived()})
	}
	return out
}
