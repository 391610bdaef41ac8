package diagram

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Node IDs, fixed so that DOT and Mermaid output stay stable and readable.
const (
	idClients   = "clients"
	idProbe     = "probe"
	idCDN       = "cdn"
	idLB        = "lb"
	idApp       = "app"
	idCache     = "cache"
	idDB        = "db"
	idReplicas  = "replicas"
	idQueue     = "queue"
	idWorkers   = "workers"
	idCollector = "collector"
)

// componentIDs maps the schema's tier names (operation paths, findings) to
// node IDs.
var componentIDs = map[string]string{
	"cdn":           idCDN,
	"loadBalancer":  idLB,
	"services":      idApp,
	"cache":         idCache,
	"database":      idDB,
	"replicas":      idReplicas,
	"queue":         idQueue,
	"workers":       idWorkers,
	"observability": idCollector,
}

// nodeOrder is the talk's top-to-bottom order; nodes are emitted in it.
//
// The queue comes before the cache so that the async branch is drawn to the
// left of the request path.
var nodeOrder = []string{idClients, idProbe, idCDN, idLB, idApp, idQueue, idCache, idDB, idReplicas, idWorkers, idCollector}

// Build draws the design for one view.
func Build(in Input, view View, opts Options) (*Graph, error) {
	if in.Design == nil {
		return nil, fmt.Errorf("diagram: no design")
	}
	if _, err := ParseView(string(view)); err != nil {
		return nil, err
	}
	b := &builder{in: in, d: in.Design, view: view, g: &Graph{}, edges: map[edgeKey]*flow{}}
	b.hit, b.hitKnown = b.hitRatio()
	b.failure = view == Failure
	if b.failure {
		b.zoneFailure()
	}
	b.nodes()
	b.traffic()
	if view == Overview || view == Failure || view == Write {
		b.replication()
	}
	if view == Overview || view == Failure {
		b.observability()
	}
	if opts.ExpandShards {
		b.expandShards()
	}
	b.finish()
	return b.g, nil
}

type edgeKey struct {
	from, to string
	style    Style
}

// flow is the traffic on one edge, per operation, before it becomes labels.
type flow struct {
	edgeKey
	ops      []string
	rps      []float64 // NaN where unknown
	hits     []float64 // each operation's cache hit ratio on hit edges, NaN where unknown
	bytesIn  float64   // request bytes per second, for client edges
	bytesOut float64
	msgBytes float64 // message bytes per second, for queue edges
	note     string
	lost     bool
}

type builder struct {
	in       Input
	d        *schema.Design
	view     View
	g        *Graph
	all      []*Node // every configured component, in nodeOrder
	edges    map[edgeKey]*flow
	hit      float64
	hitKnown bool
	failure  bool
	rerouted bool
	// fail holds the failure view's verdict per node ID.
	fail map[string]*verdict
	// extra notes, in the order they were found.
	notes []string
}

// verdict is what one zone down does to a node.
type verdict struct {
	status Status
	text   string
	// left is the share of capacity still serving (1 when unharmed).
	left float64
	// overloaded marks survivors past 100% busy: down for the picture,
	// but traffic still reaches them.
	overloaded bool
}

