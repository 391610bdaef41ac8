package estimator

import (
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The estimate of a design written with components: every number follows
// from the component graph. The load at a component is Σ over operations
// of the peak rate × its expected visits (through shares, fan-outs and
// cache misses); an operation's latency is its call tree's distribution
// (calls in order convolve, parallel branches and fan-outs take the
// maximum, a cache mixes its hit and its miss, timeouts truncate and
// retry); a caller blocked on a dependency holds one of its slots for the
// whole call (Little's law); availability multiplies the components an
// operation cannot do without. Cost, runway and the failure scenarios are
// not estimated for this form yet, and the result says so.

// GraphResult is the estimate of a component design.
type GraphResult struct {
	Design       string            `json:"design"`
	Cloud        string            `json:"cloud"`
	Scenario     string            `json:"scenario"`
	Operations   []GraphOperation  `json:"operations"`
	Components   []GraphComponent  `json:"components"`
	Availability GraphAvailability `json:"availability"`
	// Costs is the monthly bill on every cloud, itemised per component;
	// BudgetUSD the design's budget, if it states one.
	Costs Costs `json:"costs"`
	// Calls are the graph's edges: who calls whom, how, and how often at
	// peak, over every operation (retries included).
	Calls         []GraphCall `json:"calls"`
	BudgetUSD     *float64    `json:"budget_usd"`
	HorizonMonths int         `json:"horizon_months"`
	// Runway is when each component with a known capacity saturates as
	// the operations through it grow, soonest first; ScalesOut is false
	// for a ceiling more instances do not lift (a single-shard primary).
	Runway []Runway `json:"runway"`
	// RunwayMonths is the first month a ceiling that needs a redesign is
	// reached (infinite when none is).
	RunwayMonths Months `json:"runway_months"`
	// NotEstimated names what the estimate of this form leaves out.
	NotEstimated []string          `json:"not_estimated"`
	Assumptions  []Assumption      `json:"assumptions"`
	PricesAsOf   map[string]string `json:"prices_as_of"`
}

// GraphOperation is one operation's load, latency and availability.
type GraphOperation struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Async bool   `json:"async"`
	// From is the component that raises the operation while serving
	// other requests; its first step is the work there.
	From    string  `json:"from,omitempty"`
	AvgRPS  float64 `json:"avg_rps"`
	PeakRPS float64 `json:"peak_rps"`
	// P50Ms and P99Ms are the response's: an asynchronous operation is
	// answered at the enqueue. Null when a component on the way cannot
	// keep up, or more than 1% of requests time out for good.
	P50Ms    Millis   `json:"p50_ms"`
	P99Ms    Millis   `json:"p99_ms"`
	SLOP99Ms *float64 `json:"slo_p99_ms"`
	// CompletionP50Ms and CompletionP99Ms are an asynchronous operation's
	// time until the work behind the queue is done (queue wait and the
	// consumers' work included), against slo.completion.
	CompletionP50Ms *Millis  `json:"completion_p50_ms,omitempty"`
	CompletionP99Ms *Millis  `json:"completion_p99_ms,omitempty"`
	SLOCompletionMs *float64 `json:"slo_completion_ms,omitempty"`
	MeetsSLO        bool     `json:"meets_slo"`
	Availability    float64  `json:"availability"`
	// Requires are the components the operation cannot do without (its
	// availability's product), by name.
	Requires []string `json:"requires"`
	// Calls are the components the operation reaches, in the order first
	// reached.
	Calls []string `json:"calls"`
	// Steps are its calls, numbered in order, with each one's time.
	Steps      []GraphStep `json:"steps"`
	Bottleneck string      `json:"bottleneck,omitempty"`
	// Fails is true when the scenario takes down a component the
	// operation cannot do without; Degraded when it answers without an
	// optional call.
	Fails    bool `json:"fails,omitempty"`
	Degraded bool `json:"degraded,omitempty"`
	// Unmodelled are the components reached whose own time is not
	// estimated (no sourced service time and no work stated on the call):
	// only their round trip is counted, so the p99 is a floor.
	Unmodelled []string `json:"unmodelled,omitempty"`
	Derivation []string `json:"derivation"`
}

// GraphComponent is one component's load at peak.
type GraphComponent struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Instances int    `json:"instances"`
	// LoadRPS is the calls per second it receives at peak, over every
	// operation; CapacityRPS what its instances serve at most (null when
	// no sourced figure says).
	LoadRPS     float64  `json:"load_rps"`
	CapacityRPS *float64 `json:"capacity_rps"`
	Utilization *float64 `json:"utilization"`
	// WriteRPS is the writes among a database's calls; WriteCapacityRPS
	// what its primaries commit at most (one per shard: replicas add no
	// write capacity), when a sourced commit rate says.
	WriteRPS         float64  `json:"write_rps,omitempty"`
	WriteCapacityRPS *float64 `json:"write_capacity_rps,omitempty"`
	// InFlight is the requests one instance holds at once at peak, waiting
	// included (Little's law: arrivals × time held); Concurrency what the
	// design says it can hold.
	InFlight    *float64 `json:"in_flight_per_instance,omitempty"`
	Concurrency int      `json:"concurrency,omitempty"`
	HitRatio    *float64 `json:"hit_ratio,omitempty"`
	// ModelledHitRatio is what the cache's memory gives over its stated
	// catalogue (Che's approximation), and KeysHeld how many of the keys
	// fit, when the design states a hit ratio too.
	ModelledHitRatio *float64 `json:"modelled_hit_ratio,omitempty"`
	KeysHeld         float64  `json:"keys_held,omitempty"`
	// Availability is the component's SLA; null for a kind without a
	// sourced one (left out of the operations' availability).
	Availability *float64 `json:"availability"`
	// MonthlyUSD is the component's share of each cloud's bill; Unpriced
	// says that part of it has no price (see the cloud's unpriced ids).
	MonthlyUSD map[string]float64 `json:"monthly_usd"`
	Unpriced   bool               `json:"unpriced,omitempty"`
	// StorageBytes and StorageBytesAtHorizon are what a store holds now
	// and after the horizon's writes (its data only).
	StorageBytes          *float64 `json:"storage_bytes,omitempty"`
	StorageBytesAtHorizon *float64 `json:"storage_bytes_at_horizon,omitempty"`
	// ZoneDown is what the zone-down scenario did to the component:
	// "down", "reduced" (instances or nodes lost), "survives" (a failover
	// or replicas kept it whole) or "unaffected" (regional); ZoneDownWhy
	// says how. Both empty in other scenarios.
	ZoneDown    string   `json:"zone_down,omitempty"`
	ZoneDownWhy string   `json:"zone_down_why,omitempty"`
	Derivation  []string `json:"derivation"`
}

// GraphCall is one edge of the component graph at peak.
type GraphCall struct {
	// From is the calling component; empty for the operations' callers
	// (the clients).
	From string `json:"from"`
	To   string `json:"to"`
	// How is "sync", "async" (through a queue, or what a consumer does
	// behind it) or "miss" (what a cache or CDN falls through to).
	How     string  `json:"how"`
	PeakRPS float64 `json:"peak_rps"`
	// Fanout is the widest fan-out on this edge (0 for none).
	Fanout int `json:"fanout,omitempty"`
}

// GraphAvailability is the worst synchronous operation's availability.
type GraphAvailability struct {
	Estimated      float64 `json:"estimated"`
	SLO            float64 `json:"slo"`
	MeetsSLO       bool    `json:"meets_slo"`
	WorstOperation string  `json:"worst_operation"`
}

// GraphNotEstimated is what the component form's estimate leaves out:
// nothing now. The shorthand's cold cache is a cache's down:NAME (every
// call a miss), its normal and horizon scenarios the peak and the runway.
var GraphNotEstimated = []string{}

// EstimateGraph estimates a design written with components.
func EstimateGraph(d *schema.Design, opts Options) (*GraphResult, error) {
	cat, err := designCatalog(d, opts)
	if err != nil {
		return nil, err
	}
	if opts.HorizonMonths <= 0 {
		opts.HorizonMonths = 12
	}
	e := &estimator{d: d, cat: cat, opts: opts, assumed: map[string]Assumption{}, notes: map[string]string{}}
	e.target = e.fig("target.utilization")
	g := d.Graph()
	zones := 1
	for _, c := range g.Components {
		zones = max(zones, c.Zones)
	}
	e.zones = zones
	same := e.fig("network.rtt.same_zone") / 1000
	e.rtt, e.rttNote = same, fmt.Sprintf("RTT %s same-zone", Ms(same))
	if zones > 1 {
		cross := e.fig("network.rtt.cross_zone") / 1000
		e.rtt = (same + float64(zones-1)*cross) / float64(zones)
		e.rttNote = fmt.Sprintf("RTT %s = (1 × %s same-zone + %d × %s cross-zone) ÷ %d zones", Ms(e.rtt), Ms(same), zones-1, Ms(cross), zones)
	}
	ge := &graphEstimate{e: e, g: g, models: map[string]*compModel{}, load: map[string]*compLoad{}, down: map[string]bool{}}
	if err := ge.scenario(opts.Scenario); err != nil {
		return nil, err
	}
	return ge.run(), nil
}

