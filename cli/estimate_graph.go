package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// estimateGraphRun estimates a design written with components: load,
// latency, in-flight requests and availability over its call trees. What
// the form does not estimate yet is said, never shown as zero.
func estimateGraphRun(app *App, out io.Writer, path string, d *schema.Design, opts *estimateOptions) error {
	if !oneOf(opts.scenario, estimator.ScenarioPeak, estimator.ScenarioZoneDown) && !graphScenario(opts.scenario) {
		return usageErrorf("--scenario %s: a design written with components is estimated at peak, zone-down (one zone lost), down:NAME (a component down; a cold cache is its cache down) or slow:NAME (a component %d× slower)", opts.scenario, estimator.SlowFactor)
	}
	cat, err := catalogWithPrices(opts.prices)
	if err != nil {
		return err
	}
	r, err := estimator.EstimateGraph(d, estimator.Options{Catalog: cat, Scenario: opts.scenario, HorizonMonths: int(opts.horizon)})
	if err != nil {
		return &InputError{Err: err}
	}
	switch opts.output {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	}
	clouds := estimator.Clouds
	if opts.cloud != "all" {
		clouds = []string{opts.cloud}
	}
	if opts.output == "markdown" {
		writeGraphEstimate(out, r, clouds, opts.explain, markdownStyle{})
		return nil
	}
	writeGraphEstimate(out, r, clouds, opts.explain, newTextStyle(out, app.Color))
	return nil
}

// graphVerdict is the component estimate's one-line verdict: the first
// promise it misses, or what meeting them all costs.
func graphVerdict(r *estimator.GraphResult) (bool, string) {
	var missed []string
	for _, op := range r.Operations {
		if !op.MeetsSLO {
			missed = append(missed, op.Name)
		}
	}
	switch {
	case len(missed) > 0:
		return false, fmt.Sprintf("%s misses its p99 SLO at peak", strings.Join(missed, ", "))
	case !r.Availability.MeetsSLO:
		return false, fmt.Sprintf("the %s path's availability %s is below the %s SLO", r.Availability.WorstOperation, estimator.Pct(r.Availability.Estimated), estimator.Pct(r.Availability.SLO))
	case r.BudgetUSD != nil && r.Costs.For(r.Cloud).MonthlyUSD > *r.BudgetUSD:
		return false, fmt.Sprintf("%s/month on %s is over the %s budget", estimator.USD(r.Costs.For(r.Cloud).MonthlyUSD), r.Cloud, estimator.USD(*r.BudgetUSD))
	}
	return true, fmt.Sprintf("every operation meets its p99 SLO at peak, availability its SLO, for %s/month on %s", estimator.USD(r.Costs.For(r.Cloud).MonthlyUSD), r.Cloud)
}

