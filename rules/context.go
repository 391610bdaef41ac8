package rules

import (
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Context is what a rule may read: the design, the sourced figures (SLAs,
// per-node throughput) and, when one was made, the estimate.
type Context struct {
	Design  *schema.Design
	Figures *estimator.Catalog
	// Estimate is the peak-scenario estimate on a 12-month horizon; rules
	// that need it stay silent when it is nil. A design written with
	// components has Graph (its estimate over the call trees) instead, and
	// Model, its component graph.
	Estimate *estimator.Result
	Graph    *estimator.GraphResult
	Model    *schema.Graph
}

// NewContext prepares a review of d: the embedded figures and the
// estimate. An error is about the design (an unknown override id) and is
// returned as the estimator reports it, with its position.
func NewContext(d *schema.Design) (*Context, error) {
	cat, err := estimator.DefaultCatalog()
	if err != nil {
		return nil, err
	}
	if len(d.Components) > 0 {
		g, err := estimator.EstimateGraph(d, estimator.Options{Catalog: cat})
		if err != nil {
			return nil, err
		}
		return &Context{Design: d, Figures: cat, Graph: g, Model: d.Graph()}, nil
	}
	est, err := estimator.Estimate(d, estimator.Options{Catalog: cat})
	if err != nil {
		return nil, err
	}
	return &Context{Design: d, Figures: cat, Estimate: est}, nil
}

// busiestScenarios estimates the design with each of the slowScenarios
// busiest of comps (by peak load) in the scenario kind ("slow" or "down"),
// at the same time (each estimate is independent, and the rules otherwise
// use one core): the components and their results in that order, nil for
// an estimate that fails.
func (c *Context) busiestScenarios(kind string, comps []estimator.GraphComponent, loadOnly bool) ([]estimator.GraphComponent, []*estimator.GraphResult) {
	comps = slices.Clone(comps)
	sort.SliceStable(comps, func(i, j int) bool { return comps[i].LoadRPS > comps[j].LoadRPS })
	comps = comps[:min(len(comps), slowScenarios)]
	out := make([]*estimator.GraphResult, len(comps))
	var wg sync.WaitGroup
	for i, k := range comps {
		wg.Go(func() {
			if r, err := estimator.EstimateGraph(c.Design, estimator.Options{Catalog: c.Figures, Scenario: kind + ":" + k.Name, LoadOnly: loadOnly}); err == nil {
				out[i] = r
			}
		})
	}
	wg.Wait()
	return comps, out
}

// component returns the estimate of one tier, or nil.
func (c *Context) component(name string) *estimator.Component {
	if c.Estimate == nil {
		return nil
	}
	return named(c.Estimate.Components, name, func(x *estimator.Component) string { return x.Name })
}

// scenario returns one scenario of the estimate, or nil.
func (c *Context) scenario(name string) *estimator.Scenario {
	if c.Estimate == nil {
		return nil
	}
	return named(c.Estimate.Scenarios, name, func(x *estimator.Scenario) string { return x.Name })
}

// named is the element of xs called name, or nil.
func named[T any](xs []T, name string, nameOf func(*T) string) *T {
	for i := range xs {
		if nameOf(&xs[i]) == name {
			return &xs[i]
		}
	}
	return nil
}

// figure returns a sourced figure by id, or false when the catalogue has no
// usable value for it (rules that need it then stay silent rather than
// guess).
func (c *Context) figure(id string) (estimator.Entry, bool) {
	if c.Figures == nil {
		return estimator.Entry{}, false
	}
	e, ok := c.Figures.Lookup(id)
	if !ok || !e.Known() {
		return estimator.Entry{}, false
	}
	return e, true
}

// sla returns the provider's published SLA for a deployment on the
// design's cloud ("compute.single" on aws is aws.compute.single).
func (c *Context) sla(what string) (float64, string, bool) {
	id := c.Design.System.Cloud + "." + what
	e, ok := c.figure(id)
	if !ok {
		return 0, "", false
	}
	return e.V(), fmt.Sprintf("%s SLA %s", id, pct(e.V())), true
}

// peakRPS is an operation's peak rate: average × peak factor.
func peakRPS(op *schema.Operation) float64 { return op.Rate.PerSecond() * op.PeakFactor }

// opsThrough returns the operations whose path passes component, by name.
func (c *Context) opsThrough(component string) []*schema.Operation {
	var out []*schema.Operation
	for _, op := range c.Design.Operations() {
		if op.Passes(component) {
			out = append(out, op)
		}
	}
	return out
}

// consistency returns what an operation declared, and whether it did.
func (c *Context) consistency(op string) (schema.Consistency, bool) {
	v, ok := c.Design.Consistency[op]
	return v, ok
}

func opPath(op *schema.Operation, field string) string {
	if field == "" {
		return "traffic." + op.Name
	}
	return "traffic." + op.Name + "." + field
}
