package estimator

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The one model: a design written with the sections desugars into the
// component graph (schema.Design.Graph), and the graph estimator should
// give it the figures the tier estimator gives it today, so that the tier
// estimator can go. TestShorthandParity measures how far that is: it
// estimates every sections example both ways and compares each headline
// figure. A figure that differs must be listed in shorthandGaps with the
// reason; a listed gap that has closed fails too, so the list stays the
// exact distance left.

// shorthandGaps are the figures where the graph estimator still differs
// from the tier estimator on the sections examples, each with why. Keys
// are "example figure".
var shorthandGaps = map[string]string{
	// The tier bills the workers by busy consumers (Little's law at
	// peak) × consumer groups on 2-vCPU VMs; the desugared workers are the
	// stated 96 consumers as VMs, with one group's work. The shorthand's
	// consumers are processes, a component's instances machines: the
	// desugar cannot say the one in the other's words yet.
	"event-ingest cost aws":   "consumer groups",
	"event-ingest cost gcp":   "consumer groups",
	"event-ingest cost azure": "consumer groups",
	// The same workers, in each of the three regions.
	"global-store cost aws":   "consumer groups",
	"global-store cost gcp":   "consumer groups",
	"global-store cost azure": "consumer groups",
	// A shorthand consumer is one process, one message at a time; the
	// desugared worker instance has its 2 vCPU as two servers, so the
	// zone's survivors are half as busy.
	"event-ingest zone-down utilisation workers": "consumers are processes",
	"global-store zone-down utilisation workers": "consumers are processes",
	// The tier's database utilisation is its primaries' (the writes); the
	// graph's a node's share of the reads and every write.
	"shortener zone-down utilisation database": "what a store's utilisation counts",
}

// parityFigure is one compared figure of one example.
type parityFigure struct {
	name        string
	tier, graph float64
	tol         float64 // relative
	abs         float64 // absolute, below which a difference is rounding
	// down compares the unavailability, 1 − the figure: 99.9999% and
	// 99.99% differ a hundredfold in downtime.
	down bool
}

func (f parityFigure) same() bool {
	if math.IsInf(f.tier, 1) && math.IsInf(f.graph, 1) {
		return true
	}
	a, b := f.tier, f.graph
	if f.down {
		a, b = 1-a, 1-b
	}
	d := math.Abs(a - b)
	return d <= f.abs || d <= f.tol*math.Max(math.Abs(a), math.Abs(b))
}

// parityFigures estimates a sections design both ways.
func parityFigures(t *testing.T, d *schema.Design) []parityFigure {
	t.Helper()
	r, err := Estimate(d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, ops := graphOf(t, d, Options{})
	var out []parityFigure
	for _, o := range r.Operations {
		go_, ok := ops[o.Name]
		if !ok {
			t.Fatalf("the graph has no operation %s", o.Name)
		}
		// Latency within 2% or 0.05 ms (the grid's and the tier's
		// distributions are each composed at their own resolution).
		out = append(out,
			parityFigure{"p50 " + o.Name, float64(o.P50Ms), float64(go_.P50Ms), 0.02, 0.05, false},
			parityFigure{"p99 " + o.Name, float64(o.P99Ms), float64(go_.P99Ms), 0.02, 0.05, false},
			parityFigure{"availability " + o.Name, o.Availability, go_.Availability, 0.01, 2e-7, true})
	}
	out = append(out, parityFigure{"availability (overall)", r.Availability.Estimated, g.Availability.Estimated, 0.01, 2e-7, true})
	comps := map[string]GraphComponent{}
	for _, c := range g.Components {
		comps[c.Name] = c
	}
	replicas := 0.0
	for _, c := range r.Components {
		if c.Name == "replicas" {
			replicas = c.LoadRPS
		}
	}
	for _, c := range r.Components {
		gc, ok := comps[c.Name]
		if !ok {
			continue // the tier's replicas, egress, replication
		}
		load := c.LoadRPS
		if c.Name == "database" {
			// The tier's "database" is the primaries, its "replicas" the
			// reads they take; the graph's store takes both.
			load += replicas
		}
		out = append(out, parityFigure{"load " + c.Name, load, gc.LoadRPS, 0.01, 0.05, false})
		if c.Kind != "managed" && c.Kind != "cdn" && c.Kind != "sqs" && c.Kind != "dynamodb" {
			out = append(out, parityFigure{"instances " + c.Name, float64(c.Instances), float64(gc.Instances), 0, 0, false})
		}
	}
	for _, cl := range Clouds {
		out = append(out, parityFigure{"cost " + cl, r.Cost.For(cl).MonthlyUSD, g.Costs.For(cl).MonthlyUSD, 0.005, 0.01, false})
	}
	return append(out, zoneDownParity(t, d, r)...)
}

// graphOf is the graph estimate of d and its operations by name.
func graphOf(t *testing.T, d *schema.Design, opts Options) (*GraphResult, map[string]GraphOperation) {
	t.Helper()
	g, err := EstimateGraph(d, opts)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]GraphOperation{}
	for _, o := range g.Operations {
		ops[o.Name] = o
	}
	return g, ops
}

