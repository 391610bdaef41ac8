package estimator

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Scenario names, in output order. The horizon scenario is peak traffic
// after Options.HorizonMonths of the design's growth.
const (
	ScenarioNormal    = "normal"
	ScenarioPeak      = "peak"
	ScenarioZoneDown  = "zone-down"
	ScenarioColdCache = "cold-cache"
	ScenarioHorizon   = "horizon"
)

// ScenarioNames lists the scenarios in the order they are reported.
var ScenarioNames = []string{ScenarioNormal, ScenarioPeak, ScenarioZoneDown, ScenarioColdCache, ScenarioHorizon}

// Options tune an estimate. The zero value estimates the peak scenario on a
// 12-month horizon with the embedded price data.
type Options struct {
	// Scenario selects which scenario the top-level figures describe.
	Scenario string
	// HorizonMonths is the growth horizon (default 12).
	HorizonMonths int
	// Catalog holds prices and defaults; nil means DefaultCatalog() (a
	// --prices file is applied to a clone before it is passed here).
	Catalog *Catalog
	// LoadOnly stops a component estimate at the loads and utilisation
	// of its components: no latency, availability or cost. It is what an
	// outage check needs (does the store survive a cold cache?), at a
	// fraction of the work, since the latency distributions are most of it.
	LoadOnly bool
}

// ErrComponentForm refuses a design written with components where the
// shorthand's tiers are read: EstimateGraph estimates that form, and every
// command calls it for that form.
var ErrComponentForm = errors.New("internal error: the tier estimator reads the sections; a design written with components is estimated by EstimateGraph")

// Estimate computes capacity, cost, latency, availability and runway for a
// validated design. Errors are about the design's overrides (unknown ids),
// reported at their position as schema.Errors.
func Estimate(d *schema.Design, opts Options) (*Result, error) {
	if len(d.Components) > 0 {
		return nil, ErrComponentForm
	}
	if opts.HorizonMonths <= 0 {
		opts.HorizonMonths = 12
	}
	if opts.Scenario == "" {
		opts.Scenario = ScenarioPeak
	}
	if !validScenario(opts.Scenario) {
		return nil, fmt.Errorf("unknown scenario %q: use one of %s", opts.Scenario, strings.Join(ScenarioNames, ", "))
	}
	cat, err := designCatalog(d, opts)
	if err != nil {
		return nil, err
	}
	e := newEstimator(d, cat, opts)
	return e.run(), nil
}

// designCatalog is the figures one estimate uses: the options' catalogue
// (the embedded one by default), with the design's overrides applied to a
// copy of it.
func designCatalog(d *schema.Design, opts Options) (*Catalog, error) {
	cat := opts.Catalog
	if cat == nil {
		var err error
		if cat, err = defaultCatalog(); err != nil {
			return nil, err
		}
	}
	cat = cat.Clone()
	if err := applyDesignOverrides(cat, d); err != nil {
		return nil, err
	}
	return cat, nil
}

func validScenario(s string) bool {
	for _, n := range ScenarioNames {
		if n == s {
			return true
		}
	}
	return false
}

var (
	catalogOnce sync.Once
	catalog     *Catalog
	catalogErr  error
)

// defaultCatalog parses the embedded files once per process.
func defaultCatalog() (*Catalog, error) {
	catalogOnce.Do(func() { catalog, catalogErr = DefaultCatalog() })
	return catalog, catalogErr
}

