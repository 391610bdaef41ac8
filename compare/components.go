package compare

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Two versions of a design written with components are compared component
// by component, matched by name: added, removed, renamed (same kind, same
// calls in and out, a new name) and changed (field by field), with the
// calls that appear or go, and the same cost, p99, availability and
// finding deltas as the sections' diff.

// Component change kinds.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
	Renamed = "renamed"
)

// ComponentChange is one component that differs between the versions.
type ComponentChange struct {
	Name   string `json:"name"`
	Change string `json:"change"`
	Kind   string `json:"kind"`
	// OldName is a renamed component's name in the old version.
	OldName string `json:"old_name,omitempty"`
	// Fields are the changed fields, "instances: 4 → 6".
	Fields []string `json:"fields,omitempty"`
	// USDDelta is the change in its monthly cost on the new design's cloud.
	USDDelta float64         `json:"usd_delta"`
	Pos      schema.Position `json:"position"`
}

// CallChange is one edge of the component graph that appeared or went.
type CallChange struct {
	From   string `json:"from"`
	To     string `json:"to"`
	How    string `json:"how"`
	Change string `json:"change"`
}

// compareGraphs fills the numbers and the component changes of two
// component designs.
func (d *Diff) compareGraphs(old, new Side) {
	o, n := old.Graph, new.Graph
	for _, cl := range estimator.Clouds {
		a, b := o.Costs.For(cl).MonthlyUSD, n.Costs.For(cl).MonthlyUSD
		d.Cost = append(d.Cost, CostChange{Cloud: cl, Old: round2(a), New: round2(b), Delta: round2(b - a)})
	}
	d.P99 = graphLatencies(o, n)
	d.Availability = Delta{Old: ptr(o.Availability.Estimated), New: ptr(n.Availability.Estimated)}
	d.MeetsSLO = [2]bool{graphMeets(o), graphMeets(n)}
	d.MeetsBudget = [2]bool{graphWithin(old.Design, o), graphWithin(new.Design, n)}
	d.Components, d.Calls = componentChanges(old, new)
}

func graphMeets(r *estimator.GraphResult) bool {
	for _, op := range r.Operations {
		if !op.MeetsSLO {
			return false
		}
	}
	return r.Availability.MeetsSLO
}

func graphWithin(d *schema.Design, r *estimator.GraphResult) bool {
	return d.Budget == nil || r.Costs.For(r.Cloud).MonthlyUSD <= d.Budget.MonthlyUSD
}

func graphLatencies(old, new *estimator.GraphResult) []LatencyDelta {
	of := func(r *estimator.GraphResult) []opP99 {
		var out []opP99
		for _, op := range r.Operations {
			out = append(out, opP99{op.Name, float64(op.P99Ms), op.SLOP99Ms, op.MeetsSLO})
		}
		return out
	}
	return latencyDeltas(of(old), of(new))
}

// neighbours is a component's calls in and out, for telling a rename.
func neighbours(r *estimator.GraphResult, name string) (in, out []string) {
	for _, c := range r.Calls {
		if c.To == name {
			in = append(in, c.From+"/"+c.How)
		}
		if c.From == name {
			out = append(out, c.To+"/"+c.How)
		}
	}
	sort.Strings(in)
	sort.Strings(out)
	return in, out
}

func componentChanges(old, new Side) ([]ComponentChange, []CallChange) {
	oc, nc := old.Design.Components, new.Design.Components
	cloud := new.Graph.Cloud
	cost := func(r *estimator.GraphResult, name string) float64 { return r.Costs.For(cloud).ComponentTotal(name) }
	var out []ComponentChange
	var added, removed []string
	for _, name := range sortedNames(nc) {
		if _, ok := oc[name]; !ok {
			added = append(added, name)
		}
	}
	for _, name := range sortedNames(oc) {
		if _, ok := nc[name]; !ok {
			removed = append(removed, name)
		}
	}
	// A removed and an added component of the same kind whose calls in and
	// out are the same (names aside) are one component renamed.
	renamed := map[string]string{} // new name → old name
	for _, a := range added {
		ain, aout := neighbours(new.Graph, a)
		for _, r := range removed {
			if slices.Contains(mapValues(renamed), r) || oc[r].Kind != nc[a].Kind {
				continue
			}
			rin, rout := neighbours(old.Graph, r)
			if len(ain) == len(rin) && len(aout) == len(rout) && sameShape(ain, rin) && sameShape(aout, rout) {
				renamed[a] = r
				break
			}
		}
	}
	for _, name := range sortedNames(nc) {
		c := nc[name]
		pos := new.Design.Source.Pos("components." + name)
		switch prev, had := oc[name]; {
		case had:
			if fields := fieldChanges(prev, c); len(fields) > 0 {
				out = append(out, ComponentChange{Name: name, Change: Changed, Kind: c.Kind, Fields: fields,
					USDDelta: round2(cost(new.Graph, name) - cost(old.Graph, name)), Pos: pos})
			}
		case renamed[name] != "":
			was := renamed[name]
			out = append(out, ComponentChange{Name: name, Change: Renamed, Kind: c.Kind, OldName: was, Fields: fieldChanges(oc[was], c),
				USDDelta: round2(cost(new.Graph, name) - cost(old.Graph, was)), Pos: pos})
		default:
			out = append(out, ComponentChange{Name: name, Change: Added, Kind: c.Kind, USDDelta: round2(cost(new.Graph, name)), Pos: pos})
		}
	}
	for _, name := range removed {
		if slices.Contains(mapValues(renamed), name) {
			continue
		}
		out = append(out, ComponentChange{Name: name, Change: Removed, Kind: oc[name].Kind, USDDelta: round2(-cost(old.Graph, name)),
			Pos: old.Design.Source.Pos("components." + name)})
	}
	// Calls, with renamed components under their new names.
	oldName := func(n string) string {
		for nw, od := range renamed {
			if od == n {
				return nw
			}
		}
		return n
	}
	before, after := map[string]bool{}, map[string]bool{}
	key := func(from, to, how string) string { return from + "\x00" + to + "\x00" + how }
	for _, c := range old.Graph.Calls {
		before[key(oldName(c.From), oldName(c.To), c.How)] = true
	}
	var calls []CallChange
	for _, c := range new.Graph.Calls {
		k := key(c.From, c.To, c.How)
		after[k] = true
		if !before[k] {
			calls = append(calls, CallChange{From: c.From, To: c.To, How: c.How, Change: Added})
		}
	}
	for _, c := range old.Graph.Calls {
		from, to := oldName(c.From), oldName(c.To)
		if !after[key(from, to, c.How)] {
			calls = append(calls, CallChange{From: from, To: to, How: c.How, Change: Removed})
		}
	}
	return out, calls
}