func (b *builder) nodes() {
	d := b.d
	add := func(id string, kind Kind, component, title string, lines ...string) {
		n := &Node{ID: id, Kind: kind, Component: component, Title: title}
		for _, l := range lines {
			if l != "" {
				n.Lines = append(n.Lines, l)
			}
		}
		b.all = append(b.all, n)
	}
	add(idClients, KindClients, "", "clients", "peak "+formatRPS(b.clientPeak()))
	obs := d.Observability
	if obs.UptimeProbe {
		add(idProbe, KindProbe, "observability", "uptime probe", "external, checks "+d.LoadBalancer.HealthCheckPath)
	}
	if d.CDN.Enabled {
		share := ""
		if d.CDN.CacheableShare != nil {
			share = "cacheable " + formatPercent(float64(*d.CDN.CacheableShare))
		}
		add(idCDN, KindCDN, "cdn", "CDN", orDefault(d.CDN.Provider, "edge cache"), share)
	}
	if lb := d.LoadBalancer; lb.Kind != "none" {
		kind := "managed"
		if lb.SelfRun() {
			kind = fmt.Sprintf("%s × %d", lb.Kind, lb.Instances)
		}
		checks := "no health checks"
		if lb.HealthChecks {
			checks = "health checks " + lb.HealthCheckPath
		}
		add(idLB, KindLB, "loadBalancer", "load balancer", kind+" · "+lb.Algorithm, checks)
	}
	s := d.Services
	add(idApp, KindApp, "services", "app", fmt.Sprintf("%s × %s (vCPU×GiB)", plural(s.Instances, "instance"), s.Size), zonesLine(s.Instances, b.zones()))
	if c := d.Cache; c.Enabled() {
		size := plural(c.Nodes, "node")
		if c.Replicas > 0 {
			size += fmt.Sprintf(" + %d replica", c.Replicas)
			if c.Replicas > 1 {
				size += "s"
			}
			if c.Nodes > 1 {
				size += " each"
			}
		}
		if c.Memory != nil {
			size += " · " + formatBytes(float64(*c.Memory))
		}
		ttl := ""
		if c.TTL != nil {
			ttl = "TTL " + formatDuration(c.TTL.Seconds())
			if c.TTLJitter > 0 {
				ttl += " ±" + formatPercent(float64(c.TTLJitter))
			}
			ttl += " · stampede: " + c.Stampede
		}
		hit := ""
		if b.hitKnown {
			hit = "hit ratio " + formatPercent(b.hit)
			if a := c.HitRatio; a != nil && b.in.Numbers != nil && formatPercent(float64(*a)) != formatPercent(b.hit) {
				hit += " (design assumes " + formatPercent(float64(*a)) + ")"
			}
		}
		add(idCache, KindCache, "cache", "cache", c.Kind+" · "+c.Pattern, size, ttl, hit)
	}
	if q := d.Queue; q.Enabled() {
		l1 := q.Kind + " · " + plural(q.Partitions, "partition")
		if q.Retention != nil {
			l1 += " · keeps " + q.Retention.String()
		}
		l2 := q.Delivery
		if q.DeadLetter {
			l2 += " · dead-letter queue"
		}
		l3 := ""
		if q.ConsumerGroups > 1 {
			l3 = plural(q.ConsumerGroups, "consumer group")
		}
		add(idQueue, KindQueue, "queue", "queue", l1, l2, l3)
	}
	db := d.Database
	dbLine := db.Kind + " " + db.Size
	if db.Storage != nil {
		dbLine += " · " + formatBytes(float64(*db.Storage))
	}
	shards := ""
	if db.Shards > 1 {
		shards = fmt.Sprintf("%d shards by %s (%s)", db.Shards, db.ShardKey, db.ShardStrategy)
	}
	title := "database primary"
	if db.Shards > 1 {
		title = "database primaries"
	}
	add(idDB, KindPrimary, "database", title, dbLine, shards, "failover: "+db.Failover)
	if db.Replicas > 0 {
		use := "standby only"
		if db.ReadFromReplicas {
			use = "serve reads"
		}
		per := ""
		if db.Shards > 1 {
			per = " per shard"
		}
		add(idReplicas, KindReplicas, "replicas", "read replicas", fmt.Sprintf("%d × %s%s", db.Replicas, db.Size, per), db.Replication+" replication · "+use)
	}
	if q := d.Queue; q.Enabled() && q.Consumers > 0 {
		work := ""
		if q.WorkTime != nil {
			work = q.WorkTime.String() + " per message"
		}
		idem := "not idempotent"
		if q.IdempotentConsumers {
			idem = "idempotent"
		}
		add(idWorkers, KindWorkers, "workers", "workers", plural(q.Consumers, "consumer")+" · "+idem, work)
	}
	if obs.Metrics || obs.Logs != "none" || obs.Traces {
		var streams []string
		if obs.Metrics {
			m := "metrics"
			if obs.Percentiles {
				m += " (p99)"
			}
			streams = append(streams, m)
		}
		if obs.Logs != "none" {
			streams = append(streams, obs.Logs+" logs")
		}
		if obs.Traces {
			streams = append(streams, "traces")
		}
		alerts := "no alerts"
		if obs.AlertsOn != "none" {
			alerts = "alerts on " + obs.AlertsOn
		}
		from := "from the app"
		if b.d.Queue.Enabled() && b.d.Queue.Consumers > 0 {
			from = "from the app and workers"
		}
		add(idCollector, KindCollector, "observability", "telemetry collector", strings.Join(streams, " · "), from, alerts)
	}
	b.numbers()
}

