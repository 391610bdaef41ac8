package diagram

import (
	"math"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
)

// FromEstimate takes what the picture prints from an estimate of the peak:
// each operation's peak rate and cache hit ratio, the cache tier's hit
// ratio, and per tier the planned instances, utilisation at peak and
// monthly cost on the design's cloud. A tier the provider scales by itself
// (no capacity figure) has no utilisation to show.
func FromEstimate(r *estimator.Result) *Numbers {
	return FromEstimates(r, nil)
}

// FromEstimates is FromEstimate plus, when zoneDown is not nil, the
// estimator's zone-down scenario (estimator.Options{Scenario:
// estimator.ScenarioZoneDown}), which the failure view draws.
func FromEstimates(peak, zoneDown *estimator.Result) *Numbers {
	n := &Numbers{Cloud: peak.Cloud, PeakRPS: map[string]float64{}, OpHitRatio: map[string]float64{}, Components: map[string]Load{}}
	for _, op := range peak.Operations {
		n.PeakRPS[op.Name] = op.PeakRPS
		if op.HitRatio != nil {
			n.OpHitRatio[op.Name] = *op.HitRatio
		}
	}
	for _, c := range peak.Components {
		n.Components[c.Name] = Load{Instances: c.Instances, Utilisation: utilisation(c), MonthlyUSD: c.MonthlyUSD[peak.Cloud], Assumed: c.Assumed}
		if c.Cache != nil {
			hit := c.Cache.HitRatio
			n.HitRatio = &hit
		}
	}
	n.Unpriced = append(n.Unpriced, peak.Cost.For(peak.Cloud).Unpriced...)
	if zoneDown != nil {
		n.ZoneDown = fromZoneDown(zoneDown)
	}
	return n
}

func fromZoneDown(r *estimator.Result) *ZoneDown {
	z := &ZoneDown{Components: map[string]Survivors{}, OpHitRatio: map[string]float64{}}
	for _, op := range r.Operations {
		if op.HitRatio != nil {
			z.OpHitRatio[op.Name] = *op.HitRatio
		}
	}
	for _, c := range r.Components {
		z.Components[c.Name] = Survivors{Instances: c.Instances, Serving: c.Serving, Utilisation: utilisation(c)}
		if c.Cache != nil {
			hit := c.Cache.HitRatio
			z.HitRatio = &hit
		}
	}
	for _, s := range r.Scenarios {
		if s.Name == r.Scenario {
			z.Down = append(z.Down, s.Down...)
		}
	}
	return z
}

// utilisation is a tier's utilisation, -1 for a tier without a capacity
// figure that still serves (the provider scales it).
func utilisation(c estimator.Component) float64 {
	u := float64(c.Utilization)
	if c.CapacityRPS <= 0 && !math.IsInf(u, 1) {
		return -1
	}
	return u
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