// SlowFactor is how much slower slow:NAME makes a component: ten times,
// the order of a dependency that is struggling rather than down.
const SlowFactor = 10

// scenario reads peak (the default), down:NAME or slow:NAME.
func (ge *graphEstimate) scenario(s string) error {
	if s == "" || s == ScenarioPeak {
		return nil
	}
	if s == ScenarioZoneDown {
		ge.kind = ScenarioZoneDown
		return nil
	}
	kind, name, ok := strings.Cut(s, ":")
	if !ok || kind != "down" && kind != "slow" {
		return fmt.Errorf("unknown scenario %q for a design written with components: use peak, zone-down, down:NAME or slow:NAME", s)
	}
	if ge.g.Component(name) == nil {
		var names []string
		for _, c := range ge.g.Components {
			names = append(names, c.Name)
		}
		return fmt.Errorf("scenario %s: %q is not a component; the components are %s", s, name, strings.Join(names, ", "))
	}
	ge.kind, ge.target = kind, name
	return nil
}

type graphEstimate struct {
	e      *estimator
	g      *schema.Graph
	models map[string]*compModel
	load   map[string]*compLoad
	// kind and target are the scenario: "down" or "slow", and the
	// component; "zone-down" and no target; empty at peak.
	kind, target string
	// down holds the components the scenario takes down (takeDown):
	// down:NAME's one, or zone-down's.
	down map[string]bool
	// attempts: count retries in the load (the second pass).
	attempts bool
	// edges collects the calls per edge when set (the last peak pass).
	edges map[edgeKey]*GraphCall
	// op is the operation being visited: its request is a message's
	// size where the queue states none.
	op *schema.Operation
	// fill is, per enqueue that batches (by the step's path), how long
	// the first operation of a batch waits for it to leave (batchFor), at
	// peak: the visits at other rates (the bill's averages) leave it.
	fill   map[string]batchFill
	atPeak bool
}

// batchFill is one enqueue's batching: operations per message and the
// first one's wait.
type batchFill struct{ size, wait float64 }

type edgeKey struct{ from, to, how string }

func (ge *graphEstimate) hasRetries(ops []*schema.Operation) bool {
	var hasRetry func([]schema.Step) bool
	hasRetry = func(steps []schema.Step) bool {
		for _, s := range steps {
			if s.Retries > 0 && s.Timeout != nil || hasRetry(s.Calls) || hasRetry(s.Miss) || hasRetry(s.Parallel) {
				return true
			}
		}
		return false
	}
	for _, op := range ops {
		if hasRetry(ge.g.Calls[op.Name]) {
			return true
		}
	}
	return false
}

// expectedAttempts is 1 + p + p² + … + p^r for a call whose own time
// exceeds its timeout with probability p, retried r times.
func (ge *graphEstimate) expectedAttempts(s schema.Step, read bool) float64 {
	if !ge.attempts || s.Timeout == nil || s.Retries == 0 {
		return 1
	}
	m := ge.models[s.To]
	tau := s.Timeout.Seconds()
	if m.slow > 1 {
		tau /= m.slow
	}
	var cdf float64
	switch {
	case m.external != nil:
		cdf = m.external(tau)
	case m.saturated:
		cdf = 0
	case read:
		cdf = m.hopRead.CDF(tau)
	default:
		cdf = m.hopWrite.CDF(tau)
	}
	p, sum, term := 1-cdf, 1.0, 1.0
	for range s.Retries {
		term *= p
		sum += term
	}
	return sum
}

// isDown says whether the scenario takes the component down.
func (ge *graphEstimate) isDown(name string) bool { return ge.down[name] }

// compLoad is what arrives at a component at peak.
type compLoad struct {
	reads, writes float64 // calls per second
	inFlight      float64 // requests held at once, over every instance
	// bytes is what a queue carries a second: its messages × their size.
	bytes float64
}

// total and writeRate read a load that may be absent (a component the
// operation does not reach) as zero.
func (l *compLoad) total() float64 {
	if l == nil {
		return 0
	}
	return l.reads + l.writes
}

func (l *compLoad) writeRate() float64 {
	if l == nil {
		return 0
	}
	return l.writes
}