// numbers adds the estimator's figures to the nodes that have them.
func (b *builder) numbers() {
	nums := b.in.Numbers
	if nums == nil {
		return
	}
	for _, n := range b.all {
		load, ok := nums.Components[n.Component]
		if !ok || n.Kind == KindProbe || n.Kind == KindCollector {
			continue
		}
		b.setFigures(n, load)
	}
}

// setFigures writes one tier's utilisation at peak and monthly cost on a
// node.
func (b *builder) setFigures(n *Node, load Load) {
	var parts []string
	if load.Utilisation >= 1 {
		parts = append(parts, "overloaded: "+formatPercent(load.Utilisation)+" busy at peak")
		n.Overloaded = true
	} else if load.Utilisation >= 0 {
		parts = append(parts, formatPercent(load.Utilisation)+" busy at peak")
	}
	if load.MonthlyUSD > 0 {
		cost := formatUSD(load.MonthlyUSD) + "/mo"
		if b.in.Numbers.Cloud != "" {
			cost += " on " + b.in.Numbers.Cloud
		}
		parts = append(parts, cost)
	}
	if load.Assumed && len(parts) > 0 {
		parts[len(parts)-1] += " *"
	}
	n.Numbers = parts
}

// zones is how many zones the design spreads over.
func (b *builder) zones() int {
	if b.d.System.Footprint == schema.SingleNode {
		return 1
	}
	return max(b.d.Services.Zones, 1)
}

// peak is an operation's peak rate: the estimator's when it has one, else
// the design's average rate times its peak factor.
func (b *builder) peak(op *schema.Operation) float64 {
	if b.in.Numbers != nil {
		if r, ok := b.in.Numbers.PeakRPS[op.Name]; ok {
			return r
		}
	}
	return op.Rate.PerSecond() * op.PeakFactor
}

func (b *builder) clientPeak() float64 {
	total := 0.0
	for _, op := range b.d.Operations() {
		if b.fromClients(op) && b.inView(op) {
			total += b.peak(op)
		}
	}
	return total
}

// hitRatio is the cache tier's hit ratio: the estimate's, else the one the
// design assumes; unknown otherwise.
func (b *builder) hitRatio() (float64, bool) {
	if !b.d.Cache.Enabled() {
		return 0, false
	}
	if b.in.Numbers != nil && b.in.Numbers.HitRatio != nil {
		return *b.in.Numbers.HitRatio, true
	}
	if b.d.Cache.HitRatio != nil {
		return float64(*b.d.Cache.HitRatio), true
	}
	return 0, false
}

// opHit is an operation's cache hit ratio: the estimate's figure for the
// operation (in the failure view, the zone-down scenario's), else the
// tier's.
func (b *builder) opHit(op string) (float64, bool) {
	if !b.d.Cache.Enabled() {
		return 0, false
	}
	if zd := b.zoneDown(); b.failure && zd != nil {
		if h, ok := zd.OpHitRatio[op]; ok {
			return h, true
		}
		if zd.HitRatio != nil {
			return *zd.HitRatio, true
		}
	}
	if b.in.Numbers != nil {
		if h, ok := b.in.Numbers.OpHitRatio[op]; ok {
			return h, true
		}
	}
	return b.hit, b.hitKnown
}

// fromClients reports whether an operation starts outside the system: its
// path enters at the edge, or it is a synchronous request to the app.
func (b *builder) fromClients(op *schema.Operation) bool {
	if len(op.Path) == 0 {
		return false
	}
	switch op.Path[0] {
	case "cdn", "loadBalancer":
		return true
	case "services":
		return !op.Async
	}
	return false
}

// inView reports whether the view draws an operation.
func (b *builder) inView(op *schema.Operation) bool {
	switch b.view {
	case Read:
		return op.IsRead()
	case Write:
		return !op.IsRead()
	case Async:
		return op.Async || b.publishes(op)
	}
	return true
}

// publishes reports whether a synchronous operation's path runs through
// the queue (work it hands off).
func (b *builder) publishes(op *schema.Operation) bool {
	return op.Passes("queue") || op.Passes("workers")
}