// sameShape says whether two neighbour lists match up to the names of the
// components renamed (their "how" must match).
func sameShape(a, b []string) bool {
	hows := func(l []string) []string {
		out := make([]string, len(l))
		for i, s := range l {
			_, how, _ := strings.Cut(s, "/")
			out[i] = how
		}
		sort.Strings(out)
		return out
	}
	if slices.Equal(a, b) {
		return true
	}
	return slices.Equal(hows(a), hows(b)) && overlap(a, b) >= len(a)-1
}

func overlap(a, b []string) int {
	n := 0
	for _, s := range a {
		if slices.Contains(b, s) {
			n++
		}
	}
	return n
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func sortedNames(m map[string]*schema.Component) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// fieldChanges lists the fields of a component that differ, as written in
// the design ("instances: 4 → 6").
func fieldChanges(old, new *schema.Component) []string {
	a, b := fieldsOf(old), fieldsOf(new)
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	var out []string
	for _, k := range names {
		if a[k] != b[k] {
			out = append(out, fmt.Sprintf("%s: %s", k, arrow(a[k], b[k])))
		}
	}
	return out
}

func fieldsOf(c *schema.Component) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(*c)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		f := v.Field(i)
		if name == "" || name == "-" || f.IsZero() {
			continue
		}
		if f.Kind() == reflect.Pointer {
			f = f.Elem()
		}
		switch x := f.Interface().(type) {
		case fmt.Stringer:
			out[name] = x.String()
		default:
			if f.Kind() == reflect.Struct {
				raw, _ := json.Marshal(x)
				out[name] = string(raw)
			} else {
				out[name] = fmt.Sprint(x)
			}
		}
	}
	return out
}

// componentSummary counts the component changes: "+1 component (legacy)",
// "payments renamed to psp", "2 components changed".
func (d *Diff) componentSummary() []string {
	var parts, added, removed []string
	changed := 0
	for _, c := range d.Components {
		switch c.Change {
		case Added:
			added = append(added, c.Name)
		case Removed:
			removed = append(removed, c.Name)
		case Renamed:
			parts = append(parts, c.OldName+" renamed to "+c.Name)
		case Changed:
			changed++
		}
	}
	if len(added) > 0 {
		parts = append(parts, fmt.Sprintf("+%d component(s) (%s)", len(added), strings.Join(added, ", ")))
	}
	if len(removed) > 0 {
		parts = append(parts, fmt.Sprintf("−%d component(s) (%s)", len(removed), strings.Join(removed, ", ")))
	}
	if changed > 0 {
		parts = append(parts, fmt.Sprintf("%d component(s) changed", changed))
	}
	return parts
}

// componentLines are the component and call changes as text lines.
func (d *Diff) componentLines() []string {
	var out []string
	for _, c := range d.Components {
		line := fmt.Sprintf("%s %s (%s) %s", componentMark(c.Change), c.Name, c.Kind, c.Change)
		if c.OldName != "" {
			line += " from " + c.OldName
		}
		if len(c.Fields) > 0 {
			line += ": " + strings.Join(c.Fields, ", ")
		}
		if math.Abs(c.USDDelta) >= 0.005 {
			line += fmt.Sprintf(" (%s/month)", signedUSD(c.USDDelta))
		}
		out = append(out, line)
	}
	for _, c := range d.Calls {
		from := c.From
		if from == "" {
			from = "clients"
		}
		out = append(out, fmt.Sprintf("%s call %s → %s (%s) %s", componentMark(c.Change), from, c.To, c.How, c.Change))
	}
	return out
}

func componentMark(change string) string {
	switch change {
	case Added:
		return "+"
	case Removed:
		return "−"
	}
	return "~"
}