func (ge *graphEstimate) run() *GraphResult {
	e, d, g := ge.e, ge.e.d, ge.g
	scenario := ScenarioPeak
	switch ge.kind {
	case ScenarioZoneDown:
		scenario = ScenarioZoneDown
	case "":
	default:
		scenario = ge.kind + ":" + ge.target
	}
	r := &GraphResult{Design: d.System.Name, Cloud: d.System.Cloud, Scenario: scenario,
		NotEstimated: GraphNotEstimated, PricesAsOf: e.cat.AsOf, HorizonMonths: e.opts.HorizonMonths}
	if d.Budget != nil {
		b := d.Budget.MonthlyUSD
		r.BudgetUSD = &b
	}
	for _, c := range g.Components {
		ge.load[c.Name] = &compLoad{}
	}
	ops := d.Operations()
	// Load first (visits need only the hit ratios, which need only the
	// caches' own figures), then the queues it makes, then latency.
	for _, c := range g.Components {
		ge.models[c.Name] = ge.model(c)
	}
	if m := ge.models[ge.target]; m != nil {
		switch ge.kind {
		case "down":
			ge.takeDown(m, "")
		case "slow":
			m.slow = SlowFactor
		}
	}
	if ge.kind == ScenarioZoneDown {
		ge.zoneDown()
	}
	ge.edges = map[edgeKey]*GraphCall{}
	ge.atPeak = true
	for _, op := range ops {
		peak := op.Rate.PerSecond() * op.PeakFactor
		ge.visit(op, peak)
	}
	for _, c := range g.Components {
		ge.models[c.Name].loaded(ge.load[c.Name], e)
	}
	// Retries: a call that times out is made again, so the load below a
	// slow component grows with the share of calls that time out (the
	// retry storm). The second pass counts the attempts at the loads of
	// the first.
	if ge.hasRetries(ops) {
		for _, c := range g.Components {
			ge.load[c.Name] = &compLoad{}
		}
		ge.attempts = true
		ge.edges = map[edgeKey]*GraphCall{}
		for _, op := range ops {
			ge.visit(op, op.Rate.PerSecond()*op.PeakFactor)
		}
		for _, c := range g.Components {
			ge.models[c.Name].loaded(ge.load[c.Name], e)
		}
	}
	ge.atPeak = false
	if e.opts.LoadOnly {
		for _, c := range g.Components {
			r.Components = append(r.Components, ge.component(c))
		}
		return r
	}
	r.Operations = ge.operations(ops)
	for _, e := range ge.edges {
		e.PeakRPS = sig(e.PeakRPS)
		r.Calls = append(r.Calls, *e)
	}
	sort.Slice(r.Calls, func(i, j int) bool {
		a, b := r.Calls[i], r.Calls[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.How < b.How
	})
	ge.edges = nil
	usage := ge.averageUsage()
	r.Runway, r.RunwayMonths = ge.runway(usage)
	stored := ge.storage(usage)
	r.Costs = ge.graphCosts(usage, stored)
	for _, c := range g.Components {
		gc := ge.component(c)
		gc.MonthlyUSD = map[string]float64{}
		for _, cloud := range Clouds {
			gc.MonthlyUSD[cloud] = round2(r.Costs.For(cloud).ComponentTotal(c.Name))
		}
		gc.Unpriced = statedMissing(c, usage, stored)
		if s, ok := stored[c.Name]; ok {
			now, h := s.now, s.horizon
			gc.StorageBytes, gc.StorageBytesAtHorizon = &now, &h
			gc.Derivation = append(gc.Derivation, fmt.Sprintf("data: %s now, %s at %d months (each write request that reaches it adds %s object(s), over its operation's growth%s)",
				Bytes(now), Bytes(h), e.opts.HorizonMonths, Num(c.Data.NewPerWrite), retentionNote(c.Data)))
		}
		r.Components = append(r.Components, gc)
	}
	// A caller blocked on a slow dependency holds its slots: when the
	// requests in flight exceed instances × concurrency, the service
	// saturates before its dependency does, and every operation through it
	// queues without bound.
	for _, c := range r.Components {
		if c.InFlight == nil || c.Concurrency == 0 || *c.InFlight < float64(c.Concurrency) {
			continue
		}
		for i := range r.Operations {
			op := &r.Operations[i]
			if !slices.Contains(op.Calls, c.Name) || op.Bottleneck != "" {
				continue
			}
			op.Bottleneck = c.Name
			op.P50Ms, op.P99Ms, op.MeetsSLO = Millis(math.Inf(1)), Millis(math.Inf(1)), false
			op.Derivation = append(op.Derivation, fmt.Sprintf("p99 unbounded: %s holds %s requests per instance in flight against %d slots", c.Name, Num(*c.InFlight), c.Concurrency))
		}
	}
	r.Availability = GraphAvailability{SLO: float64(d.SLO.Availability), Estimated: 1}
	// The worst synchronous operation (an asynchronous one answers at the
	// enqueue); only a design with no synchronous operation is judged by
	// its asynchronous ones.
	anySync := slices.ContainsFunc(r.Operations, func(op GraphOperation) bool { return !op.Async })
	found := false
	for _, op := range r.Operations {
		if op.Async && anySync {
			continue
		}
		if !found || op.Availability < r.Availability.Estimated {
			r.Availability.Estimated, r.Availability.WorstOperation, found = op.Availability, op.Name, true
		}
	}
	r.Availability.Estimated = availRound(r.Availability.Estimated)
	r.Availability.MeetsSLO = r.Availability.Estimated >= r.Availability.SLO
	r.Assumptions = e.assumptionList()
	return r
}

// visit adds the calls of op's tree, made m times a second, to the load.
// An operation a component raises (from) is that component's calls, and
// each of them (a message, when the enqueue batches) one unit of its
// work: the sections' application publishing the clicks it serves.
func (ge *graphEstimate) visit(op *schema.Operation, m float64) {
	ge.op = op
	steps := ge.g.Calls[op.Name]
	from := ge.g.From[op.Name]
	if from == "" {
		ge.visitFrom(steps, m, op.IsRead(), "", "sync")
		return
	}
	if ge.isDown(from) {
		return // nothing raises it
	}
	ge.visitFrom(steps, m, op.IsRead(), from, "sync")
	l := ge.loadOf(from)
	n := ge.raised(steps, m, op.IsRead(), from)
	if op.IsRead() {
		l.reads += n
	} else {
		l.writes += n
	}
}

// availRound keeps an availability to 7 decimals without ever rounding
// it up: 1 − 10⁻¹¹ is 99.99999%, not the 100% nothing is (the small
// allowance keeps a figure such as 99.95% from falling to 99.9499999%).
func availRound(a float64) float64 {
	return math.Floor(a*1e7+1e-6) / 1e7
}

// raisedTree is the operation's tree as its latency and availability see
// it: an operation a component raises starts in that component (its work
// there, in process: no round trip), which makes the calls.
func (ge *graphEstimate) raisedTree(op *schema.Operation) []schema.Step {
	steps := ge.g.Calls[op.Name]
	if from := ge.g.From[op.Name]; from != "" {
		return []schema.Step{{To: from, Calls: steps, Path: schema.FromPath(op.Name)}}
	}
	return steps
}

// raised counts the calls a component makes for an operation it raises,
// m times a second: what visitFrom counts at the top of the tree.
func (ge *graphEstimate) raised(steps []schema.Step, m float64, read bool, from string) float64 {
	total := 0.0
	for _, s := range steps {
		if s.To == "" {
			total += ge.raised(s.Parallel, m, read, from)
			continue
		}
		n := ge.arrivals(s, m, read)
		if b := ge.batch(s, from, n); b.size > 1 {
			n /= b.size
		}
		total += n
	}
	return total
}

// arrivals is how many calls a step receives for m of its caller's: m ×
// its share × its fan-out × the attempts its retries make.
func (ge *graphEstimate) arrivals(s schema.Step, m float64, read bool) float64 {
	n := m * shareOf(s)
	if s.Fanout != nil {
		n *= float64(s.Fanout.N)
	}
	return n * ge.expectedAttempts(s, read)
}

// loadOf is the component's load, created empty when nothing reached it
// yet.
func (ge *graphEstimate) loadOf(name string) *compLoad {
	l := ge.load[name]
	if l == nil {
		l = &compLoad{}
		ge.load[name] = l
	}
	return l
}

// visitFrom is visit for steps made by caller (how: sync, async or miss).
func (ge *graphEstimate) visitFrom(steps []schema.Step, m float64, read bool, caller, how string) {
	for _, s := range steps {
		if s.To == "" {
			ge.visitFrom(s.Parallel, m, read, caller, how)
			continue
		}
		n := ge.arrivals(s, m, read)
		if ge.isDown(s.To) {
			// Calls to a component that is down go no further; a cache's
			// or CDN's callers go straight to what it misses to.
			if len(s.Miss) > 0 {
				ge.visitFrom(s.Miss, n/fanoutN(s), read, caller, how)
			}
			continue
		}
		b := ge.batch(s, caller, n)
		if b.size > 1 {
			// Producers group operations into messages (the queue's
			// batchSize, fewer when batchWait passes first): the queue and
			// its consumers see messages.
			n /= b.size
		}
		l := ge.loadOf(s.To)
		if q := ge.models[s.To].c; q.Family() == schema.FamilyQueue {
			// A message is the queue's messageSize, or the operations it
			// carries (the sections' queue sizes it so).
			size := float64(ge.op.RequestSize) * b.size
			if q.MessageSize != nil {
				size = float64(*q.MessageSize)
			}
			l.bytes += n * size
		}
		if read {
			l.reads += n
		} else {
			l.writes += n
		}
		ge.edge(caller, s, how, n)
		inner := how
		if s.Async {
			inner = "async"
		}
		ge.visitFrom(s.Calls, n/fanoutN(s), read, s.To, inner)
		if len(s.Miss) > 0 {
			missHow := "miss"
			if how == "async" {
				missHow = "async"
			}
			misses := n / fanoutN(s) * (1 - ge.models[s.To].hit)
			ge.visitFrom(s.Miss, misses, read, s.To, missHow)
			if read && ge.models[s.To].c.Family() == schema.FamilyCache {
				// What a read misses is written back: one SET each.
				l.writes += misses
				ge.edge(caller, s, how, misses)
			}
		}
	}
}

// batch is how many operations one message to the step's queue carries
// when they arrive at n a second from caller's instances, and how long the
// first of them waits for the batch to leave (batchFor, as the tier
// estimator's queue): size 1 for a step that is not an enqueue. The wait
// is recorded for the step's latency.
func (ge *graphEstimate) batch(s schema.Step, caller string, n float64) batchFill {
	q := ge.models[s.To].c
	if !s.Async || q.Family() != schema.FamilyQueue || q.BatchSize <= 1 {
		return batchFill{size: 1}
	}
	producers := 1
	if m := ge.models[caller]; m != nil {
		producers = max(1, m.instances)
	}
	wait := 0.0
	if q.BatchWait != nil {
		wait = q.BatchWait.Seconds()
	}
	size, fill := batchFor(q.BatchSize, wait, n, producers)
	b := batchFill{size: size, wait: fill}
	if s.Path != "" && ge.atPeak {
		if ge.fill == nil {
			ge.fill = map[string]batchFill{}
		}
		ge.fill[s.Path] = b
	}
	return b
}

// fillsOnMiss says whether a read that misses the cache waits for the
// cache to be filled (cache-aside: the caller SETs what it fetched;
// read-through: the cache does), as the sections' cache counts it.
func (ge *graphEstimate) fillsOnMiss(m *compModel, read bool) bool {
	return read && m.c.Family() == schema.FamilyCache && (m.c.Pattern == "cache-aside" || m.c.Pattern == "read-through")
}

// waitFor is the batch wait of an enqueue step (0 when it does not batch).
func (ge *graphEstimate) waitFor(s schema.Step) float64 {
	if !s.Async || s.Path == "" {
		return 0
	}
	return ge.fill[s.Path].wait
}

// edge records n calls a second from caller to the step's component.
func (ge *graphEstimate) edge(caller string, s schema.Step, how string, n float64) {
	if ge.edges == nil {
		return
	}
	if s.Async {
		how = "async"
	}
	k := edgeKey{caller, s.To, how}
	e := ge.edges[k]
	if e == nil {
		e = &GraphCall{From: caller, To: s.To, How: how}
		ge.edges[k] = e
	}
	e.PeakRPS += n
	if s.Fanout != nil {
		e.Fanout = max(e.Fanout, s.Fanout.N)
	}
}

func shareOf(s schema.Step) float64 {
	if s.Share != nil {
		return float64(*s.Share)
	}
	return 1
}

func fanoutN(s schema.Step) float64 {
	if s.Fanout != nil {
		return float64(s.Fanout.N)
	}
	return 1
}

// compModel is how one component serves a call.
type compModel struct {
	c         *schema.Component
	instances int
	// servers and mu make each instance an M/G/c queue; mu 0 when there is
	// no sourced throughput (the component adds its round trip only).
	servers int
	mu      float64
	cv      float64
	// writeMu is a store's commit rate per primary (M/M/1).
	writeMu float64
	// fixed is the time every call spends besides queueing (a round trip);
	// rtt is the round trip in it, which a call from the client leaves out.
	fixed, rtt float64
	// external latency, from its stated percentiles.
	external func(float64) float64
	extUpper float64
	hit      float64 // a cache's or CDN's hit ratio
	// modelled is Che's hit ratio for the memory, and fits the keys it
	// holds, when the catalogue and item size are stated.
	modelled  *float64
	fits      float64
	avail     float64
	availNote string
	noSLA     bool    // no sourced SLA: avail is 1 and says nothing
	slow      float64 // slow:NAME multiplies its time by this
	capacity  float64 // calls per second over every instance; 0 unknown
	// zone and zoneWhy: what zone-down did to it (GraphComponent.ZoneDown).
	zone, zoneWhy string
	// onNode: the component shares a single-node design's one machine.
	onNode bool
	// regionRTT is what a write to this store waits for a majority of the
	// regions when it waits for them (syncRepl, or a CP operation).
	regionRTT  float64
	regionNote string
	syncRepl   bool
	// replicas a store reads from (zone-down loses some); lost is the
	// instances zone-down takes (still paid for).
	replicas, lost int
	deriv          []string
	// loaded: utilisation of the busiest resource, and the per-instance
	// arrival rates.
	util               float64
	lamRead, lamWrite  float64 // per instance (per primary for writes)
	hopRead, hopWrite  Dist
	hopKey             string // the stage chains of the two, bit for bit
	saturated          bool
	concurrencyLimited bool
}

func (ge *graphEstimate) model(c *schema.Component) *compModel {
	e := ge.e
	m := &compModel{c: c, instances: max(1, c.Instances), cv: 1, fixed: e.rtt, rtt: e.rtt, avail: 1, replicas: c.Replicas}
	cloud := e.d.System.Cloud
	vcpu, _ := sizeOf(c.Size)
	switch c.Family() {
	case schema.FamilyService:
		m.servers = max(1, int(vcpu))
		switch {
		case c.ServiceTime != nil && c.ThroughputPerInstance != nil:
			m.mu = 1 / c.ServiceTime.Seconds()
			m.servers = max(1, ceilCount(math.Round(c.ThroughputPerInstance.PerSecond()/m.mu)))
			m.deriv = append(m.deriv, fmt.Sprintf("%s rps per instance, %s service time → %d concurrent servers", Num(c.ThroughputPerInstance.PerSecond()), Ms(1/m.mu), m.servers))
		case c.ServiceTime != nil:
			m.mu = 1 / c.ServiceTime.Seconds()
			m.deriv = append(m.deriv, fmt.Sprintf("%d vCPU × 1 ÷ %s service time = %s rps per instance", m.servers, Ms(1/m.mu), Num(float64(m.servers)*m.mu)))
		case c.ThroughputPerInstance != nil:
			m.mu = c.ThroughputPerInstance.PerSecond() / float64(m.servers)
			m.deriv = append(m.deriv, fmt.Sprintf("%s rps per instance (design)", Num(c.ThroughputPerInstance.PerSecond())))
		default:
			m.mu = e.fig("app.rps_per_vcpu")
			m.deriv = append(m.deriv, fmt.Sprintf("%d vCPU × %s rps per vCPU (app.rps_per_vcpu, assumption) = %s rps per instance", m.servers, Num(m.mu), Num(float64(m.servers)*m.mu)))
		}
		if c.ServiceTimeCV != nil {
			m.cv = *c.ServiceTimeCV
		} else {
			m.cv = e.fig("app.service_time_cv")
		}
		if c.Kind == "worker" && c.Instances == 0 {
			m.instances = 0 // sized by the estimate, below
		}
		m.avail, m.availNote = ge.vmAvail(max(1, c.Instances), c.Zones)
	case schema.FamilyLB:
		if c.Kind == "managed-lb" {
			m.avail, m.availNote = e.managedAvail("lb", true)
			m.deriv = append(m.deriv, "managed: one round trip, no queue of its own (assumption)")
			break
		}
		id := c.Kind + ".rps_per_vcpu"
		m.servers, m.mu = 2, e.fig(id)
		m.deriv = append(m.deriv, fmt.Sprintf("%s: 2 vCPU × %s rps per vCPU (%s)", c.Kind, Num(m.mu), id))
		m.avail, m.availNote = ge.vmAvail(m.instances, 1)
	case schema.FamilyDatabase:
		m.instances = max(1, c.Shards)
		switch {
		case c.Regional():
			m.deriv = append(m.deriv, c.Kind+": one round trip; service time unsourced")
			m.avail, m.availNote = e.managedAvail("db", true)
		default:
			readID, writeID := c.Kind+".pk_reads_per_vcpu", c.Kind+".commits_per_node"
			if !c.Primary() {
				readID, writeID = c.Kind+".reads_per_vcpu", c.Kind+".writes_per_node"
			}
			if en, ok := e.cat.Lookup(readID); ok && en.Known() {
				m.servers, m.mu, m.writeMu = max(1, int(vcpu)), e.fig(readID), e.fig(writeID)
				m.deriv = append(m.deriv, fmt.Sprintf("reads: %s vCPU × %s per vCPU (%s); writes: %s commits/s per primary (%s)", Num(vcpu), Num(m.mu), readID, Num(m.writeMu), writeID))
			} else {
				e.note(readID, "no sourced throughput for "+c.Kind+": state overrides."+readID+" to size it")
				m.deriv = append(m.deriv, c.Kind+": no sourced throughput; one round trip only")
			}
			if c.Cluster() {
				// Self-run (and billed so): its nodes' SLA, as the
				// sections' self-run database.
				a, note := ge.vmAvail(m.instances*(1+c.Replicas), e.zones)
				m.avail, m.availNote = a, "self-run "+c.Kind+" "+note
			} else {
				m.avail, m.availNote = e.managedAvail("db", c.Failover == "automatic" || c.Replicas > 0)
			}
		}
	case schema.FamilyCache:
		opsID, overID := "redis.get_per_node", "redis.item_overhead"
		if c.Kind == "memcached" {
			opsID, overID = "memcached.ops_per_node", "memcached.item_overhead"
		}
		m.instances = max(1, c.Nodes)
		m.servers, m.mu = 1, e.fig(opsID)
		m.deriv = append(m.deriv, fmt.Sprintf("%d node(s) × %s ops/s (%s)", m.instances, Num(m.mu), opsID))
		if c.Managed() {
			m.avail, m.availNote = e.managedAvail("cache", c.Replicas > 0)
		} else {
			m.avail, m.availNote = ge.vmAvail(m.instances*(1+c.Replicas), c.Zones)
		}
		if c.IsCache() {
			ge.hitRatio(m, overID)
		}
	case schema.FamilyQueue:
		if c.Kind == "kafka" {
			m.fixed += e.fig("kafka.e2e_latency.p50") / 1000
			m.deriv = append(m.deriv, "enqueue: one round trip + Kafka's 2 ms median end-to-end latency (kafka.e2e_latency.p50, LinkedIn benchmark)")
		} else {
			m.deriv = append(m.deriv, "enqueue: one round trip; broker acknowledgement time unsourced")
		}
		if id := queueSLA(cloud, c.Kind, e.zones > 1); id != "" {
			m.slaFrom(ge, id)
		}
	case schema.FamilyCDN:
		m.fixed, m.rtt = 0, 0
		if c.CacheableShare != nil {
			m.hit = float64(*c.CacheableShare)
		}
		m.slaFrom(ge, cloud+".cdn")
		m.deriv = append(m.deriv, fmt.Sprintf("serves %s of responses at the edge; the rest go to the origin", Pct(m.hit)))
	case schema.FamilyExternal:
		p50, p99 := c.P50.Seconds(), c.P99.Seconds()
		m.external = LognormalCDF(p50, p99)
		m.extUpper = lognormalQuantile(p50, p99, 1-1e-7)
		m.fixed, m.rtt = 0, 0
		m.avail, m.availNote = float64(*c.Availability), fmt.Sprintf("%s (the provider's stated SLA)", Pct(float64(*c.Availability)))
		if c.RateLimit != nil {
			m.capacity = c.RateLimit.PerSecond()
		}
		m.deriv = append(m.deriv, fmt.Sprintf("latency lognormal through the stated p50 %s and p99 %s", Ms(p50), Ms(p99)))
	default: // object-store, search
		if c.Family() == schema.FamilySearch {
			m.instances = max(1, c.Nodes)
		}
		m.deriv = append(m.deriv, c.Kind+": no sourced service time; one round trip plus the work each call states")
		m.availNote, m.noSLA = "no sourced SLA for "+c.Kind+": left out of the availability", true
	}
	if m.capacity == 0 && m.mu > 0 && m.instances > 0 {
		m.capacity = float64(m.instances*m.servers) * m.mu
	}
	if c.Family() == schema.FamilyDatabase && e.regions() > 1 {
		m.regionRTT, m.regionNote = e.crossRegionRTT()
		m.syncRepl = c.Replication != "async" && c.Replicas > 0
	}
	if ge.onNode(c) {
		// One machine runs it all: its availability is the one VM's,
		// counted once per operation however many of them it reaches.
		m.onNode = true
		single, _ := e.sla(cloud + ".compute.single")
		m.avail, m.availNote = single, fmt.Sprintf("on the one node (system.footprint single-node): single instance %s (%s.compute.single)", Pct(single), cloud)
	}
	return m
}

// onNode says whether a single-node design runs the component on its one
// machine: everything the team runs (services, self-run stores, caches,
// queues, balancers), not what a provider runs for it (the regional
// managed services, a managed Redis).
func (ge *graphEstimate) onNode(c *schema.Component) bool {
	return ge.e.d.System.Footprint == schema.SingleNode && !c.Regional() && !c.Managed()
}

// hitRatio is a cache's hit ratio: stated, or Che's approximation over the
// catalogue its callers read through it, or 0 (every call misses) when
// neither is known. With both, the approximation is used, as the
// sections' cache uses it: what the memory holds sets the ratio, and the
// stated one is the design's target, kept beside it (m.modelled) for the
// rule that compares them. Memory that holds too few of the keys cannot
// give the ratio the design assumes.
func (ge *graphEstimate) hitRatio(m *compModel, overID string) {
	e, c := ge.e, m.c
	che := ""
	if c.Catalogue != nil && c.ItemSize != nil && c.Memory != nil && float64(*c.Catalogue) > 0 {
		zipf := e.fig("cache.zipf_skew")
		if c.Zipf != nil {
			zipf = *c.Zipf
		}
		reserved := e.fig("aws.cache.redis.reserved_fraction")
		item := float64(*c.ItemSize) + e.fig(overID)
		capObjs := math.Floor(float64(m.instances) * float64(*c.Memory) * (1 - reserved) / item)
		h := cheCached(math.Round(float64(*c.Catalogue)), zipf, capObjs)
		m.modelled, m.fits = &h, capObjs
		che = fmt.Sprintf("%s of the %s keys its callers read fit; Che's approximation under Zipf(s=%s): hit ratio %s", Num(capObjs), Num(float64(*c.Catalogue)), Num(zipf), Pct(h))
	}
	switch {
	case che != "":
		m.hit = *m.modelled
		m.deriv = append(m.deriv, che)
		if c.HitRatio != nil {
			m.deriv = append(m.deriv, fmt.Sprintf("the design assumes %s: the memory's figure is used", Pct(float64(*c.HitRatio))))
		}
	case c.HitRatio != nil:
		m.hit = float64(*c.HitRatio)
		m.deriv = append(m.deriv, fmt.Sprintf("hit ratio %s (design)", Pct(m.hit)))
	default:
		e.note("components."+c.Name+".hitRatio", "neither a hit ratio nor a catalogue and item size: every read is counted as a miss")
		m.deriv = append(m.deriv, "no hit ratio and no catalogue: every read misses (state hitRatio, or catalogue and itemSize)")
	}
}

// loaded turns the arrivals into each instance's queue.
func (m *compModel) loaded(l *compLoad, e *estimator) {
	if m.c.Kind == "worker" && m.instances == 0 && m.mu > 0 {
		m.instances = max(1, ceilCount(l.total()/(float64(m.servers)*m.mu*e.target)))
		m.capacity = float64(m.instances*m.servers) * m.mu
		m.deriv = append(m.deriv, fmt.Sprintf("consumers not stated: %d sized for %s/s at the %s target", m.instances, Num(l.total()), Pct(e.target)))
	}
	n := float64(max(1, m.instances))
	if m.c.Family() == schema.FamilyDatabase && m.c.ReadFromReplicas && m.replicas > 0 {
		n = float64(max(1, m.instances) * (1 + m.replicas))
	}
	m.lamRead = l.reads / n
	m.lamWrite = l.writes / float64(max(1, m.instances))
	if m.c.Family() == schema.FamilyQueue {
		m.brokers(l, e)
	}
	switch {
	case m.mu <= 0:
		if m.capacity > 0 {
			m.util = l.total() / m.capacity
		}
		m.setHops([]Stage{{Fixed: m.fixed}}, nil)
	case m.writeMu > 0:
		rho := m.lamRead/(float64(m.servers)*m.mu) + m.lamWrite/m.writeMu
		m.util = rho
		if rho < 1 {
			m.setHops(append([]Stage{{Fixed: m.fixed}}, QueueStages(MMc{Lambda: rho * float64(m.servers) * m.mu, Mu: m.mu, C: m.servers})...),
				append([]Stage{{Fixed: m.fixed}}, QueueStages(MMc{Lambda: rho * m.writeMu, Mu: m.writeMu, C: 1})...))
		}
	default:
		lam := (l.total()) / float64(max(1, m.instances))
		m.util = lam / (float64(m.servers) * m.mu)
		q := MMc{Lambda: lam, Mu: m.mu, C: m.servers}
		if m.c.Kind == "worker" {
			// Competing consumers of one queue share it: an idle one takes
			// the next message, so the workers are one queue served by
			// every consumer, not one queue each.
			q = MMc{Lambda: l.total(), Mu: m.mu, C: max(1, m.instances) * m.servers}
		}
		if m.util < 1 {
			m.setHops(append([]Stage{{Fixed: m.fixed}}, ServiceStages(q, m.cv)...), nil)
		}
	}
	m.saturated = m.util >= 1
}

// brokers sizes a queue as the sections' queue is sized (sizeBrokers),
// at least three across zones (RF=3, quorum queues).
func (m *compModel) brokers(l *compLoad, e *estimator) {
	per, minBrokers := e.brokerFigures(m.c.Kind)
	b := sizeBrokers(e, m.c.Kind, per, minBrokers, l.total(), l.bytes)
	m.instances, m.capacity = max(1, b.brokers), b.capacity
	m.deriv = append(m.deriv, b.why)
	if queueSLA(e.d.System.Cloud, m.c.Kind, e.zones > 1) == "" && m.avail > 0 {
		// Brokers the team runs: their nodes' SLA, as the sections' queue.
		a, note := e.vmAvail(m.instances)
		m.avail, m.availNote = a, m.c.Kind+" "+note
	}
}

// setHops sets a call's time for reads and for writes (the same when
// write is nil) from their stage chains, and the key the operations'
// memo reads them by.
func (m *compModel) setHops(read, write []Stage) {
	m.hopRead, m.hopKey = SumStages(read), stageKey(read)
	m.hopWrite = m.hopRead
	if write != nil {
		m.hopWrite = SumStages(write)
		m.hopKey += "/" + stageKey(write)
	}
}

func (ge *graphEstimate) vmAvail(n, zones int) (float64, string) {
	saved := ge.e.zones
	ge.e.zones = max(1, zones)
	defer func() { ge.e.zones = saved }()
	return ge.e.vmAvail(n)
}

func (ge *graphEstimate) slaOr(id string) (float64, string) {
	if v, ok := ge.e.sla(id); ok {
		return v, fmt.Sprintf("%s (%s)", Pct(v), id)
	}
	return 1, "no SLA figure (" + id + "): left out of the availability"
}

// slaOrNone is slaOr for a model, marking a missing SLA.
func (m *compModel) slaFrom(ge *graphEstimate, id string) {
	m.avail, m.availNote = ge.slaOr(id)
	_, ok := ge.e.sla(id)
	m.noSLA = !ok
}

func lognormalQuantile(p50, p99, p float64) float64 {
	const z99 = 2.3263478740408408
	sigma := (math.Log(p99) - math.Log(p50)) / z99
	return math.Exp(math.Log(p50) + sigma*math.Sqrt2*math.Erfinv(2*p-1))
}

// operations estimates every operation, on every core: an operation reads
// the components' models and writes only its own result and the slots it
// holds, which are added to the loads afterwards in operation order, so
// the result is the same, to the bit, as one operation after another.
func (ge *graphEstimate) operations(ops []*schema.Operation) []GraphOperation {
	out := make([]GraphOperation, len(ops))
	held := make([][]heldSlots, len(ops))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(ops)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = ge.memoOperation(ops[i], &held[i])
			}
		}()
	}
	for i := range ops {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, h := range held {
		for _, x := range h {
			ge.load[x.component].inFlight += x.inFlight
		}
	}
	return out
}

