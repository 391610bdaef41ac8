package diagram

import (
	"fmt"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// A design written with components is drawn as its graph: every component
// a node shaped by its kind, every call an edge with its peak rate, each
// component bordered by its worst finding. The numbers are the component
// estimate's; nothing here derives one.

// ComponentInput is what a component diagram shows.
type ComponentInput struct {
	Design   *schema.Design
	Estimate *estimator.GraphResult
	Findings []Finding
}

// kindOfFamily is the node kind each component family is drawn as.
var kindOfFamily = map[string]Kind{
	schema.FamilyLB:       KindLB,
	schema.FamilyCDN:      KindCDN,
	schema.FamilyDatabase: KindPrimary,
	schema.FamilyCache:    KindCache,
	schema.FamilyQueue:    KindQueue,
	schema.FamilyObject:   KindObject,
	schema.FamilySearch:   KindSearch,
	schema.FamilyExternal: KindExternal,
}

// BuildComponents draws the component graph of a design written with
// components.
func BuildComponents(in ComponentInput) (*Graph, error) {
	d, est := in.Design, in.Estimate
	if d == nil || est == nil {
		return nil, fmt.Errorf("diagram: no design or estimate")
	}
	model := d.Graph()
	g := &Graph{
		Title:    fmt.Sprintf("%s — components", d.System.Name),
		Subtitle: fmt.Sprintf("%s · peak rates and figures from the estimate", d.System.Cloud),
	}
	ids := nodeIDs(model)
	comps := map[string]estimator.GraphComponent{}
	for _, c := range est.Components {
		comps[c.Name] = c
	}
	g.Nodes = append(g.Nodes, &Node{ID: idClients, Kind: KindClients, Title: "clients"})
	for _, c := range model.Components {
		n := &Node{ID: ids[c.Name], Kind: nodeKind(c), Title: c.Name, Component: c.Name}
		n.Lines = append(n.Lines, componentLine(c))
		if e, ok := comps[c.Name]; ok {
			n.Numbers = componentNumbers(e, d.System.Cloud)
			n.Overloaded = e.Utilization != nil && *e.Utilization >= 1
		}
		g.Nodes = append(g.Nodes, n)
	}
	for _, call := range est.Calls {
		from := idClients
		if call.From != "" {
			from = ids[call.From]
		}
		e := &Edge{From: from, To: ids[call.To], Style: callStyle(call.How)}
		label := rateText(call.PeakRPS)
		if call.Fanout > 1 {
			label += fmt.Sprintf(" · fan-out ×%d", call.Fanout)
		}
		e.Label = []string{label}
		g.Edges = append(g.Edges, e)
	}
	badges(g, in.Findings)
	// Findings about an operation (its SLO, its availability) have no
	// node: they are listed under the picture.
	var onOps []string
	for _, f := range in.Findings {
		if _, ok := d.Traffic[f.Component]; ok && !f.Waived {
			onOps = append(onOps, fmt.Sprintf("%s on %s (%s)", f.Rule, f.Component, f.Severity))
		}
	}
	if len(onOps) > 0 {
		g.Notes = append(g.Notes, "Findings on operations: "+strings.Join(onOps, "; ")+".")
	}
	fillLegend(g, false)
	return g, nil
}

// nodeIDs gives every component an ID DOT and Mermaid accept unquoted:
// its name with every other character an underscore, numbered on a clash.
func nodeIDs(model *schema.Graph) map[string]string {
	ids := map[string]string{}
	used := map[string]bool{idClients: true}
	for _, c := range model.Components {
		id := "c_" + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				return r
			}
			return '_'
		}, c.Name)
		base := id
		for i := 2; used[id]; i++ {
			id = fmt.Sprintf("%s_%d", base, i)
		}
		used[id] = true
		ids[c.Name] = id
	}
	return ids
}

func nodeKind(c *schema.Component) Kind {
	if c.Kind == "worker" {
		return KindWorkers
	}
	if k, ok := kindOfFamily[c.Family()]; ok {
		return k
	}
	return KindApp
}

// componentLine says what the component is, in its kind's counts.
func componentLine(c *schema.Component) string {
	parts := []string{c.Kind}
	switch c.Family() {
	case schema.FamilyService:
		if c.Instances > 0 {
			parts = append(parts, fmt.Sprintf("%d × %s", c.Instances, c.Size))
		}
		if c.Zones > 1 {
			parts = append(parts, fmt.Sprintf("%d zones", c.Zones))
		}
	case schema.FamilyDatabase:
		if c.Shards > 1 {
			parts = append(parts, fmt.Sprintf("%d shards", c.Shards))
		}
		if c.Replicas > 0 {
			parts = append(parts, plural(c.Replicas, "replica"))
		}
	case schema.FamilyCache:
		if c.Role == "store" {
			parts = append(parts, "store")
		}
		if c.Nodes > 1 {
			parts = append(parts, fmt.Sprintf("%d nodes", c.Nodes))
		}
	case schema.FamilySearch:
		parts = append(parts, fmt.Sprintf("%d nodes, %d shards", c.Nodes, c.Shards))
	case schema.FamilyExternal:
		if c.P99 != nil {
			parts = append(parts, "p99 "+c.P99.String())
		}
	}
	return strings.Join(parts, " · ")
}

func componentNumbers(e estimator.GraphComponent, cloud string) []string {
	line := rateText(e.LoadRPS)
	if e.Utilization != nil {
		line += fmt.Sprintf(" · %s busy", pctText(*e.Utilization))
	}
	if e.HitRatio != nil {
		line += fmt.Sprintf(" · %s hits", pctText(*e.HitRatio))
	}
	out := []string{line}
	if usd, ok := e.MonthlyUSD[cloud]; ok {
		s := "$" + estimator.Num(usd) + "/mo"
		if e.Unpriced {
			s += " + unpriced"
		}
		out = append(out, s)
	}
	return out
}

func callStyle(how string) Style {
	switch how {
	case "async":
		return StyleAsync
	case "miss":
		return StyleMiss
	}
	return StyleRequest
}

func rateText(rps float64) string { return estimator.Num(rps) + "/s" }

func pctText(f float64) string { return estimator.Pct(f) }

// badges attaches each finding to the component it names.
func badges(g *Graph, findings []Finding) {
	byComp := map[string][]Finding{}
	for _, f := range findings {
		byComp[f.Component] = append(byComp[f.Component], f)
	}
	for _, n := range g.Nodes {
		if fs := byComp[n.Component]; n.Component != "" && len(fs) > 0 {
			n.Badge = badgeOf(fs)
		}
	}
}