// applyDesignOverrides replaces defaults with the design's overrides. A
// duration is converted to the entry's unit (ms or s); a rate is per second.
func applyDesignOverrides(cat *Catalog, d *schema.Design) error {
	var errs schema.Errors
	ids := make([]string, 0, len(d.Overrides))
	for id := range d.Overrides {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		o := d.Overrides[id]
		e, ok := cat.Lookup(id)
		path := "overrides." + id
		if !ok {
			errs = append(errs, &schema.Error{Pos: d.Source.Pos(path), Path: path,
				Msg: fmt.Sprintf("unknown estimator default %q; %s", id, cat.suggest(id))})
			continue
		}
		v := o.Value
		if o.Unit == "duration" {
			switch e.Unit {
			case "ms":
				v *= 1000
			case "minutes":
				v /= 60
			}
		}
		if err := cat.Set(id, v, "design "+d.Source.Pos(path).String()); err != nil {
			errs = append(errs, &schema.Error{Pos: d.Source.Pos(path), Path: path, Msg: err.Error()})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// estimator holds one estimate's state: the design, the figures and the
// assumptions met on the way.
type estimator struct {
	d       *schema.Design
	cat     *Catalog
	opts    Options
	target  float64 // target utilisation
	zones   int     // zones the fleet spreads over
	rtt     float64 // seconds per network round trip inside the region
	rttNote string
	assumed map[string]Assumption
	notes   map[string]string // design defaults standing in for missing inputs

	planMemo    *plan
	peakMemo    *scenarioRun
	opAvailMemo map[string]opAvail
}

func newEstimator(d *schema.Design, cat *Catalog, opts Options) *estimator {
	e := &estimator{d: d, cat: cat, opts: opts, assumed: map[string]Assumption{}, notes: map[string]string{}}
	e.target = d.Services.TargetUtilization
	if e.target <= 0 || e.target >= 1 {
		e.target = e.fig("target.utilization")
	}
	e.zones = d.Services.Zones
	if d.System.Footprint == schema.SingleNode || e.zones < 1 {
		e.zones = 1
	}
	same := e.fig("network.rtt.same_zone") / 1000
	if e.zones > 1 {
		cross := e.fig("network.rtt.cross_zone") / 1000
		z := float64(e.zones)
		e.rtt = (same + (z-1)*cross) / z
		e.rttNote = fmt.Sprintf("RTT %s = (1 × %s same-zone + %d × %s cross-zone) ÷ %d zones", Ms(e.rtt), Ms(same), e.zones-1, Ms(cross), e.zones)
	} else {
		e.rtt = same
		e.rttNote = fmt.Sprintf("RTT %s same-zone", Ms(same))
	}
	return e
}

// fig returns a catalog figure and records it when it is an assumption.
// A figure the reference could not source at all (null) returns NaN.
func (e *estimator) fig(id string) float64 {
	en, ok := e.cat.Lookup(id)
	if !ok {
		panic("estimator: no figure " + id) // a bug: ids are fixed in code and data
	}
	if en.Tag.Assumed() || !en.Known() {
		note := en.Conditions
		if !en.Known() {
			note = "no figure: supply it with overrides." + id
		}
		e.assumed[id] = Assumption{ID: id, Display: display(en), Value: en.V(), Unit: en.Unit, Tag: en.Tag, Source: en.Source, Note: note}
	}
	if !en.Known() {
		return math.NaN()
	}
	return en.V()
}

// figAssumed reports whether a figure would be flagged.
func (e *estimator) figAssumed(id string) bool {
	en, _ := e.cat.Lookup(id)
	return en.Tag.Assumed() || !en.Known()
}

// note records a default standing in for something the design left out.
func (e *estimator) note(id, text string) {
	e.notes[id] = text
}

// sizeOf parses a "vCPU x GiB" size.
func sizeOf(s string) (vcpu, gib float64) {
	if vcpu, gib, ok := schema.SizeOf(s); ok {
		return vcpu, gib
	}
	return 2, 8
}

func (e *estimator) run() *Result {
	d := e.d
	r := &Result{
		Design:        d.System.Name,
		Cloud:         d.System.Cloud,
		Scenario:      e.opts.Scenario,
		HorizonMonths: e.opts.HorizonMonths,
		PricesAsOf:    e.cat.AsOf,
	}
	if d.Budget != nil {
		b := d.Budget.MonthlyUSD
		r.BudgetUSD = &b
	}
	plan := e.plan()
	peak := e.scenario(ScenarioPeak, plan)
	e.planMemo, e.peakMemo = plan, peak
	planned := plan.plannedSizing(peak)
	var chosen *scenarioRun
	for _, name := range ScenarioNames {
		sr := peak
		if name != ScenarioPeak {
			sr = e.scenario(name, plan)
		}
		sum := sr.summary(e)
		costs := e.costs(plan, sr.neededSizing(planned), plan.volumes(e, sr.months))
		sum.MonthlyUSD = map[string]float64{}
		for _, cloud := range Clouds {
			sum.MonthlyUSD[cloud] = costs.For(cloud).MonthlyUSD
		}
		sum.Availability = sr.availability(e)
		r.Scenarios = append(r.Scenarios, sum)
		if name == e.opts.Scenario {
			chosen = sr
		}
	}
	r.Operations = chosen.operations(e)
	r.Components = chosen.components(e, plan)
	r.Cost = e.costs(plan, planned, plan.volumes(e, 0))
	for i := range r.Components {
		c := &r.Components[i]
		c.MonthlyUSD = map[string]float64{}
		for _, cloud := range Clouds {
			c.MonthlyUSD[cloud] = round2(r.Cost.For(cloud).ComponentTotal(c.Name))
		}
	}
	r.Cost.appendNetwork(&r.Components)
	r.Availability = e.availability(plan, peak)
	r.Runway, r.RunwayMonths = e.runway(plan, peak)
	r.Keyspaces = e.keyspaces(plan)
	r.Verdict = e.verdict(r)
	r.Assumptions = e.assumptionList()
	return r
}

func (e *estimator) assumptionList() []Assumption {
	out := make([]Assumption, 0, len(e.assumed)+len(e.notes))
	for _, a := range e.assumed {
		out = append(out, a)
	}
	for id, n := range e.notes {
		out = append(out, Assumption{ID: id, Tag: TagUnsourced, Source: "default for a field the design left out", Note: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// sig keeps six significant digits: rates from 0.002/s to millions/s stay
// readable in JSON without losing a trickle to rounding.
func sig(x float64) float64 {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	return roundSig(x, 6)
}

// display writes a figure with its unit the way a reader expects it.
func display(en Entry) string {
	switch {
	case len(en.Tiers) > 0:
		return fmt.Sprintf("tiered from $%s per %s", trim(en.Tiers[0].USD, 6), en.Unit)
	case !en.Known():
		return "unknown"
	case en.Kind == "sla":
		return Pct(en.V())
	case en.Kind == "price":
		return fmt.Sprintf("$%s per %s", trim(en.V(), 6), en.Unit)
	}
	return trim(en.V(), 6) + " " + en.Unit
}