// operation builds one operation's latency grid, availability and calls.
func (ge *graphEstimate) operation(op *schema.Operation, held *[]heldSlots) GraphOperation {
	e, d := ge.e, ge.e.d
	steps := ge.raisedTree(op)
	peak := op.Rate.PerSecond() * op.PeakFactor
	out := GraphOperation{Name: op.Name, Kind: op.Kind, Async: op.Async, From: ge.g.From[op.Name], AvgRPS: sig(op.Rate.PerSecond()), PeakRPS: sig(peak)}
	read := op.IsRead()
	cp := d.Consistency[op.Name].Partition == "CP"
	span := 1.25 * ge.bound(steps, read, false, cp)
	b := &treeBuilder{ge: ge, span: span, read: read, peak: peak, held: held, top: true, cp: cp}
	grid := b.seq(steps, 1)
	out.Calls = b.order
	out.Steps = b.steps
	out.Bottleneck = b.bottleneck
	out.Fails, out.Degraded = b.failed != "", b.degraded
	out.Unmodelled = b.unmodelled
	if len(b.unmodelled) > 0 {
		b.deriv = append(b.deriv, fmt.Sprintf("%s: no sourced service time and no work stated, so only the round trip counts: this p99 is a floor (state work on the call)", strings.Join(b.unmodelled, ", ")))
	}
	switch {
	case b.failed != "":
		out.P50Ms, out.P99Ms = Millis(math.Inf(1)), Millis(math.Inf(1))
		out.Derivation = append(out.Derivation, fmt.Sprintf("fails: it cannot do without %s, which is down", b.failed))
	case b.bottleneck != "":
		out.P50Ms, out.P99Ms = Millis(math.Inf(1)), Millis(math.Inf(1))
		out.Derivation = append(out.Derivation, fmt.Sprintf("p99 unbounded: %s cannot keep up", b.bottleneck))
	default:
		out.P50Ms = Millis(roundTo(grid.Quantile(0.5)*1000, 3))
		out.P99Ms = Millis(roundTo(grid.Quantile(0.99)*1000, 3))
	}
	out.Derivation = append([]string{"network: " + e.rttNote}, append(b.deriv, out.Derivation...)...)
	if !math.IsInf(float64(out.P99Ms), 1) {
		out.Derivation = append(out.Derivation, fmt.Sprintf("p99 %s, p50 %s (the call tree's distributions composed; percentiles do not add)", Ms(float64(out.P99Ms)/1000), Ms(float64(out.P50Ms)/1000)))
	}
	out.MeetsSLO = true
	if slo, ok := d.SLO.P99[op.Name]; ok {
		ms := slo.Seconds() * 1000
		out.SLOP99Ms = &ms
		out.MeetsSLO = !math.IsInf(float64(out.P99Ms), 1) && float64(out.P99Ms) <= ms
	}
	if grid.cdf[len(grid.cdf)-1] < 0.99 && b.failed == "" && b.bottleneck == "" {
		out.Derivation = append(out.Derivation, fmt.Sprintf("%s of requests time out on every attempt: no p99", Pct(1-grid.cdf[len(grid.cdf)-1])))
	}
	if hasAsyncStep(steps) && !out.Fails {
		// The completion: the same tree with the work behind each queue,
		// on a grid as long as that work.
		full := &treeBuilder{ge: ge, span: 1.25 * ge.bound(steps, read, true, cp), read: read, peak: peak, full: true, quiet: true, held: held, top: true, cp: cp}
		cg := full.seq(steps, 1)
		p50, p99 := Millis(roundTo(cg.Quantile(0.5)*1000, 3)), Millis(roundTo(cg.Quantile(0.99)*1000, 3))
		if full.bottleneck != "" {
			p50, p99 = Millis(math.Inf(1)), Millis(math.Inf(1))
		}
		out.CompletionP50Ms, out.CompletionP99Ms = &p50, &p99
		line := fmt.Sprintf("completion (the work behind the queue done): p99 %s, p50 %s", Ms(float64(p99)/1000), Ms(float64(p50)/1000))
		if slo, ok := d.SLO.Completion[op.Name]; ok {
			ms := slo.Seconds() * 1000
			out.SLOCompletionMs = &ms
			met := !math.IsInf(float64(p99), 1) && float64(p99) <= ms
			out.MeetsSLO = out.MeetsSLO && met
			line += fmt.Sprintf(" against the %s completion SLO", Ms(slo.Seconds()))
		}
		out.Derivation = append(out.Derivation, line)
	}
	a, why, requires := ge.availability(steps, read)
	out.Requires = requires
	if v, how := e.regionFailoverAvailability(a, e.regions()); how != "" {
		why = append(why, fmt.Sprintf("%s in one region: %s", op.Name, Pct(a)), how)
		a = v
	}
	if out.Fails {
		a = 0
	}
	out.Availability = availRound(a)
	out.Derivation = append(out.Derivation, why...)
	out.Derivation = append(out.Derivation, fmt.Sprintf("%s availability: %s", op.Name, Pct(a)))
	return out
}