// traffic walks every operation's path and accumulates the rate each hop
// carries. With cache-aside the app itself reads the database on a miss, so
// the miss edge starts at the app; with read-through the cache does.
func (b *builder) traffic() {
	for _, op := range b.d.Operations() {
		if !b.inView(op) {
			continue
		}
		rate := b.peak(op)
		hops := op.Path
		if b.fromClients(op) {
			hops = append([]string{"clients"}, hops...)
		}
		// A batched operation travels as one message per batch from the
		// queue on, as the estimator counts it.
		batch := estimator.MessageBatch(b.d, op, rate)
		name := op.Name
		for i := 0; i+1 < len(hops); i++ {
			from, to := nodeID(hops[i]), nodeID(hops[i+1])
			if to == idQueue && batch > 1 {
				rate /= batch
				name = op.Name + " batches"
			}
			style := StyleRequest
			switch {
			case from == idQueue || to == idQueue:
				style = StyleAsync
			case op.Async && from == idWorkers:
				style = StyleRequest
			case to == idCache && op.IsRead():
				style = StyleHit
			}
			if from == idCache && op.IsRead() {
				// What passes the cache is its misses.
				rate = b.missRate(op.Name, rate)
				style = StyleMiss
				if b.d.Cache.Pattern == "cache-aside" && i > 0 {
					from = nodeID(hops[i-1])
				}
			}
			if from == idCDN && op.IsRead() && op.Public && b.d.CDN.CacheableShare != nil {
				rate *= 1 - float64(*b.d.CDN.CacheableShare)
				style = StyleMiss
			}
			to = b.reroute(to)
			f := b.flow(from, to, style)
			f.ops = append(f.ops, name)
			f.rps = append(f.rps, rate)
			if style == StyleHit {
				h, ok := b.opHit(op.Name)
				if !ok {
					h = math.NaN()
				}
				f.hits = append(f.hits, h)
			}
			if from == idClients {
				f.bytesIn += rate * float64(op.RequestSize)
				f.bytesOut += rate * float64(op.ResponseSize)
			}
			if to == idQueue {
				size := float64(op.RequestSize) * batch
				if b.d.Queue.MessageSize != nil {
					size = float64(*b.d.Queue.MessageSize)
				}
				f.msgBytes += rate * size
			}
		}
	}
}

// missRate is the rate of an operation that misses the cache, NaN when
// its hit ratio is unknown.
func (b *builder) missRate(op string, rate float64) float64 {
	hit, ok := b.opHit(op)
	if !ok {
		return math.NaN()
	}
	return rate * (1 - hit)
}

// reroute sends reads whose replicas the failure view lost to the primary,
// which is where the application falls back to.
func (b *builder) reroute(to string) string {
	if to != idReplicas || !b.failure {
		return to
	}
	if v := b.fail[idReplicas]; v != nil && v.status == StatusDown && !v.overloaded && (b.fail[idDB] == nil || b.fail[idDB].status != StatusDown) {
		if !b.rerouted {
			b.rerouted = true
			b.notes = append(b.notes, "reads that went to the replicas now go to the primary")
		}
		return idDB
	}
	return to
}

func nodeID(component string) string {
	if component == "clients" {
		return idClients
	}
	if id, ok := componentIDs[component]; ok {
		return id
	}
	return component
}

func (b *builder) flow(from, to string, style Style) *flow {
	k := edgeKey{from, to, style}
	f := b.edges[k]
	if f == nil {
		f = &flow{edgeKey: k}
		b.edges[k] = f
	}
	return f
}

// replication draws the primary streaming its writes to the replicas.
func (b *builder) replication() {
	db := b.d.Database
	if db.Replicas == 0 {
		return
	}
	writes := 0.0
	for _, op := range b.d.Operations() {
		if !op.IsRead() && op.Passes("database") {
			writes += b.peak(op)
		}
	}
	f := b.flow(idDB, idReplicas, StyleReplication)
	f.ops = append(f.ops, db.Replication+" replication")
	f.rps = append(f.rps, writes)
}

// observability draws the three telemetry streams and the outside probe.
func (b *builder) observability() {
	if b.has(idCollector) {
		// One edge from the app stands for every emitter (the collector's
		// label names them): a second from the workers would cross the
		// whole data tier.
		b.flow(idApp, idCollector, StyleTelemetry)
	}
	if b.has(idProbe) {
		for _, entry := range []string{idCDN, idLB, idApp} {
			if b.has(entry) {
				f := b.flow(idProbe, entry, StyleProbe)
				f.note = "GET " + b.d.LoadBalancer.HealthCheckPath
				break
			}
		}
	}
}