func writeGraphEstimate(w io.Writer, r *estimator.GraphResult, clouds []string, explain bool, st style) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	if _, md := st.(markdownStyle); md {
		p("## Estimate: %s", r.Design)
		p("")
	}
	if ok, line := graphVerdict(r); ok {
		p("%s", st.good(line))
	} else {
		p("%s", st.bad(line))
	}
	if len(r.NotEstimated) > 0 {
		p("%s", st.bullet("not estimated for the component form yet: "+strings.Join(r.NotEstimated, "; ")))
	}
	p("")

	p("%s", st.heading(fmt.Sprintf("Operations (%s)", r.Scenario)))
	p("")
	var rows [][]string
	floors := false
	for _, op := range r.Operations {
		slo, meets := "—", "yes"
		if op.SLOP99Ms != nil {
			slo = estimator.Num(*op.SLOP99Ms)
		}
		if !op.MeetsSLO {
			meets = "NO"
		}
		switch {
		case op.Fails:
			meets = "FAILS"
		case op.Degraded:
			meets += " (degraded)"
		}
		name := op.Name
		if op.Async {
			name += " (async)"
		}
		p99 := graphMs(op.P99Ms)
		if len(op.Unmodelled) > 0 {
			p99 += "≥"
			floors = true
		}
		rows = append(rows, []string{name, estimator.Num(op.PeakRPS), graphMs(op.P50Ms), p99, slo, meets, estimator.Pct(op.Availability), strings.Join(op.Calls, " → ")})
	}
	p("%s", st.table([]string{"operation", "peak rps", "p50 ms", "p99 ms", "SLO ms", "meets", "availability", "calls"}, rows, nums(1, 2, 3, 4)))
	if floors {
		p("%s", st.bullet("≥ a floor: a component reached has no sourced service time and the call states no work, so only its round trip counts"))
	}
	for _, op := range r.Operations {
		if op.CompletionP99Ms == nil {
			continue
		}
		line := fmt.Sprintf("%s completes (the work behind its queue done) in p99 %s, p50 %s", op.Name, humanMs(*op.CompletionP99Ms), humanMs(*op.CompletionP50Ms))
		if op.SLOCompletionMs != nil {
			verdict := "met"
			if math.IsInf(float64(*op.CompletionP99Ms), 1) || float64(*op.CompletionP99Ms) > *op.SLOCompletionMs {
				verdict = "MISSED"
			}
			line += fmt.Sprintf(", against the %s completion SLO: %s", humanMs(estimator.Millis(*op.SLOCompletionMs)), verdict)
		}
		p("%s", st.bullet(line))
	}
	p("")

	p("%s", st.heading(fmt.Sprintf("Components (%s)", r.Scenario)))
	p("")
	rows = nil
	for _, c := range r.Components {
		capacity, util, inflight, hit := "—", "—", "—", "—"
		if c.CapacityRPS != nil {
			capacity = estimator.Num(*c.CapacityRPS)
		}
		if c.Utilization != nil {
			util = estimator.Pct(*c.Utilization)
		}
		if c.InFlight != nil {
			inflight = estimator.Num(*c.InFlight)
			if c.Concurrency > 0 {
				inflight += fmt.Sprintf(" of %d", c.Concurrency)
			}
		}
		if c.HitRatio != nil {
			hit = estimator.Pct(*c.HitRatio)
		}
		avail := "—"
		if c.Availability != nil {
			avail = estimator.Pct(*c.Availability)
		}
		row := []string{c.Name, c.Kind, fmt.Sprint(c.Instances), estimator.Num(c.LoadRPS), capacity, util, inflight, hit, avail}
		for _, cl := range clouds {
			usd := estimator.USD(c.MonthlyUSD[cl])
			if c.Unpriced {
				usd += "+"
			}
			row = append(row, usd)
		}
		rows = append(rows, row)
	}
	headers := []string{"component", "kind", "instances", "load/s", "capacity/s", "utilisation", "in flight", "hits", "availability"}
	numeric := nums(2, 3, 4, 5)
	egress := []string{"egress", "network", "", "", "", "", "", "", ""}
	replication := []string{"replication", "network", "", "", "", "", "", "", ""}
	replicated := false
	total := []string{"total", "", "", "", "", "", "", "", ""}
	for i, cl := range clouds {
		headers = append(headers, cl+" $/mo")
		numeric[9+i] = true
		cc := r.Costs.For(cl)
		egress = append(egress, estimator.USD(cc.ComponentTotal("egress")))
		replication = append(replication, estimator.USD(cc.ComponentTotal("replication")))
		replicated = replicated || cc.ComponentTotal("replication") > 0
		t := estimator.USD(cc.MonthlyUSD)
		if len(cc.Unpriced) > 0 {
			t += "+"
		}
		total = append(total, t)
	}
	rows = append(rows, egress)
	if replicated {
		rows = append(rows, replication)
	}
	rows = append(rows, total)
	p("%s", st.table(headers, rows, numeric))
	for _, cl := range clouds {
		if cc := r.Costs.For(cl); len(cc.Unpriced) > 0 {
			p("%s", st.bullet(fmt.Sprintf("%s+: not priced (%s): %s", cl, estimator.UnpricedHint, strings.Join(cc.Unpriced, ", "))))
		}
	}
	if r.BudgetUSD != nil {
		p("%s", st.bullet(fmt.Sprintf("budget %s/month on %s (the design's cloud)", estimator.USD(*r.BudgetUSD), r.Cloud)))
	}
	p("")
	a := r.Availability
	line := fmt.Sprintf("estimated %s (%s path) against the %s SLO", estimator.Pct(a.Estimated), a.WorstOperation, estimator.Pct(a.SLO))
	p("%s", st.heading("Availability"))
	p("")
	if a.MeetsSLO {
		p("%s", st.good(line))
	} else {
		p("%s", st.bad(line))
	}
	p("")
	if len(r.Runway) > 0 {
		writeRunway(w, r.Runway, r.RunwayMonths, r.HorizonMonths, st)
	}
	if explain {
		p("%s", st.heading("Derivations"))
		p("")
		for _, op := range r.Operations {
			p("operation %s:", op.Name)
			for _, d := range op.Derivation {
				p("%s", st.bullet(d))
			}
		}
		for _, c := range r.Components {
			p("component %s:", c.Name)
			for _, d := range c.Derivation {
				p("%s", st.bullet(d))
			}
		}
		writeCostItems(w, &r.Costs, clouds, st)
		p("")
	}
	writeAssumptions(w, r.Assumptions, st)
}

func graphMs(m estimator.Millis) string {
	if math.IsInf(float64(m), 1) {
		return "∞"
	}
	return estimator.Num(float64(m))
}

// humanMs writes a duration in the unit a person reads it in: ms, s, min.
func humanMs(m estimator.Millis) string {
	v := float64(m)
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case v >= 60000:
		return estimator.Num(v/60000) + " min"
	case v >= 1000:
		return estimator.Num(v/1000) + " s"
	}
	return estimator.Num(v) + " ms"
}

// graphScenario says whether a scenario names a component: down:NAME or
// slow:NAME, which only the component form has.
func graphScenario(s string) bool {
	return strings.HasPrefix(s, "down:") || strings.HasPrefix(s, "slow:")
}