// bound is a time no request of the steps outlasts: every hop's far tail
// added up (a maximum is never more than the sum).
func (ge *graphEstimate) bound(steps []schema.Step, read, async, cp bool) float64 {
	t := 0.0
	for _, s := range steps {
		sub := ge.bound(s.Parallel, read, async, cp)
		if s.To != "" {
			m := ge.models[s.To]
			sub = ge.hopUpper(m, read) + ge.bound(s.Miss, read, async, cp)
			if len(s.Miss) > 0 && ge.fillsOnMiss(m, read) {
				sub += ge.hopUpper(m, false)
			}
			if async || !s.Async {
				sub += ge.bound(s.Calls, read, async, cp)
			}
			if s.Work != nil {
				sub += s.Work.Seconds()
			}
			sub += ge.waitFor(s)
			sub += m.regionWait(read, cp)
			if s.Timeout != nil {
				sub = math.Min(sub, float64(s.Retries+1)*s.Timeout.Seconds())
			}
		}
		t += sub
	}
	return math.Max(t, 1e-3)
}

func (ge *graphEstimate) hopUpper(m *compModel, read bool) float64 {
	if m.slow > 1 {
		return m.slow * ge.hopUpperAsIs(m, read)
	}
	return ge.hopUpperAsIs(m, read)
}