func (b *builder) has(id string) bool {
	for _, n := range b.all {
		if n.ID == id {
			return true
		}
	}
	return false
}

// finish picks the nodes the view shows, turns flows into labelled edges,
// attaches findings and writes the title, notes and legend.
func (b *builder) finish() {
	g := b.g
	used := map[string]bool{}
	for k := range b.edges {
		used[k.from], used[k.to] = true, true
	}
	for _, n := range b.all {
		if b.view == Overview || b.view == Failure || used[n.ID] {
			if v := b.fail[n.ID]; v != nil {
				n.Status, n.StatusText = v.status, v.text
			}
			g.Nodes = append(g.Nodes, n)
		}
	}
	g.Edges = b.labelEdges()
	b.badges()
	d := b.d
	where := d.System.Cloud
	if d.System.Region != "" {
		where += " " + d.System.Region
	}
	where += ", " + d.System.Footprint
	if d.System.Footprint == "multi-region" && d.System.Regions > 1 {
		where += fmt.Sprintf(" (%d regions)", d.System.Regions)
	}
	g.Title = fmt.Sprintf("%s — %s", d.System.Name, b.view)
	if b.failure {
		g.Title += ": one zone down"
	}
	g.Subtitle = where + " · peak rates"
	if b.in.Numbers == nil {
		g.Subtitle += " from the design (rate × peak factor)"
	} else {
		g.Subtitle += " and figures from the estimate"
	}
	g.Notes = append(g.Notes, b.viewNotes()...)
	// The notes on figures only where the view draws figures.
	assumed, figures := false, false
	for _, n := range g.Nodes {
		figures = figures || len(n.Numbers) > 0
		assumed = assumed || len(n.Numbers) > 0 && strings.HasSuffix(n.Numbers[len(n.Numbers)-1], " *")
	}
	if assumed {
		g.Notes = append(g.Notes, "* rests on an estimator assumption: see tradeoff estimate --explain")
	}
	if n := b.in.Numbers; n != nil && len(n.Unpriced) > 0 && figures {
		g.Notes = append(g.Notes, fmt.Sprintf("costs leave out what has no sourced price on %s: %s (tradeoff estimate --prices supplies it)",
			n.Cloud, strings.Join(n.Unpriced, ", ")))
	}
	g.Notes = append(g.Notes, b.notes...)
	b.legend()
}

func (b *builder) viewNotes() []string {
	var notes []string
	switch b.view {
	case Read:
		notes = append(notes, "read operations only")
		if len(b.edges) == 0 {
			notes = append(notes, "the design has no read operations")
		}
	case Write:
		notes = append(notes, "write operations only, with replication")
		if len(b.edges) == 0 {
			notes = append(notes, "the design has no write operations")
		}
	case Async:
		notes = append(notes, "operations that go through the queue")
		if len(b.edges) == 0 {
			notes = append(notes, "the design has no asynchronous operations")
		}
	}
	if b.d.Cache.Enabled() && !b.hitKnown && b.hasStyle(StyleMiss) {
		notes = append(notes, "cache miss rates unknown: the design gives no cache.hitRatio")
	}
	return notes
}

func (b *builder) hasStyle(s Style) bool {
	for k := range b.edges {
		if k.style == s {
			return true
		}
	}
	return false
}

// labelEdges turns flows into edges in a stable order: by the source's and
// then the target's place in the talk's order, then by style.
func (b *builder) labelEdges() []*Edge {
	flows := make([]*flow, 0, len(b.edges))
	for _, f := range b.edges {
		flows = append(flows, f)
	}
	sort.Slice(flows, func(i, j int) bool {
		a, c := flows[i], flows[j]
		if rankOf(a.from) != rankOf(c.from) {
			return rankOf(a.from) < rankOf(c.from)
		}
		if rankOf(a.to) != rankOf(c.to) {
			return rankOf(a.to) < rankOf(c.to)
		}
		return a.style < c.style
	})
	var edges []*Edge
	for _, f := range flows {
		e := &Edge{From: f.from, To: f.to, Style: f.style, Label: b.edgeLabel(f)}
		if v := b.fail[f.to]; v != nil && v.status == StatusDown && !v.overloaded {
			e.Lost = true
		}
		if v := b.fail[f.from]; v != nil && v.status == StatusDown && !v.overloaded && f.from != idCache {
			e.Lost = true
		}
		edges = append(edges, e)
	}
	return edges
}

