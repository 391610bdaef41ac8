package diagram

import (
	"fmt"
	"math"
	"slices"
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
	// Group boxes the components by "kind", "region" or "zone"; empty
	// draws none.
	Group string
	// ZoneDown, when set, is the estimator's zone-down scenario of the
	// design, which the failure view draws: each component's figures
	// with one zone lost and what the loss did to it.
	ZoneDown *estimator.GraphResult
	// ZoneLoss is the same scenario for --group zone on any view, which
	// boxes the components by what it did to them.
	ZoneLoss *estimator.GraphResult
}

// Groupings are the values --group takes for a design written with
// components. A component spreads over zones rather than sitting in one,
// so zone boxes it by what the loss of a zone does to it (the zone-down
// scenario): lost whole, thinned, kept by failover or replicas, or
// regional and untouched.
var Groupings = []string{"kind", "region", "zone"}

// familyLabels name the boxes of --group kind.
var familyLabels = map[string]string{
	schema.FamilyLB: "load balancers", schema.FamilyCDN: "CDNs", schema.FamilyService: "services and workers",
	schema.FamilyDatabase: "databases", schema.FamilyCache: "caches and key-value stores", schema.FamilyQueue: "queues",
	schema.FamilyObject: "object stores", schema.FamilySearch: "search clusters", schema.FamilyExternal: "third parties (outside the system)",
}

// group boxes g's component nodes by kind family, region or zone spread,
// in the order of their first node.
func group(g *Graph, d *schema.Design, zoneDown *estimator.GraphResult, ids map[string]string, by string) error {
	if by == "" {
		return nil
	}
	if by == "zone" && zoneDown == nil {
		return fmt.Errorf("diagram: --group zone needs the zone-down estimate")
	}
	if !slices.Contains(Groupings, by) {
		return fmt.Errorf("--group %s: a design written with components is grouped by %s", by, orList(Groupings))
	}
	model := d.Graph()
	effects := map[string]string{} // what zone-down did to each component
	if zoneDown != nil {
		for _, c := range zoneDown.Components {
			effects[c.Name] = c.ZoneDown
		}
	}
	index := map[string]int{}
	for _, n := range g.Nodes {
		c := model.Component(n.Component)
		if c == nil {
			continue
		}
		key, label := c.Family(), familyLabels[c.Family()]
		if by == "zone" {
			key, label = zoneGroup(c, effects[c.Name])
		}
		if by == "region" {
			switch {
			case c.Family() == schema.FamilyExternal:
				key, label = "outside", "outside the system"
			case c.Region != "":
				key, label = c.Region, "region "+c.Region
			case d.System.Region != "":
				key, label = d.System.Region, "region "+d.System.Region
			default:
				key, label = "region", "the design's region"
			}
		}
		i, ok := index[key]
		if !ok {
			i = len(g.Groups)
			index[key] = i
			g.Groups = append(g.Groups, Group{ID: fmt.Sprintf("g%d", i), Label: label})
		}
		g.Groups[i].Nodes = append(g.Groups[i].Nodes, ids[c.Name])
	}
	return nil
}

