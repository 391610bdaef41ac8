package estimator

import (
	"fmt"
	"math"
	"sort"
)

// runway is when each component with a known capacity saturates at the
// design's counts as every operation through it grows at its own rate:
// each operation's share of the component's peak load (its calls at the
// average rate × its peak factor) grows by GrowthFactor, and the month
// its utilisation reaches 100% is found by bisection, as for the
// sections. A database's utilisation adds its reads (over the nodes that
// serve them) and its commits (one primary per shard): only shards lift
// the second, so a relational primary's runway is a ceiling, not a count
// to raise. Retries are not counted: they add load only while a
// component is slow.
func (ge *graphEstimate) runway(usage []graphUsage) ([]Runway, Months) {
	var out []Runway
	for _, c := range ge.g.Components {
		m := ge.models[c.Name]
		util := ge.utilisationAt(m, usage)
		if util == nil || util(0) <= 0 {
			continue
		}
		months := monthOf(util, 1)
		scales := !c.Primary()
		resource := "peak utilisation"
		if !scales {
			resource = "primary utilisation"
		}
		rw := Runway{Component: c.Name, Resource: resource, Load: sig(util(0)), Capacity: 1, Months: Months(roundTo(months, 1)), ScalesOut: scales}
		switch {
		case months == 0:
			rw.Derivation = fmt.Sprintf("%s %s: %s already at or above 100%%", c.Name, resource, Pct(util(0)))
		case math.IsInf(months, 1):
			rw.Derivation = fmt.Sprintf("%s %s: %s never reaches 100%% at the stated growth", c.Name, resource, Pct(util(0)))
		default:
			rw.Derivation = fmt.Sprintf("%s %s: %s at peak grows to 100%% in month %s", c.Name, resource, Pct(util(0)), Num(months))
		}
		if !scales {
			rw.Derivation += fmt.Sprintf(" — its %d primary(ies) commit every write: a ceiling that needs more shards, not more replicas", max(1, c.Shards))
		}
		out = append(out, rw)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Months < out[j].Months })
	first := math.Inf(1)
	for _, rw := range out {
		if !rw.ScalesOut {
			first = math.Min(first, float64(rw.Months))
		}
	}
	return out, Months(first)
}

// utilisationAt is a component's peak utilisation after months of growth,
// or nil when its capacity is unknown. It starts from the estimate's own
// peak utilisation (batching, hit ratios and replicas included) and grows
// each operation's share of it at that operation's rate; a database's
// reads and commits grow by their own shares.
func (ge *graphEstimate) utilisationAt(m *compModel, usage []graphUsage) func(float64) float64 {
	if m.capacity <= 0 && m.mu <= 0 || m.util <= 0 || math.IsInf(m.util, 0) {
		return nil
	}
	name := m.c.Name
	// growth of one part of the load: Σ share × GrowthFactor, over the
	// operations that reach the component (gathered once: the runway's
	// search evaluates it many times).
	growth := func(part func(*compLoad) float64) func(float64) float64 {
		type term struct{ w, growth float64 }
		var terms []term
		sum := 0.0
		for _, u := range usage {
			if l := u.calls[name]; l != nil {
				w := part(l) * u.op.PeakFactor
				sum += w
				terms = append(terms, term{w, u.op.Growth})
			}
		}
		return func(months float64) float64 {
			if sum == 0 {
				return 1
			}
			t := 0.0
			for _, x := range terms {
				t += x.w / sum * GrowthFactor(x.growth, months)
			}
			return t
		}
	}
	if m.writeMu > 0 && m.mu > 0 {
		readPart := m.lamRead / (float64(m.servers) * m.mu)
		writePart := m.lamWrite / m.writeMu
		r, w := growth(func(l *compLoad) float64 { return l.reads }), growth(func(l *compLoad) float64 { return l.writes })
		return func(months float64) float64 { return readPart*r(months) + writePart*w(months) }
	}
	g := growth(func(l *compLoad) float64 { return l.total() })
	return func(months float64) float64 { return m.util * g(months) }
}