func (b *builder) edgeLabel(f *flow) []string {
	switch f.style {
	case StyleTelemetry:
		return nil
	case StyleProbe:
		return []string{f.note}
	case StyleReplication:
		return []string{f.ops[0], "≤ " + formatRate(f.rps[0], "writes/s")}
	}
	total := 0.0
	for _, r := range f.rps {
		total += r
	}
	var lines []string
	first := formatRPS(total)
	switch f.style {
	case StyleMiss:
		first = "miss " + first
	case StyleHit:
		if h, ok := hitOf(f); ok {
			first += " · " + formatPercent(h) + " hit"
		}
	}
	lines = append(lines, first)
	// Operations whose hit ratios differ each say theirs.
	perOpHit := f.style == StyleHit && len(f.ops) > 1 && !sameRatios(f.hits)
	if len(f.ops) == 1 {
		lines = append(lines, f.ops[0])
	} else {
		parts := make([]string, len(f.ops))
		for i, op := range f.ops {
			parts[i] = op + " " + formatNumber(f.rps[i])
			if perOpHit && !math.IsNaN(f.hits[i]) {
				parts[i] += " (" + formatPercent(f.hits[i]) + " hit)"
			}
		}
		lines = append(lines, strings.Join(parts, " + "))
	}
	if f.bytesIn > 0 || f.bytesOut > 0 {
		lines = append(lines, "in "+formatBytesRate(f.bytesIn)+" · out "+formatBytesRate(f.bytesOut))
	}
	if f.msgBytes > 0 {
		lines = append(lines, formatBytesRate(f.msgBytes))
	}
	return lines
}

// hitOf is the share of a hit edge's lookups that hit: the operations'
// hit ratios weighted by their rates; unknown if any operation's is.
func hitOf(f *flow) (float64, bool) {
	total, hits := 0.0, 0.0
	for i, r := range f.rps {
		if math.IsNaN(f.hits[i]) || math.IsNaN(r) {
			return 0, false
		}
		total += r
		hits += r * f.hits[i]
	}
	if total == 0 {
		if len(f.hits) > 0 && sameRatios(f.hits) {
			return f.hits[0], true
		}
		return 0, false
	}
	return hits / total, true
}

// sameRatios reports whether ratios print the same.
func sameRatios(rs []float64) bool {
	for _, r := range rs[1:] {
		if math.IsNaN(r) != math.IsNaN(rs[0]) || formatPercent(r) != formatPercent(rs[0]) {
			return false
		}
	}
	return true
}

// badges attaches findings to the nodes they are about. The rest become
// notes: findings about operations (in the overview, by operation), about
// the design as a whole (budget, availability, security), and, in a view
// of one path, a count of those on what the view leaves out.
func (b *builder) badges() {
	byNode := map[string][]Finding{}
	byOp := map[string][]Finding{}
	var whole, hidden []Finding
	for _, f := range b.in.Findings {
		id := nodeID(f.Component)
		if b.g.node(id) != nil || b.placeholder(id) {
			byNode[id] = append(byNode[id], f)
			continue
		}
		op := b.d.Traffic[f.Component]
		_, tier := componentIDs[f.Component]
		switch {
		case op != nil && b.inView(op):
			byOp[f.Component] = append(byOp[f.Component], f)
		case op != nil || tier:
			hidden = append(hidden, f)
		default:
			whole = append(whole, f)
		}
	}
	for _, n := range b.g.Nodes {
		if fs := byNode[n.ID]; len(fs) > 0 {
			n.Badge = badgeOf(fs)
		}
	}
	if len(byOp) > 0 {
		var all []Finding
		ops := make([]string, 0, len(byOp))
		for op, fs := range byOp {
			ops = append(ops, op)
			all = append(all, fs...)
		}
		sort.Strings(ops)
		parts := make([]string, len(ops))
		for i, op := range ops {
			parts[i] = op + ": " + strings.Join(badgeOf(byOp[op]).Rules, ", ")
		}
		b.notes = append(b.notes, findingsNote(all, "about operations")+": "+strings.Join(parts, "; "))
	}
	if len(whole) > 0 {
		b.notes = append(b.notes, findingsNote(whole, "about the design as a whole")+": "+strings.Join(badgeOf(whole).Rules, ", "))
	}
	if len(hidden) > 0 {
		b.notes = append(b.notes, findingsNote(hidden, "on what this view leaves out")+": see the overview or tradeoff review")
	}
}

