package optimize

import (
	"fmt"
	"math"
	"runtime"
	"strconv"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Outcome is what the search found.
type Outcome struct {
	Design string  `json:"design"`
	Knobs  []*Knob `json:"knobs"`
	// Baseline is the design as written.
	Baseline *Result `json:"baseline"`
	// Best is the cheapest configuration that meets every SLO with no
	// finding at or above high, on a cloud the design allows; nil when
	// none does.
	Best *Result `json:"best"`
	// Clouds is the best configuration found on each cloud (the nearest
	// miss where none meets every constraint), the design's cloud first.
	Clouds []*Result `json:"clouds"`
	// CloudFixed is true when the design does not let optimize move it to
	// another cloud: the other clouds are shown for comparison only.
	CloudFixed bool `json:"cloud_fixed"`
	// Binding explains, when nothing meets every constraint, what stands
	// in the way on the design's cloud.
	Binding []Binding `json:"binding,omitempty"`
	// Limits say, for the winner, what stops each count from going one
	// lower: the constraint that binds it.
	Limits []Limit `json:"limits,omitempty"`
	// Steps are the single changes that reduce what the design as written
	// misses, most SLO per dollar first (empty when it misses nothing).
	Steps []Step `json:"single_changes,omitempty"`
	// Evaluations counts the configurations estimated and reviewed.
	Evaluations int `json:"evaluations"`
}

// Limit is the constraint that holds one count of the winner where it is.
type Limit struct {
	Path  string    `json:"path"`
	Value string    `json:"value"`
	Below Violation `json:"below"`
}

// Binding is one constraint the nearest miss still fails.
type Binding struct {
	Violation
	// Unreachable is true when it fails even with every knob at its
	// largest: no configuration within the bounds meets it.
	Unreachable bool `json:"unreachable"`
}

// Change is one knob the winner sets differently from the design.
type Change struct {
	Path string `json:"path"`
	Old  string `json:"old"`
	New  string `json:"new"`
}

// Search finds the cheapest configuration of d's knobs that meets every
// constraint.
func Search(d *schema.Design, knobs []*Knob, opts Options) (*Outcome, error) {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = estimator.DefaultCatalog(); err != nil {
			return nil, err
		}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	s := &searcher{base: d, knobs: knobs, cat: cat, today: opts.Today, workers: workers, memo: map[string]*Result{}}
	home := d.System.Cloud
	base := make([]string, len(knobs))
	for i, k := range knobs {
		base[i] = k.def.get(d)
	}
	o := &Outcome{Design: d.System.Name, Knobs: knobs, CloudFixed: true}
	o.Baseline = s.eval(home, base)
	if s.err != nil {
		return nil, s.err
	}
	allowed := map[string]bool{home: true}
	cloudKnob := s.index("system.cloud")
	if cloudKnob >= 0 {
		o.CloudFixed = false
		allowed = map[string]bool{}
		for _, c := range knobs[cloudKnob].Values {
			allowed[c] = true
		}
	}
	onCloud := func(vals []string, c string) []string {
		if cloudKnob >= 0 {
			return with(vals, cloudKnob, c)
		}
		return vals
	}

	// The design's own cloud first, from the design as written; the other
	// clouds start from its winner (warm), and from the design as written
	// when that does not meet the constraints there.
	first := s.repair(home, base)
	if first.Feasible {
		first = s.descend(home, first, !allowed[home])
	}
	if !first.Feasible && better(o.Baseline, first) {
		first = o.Baseline
	}
	o.Clouds = append(o.Clouds, first)
	for _, c := range sortedClouds(home)[1:] {
		r := s.repair(c, onCloud(first.Values, c))
		if !r.Feasible {
			if alt := s.repair(c, onCloud(base, c)); better(alt, r) {
				r = alt
			}
		}
		if r.Feasible {
			r = s.descend(c, r, !allowed[c])
		}
		o.Clouds = append(o.Clouds, r)
	}
	// A cloud that found nothing from its own starts may from another
	// cloud's winner.
	for i, r := range o.Clouds {
		if r.Feasible {
			continue
		}
		for _, w := range o.Clouds {
			if !w.Feasible {
				continue
			}
			if alt := s.repair(r.Cloud, onCloud(w.Values, r.Cloud)); alt.Feasible {
				o.Clouds[i] = s.descend(r.Cloud, alt, !allowed[r.Cloud])
				break
			}
		}
	}
	for _, r := range o.Clouds {
		if r.Meets && allowed[r.Cloud] && (o.Best == nil || better(r, o.Best)) {
			o.Best = r
		}
	}
	if o.Best == nil {
		o.Binding = s.binding(home, o.Clouds[0])
	} else {
		o.Limits = s.limits(o.Best)
	}
	o.Steps = s.singleSteps(home, base, o.Baseline)
	o.Evaluations = s.evals
	return o, nil
}

// binding explains the nearest miss: each constraint it fails, and
// whether it fails even with every knob at its largest.
func (s *searcher) binding(cloud string, nearest *Result) []Binding {
	generous := append([]string(nil), nearest.Values...)
	for i, k := range s.knobs {
		switch {
		case k.Path == "system.cloud":
		case k.def.kind == count:
			n := max(atoi(generous[i]), nearest.needed[k.Path]) * 4
			n = max(n, 8)
			if k.explicit {
				n = k.Max
			}
			generous[i] = strconv.Itoa(min(k.Max, max(k.Min, n)))
		default:
			generous[i] = k.Values[len(k.Values)-1]
		}
	}
	g := s.eval(cloud, generous)
	still := map[string]bool{}
	for _, v := range g.Violations {
		still[v.Kind+"|"+v.Key] = true
	}
	var out []Binding
	for _, v := range nearest.Violations {
		out = append(out, Binding{Violation: v, Unreachable: still[v.Kind+"|"+v.Key] && !v.Cost})
	}
	return out
}

// limits finds, for each count of r above its minimum, the constraint one
// less would break (the binary search has usually evaluated it already).
func (s *searcher) limits(r *Result) []Limit {
	var out []Limit
	for i, k := range s.knobs {
		if k.def.kind != count || atoi(r.Values[i]) <= k.Min {
			continue
		}
		below := s.eval(r.Cloud, with(r.Values, i, strconv.Itoa(atoi(r.Values[i])-1)))
		if len(below.Violations) == 0 {
			continue
		}
		v := below.Violations[0]
		for _, w := range below.Violations {
			if !w.Cost {
				v = w
				break
			}
		}
		out = append(out, Limit{Path: k.Path, Value: r.Values[i], Below: v})
	}
	return out
}

// Changes lists the knobs r sets differently from the design.
func (o *Outcome) Changes(r *Result) []Change {
	var out []Change
	for i, k := range o.Knobs {
		old, new := o.Baseline.Values[i], r.Values[i]
		if k.Path == "system.cloud" {
			old, new = o.Baseline.Cloud, r.Cloud
		}
		if old != new {
			out = append(out, Change{Path: k.Path, Old: old, New: new})
		}
	}
	if o.CloudFixed && r.Cloud != o.Baseline.Cloud {
		out = append([]Change{{Path: "system.cloud", Old: o.Baseline.Cloud, New: r.Cloud}}, out...)
	}
	return out
}

// Saving is what the winner saves against the design as written, in USD
// per month and as a share of its cost (on the design's cloud).
func (o *Outcome) Saving() (usd, share float64) {
	if o.Best == nil {
		return 0, 0
	}
	usd = o.Baseline.MonthlyUSD - o.Best.MonthlyUSD
	if o.Baseline.MonthlyUSD > 0 {
		share = usd / o.Baseline.MonthlyUSD
	}
	return round2(usd), math.Round(share*1000) / 1000
}

// String describes a change for a list: "services.instances 4 → 3".
func (c Change) String() string { return fmt.Sprintf("%s %s → %s", c.Path, c.Old, c.New) }

// Verify checks a design read back after the changes were written: it must
// set every knob to the winner's value and meet every constraint at the
// winner's cost, so the file says exactly what the search chose.
func (o *Outcome) Verify(d *schema.Design, opts Options) error {
	if o.Best == nil {
		return fmt.Errorf("nothing to verify: no configuration met every constraint")
	}
	if d.System.Cloud != o.Best.Cloud {
		return fmt.Errorf("the rewritten design runs on %s, not %s", d.System.Cloud, o.Best.Cloud)
	}
	vals := make([]string, len(o.Knobs))
	for i, k := range o.Knobs {
		vals[i] = k.def.get(d)
		if k.Path == "system.cloud" {
			continue
		}
		if vals[i] != o.Best.Values[i] {
			return fmt.Errorf("the rewritten design sets %s to %s, not %s", k.Path, vals[i], o.Best.Values[i])
		}
	}
	s := &searcher{base: d, knobs: o.Knobs, cat: opts.Catalog, today: opts.Today, workers: 1, memo: map[string]*Result{}}
	if s.cat == nil {
		var err error
		if s.cat, err = estimator.DefaultCatalog(); err != nil {
			return err
		}
	}
	r := s.eval(d.System.Cloud, vals)
	switch {
	case s.err != nil:
		return s.err
	case !r.Meets:
		return fmt.Errorf("the rewritten design does not meet every constraint: %s", r.Violations[0].Text)
	case math.Abs(r.MonthlyUSD-o.Best.MonthlyUSD) >= 0.01:
		return fmt.Errorf("the rewritten design costs %s, not %s", estimator.USD(r.MonthlyUSD), estimator.USD(o.Best.MonthlyUSD))
	}
	return nil
}