func (ge *graphEstimate) hopUpperAsIs(m *compModel, read bool) float64 {
	if m.external != nil {
		return m.extUpper
	}
	h := m.hopRead
	if !read {
		h = m.hopWrite
	}
	if h.cdf == nil && h.shift == 0 {
		return m.fixed
	}
	return h.Quantile(1 - 1e-7)
}

// treeBuilder composes an operation's grids.
type treeBuilder struct {
	ge         *graphEstimate
	span       float64
	read       bool
	peak       float64
	order      []string
	seen       map[string]bool
	bottleneck string
	unmodelled []string
	deriv      []string
	// full includes the work behind each queue (an asynchronous
	// operation's completion); quiet builds without recording anything
	// but what only it sees: the slots held behind a queue (behind).
	full, quiet, behind bool
	// top is set while the builder is at the operation's own calls, the
	// ones the client makes.
	top bool
	// cp: the operation is CP, so its writes wait for a majority of the
	// regions.
	cp bool
	// failed names the component that is down and required; degraded is
	// set when an optional call is skipped.
	failed   string
	degraded bool
	// steps are the operation's calls in the order the tree takes them.
	steps []GraphStep
	// held collects the slots each call holds (Little's law), in the
	// order the tree takes them; the operation's builders share it, and
	// the estimate adds it to the components' loads in operation order.
	held *[]heldSlots
}

// heldSlots is the requests one call keeps in flight at a component.
type heldSlots struct {
	component string
	inFlight  float64
}

// GraphStep is one call of an operation's tree, numbered in the order the
// tree takes them: its own time (the round trip, the component's queue and
// work) and its time with everything it calls.
type GraphStep struct {
	N     int    `json:"n"`
	To    string `json:"to"`
	Path  string `json:"path"`
	Async bool   `json:"async,omitempty"`
	// OwnP99Ms and OwnMeanMs are the call's time at the component itself;
	// P99Ms includes what it calls, its fan-out, timeout and retries.
	OwnMeanMs Millis `json:"own_mean_ms"`
	OwnP99Ms  Millis `json:"own_p99_ms"`
	P99Ms     Millis `json:"p99_ms"`
}