// findingsNote counts findings: "3 open findings about … (worst: high),
// 1 waived".
func findingsNote(fs []Finding, about string) string {
	bd := badgeOf(fs)
	note := plural(bd.Open, "open finding") + " " + about
	if bd.Open > 0 {
		note += fmt.Sprintf(" (worst: %s)", bd.Worst)
	}
	if bd.Waived > 0 {
		note += fmt.Sprintf(", %d waived", bd.Waived)
	}
	return note
}

// placeholder draws a tier the design lacks but a finding is about (no
// telemetry, no CDN), dashed, so the finding sits where the tier would be.
// Views of one path leave them out.
func (b *builder) placeholder(id string) bool {
	titles := map[string]string{idCDN: "CDN", idLB: "load balancer", idCache: "cache", idQueue: "queue",
		idReplicas: "read replicas", idWorkers: "workers", idCollector: "telemetry collector"}
	title, ok := titles[id]
	if !ok || (b.view != Overview && b.view != Failure) {
		return false
	}
	kind := map[string]Kind{idCDN: KindCDN, idLB: KindLB, idCache: KindCache, idQueue: KindQueue,
		idReplicas: KindReplicas, idWorkers: KindWorkers, idCollector: KindCollector}[id]
	n := &Node{ID: id, Kind: kind, Title: title, Lines: []string{"not in the design"}, Missing: true}
	// Keep the talk's order among the drawn nodes.
	i := 0
	for i < len(b.g.Nodes) && rankOf(b.g.Nodes[i].ID) < rankOf(id) {
		i++
	}
	b.g.Nodes = append(b.g.Nodes[:i], append([]*Node{n}, b.g.Nodes[i:]...)...)
	return true
}

func badgeOf(fs []Finding) *Badge {
	bd := &Badge{}
	var open, waived []string
	for _, f := range fs {
		if f.Waived {
			bd.Waived++
			waived = append(waived, f.Rule+" (waived)")
			continue
		}
		if bd.Open == 0 || f.Severity > bd.Worst {
			bd.Worst = f.Severity
		}
		bd.Open++
		open = append(open, f.Rule)
	}
	sort.Strings(open)
	sort.Strings(waived)
	bd.Rules = append(open, waived...)
	return bd
}

// legend lists only what the picture uses.
func (b *builder) legend() { fillLegend(b.g, b.failure) }

// fillLegend says which styles, severities and statuses g draws.
func fillLegend(g *Graph, failure bool) {
	seen := map[Style]bool{}
	for _, e := range g.Edges {
		seen[e.Style] = true
	}
	for _, s := range edgeStyles {
		if seen[s] {
			g.Legend.Styles = append(g.Legend.Styles, s)
		}
	}
	sev := map[Severity]bool{}
	for _, n := range g.Nodes {
		if n.Badge == nil {
			continue
		}
		if n.Badge.Open > 0 {
			sev[n.Badge.Worst] = true
		}
		if n.Badge.Waived > 0 {
			g.Legend.Waived = true
		}
	}
	for s := SevCritical; s >= SevInfo; s-- {
		if sev[s] {
			g.Legend.Severities = append(g.Legend.Severities, s)
		}
	}
	g.Legend.Failure = failure
	for _, st := range []Status{StatusDown, StatusDegraded} {
		for _, n := range g.Nodes {
			if n.Status == st {
				g.Legend.Statuses = append(g.Legend.Statuses, st)
				break
			}
		}
	}
}

func zonesLine(instances, zones int) string {
	if zones <= 1 {
		return "1 zone"
	}
	per := spread(instances, zones)
	parts := make([]string, len(per))
	for i, n := range per {
		parts[i] = fmt.Sprintf("%s:%d", zoneName(i), n)
	}
	return fmt.Sprintf("%d zones (%s)", zones, strings.Join(parts, " "))
}

// spread places n instances round-robin over z zones, as a balanced
// deployment would; zone a gets the remainder first.
func spread(n, z int) []int {
	per := make([]int, z)
	for i := 0; i < n; i++ {
		per[i%z]++
	}
	return per
}

func zoneName(i int) string { return string(rune('a' + i%26)) }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
