package optimize

import (
	"math"
	"sort"
)

// Step is one knob moved one step from the design as written, and what
// that alone buys: the constraints it clears and its price. A team that
// can make one change this quarter wants to know which.
type Step struct {
	Change
	// DeltaUSD is the change in the monthly cost on the design's cloud.
	DeltaUSD float64 `json:"delta_usd"`
	// Fixes are the constraints the design misses and this change meets;
	// Misses what it still misses.
	Fixes  []Violation `json:"fixes,omitempty"`
	Misses []Violation `json:"misses,omitempty"`
	// Gain is how much of the shortfall it removes: the measure the search
	// ranks near misses by (a p99 over its SLO as the ratio's excess, the
	// unavailability over the SLO's budget as its log, one for each high
	// finding), before minus after.
	Gain float64 `json:"gain"`
	// PerDollar is Gain per dollar a month; +Inf for a change that costs
	// nothing or saves.
	PerDollar float64 `json:"-"`
}

// singleSteps tries each knob one step up from the design as written (a
// count one more and doubled, a choice one size bigger; never the cloud)
// and keeps those that reduce what the design misses, most SLO per dollar
// first. Empty when the design meets every SLO: then no step buys any.
func (s *searcher) singleSteps(cloud string, base []string, baseline *Result) []Step {
	if baseline.Feasible {
		return nil
	}
	var cands [][]string
	var knob []int
	for i := range s.knobs {
		for _, v := range s.stepsUp(base, i) {
			cands, knob = append(cands, with(base, i, v)), append(knob, i)
		}
	}
	var out []Step
	for j, r := range s.evalAll(cloud, cands) {
		i := knob[j]
		gain := baseline.score - r.score
		if math.IsNaN(gain) || gain <= 1e-9 {
			continue
		}
		st := Step{Change: Change{Path: s.knobs[i].Path, Old: base[i], New: r.Values[i]}, DeltaUSD: round2(r.MonthlyUSD - baseline.MonthlyUSD), Gain: gain}
		after := map[string]bool{}
		for _, v := range r.Violations {
			if !v.Cost {
				after[v.Kind+"|"+v.Key] = true
				st.Misses = append(st.Misses, v)
			}
		}
		for _, v := range baseline.Violations {
			if !v.Cost && !after[v.Kind+"|"+v.Key] {
				st.Fixes = append(st.Fixes, v)
			}
		}
		st.PerDollar = math.Inf(1)
		if st.DeltaUSD > 0 {
			st.PerDollar = gain / st.DeltaUSD
		}
		out = append(out, st)
	}
	sort.SliceStable(out, func(a, b int) bool {
		x, y := out[a], out[b]
		if x.PerDollar != y.PerDollar {
			return x.PerDollar > y.PerDollar
		}
		if x.Gain != y.Gain {
			return x.Gain > y.Gain
		}
		if x.DeltaUSD != y.DeltaUSD {
			return x.DeltaUSD < y.DeltaUSD
		}
		return x.Path+"|"+x.New < y.Path+"|"+y.New
	})
	return out
}