// seq is steps taken in order, each m times per request.
func (b *treeBuilder) seq(steps []schema.Step, m float64) Grid {
	// The first step's time is the sequence's so far: convolving it with
	// the zero it starts from would only copy it.
	var g Grid
	then := func(x Grid) {
		if g.cdf == nil {
			g = x
		} else {
			g = g.Then(x)
		}
	}
	// The operation's own calls come from the client, whose network is
	// outside the design: latency is server-side, from the first
	// component on, so their hop has no round trip (entry).
	entry := b.top
	defer func() { b.top = false }()
	for _, s := range steps {
		b.top = entry
		if s.Async && s.To != "" && !b.full {
			// The request ends at the enqueue; what the consumers do
			// happens after the answer.
			b.top = false
			h := b.hop(s.To, s, entry)
			then(h)
			b.reach(s.To)
			if !b.quiet {
				b.recordStep(s, h, entry)
			}
			b.deriv = append(b.deriv, fmt.Sprintf("%s: asynchronous, the response ends at the enqueue", s.To))
			continue
		}
		if s.Async && b.full {
			outer := b.behind
			b.behind = true
			then(b.step(s, m))
			b.behind = outer
			continue
		}
		then(b.step(s, m))
	}
	if g.cdf == nil {
		return PointGrid(b.span, 0)
	}
	return g
}

func (b *treeBuilder) reach(name string) {
	if b.seen == nil {
		b.seen = map[string]bool{}
	}
	if !b.seen[name] {
		b.seen[name] = true
		b.order = append(b.order, name)
	}
}

// step is one call with everything below it.
func (b *treeBuilder) step(s schema.Step, m float64) Grid {
	entry := b.top
	b.top = false
	if s.To == "" {
		g := PointGrid(b.span, 0)
		for i, p := range s.Parallel {
			b.top = entry
			sub := b.step(p, m)
			if i == 0 {
				g = sub
			} else {
				g = g.Max(sub)
			}
		}
		b.deriv = append(b.deriv, fmt.Sprintf("parallel group of %d: the slowest branch is its latency", len(s.Parallel)))
		return g
	}
	b.reach(s.To)
	model := b.ge.models[s.To]
	n := m * shareOf(s)
	if b.ge.isDown(s.To) {
		switch {
		case len(s.Miss) > 0:
			// Cache-aside: the caller treats the error as a miss.
			b.deriv = append(b.deriv, fmt.Sprintf("%s is down: every call goes on to %s", s.To, stepNames(s.Miss)))
			return b.seq(s.Miss, n)
		case s.Optional:
			b.deriv = append(b.deriv, fmt.Sprintf("%s is down: the call is optional, the operation answers without it, degraded", s.To))
			b.degraded = true
			return PointGrid(b.span, 0)
		}
		b.failed = s.To
		return PointGrid(b.span, 0)
	}
	g := b.hop(s.To, s, entry)
	idx := -1
	if !b.quiet && !b.full {
		idx = b.recordStep(s, g, entry)
	}
	defer func() {
		if idx >= 0 {
			b.steps[idx].P99Ms = Millis(roundTo(g.Quantile(0.99)*1000, 3))
		}
	}()
	if len(s.Calls) > 0 {
		g = g.Then(b.seq(s.Calls, n))
	}
	if len(s.Miss) > 0 {
		// What an edge the client calls misses to is called from the
		// edge, outside the system too: the origin request enters there.
		b.top = entry && model.c.Family() == schema.FamilyCDN
		miss := b.seq(s.Miss, n*(1-model.hit))
		b.deriv = append(b.deriv, fmt.Sprintf("%s: %s hits, %s misses go on to %s", s.To, Pct(model.hit), Pct(1-model.hit), stepNames(s.Miss)))
		if b.ge.fillsOnMiss(model, b.read) {
			// The caller writes what it fetched back before it answers.
			quiet := b.quiet
			b.quiet = true
			miss = miss.Then(b.hop(s.To, schema.Step{To: s.To}, false))
			b.quiet = quiet
			b.deriv = append(b.deriv, fmt.Sprintf("%s SET on miss: one more round trip to the same node", s.To))
		}
		if entry && model.c.Family() == schema.FamilyCDN {
			// Latency is server-side: what the edge serves to the client
			// is not the system's time, so the operation's latency is its
			// origin requests', as the sections' CDN leaves its hits out.
			g = g.Then(miss)
			b.deriv = append(b.deriv, fmt.Sprintf("%s: the %s it serves at the edge are left out of the latency (server-side): the p50 and p99 are the origin requests'", s.To, Pct(model.hit)))
		} else {
			g = g.Then(PointGrid(b.span, 0).Mix(model.hit, miss))
		}
	}
	if f := s.Fanout; f != nil {
		k := f.Needed()
		one := g.Quantile(0.99)
		g = g.KOfN(k, f.N)
		b.deriv = append(b.deriv, fmt.Sprintf("%s: fan-out to %d, waiting for %d: each call's p99 %s becomes %s for the request (the tail at scale)", s.To, f.N, k, Ms(one), Ms(g.Quantile(0.99))))
	}
	if s.Timeout != nil {
		g = g.Timeout(s.Timeout.Seconds(), s.Retries)
		b.deriv = append(b.deriv, fmt.Sprintf("%s: timeout %s with %d retr%s", s.To, Ms(s.Timeout.Seconds()), s.Retries, map[bool]string{true: "y", false: "ies"}[s.Retries == 1]))
	}
	// Little's law: each call holds a slot of the component for as long as
	// it and what it calls take.
	if b.ge.load[s.To] != nil && (!b.quiet || b.behind) {
		*b.held = append(*b.held, heldSlots{s.To, b.peak * n * fanoutN(s) * g.Mean()})
	}
	if s.Share != nil {
		g = g.Mix(shareOf(s), PointGrid(b.span, 0))
	}
	return g
}

// recordStep numbers a call and records its own time, on a grid as long
// as the call alone so that a millisecond hop is not lost in the
// resolution of a tree that waits seconds for a provider; its index.
func (b *treeBuilder) recordStep(s schema.Step, g Grid, entry bool) int {
	model := b.ge.models[s.To]
	saved := b.span
	work := b.ge.waitFor(s)
	if s.Work != nil {
		work += s.Work.Seconds()
	}
	work += model.regionWait(b.read, b.cp)
	b.span, b.quiet = 1.25*(b.ge.hopUpper(model, b.read)+work), true
	own := b.hop(s.To, s, entry)
	b.span, b.quiet = saved, false
	b.steps = append(b.steps, GraphStep{N: len(b.steps) + 1, To: s.To, Path: s.Path, Async: s.Async,
		OwnP99Ms: Millis(roundTo(own.Quantile(0.99)*1000, 3)), OwnMeanMs: Millis(roundTo(own.Mean()*1000, 3)),
		P99Ms: Millis(roundTo(g.Quantile(0.99)*1000, 3))})
	return len(b.steps) - 1
}

// hop is one call's time at the component itself: its round trip and
// queue, or an external's stated latency, plus the work the step states.
// An entry (a call the client makes) has no round trip.
func (b *treeBuilder) hop(name string, s schema.Step, entry bool) Grid {
	m := b.ge.models[name]
	rtt := 0.0
	if entry {
		rtt = m.rtt
	}
	var g Grid
	switch {
	case m.external != nil:
		g = GridOf(b.span, m.external)
	case m.saturated:
		if b.bottleneck == "" {
			b.bottleneck = name
		}
		g = PointGrid(b.span, m.fixed-rtt)
	default:
		h := m.hopRead
		if !b.read {
			h = m.hopWrite
		}
		if rtt > 0 {
			g = GridOf(b.span, func(t float64) float64 { return h.CDF(t + rtt) })
		} else {
			g = GridOf(b.span, h.CDF)
		}
	}
	if m.slow > 1 {
		orig := g
		g = GridOf(b.span, func(t float64) float64 { return orig.at(t / m.slow) })
		if !b.quiet {
			b.deriv = append(b.deriv, fmt.Sprintf("%s is slow: every call takes %s× as long", name, Num(m.slow)))
		}
	}
	if w := m.regionWait(b.read, b.cp); w > 0 {
		// A write that must reach a majority of the regions (a CP
		// operation, or synchronous replicas) waits one round trip to
		// them, as the sections' database does.
		g = g.Then(PointGrid(b.span, w))
		if !b.quiet {
			b.deriv = append(b.deriv, fmt.Sprintf("%s: the write waits for a majority of the regions (CP, or synchronous replication): one round trip, %s", name, m.regionNote))
		}
	}
	if w := b.ge.waitFor(s); w > 0 {
		// The first operation of a batch waits for the rest; counted
		// whole, as the sections' queue counts it, so the p99 is at most
		// this much high.
		g = g.Then(PointGrid(b.span, w))
		if !b.quiet {
			b.deriv = append(b.deriv, fmt.Sprintf("%s: batch %s (the first of a batch of %s waits for it to fill or for batchWait)", name, Ms(w), Num(b.ge.fill[s.Path].size)))
		}
	}
	if s.Work != nil {
		g = g.Then(PointGrid(b.span, s.Work.Seconds()))
	} else if m.mu <= 0 && m.external == nil && m.unmodelled() && !slices.Contains(b.unmodelled, name) {
		b.unmodelled = append(b.unmodelled, name)
	}
	return g
}