// zoneGroup is the box of --group zone a component goes in: what the
// estimator's zone-down scenario did to it (effect), the trade-off its
// placement made.
func zoneGroup(c *schema.Component, effect string) (key, label string) {
	if c.Family() == schema.FamilyExternal {
		return "outside", "outside the system"
	}
	switch effect {
	case "down":
		return effect, "lost with one zone"
	case "reduced":
		return effect, "thinned by a lost zone (the other zones carry on)"
	case "survives":
		return effect, "kept whole when a zone is lost (failover, replicas)"
	}
	return "unaffected", "regional: the provider spreads it, a zone's loss does not reach it"
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
	// The failure view draws the zone-down figures on the peak's calls:
	// a call to a component that is lost carries nothing, drawn lost.
	zoneRates := map[[3]string]float64{}
	down := map[string]bool{}
	if zd := in.ZoneDown; zd != nil {
		g.Title = fmt.Sprintf("%s — components: one zone down", d.System.Name)
		g.Subtitle = fmt.Sprintf("%s · peak rates and figures from the estimator's zone-down scenario", d.System.Cloud)
		for _, c := range zd.Components {
			comps[c.Name] = c
			down[c.Name] = c.ZoneDown == "down"
		}
		for _, call := range zd.Calls {
			zoneRates[[3]string{call.From, call.To, call.How}] = call.PeakRPS
		}
	}
	g.Nodes = append(g.Nodes, &Node{ID: idClients, Kind: KindClients, Title: "clients"})
	for _, c := range model.Components {
		n := &Node{ID: ids[c.Name], Kind: nodeKind(c), Title: c.Name, Component: c.Name, Tech: c.Kind}
		n.Lines = append(n.Lines, componentLine(c))
		if e, ok := comps[c.Name]; ok {
			n.Numbers = componentNumbers(e, d.System.Cloud)
			n.Overloaded = e.Utilization != nil && *e.Utilization >= 1
			if in.ZoneDown != nil {
				n.Status, n.StatusText = zoneStatus(e)
			}
		}
		g.Nodes = append(g.Nodes, n)
	}
	for _, call := range est.Calls {
		from := idClients
		if call.From != "" {
			from = ids[call.From]
		}
		e := &Edge{From: from, To: ids[call.To], Style: callStyle(call.How)}
		rate := call.PeakRPS
		if in.ZoneDown != nil {
			rate = zoneRates[[3]string{call.From, call.To, call.How}]
			e.Lost = down[call.To] || down[call.From] && comps[call.From].HitRatio == nil
		}
		label := rateText(rate)
		if call.Fanout > 1 {
			label += fmt.Sprintf(" · fan-out ×%d", call.Fanout)
		}
		e.Label = []string{label}
		g.Edges = append(g.Edges, e)
	}
	if err := group(g, d, in.ZoneLoss, ids, in.Group); err != nil {
		return nil, err
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
	fillLegend(g, in.ZoneDown != nil)
	return g, nil
}

// zoneStatus words what the zone-down scenario did to a component; the
// picture decides nothing of its own, so it cannot disagree with
// `tradeoff estimate --scenario zone-down`.
func zoneStatus(e estimator.GraphComponent) (Status, string) {
	switch {
	case e.ZoneDown == "down":
		return StatusDown, e.ZoneDownWhy
	case e.ZoneDown == "reduced" || e.Utilization != nil && *e.Utilization >= 1:
		return StatusDegraded, e.ZoneDownWhy
	}
	return StatusUp, e.ZoneDownWhy
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

// OperationView is the prefix of a per-operation view: --view op:NAME.
const OperationView = "op:"

// BuildOperation draws one operation of a design written with components:
// only the components it calls, its calls numbered in the order its tree
// takes them, each with its own p99 (the round trip, queue and work at the
// component) — where a reviewer reads which step the tail comes from.
func BuildOperation(in ComponentInput, name string) (*Graph, error) {
	d, est := in.Design, in.Estimate
	if d == nil || est == nil {
		return nil, fmt.Errorf("diagram: no design or estimate")
	}
	var op *estimator.GraphOperation
	var names []string
	for i := range est.Operations {
		names = append(names, est.Operations[i].Name)
		if est.Operations[i].Name == name {
			op = &est.Operations[i]
		}
	}
	if op == nil {
		return nil, fmt.Errorf("--view op:%s: %q is not an operation; the operations are %s", name, name, strings.Join(names, ", "))
	}
	model := d.Graph()
	ids := nodeIDs(model)
	g := &Graph{Title: fmt.Sprintf("%s — operation %s", d.System.Name, name)}
	g.Subtitle = fmt.Sprintf("%s · peak %s/s · p99 %s", d.System.Cloud, estimator.Num(op.PeakRPS), msText(op.P99Ms))
	if op.SLOP99Ms != nil {
		g.Subtitle += " against the " + estimator.Num(*op.SLOP99Ms) + " ms SLO"
	}
	g.Subtitle += " · calls numbered in order, each with its own p99"
	comps := map[string]estimator.GraphComponent{}
	for _, c := range est.Components {
		comps[c.Name] = c
	}
	// An operation a component raises has no client: the component is
	// where it starts, and its work there is the first step.
	raisedAt := schema.FromPath(name)
	if op.From == "" {
		g.Nodes = append(g.Nodes, &Node{ID: idClients, Kind: KindClients, Title: "clients"})
	}
	added := map[string]bool{}
	byPath := map[string]estimator.GraphStep{}
	var slowest estimator.GraphStep
	for _, s := range op.Steps {
		byPath[s.Path] = s
		if float64(s.OwnP99Ms) > float64(slowest.OwnP99Ms) {
			slowest = s
		}
		if added[s.To] {
			continue
		}
		added[s.To] = true
		c := model.Component(s.To)
		n := &Node{ID: ids[s.To], Kind: nodeKind(c), Title: s.To, Component: s.To, Tech: c.Kind, Lines: []string{componentLine(c)}}
		if e, ok := comps[s.To]; ok {
			n.Numbers = componentNumbers(e, d.System.Cloud)[:1]
			n.Overloaded = e.Utilization != nil && *e.Utilization >= 1
		}
		g.Nodes = append(g.Nodes, n)
	}
	for _, s := range op.Steps {
		if s.Path == raisedAt {
			g.Notes = append(g.Notes, fmt.Sprintf("%s raises %s while it serves other requests: step %d, its own p99 %s there.", s.To, name, s.N, msText(s.OwnP99Ms)))
			continue
		}
		from, style := idClients, StyleRequest
		if op.From != "" {
			from = ids[op.From]
		}
		for p := s.Path; ; {
			parent, how := parentStep(p)
			if parent == "" {
				break
			}
			if how == "miss" {
				style = StyleMiss
			}
			if ps, ok := byPath[parent]; ok {
				from = ids[ps.To]
				if ps.Async {
					style = StyleAsync
				}
				break
			}
			p = parent
		}
		if s.Async {
			style = StyleAsync
		}
		label := fmt.Sprintf("%d · own p99 %s", s.N, msText(s.OwnP99Ms))
		g.Edges = append(g.Edges, &Edge{From: from, To: ids[s.To], Style: style, Label: []string{label}})
	}
	if slowest.To != "" {
		g.Notes = append(g.Notes, fmt.Sprintf("The slowest call of its own is %d, %s: p99 %s, mean %s.", slowest.N, slowest.To, msText(slowest.OwnP99Ms), msText(slowest.OwnMeanMs)))
	}
	if len(op.Unmodelled) > 0 {
		g.Notes = append(g.Notes, fmt.Sprintf("%s: no sourced service time, only the round trip is drawn (a floor).", strings.Join(op.Unmodelled, ", ")))
	}
	var touched []Finding
	for _, f := range in.Findings {
		if added[f.Component] {
			touched = append(touched, f)
		}
	}
	if err := group(g, d, in.ZoneLoss, ids, in.Group); err != nil {
		return nil, err
	}
	badges(g, touched)
	fillLegend(g, false)
	return g, nil
}

// parentStep is the path of the step (or parallel group) that holds the
// step at path, and how it is held: "calls", "miss" or "parallel".
func parentStep(path string) (parent, how string) {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return "", ""
	}
	seg := path[i+1:]
	how, _, _ = strings.Cut(seg, "[")
	parent = path[:i]
	if how != "calls" && how != "miss" && how != "parallel" || !strings.HasSuffix(parent, "]") {
		return "", ""
	}
	return parent, how
}

func msText(m estimator.Millis) string {
	v := float64(m)
	switch {
	case math.IsInf(v, 1):
		return "unbounded"
	case v >= 1000:
		return estimator.Num(v/1000) + " s"
	}
	return estimator.Num(v) + " ms"
}

// orList is "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