// zoneDownParity compares the tier's zone-down scenario with the graph's:
// each operation's p99, the design's availability, each component's
// instances left and utilisation.
func zoneDownParity(t *testing.T, d *schema.Design, r *Result) []parityFigure {
	t.Helper()
	var s *Scenario
	for i := range r.Scenarios {
		if r.Scenarios[i].Name == ScenarioZoneDown {
			s = &r.Scenarios[i]
		}
	}
	if s == nil {
		return nil
	}
	g, ops := graphOf(t, d, Options{Scenario: ScenarioZoneDown})
	var out []parityFigure
	for _, o := range s.Operations {
		if go_, ok := ops[o.Name]; ok {
			out = append(out, parityFigure{"zone-down p99 " + o.Name, float64(o.P99Ms), float64(go_.P99Ms), 0.02, 0.05, false})
		}
	}
	out = append(out, parityFigure{"zone-down availability", s.Availability, g.Availability.Estimated, 0.01, 2e-7, true})
	comps := map[string]GraphComponent{}
	for _, c := range g.Components {
		comps[c.Name] = c
	}
	for _, c := range s.Components {
		gc, ok := comps[c.Name]
		if !ok || gc.Utilization == nil {
			continue // the tier's replicas; what the graph leaves unmodelled
		}
		out = append(out, parityFigure{"zone-down utilisation " + c.Name, float64(c.Utilization), *gc.Utilization, 0.02, 0.001, false})
	}
	return out
}

// sectionsExamples are the examples written with the sections, by file
// name without ".cue".
func sectionsExamples(t *testing.T) map[string]*schema.Design {
	t.Helper()
	files, err := filepath.Glob("../examples/*.cue")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	out := map[string]*schema.Design{}
	for _, f := range files {
		d, err := schema.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Components) == 0 {
			out[strings.TrimSuffix(filepath.Base(f), ".cue")] = d
		}
	}
	return out
}

func TestShorthandParity(t *testing.T) {
	seen := map[string]bool{}
	total, same := 0, 0
	var table []string
	for name, d := range sectionsExamples(t) {
		for _, fig := range parityFigures(t, d) {
			key := name + " " + fig.name
			total++
			why, listed := shorthandGaps[key]
			seen[key] = true
			switch {
			case fig.same() && listed:
				t.Errorf("%s: the graph now gives the tier's %v (gap %q closed): take it out of shorthandGaps", key, fig.tier, why)
			case fig.same():
				same++
			case !listed:
				t.Errorf("%s: the tier gives %v, the graph %v: a new difference between the two estimators", key, fig.tier, fig.graph)
			default:
				table = append(table, fmt.Sprintf("%-40s tier %-12.6g graph %-12.6g %s", key, fig.tier, fig.graph, why))
			}
		}
	}
	for key := range shorthandGaps {
		if !seen[key] {
			t.Errorf("shorthandGaps lists %q, which no example has", key)
		}
	}
	sort.Strings(table)
	t.Logf("%d of %d figures of the sections examples agree; the gaps left:\n%s", same, total, strings.Join(table, "\n"))
}

// TestExpandedEstimatesAsItsSource: `tradeoff expand` writes a sections
// design in the component form; estimated, the file gives what the
// sections' graph gives in memory, so a team that grows out of the
// shorthand keeps its figures. The store's mean object size is written to
// the byte, so the bills agree within 50 cents.
func TestExpandedEstimatesAsItsSource(t *testing.T) {
	for name, d := range sectionsExamples(t) {
		t.Run(name, func(t *testing.T) {
			src, err := schema.Expand(d)
			if err != nil {
				t.Fatal(err)
			}
			x, err := schema.LoadBytes("expanded.cue", src, "cue")
			if err != nil {
				t.Fatalf("the expanded design does not load: %v", err)
			}
			a, aops := graphOf(t, d, Options{})
			b, bops := graphOf(t, x, Options{})
			for name, o := range aops {
				p := bops[name]
				if o.P99Ms != p.P99Ms || o.P50Ms != p.P50Ms || o.Availability != p.Availability {
					t.Errorf("%s: p50 %v p99 %v availability %v in memory, %v %v %v expanded", name, o.P50Ms, o.P99Ms, o.Availability, p.P50Ms, p.P99Ms, p.Availability)
				}
			}
			for _, cl := range Clouds {
				if x, y := a.Costs.For(cl).MonthlyUSD, b.Costs.For(cl).MonthlyUSD; math.Abs(x-y) > 0.5 {
					t.Errorf("%s: $%v a month in memory, $%v expanded", cl, x, y)
				}
			}
		})
	}
}