// regionWait is what a call waits for other regions: a write to a store
// that must reach a majority of them (a CP operation, or synchronous
// replicas), one round trip.
func (m *compModel) regionWait(read, cp bool) float64 {
	if read || m.regionRTT <= 0 || !(m.syncRepl || cp) {
		return 0
	}
	return m.regionRTT
}

// unmodelled says whether a component's own time is unknown: a store or
// cluster without a sourced figure (a managed balancer, a CDN and a queue's
// enqueue are a round trip by the model's assumption).
func (m *compModel) unmodelled() bool {
	switch m.c.Family() {
	case schema.FamilyLB, schema.FamilyCDN, schema.FamilyQueue:
		return false
	}
	return true
}

func hasAsyncStep(steps []schema.Step) bool {
	for _, s := range steps {
		if s.Async || hasAsyncStep(s.Calls) || hasAsyncStep(s.Miss) || hasAsyncStep(s.Parallel) {
			return true
		}
	}
	return false
}

func stepNames(steps []schema.Step) string {
	var out []string
	for _, s := range steps {
		out = append(out, s.String())
	}
	return strings.Join(out, ", ")
}

// availability is the share of requests the operation can answer: the
// components it cannot do without multiply; what only a cache miss needs
// counts for the misses; optional calls and what happens behind a queue do
// not count. A component reached twice is one outage, counted once.
func (ge *graphEstimate) availability(steps []schema.Step, read bool) (float64, []string, []string) {
	required := map[string]bool{}
	ge.required(steps, required, nil)
	a := 1.0
	var why []string
	names := make([]string, 0, len(required))
	for n := range required {
		names = append(names, n)
	}
	sort.Strings(names)
	bypass := map[string]bool{}
	ge.bypassable(steps, bypass)
	node := ""
	for _, n := range names {
		m := ge.models[n]
		if bypass[n] {
			why = append(why, n+": "+m.availNote+"; not in series: cache-aside, and what it misses to can take every read while it is down")
			continue
		}
		if m.onNode && node != "" {
			why = append(why, fmt.Sprintf("%s: on the same node as %s (counted once)", n, node))
			continue
		}
		if m.onNode {
			node = n
		}
		v, note := ge.availOf(m, read)
		a *= v
		why = append(why, n+": "+note)
	}
	// Misses: a cache's miss path is needed by its misses only (and not
	// the node again, when the operation already needs it).
	a *= ge.missAvail(steps, read, required, bypass, node != "", &why)
	return a, why, names
}

// availOf is a component's availability for a read or a write: a
// relational store whose reads go to its read replicas answers them while
// any replica is up, 1 − (1 − single)^r capped at the region's multi-zone
// figure (as the sections' replicas), and its writes with its primary.
func (ge *graphEstimate) availOf(m *compModel, read bool) (float64, string) {
	c := m.c
	if !read || m.avail == 0 || m.onNode || !c.ReadFromReplicas || m.replicas <= 0 || !c.Primary() {
		return m.avail, m.availNote
	}
	rv, how := ge.e.replicaReads(m.replicas)
	return rv, fmt.Sprintf("reads from %d replicas in parallel, ", m.replicas) + how
}

// bypassable collects the caches an operation can do without: cache-aside
// (a read that fails on the cache goes to the store, as the down:NAME
// scenario models), with every component of its miss path able to take
// the cache's hits as well at peak (its capacity known). A cache whose
// store would drown without it stays in series.
func (ge *graphEstimate) bypassable(steps []schema.Step, into map[string]bool) {
	for _, s := range steps {
		if s.To == "" {
			ge.bypassable(s.Parallel, into)
			continue
		}
		ge.bypassable(s.Calls, into)
		m := ge.models[s.To]
		if len(s.Miss) == 0 || !m.c.IsCache() || m.c.Pattern != "" && m.c.Pattern != "cache-aside" {
			continue
		}
		hits := ge.load[s.To].total() * m.hit
		sub := map[string]bool{}
		ge.required(s.Miss, sub, nil)
		ok := len(sub) > 0
		for n := range sub {
			t := ge.models[n]
			if t.capacity <= 0 || ge.load[n].total()+hits >= t.capacity {
				ok = false
			}
		}
		if ok {
			into[s.To] = true
		}
	}
}

// required collects the components every request needs.
func (ge *graphEstimate) required(steps []schema.Step, into map[string]bool, skip map[string]bool) {
	for _, s := range steps {
		if s.To == "" {
			ge.required(s.Parallel, into, skip)
			continue
		}
		if s.Optional || s.Share != nil {
			continue
		}
		into[s.To] = true
		if s.Async {
			continue
		}
		ge.required(s.Calls, into, skip)
	}
}

func (ge *graphEstimate) missAvail(steps []schema.Step, read bool, required, bypass map[string]bool, node bool, why *[]string) float64 {
	a := 1.0
	for _, s := range steps {
		if s.Optional || s.Async {
			continue
		}
		if s.To == "" {
			a *= ge.missAvail(s.Parallel, read, required, bypass, node, why)
			continue
		}
		a *= ge.missAvail(s.Calls, read, required, bypass, node, why)
		if len(s.Miss) == 0 {
			continue
		}
		sub := map[string]bool{}
		ge.required(s.Miss, sub, nil)
		am := 1.0
		for n := range sub {
			if !required[n] && !(node && ge.models[n].onNode) {
				v, _ := ge.availOf(ge.models[n], read)
				am *= v
			}
		}
		h := ge.models[s.To].hit
		v := h + (1-h)*am
		if bypass[s.To] {
			// Up, the cache answers its hits; down, every read goes on.
			ac := ge.models[s.To].avail
			v = ac*(h+(1-h)*am) + (1-ac)*am
			*why = append(*why, fmt.Sprintf("%s up (%s): %s + %s × %s; down: %s, what it misses to: %s", s.To, Pct(ac), Pct(h), Pct(1-h), Pct(am), Pct(am), Pct(v)))
		} else if am < 1 {
			*why = append(*why, fmt.Sprintf("%s misses (%s) also need %s: %s + %s × %s = %s", s.To, Pct(1-h), stepNames(s.Miss), Pct(h), Pct(1-h), Pct(am), Pct(v)))
		}
		a *= v
	}
	return a
}

// component reports one component's load and headroom.
func (ge *graphEstimate) component(c *schema.Component) GraphComponent {
	m, l := ge.models[c.Name], ge.load[c.Name]
	out := GraphComponent{Name: c.Name, Kind: c.Kind, Instances: m.instances, LoadRPS: sig(l.total()),
		ZoneDown: m.zone, ZoneDownWhy: m.zoneWhy, Derivation: append([]string(nil), m.deriv...)}
	if !m.noSLA {
		a := m.avail
		out.Availability = &a
	}
	if m.capacity > 0 {
		cp := sig(m.capacity)
		out.CapacityRPS = &cp
		u := roundTo(m.util, 4)
		out.Utilization = &u
		out.Derivation = append(out.Derivation, fmt.Sprintf("%s calls/s at peak against %s/s: %s busy", Num(l.total()), Num(m.capacity), Pct(m.util)))
	}
	if c.Family() == schema.FamilyDatabase {
		out.WriteRPS = sig(l.writes)
		if m.writeMu > 0 {
			wc := sig(m.writeMu * float64(max(1, m.instances)))
			out.WriteCapacityRPS = &wc
		}
	}
	if c.Family() == schema.FamilyCache || c.Family() == schema.FamilyCDN {
		if c.IsCache() || c.Family() == schema.FamilyCDN {
			h := m.hit
			out.HitRatio = &h
		}
		if m.modelled != nil && c.HitRatio != nil {
			h := roundTo(*m.modelled, 4)
			out.ModelledHitRatio, out.KeysHeld = &h, m.fits
		}
	}
	if c.Family() == schema.FamilyService && m.instances > 0 {
		f := sig(l.inFlight / float64(m.instances))
		out.InFlight = &f
		out.Concurrency = c.Concurrency
		line := fmt.Sprintf("in flight: %s requests per instance at peak (Little's law: arrivals × the time each call is held, waiting on what it calls included)", Num(f))
		if c.Concurrency > 0 {
			line += fmt.Sprintf(" against %d slots: %s", c.Concurrency, Pct(f/float64(c.Concurrency)))
		}
		out.Derivation = append(out.Derivation, line)
	}
	return out
}

func retentionNote(d *schema.Data) string {
	if d.Retention == schema.Forever {
		return ", kept forever"
	}
	return ", capped by the " + d.Retention.String() + " retention"
}
