package report

import (
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/tradeoff-dev/tradeoff/diagram"
	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Input is everything the document shows, computed by the stages before it.
type Input struct {
	Design *schema.Design
	// Estimate is the peak-scenario estimate (it holds every scenario's
	// summary as well).
	Estimate *estimator.Result
	// Graph is the estimate of a design written with components; it
	// replaces Estimate (and Growth, which that form has not yet).
	Graph *estimator.GraphResult
	// Growth is the estimate month by month over the horizon.
	Growth *Growth
	Review *rules.Report
	// FailOn is the severity at or above which an unwaived finding fails
	// the review, as `tradeoff review --fail-on` judges it.
	FailOn  rules.Severity
	Diagram Diagram
	// Operations are the per-operation views of the operations that miss
	// or come near their p99 SLO (a design written with components).
	Operations []OperationDiagram
	// Version is tradeoff's version, printed in the footer.
	Version string
}

// OperationDiagram is one operation's calls, numbered, with the reason it
// is shown.
type OperationDiagram struct {
	Name, Why string
	Graph     *diagram.Graph
	// Mermaid is the picture for Markdown.
	Mermaid string
}

// Diagram is the overview picture.
type Diagram struct {
	Graph *diagram.Graph
	// SVG is the picture laid out by Graphviz (tradeoff-render); when it
	// is nil the HTML draws Graph with the built-in layout.
	SVG []byte
	// Mermaid is the picture for Markdown, which GitHub draws itself.
	Mermaid string
}

// Growth is the design at its planned size as traffic grows: what each
// month would cost with every tier scaled to what it needs, and how busy
// each tier of the planned size is.
type Growth struct {
	Months []Month
	// Tiers are the tiers with a capacity (managed, self-scaling tiers
	// have no utilisation to draw), in the estimator's order.
	Tiers []string
	// Ceilings are, per tier, the runway's ceilings reached within the
	// horizon (throughput, memory, storage, partitions), earliest first.
	Ceilings map[string][]estimator.Runway
}

// Month is one point of the growth series.
type Month struct {
	Month int
	// NeededUSD is each cloud's monthly cost with every tier at the
	// larger of its planned size and what that month's peak needs
	// (storage for the data held by then).
	NeededUSD map[string]float64
	// Utilisation of each tier at its planned size (+Inf: no capacity).
	Utilisation map[string]float64
	MeetsSLO    bool
}

// NewGrowth estimates the design at every month of the horizon: month m
// is the horizon scenario of an estimate whose horizon is m months, so
// traffic and stored data have both grown for m months. Month 0 is the
// peak scenario of the one-month estimate. base is the design's estimate,
// which supplies the tiers, the horizon and the runway.
func NewGrowth(d *schema.Design, base *estimator.Result, cat *estimator.Catalog) (*Growth, error) {
	g := &Growth{Ceilings: map[string][]estimator.Runway{}}
	shown := map[string]bool{}
	for _, c := range base.Components {
		if c.Kind != "network" && (c.CapacityRPS > 0 || math.IsInf(float64(c.Utilization), 1)) {
			g.Tiers = append(g.Tiers, c.Name)
			shown[c.Name] = true
		}
	}
	// The months are independent estimates: run them on every CPU and
	// keep them in month order.
	results := make([]*estimator.Result, base.HorizonMonths+1)
	errs := make([]error, base.HorizonMonths+1)
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range next {
				results[m], errs[m] = estimator.Estimate(d, estimator.Options{HorizonMonths: m, Catalog: cat})
			}
		}()
	}
	for m := 1; m <= base.HorizonMonths; m++ {
		next <- m
	}
	close(next)
	wg.Wait()
	for m := 1; m <= base.HorizonMonths; m++ {
		if errs[m] != nil {
			return nil, errs[m]
		}
		if m == 1 {
			peak, ok := scenario(results[m], estimator.ScenarioPeak)
			if !ok {
				return nil, fmt.Errorf("internal error: the estimate has no peak scenario")
			}
			g.Months = append(g.Months, monthOf(0, peak))
		}
		s, ok := scenario(results[m], estimator.ScenarioHorizon)
		if !ok {
			return nil, fmt.Errorf("internal error: the estimate has no horizon scenario")
		}
		g.Months = append(g.Months, monthOf(m, s))
	}
	for _, rw := range base.Runway {
		if shown[rw.Component] && float64(rw.Months) <= float64(base.HorizonMonths) {
			g.Ceilings[rw.Component] = append(g.Ceilings[rw.Component], rw)
		}
	}
	return g, nil
}

func scenario(r *estimator.Result, name string) (estimator.Scenario, bool) {
	for _, s := range r.Scenarios {
		if s.Name == name {
			return s, true
		}
	}
	return estimator.Scenario{}, false
}

func monthOf(m int, s estimator.Scenario) Month {
	out := Month{Month: m, NeededUSD: map[string]float64{}, Utilisation: map[string]float64{}, MeetsSLO: s.MeetsSLO}
	for k, v := range s.MonthlyUSD {
		out.NeededUSD[k] = v
	}
	for _, t := range s.Components {
		out.Utilisation[t.Name] = float64(t.Utilization)
	}
	return out
}
