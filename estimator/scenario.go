package estimator

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// scenarioRun is the load on every tier in one scenario and what it does
// to latency. Capacities come from the plan; only zone-down removes some.
type scenarioRun struct {
	name, desc string
	months     float64 // growth applied to the rates
	zoneDown   bool
	coldCache  bool

	rate   map[string]float64 // operation → requests/s at the edge
	origin map[string]float64 // after the CDN
	rateD  map[string]string  // how the rate was reached

	objects  float64
	hitModel float64 // Che's hit ratio for the planned cache
	hit      float64 // hit ratio in force (0 when cold, less when nodes are lost)

	lbLoad, appLoad                  float64
	cacheGets, cacheSets, cacheOther float64
	primaryReads, writes, replicaRd  float64
	queueMsgs, queueBytes            float64

	// batch is the operations per message for each batched operation, and
	// batchFill how long its first operation waits for the batch to leave.
	batch, batchFill map[string]float64
	batchD           map[string]string

	alive map[string]int // surviving instances per tier
	down  []string

	tiers map[string]*tierState
	lat   map[string]*opLatency

	// contrib is each operation's share of each tier's load, so runway can
	// grow operations at their own rates.
	contrib map[string]map[string]float64
}

type tierState struct {
	name, kind  string
	instances   int
	needed      int
	load, cap   float64
	util        float64
	spof        bool
	deriv       []string
	assumed     bool
	cache       *CacheDetail
	db          *DBDetail
	queue       *QueueDetail
	order       int
	managedAuto bool // scales itself: no capacity figure
}

type opLatency struct {
	p50, p99   float64
	bottleneck string
	deriv      []string
}

var tierOrder = []string{"cdn", "loadBalancer", "services", "cache", "database", "replicas", "queue", "workers"}

func describe(name string, horizon int) string {
	switch name {
	case ScenarioNormal:
		return "average traffic"
	case ScenarioPeak:
		return "average × peak factor"
	case ScenarioZoneDown:
		return "peak traffic with one zone lost"
	case ScenarioColdCache:
		return "peak traffic with an empty cache: every read misses"
	}
	return fmt.Sprintf("peak traffic after %d months of growth", horizon)
}

func (e *estimator) scenario(name string, p *plan) *scenarioRun {
	s := &scenarioRun{
		name: name, desc: describe(name, e.opts.HorizonMonths),
		rate: map[string]float64{}, origin: map[string]float64{}, rateD: map[string]string{},
		alive: map[string]int{}, tiers: map[string]*tierState{}, lat: map[string]*opLatency{},
	}
	s.zoneDown = name == ScenarioZoneDown
	s.coldCache = name == ScenarioColdCache
	if name == ScenarioHorizon {
		s.months = float64(e.opts.HorizonMonths)
	}
	for _, op := range p.ops {
		avg := op.Rate.PerSecond()
		r := avg
		d := rateText(avg)
		if name != ScenarioNormal {
			r *= op.PeakFactor
			d += fmt.Sprintf(" × %s peak", Num(op.PeakFactor))
		}
		if s.months > 0 && op.Growth != 1 {
			g := GrowthFactor(op.Growth, s.months)
			r *= g
			d += fmt.Sprintf(" × %s growth (%s×/year over %s months)", Num(g), Num(op.Growth), Num(s.months))
		}
		s.rate[op.Name] = r
		s.rateD[op.Name] = d + " = " + Num(r) + " rps"
		s.origin[op.Name] = r
		if p.cdnOn && op.Public && op.Passes("cdn") {
			s.origin[op.Name] = r * (1 - p.cdnPart)
			s.rateD[op.Name] += fmt.Sprintf("; %s served by the CDN leaves %s rps at the origin", Pct(p.cdnPart), Num(s.origin[op.Name]))
		}
	}
	e.survivors(s, p)
	e.hitRatio(s, p)
	e.loads(s, p)
	e.tierStates(s, p)
	for _, op := range p.ops {
		s.lat[op.Name] = e.latency(s, p, op)
	}
	return s
}

// rateText writes an average rate the way the design probably did.
func rateText(perSec float64) string {
	month := perSec * SecondsPerMonth
	day := perSec * SecondsPerDay
	round := func(x float64) bool { return math.Abs(x-roundSig(x, 3)) <= 1e-9*x }
	switch {
	case month >= 1e6 && round(month):
		return fmt.Sprintf("%s/month ÷ %s s = %s rps", Num(month), group(SecondsPerMonth), Num(perSec))
	case day >= 1000 && round(day):
		return fmt.Sprintf("%s/day ÷ %s s = %s rps", Num(day), group(SecondsPerDay), Num(perSec))
	}
	return Num(perSec) + " rps"
}

// survivors is how many instances of each tier are left: all of them,
// except in zone-down, which loses the busiest zone's share.
func (e *estimator) survivors(s *scenarioRun, p *plan) {
	z := e.zones
	lose := func(n int) int {
		if !s.zoneDown {
			return n
		}
		if z <= 1 {
			return 0
		}
		return n - int(math.Ceil(float64(n)/float64(z)))
	}
	s.alive["services"] = lose(p.app.instances)
	s.alive["workers"] = lose(p.workers.consumers)
	switch p.lb.kind {
	case "nginx", "haproxy":
		s.alive["loadBalancer"] = lose(p.lb.instances)
	case "managed":
		s.alive["loadBalancer"] = 1
		if s.zoneDown && z <= 1 {
			s.alive["loadBalancer"] = 0
		}
	}
	if p.cache.on {
		n := p.cache.nodes
		if !(p.cache.replicas > 0 && z > 1) {
			n = lose(n)
		}
		s.alive["cache"] = n
	}
	s.alive["database"] = 1
	if s.zoneDown && !(e.d.Database.Failover == "automatic" && z > 1) && p.db.kind != "dynamodb" {
		s.alive["database"] = 0
	}
	s.alive["replicas"] = lose(p.db.replicas)
	if p.queue.on {
		s.alive["queue"] = 1
		if s.zoneDown && (z <= 1 || (p.queue.kind != "sqs" && p.queue.kind != "kafka" && p.queue.kind != "rabbitmq" && p.queue.kind != "nats")) {
			s.alive["queue"] = 0
		}
	}
	if e.d.System.Footprint == schema.SingleNode && s.zoneDown {
		for k := range s.alive {
			s.alive[k] = 0
		}
	}
	for _, t := range tierOrder {
		if n, ok := s.alive[t]; ok && n == 0 && e.anyPath(t) {
			if t == "replicas" && p.db.replicas == 0 {
				continue
			}
			s.down = append(s.down, t)
		}
	}
}

// cheMemo remembers Che's results within a process: scenarios and runway
// probes ask the same question many times. Keys are (objects, skew, size);
// a negative size asks for the capacity that reaches hit ratio −size.
var (
	cheMu   sync.Mutex
	cheMemo = map[[3]float64]float64{}
)

func memo(k [3]float64, compute func() float64) float64 {
	cheMu.Lock()
	v, ok := cheMemo[k]
	cheMu.Unlock()
	if ok {
		return v
	}
	v = compute()
	cheMu.Lock()
	if len(cheMemo) > 4096 {
		cheMemo = map[[3]float64]float64{}
	}
	cheMemo[k] = v
	cheMu.Unlock()
	return v
}

func cheCapacityCached(n, s, h float64) float64 {
	return memo([3]float64{n, s, -h}, func() float64 { return CheCapacityFor(NewZipf(int64(n), s), h) })
}

func cheCached(n, s, c float64) float64 {
	return memo([3]float64{n, s, c}, func() float64 { return CheHitRatio(NewZipf(int64(n), s), c) })
}

// hitRatio applies Che's approximation to the planned cache memory.
func (e *estimator) hitRatio(s *scenarioRun, p *plan) {
	c := &p.cache
	if !c.on {
		return
	}
	s.objects = p.objectsAt(s.months)
	capObjs := float64(c.nodes) * c.memPerNode * (1 - c.reserved) / c.itemBytes
	switch {
	case c.objectsKnow && s.objects > 0:
		s.hitModel = cheCached(math.Round(s.objects), c.zipf, math.Floor(capObjs))
	case c.assumedHit != nil:
		s.hitModel = *c.assumedHit
		e.note("traffic.<op>.data", "no stored data stated: the cache hit ratio is the design's assumed cache.hitRatio")
	default:
		e.note("cache.hitRatio", "no stored data and no assumed hit ratio: the cache is assumed to hit nothing")
	}
	s.hit = s.hitModel
	if s.coldCache {
		s.hit = 0
	} else if c.nodes > 0 && s.alive["cache"] < c.nodes {
		s.hit *= float64(s.alive["cache"]) / float64(c.nodes)
	}
}

// loads walks every operation's path and adds its rate to each tier.
func (e *estimator) loads(s *scenarioRun, p *plan) {
	inval := e.d.Cache.Invalidation == "delete-on-write" || e.d.Cache.Invalidation == "update-on-write" ||
		e.d.Cache.Pattern == "write-through" || e.d.Cache.Pattern == "write-behind"
	s.contrib = map[string]map[string]float64{}
	for _, op := range p.ops {
		before := s.loadVector()
		e.opLoads(s, p, op, inval)
		after := s.loadVector()
		c := map[string]float64{}
		for k, v := range after {
			c[k] = v - before[k]
		}
		s.contrib[op.Name] = c
	}
}

// loadVector snapshots the per-tier loads.
func (s *scenarioRun) loadVector() map[string]float64 {
	return map[string]float64{
		"loadBalancer": s.lbLoad, "services": s.appLoad, "cache": s.cacheGets + s.cacheSets + s.cacheOther,
		"reads": s.primaryReads, "writes": s.writes, "replicas": s.replicaRd, "queue": s.queueMsgs, "queueBytes": s.queueBytes,
	}
}

// batchOf is how many operations of op travel in one message in this
// scenario, how long the first of them waits, and how that was reached.
func (e *estimator) batchOf(s *scenarioRun, p *plan, op *schema.Operation) (size, fill float64, why string) {
	q := p.queue
	if !q.on || q.batchSize <= 1 || !op.Passes("queue") {
		return 1, 0, ""
	}
	r := s.origin[op.Name]
	producers := p.producers(op, s.alive)
	size, fill = q.batchFor(r, producers)
	why = fmt.Sprintf("%s: batches of up to %d", op.Name, q.batchSize)
	if size < float64(q.batchSize) {
		why = fmt.Sprintf("%s: %s rps from %d producer(s) × %s batchWait = batches of %s (batchSize %d)",
			op.Name, Num(r), producers, Ms(q.batchWait), Num(size), q.batchSize)
	}
	return size, fill, why + fmt.Sprintf(" → %s msg/s", Num(r/size))
}

// opLoads adds one operation's rate to each tier on its path. A batched
// operation is one message per batch from the queue on: one message, one
// worker's workTime and one commit per batch. An asynchronous operation
// whose path starts at the app is published by the app while it serves
// other requests (the click a redirect records), so the app does one
// publish per message, not a request per operation.
func (e *estimator) opLoads(s *scenarioRun, p *plan, op *schema.Operation, inval bool) {
	{
		r := s.origin[op.Name]
		batch, fill, why := e.batchOf(s, p, op)
		if batch > 1 || fill > 0 {
			if s.batch == nil {
				s.batch, s.batchFill, s.batchD = map[string]float64{}, map[string]float64{}, map[string]string{}
			}
			s.batch[op.Name], s.batchFill[op.Name], s.batchD[op.Name] = batch, fill, why
		}
		published := op.Published()
		read := op.IsRead()
		for _, comp := range op.Path {
			switch comp {
			case "loadBalancer":
				s.lbLoad += r
			case "services":
				if published {
					s.appLoad += r / batch
				} else {
					s.appLoad += r
				}
			case "cache":
				if !p.cache.on {
					continue
				}
				if read {
					s.cacheGets += r
					r *= 1 - s.hit
					s.cacheSets += r
				} else if inval {
					s.cacheOther += r
				}
			case "database":
				if read {
					s.primaryReads += r
				} else {
					s.writes += r
				}
			case "replicas":
				switch {
				case !read:
					s.writes += r
				case s.alive["replicas"] > 0:
					s.replicaRd += r
				default:
					s.primaryReads += r
				}
			case "queue":
				if p.queue.on {
					size := p.queue.msgSize
					if size == 0 {
						size = float64(op.RequestSize) * batch
					}
					// From here on the operation travels as messages.
					r /= batch
					batch = 1
					s.queueMsgs += r
					s.queueBytes += r * size
				}
			}
		}
	}
}

func roundUpTo(n, m int) int {
	if m <= 1 {
		return n
	}
	return (n + m - 1) / m * m
}

// tierStates sizes every tier for the scenario's load.
func (e *estimator) tierStates(s *scenarioRun, p *plan) {
	add := func(t *tierState) {
		for i, n := range tierOrder {
			if n == t.name {
				t.order = i
			}
		}
		if t.cap > 0 {
			t.util = t.load / t.cap
		} else if t.load > 0 && !t.managedAuto {
			t.util = math.Inf(1)
		}
		s.tiers[t.name] = t
	}
	zones := e.zones

	if p.cdnOn {
		edge, all := 0.0, 0.0
		for _, op := range p.ops {
			edge += s.rate[op.Name] - s.origin[op.Name]
			if op.Passes("cdn") {
				all += s.rate[op.Name]
			}
		}
		add(&tierState{name: "cdn", kind: "cdn", instances: 1, needed: 1, load: all, managedAuto: true,
			deriv: []string{fmt.Sprintf("%s rps reach the CDN; %s of them, public responses, are served at the edge (%s cacheable)", Num(all), Num(edge), Pct(p.cdnPart))}})
	}

	if p.lb.kind != "none" {
		t := &tierState{name: "loadBalancer", kind: p.lb.kind, load: s.lbLoad, assumed: p.lb.assumed}
		t.deriv = append(t.deriv, fmt.Sprintf("load %s rps (every operation whose path starts at the balancer)", Num(s.lbLoad)))
		if p.lb.kind == "managed" {
			t.instances, t.needed, t.managedAuto = 1, 1, true
			t.deriv = append(t.deriv, p.lb.deriv)
		} else {
			t.instances = p.lb.instances
			t.cap = float64(s.alive["loadBalancer"]) * p.lb.perInstance
			need := ServersFor(s.lbLoad, p.lb.perInstance, e.target)
			t.needed = max(need, min(2, zones+1))
			if zones > 1 {
				t.needed = roundUpTo(max(need, zones), zones)
			}
			t.spof = p.lb.instances < 2
			t.deriv = append(t.deriv, p.lb.deriv,
				fmt.Sprintf("%s ÷ (%s rps × %s) = %s → %d instances", Num(s.lbLoad), Num(p.lb.perInstance), Num(e.target), Num(s.lbLoad/(p.lb.perInstance*e.target)), t.needed))
		}
		add(t)
	}

	// Application tier.
	{
		a := p.app
		t := &tierState{name: "services", kind: "app", instances: a.instances, load: s.appLoad, assumed: a.assumed, spof: a.instances < 2 || zones < 2}
		t.cap = float64(s.alive["services"]) * a.perInstance
		need := ServersFor(s.appLoad, a.perInstance, e.target)
		t.needed = roundUpTo(max(need, zones), zones)
		for _, op := range p.ops {
			if !op.Passes("services") {
				continue
			}
			if op.Published() {
				msgs := s.origin[op.Name]
				if b := s.batch[op.Name]; b > 0 {
					msgs /= b
				}
				t.deriv = append(t.deriv, fmt.Sprintf("%s: published by the app while it serves other requests: one publish per message, %s/s", op.Name, Num(msgs)))
				continue
			}
			t.deriv = append(t.deriv, op.Name+": "+s.rateD[op.Name])
		}
		t.deriv = append(t.deriv, a.deriv,
			fmt.Sprintf("%s rps ÷ (%s rps × %s target) = %s → %d instances across %d zone(s); planned %d", Num(s.appLoad), Num(a.perInstance), Num(e.target),
				Num(s.appLoad/(a.perInstance*e.target)), t.needed, zones, a.instances))
		if s.zoneDown {
			t.deriv = append(t.deriv, fmt.Sprintf("one zone down leaves %d of %d instances", s.alive["services"], a.instances))
		}
		add(t)
	}

	if p.cache.on {
		e.cacheState(s, p, add)
	}
	e.dbStates(s, p, add)
	if p.queue.on {
		e.queueStates(s, p, add)
	}
}

func (e *estimator) cacheState(s *scenarioRun, p *plan, add func(*tierState)) {
	c := p.cache
	d := e.d
	ops := s.cacheGets + s.cacheSets + s.cacheOther
	usable := c.memPerNode * (1 - c.reserved)
	capObjs := float64(c.nodes) * usable / c.itemBytes
	det := &CacheDetail{Objects: s.objects, ObjectsHorizon: math.Max(s.objects, p.objectsAt(float64(e.opts.HorizonMonths))), ItemBytes: c.itemBytes, CapacityObjects: math.Floor(capObjs),
		MemoryBytes: float64(c.nodes) * c.memPerNode, Zipf: c.zipf, HitRatio: s.hit, AssumedHitRatio: c.assumedHit,
		OpsPerSecond: ops, Replicas: c.replicas, ColdMissesPerSec: s.cacheGets}
	t := &tierState{name: "cache", kind: c.kind, instances: c.nodes, load: ops, assumed: c.assumed, cache: det}
	t.cap = float64(s.alive["cache"]) * c.perNode
	t.spof = c.replicas == 0 && c.nodes == 1
	t.deriv = append(t.deriv,
		fmt.Sprintf("item = %s object + %s overhead = %s; %d node(s) × %s × (1 − %s reserved) ÷ %s = %s objects fit",
			Bytes(p.meanObjectSize()), Num(c.itemBytes-p.meanObjectSize()), Bytes(c.itemBytes), c.nodes, Bytes(c.memPerNode), Pct(c.reserved), Bytes(c.itemBytes), Num(capObjs)))
	if c.objectsKnow && s.objects > 0 {
		t.deriv = append(t.deriv, fmt.Sprintf("Che's approximation, LRU under Zipf(s=%s) over %s objects: hit ratio %s", Num(c.zipf), Num(s.objects), Pct(s.hitModel)))
		if c.assumedHit != nil {
			ws := cheCapacityCached(math.Round(s.objects), c.zipf, *c.assumedHit) * c.itemBytes
			det.WorkingSetBytes = &ws
			memNeed := ws / (1 - c.reserved)
			det.NodesByMemory = ceilCount(memNeed / c.memPerNode)
			t.deriv = append(t.deriv, fmt.Sprintf("working set for the assumed %s hit ratio: %s → %s with reserve → %d node(s) of %s",
				Pct(*c.assumedHit), Bytes(ws), Bytes(memNeed), det.NodesByMemory, Bytes(c.memPerNode)))
		}
	}
	if det.NodesByMemory == 0 {
		det.NodesByMemory = c.nodes
	}
	switch {
	case s.coldCache:
		t.deriv = append(t.deriv, "cold cache: every read misses (hit ratio 0)")
	case s.alive["cache"] < c.nodes:
		t.deriv = append(t.deriv, fmt.Sprintf("%d of %d nodes lost with the zone: hit ratio falls to %s", c.nodes-s.alive["cache"], c.nodes, Pct(s.hit)))
	}
	det.NodesByOps = ServersFor(ops, c.perNode, e.target)
	t.needed = max(det.NodesByOps, det.NodesByMemory)
	t.deriv = append(t.deriv, fmt.Sprintf("ops %s/s = %s GETs + %s SETs on miss + %s invalidations; ÷ (%s ops/s per node × %s) → %d node(s) by ops, %d by memory",
		Num(ops), Num(s.cacheGets), Num(s.cacheSets), Num(s.cacheOther), Num(c.perNode), Num(e.target), det.NodesByOps, det.NodesByMemory))
	if d.Cache.Replicas > 0 {
		t.deriv = append(t.deriv, fmt.Sprintf("%d replica(s) per node for failover", d.Cache.Replicas))
	}
	add(t)
}

func (e *estimator) dbStates(s *scenarioRun, p *plan, add func(*tierState)) {
	d := e.d
	b := p.db
	det := &DBDetail{ReadsPerSec: s.primaryReads + s.replicaRd, WritesPerSec: s.writes, Shards: b.shards, Replicas: b.replicas,
		Objects: p.objectsAt(0), ObjectsHorizon: p.objectsAt(float64(e.opts.HorizonMonths)),
		StorageBytes: p.bytesAt(0), StorageHorizon: p.bytesAt(float64(e.opts.HorizonMonths))}
	t := &tierState{name: "database", kind: b.kind, instances: b.shards, load: s.primaryReads + s.writes, assumed: b.assumed, db: det}
	t.spof = d.Database.Failover != "automatic" && b.kind != "dynamodb"
	t.deriv = append(t.deriv, b.deriv...)
	hot := s.writes / float64(b.shards)
	if d.Database.HotShardShare != nil && b.shards > 1 {
		hot = s.writes * float64(*d.Database.HotShardShare)
	}
	unknown := math.IsNaN(b.readCap) || math.IsNaN(b.commits)
	if b.kind == "dynamodb" || unknown {
		t.managedAuto = true
		t.needed = b.shards
		if unknown {
			t.deriv = append(t.deriv, fmt.Sprintf("no sourced throughput for %s: utilisation and shards for writes are not estimated; state overrides.%s.reads_per_vcpu and overrides.%s.writes_per_node", b.kind, b.kind, b.kind))
		}
	} else {
		det.ReadCapacity = b.readCap * float64(b.shards)
		det.WriteCapacity = b.commits * float64(b.shards)
		rho := (s.primaryReads/float64(b.shards))/b.readCap + hot/b.commits
		if s.alive["database"] == 0 {
			rho = math.Inf(1)
		}
		t.util = rho
		t.cap = t.load / rho
		if rho == 0 {
			t.cap = det.ReadCapacity
		}
		det.WriteHeadroom = 1 - hot/b.commits
		det.ShardsForWrites = ServersFor(s.writes, b.commits, e.target)
		t.deriv = append(t.deriv,
			fmt.Sprintf("primary: %s reads/s + %s writes/s over %d shard(s)%s → utilisation %s/%s + %s/%s = %s",
				Num(s.primaryReads), Num(s.writes), b.shards, hotNote(d, b.shards), Num(s.primaryReads/float64(b.shards)), Num(b.readCap), Num(hot), Num(b.commits), Pct(rho)),
			fmt.Sprintf("shards for writes: %s ÷ (%s × %s) → %d", Num(s.writes), Num(b.commits), Num(e.target), det.ShardsForWrites))
		// The cold-cache question: can the primary (or the replicas) take
		// every read at peak?
		coldReads := s.primaryReads + s.replicaRd
		if e.d.Cache.Enabled() {
			coldReads = 0
			for _, op := range p.ops {
				if op.IsRead() && (op.Passes("database") || op.Passes("replicas")) {
					coldReads += s.origin[op.Name]
				}
			}
		}
		nodes := float64(b.shards)
		if d.Database.ReadFromReplicas && b.replicas > 0 {
			nodes = float64(b.replicas) * float64(b.shards)
		}
		det.ColdCacheReadsUtil = coldReads / (b.readCap * nodes)
	}
	// Storage is a question of disks, not of throughput: every kind that
	// keeps its data on nodes is sized for it, figures or not.
	if b.kind == "dynamodb" {
		det.ShardsForSize = b.shards
		t.deriv = append(t.deriv, fmt.Sprintf("storage (rows only): %s now, %s at %d months; managed storage grows without shards",
			Bytes(det.StorageBytes), Bytes(det.StorageHorizon), e.opts.HorizonMonths))
	} else {
		perNode := b.storagePerNode
		if perNode == 0 {
			perNode = e.fig("db.storage_per_node") * GiB
			t.assumed = true
		}
		det.StorageCapacity = perNode * float64(b.shards)
		det.ShardsForSize = max(1, ceilCount(det.StorageHorizon/perNode))
		t.needed = max(t.needed, det.ShardsForWrites, det.ShardsForSize)
		t.deriv = append(t.deriv, fmt.Sprintf("storage (rows only): %s now, %s at %d months; %s per node → %d shard(s) for size",
			Bytes(det.StorageBytes), Bytes(det.StorageHorizon), e.opts.HorizonMonths, Bytes(perNode), det.ShardsForSize))
	}
	// Connections: each instance's pool, and how many are busy by Little's law.
	det.ConnectionsPool = p.app.instances*d.Services.ConnectionsPerInstance + p.workers.consumers
	svc := 0.0 // per-query server time; unknown for stores without a figure
	if b.readPerVCPU > 0 {
		svc = 1 / b.readPerVCPU
	}
	det.ConnectionsBusy = (s.primaryReads + s.writes + s.replicaRd) * (e.rtt + svc)
	det.ConnectionsMax = d.Database.MaxConnections
	t.deriv = append(t.deriv, fmt.Sprintf("connections: pool %d = %d instances × %d + %d consumers; busy %s = %s queries/s × (%s + %s) (Little's law)",
		det.ConnectionsPool, p.app.instances, d.Services.ConnectionsPerInstance, p.workers.consumers, Num(det.ConnectionsBusy),
		Num(s.primaryReads+s.writes+s.replicaRd), Ms(e.rtt), Ms(svc)))
	add(t)

	if b.replicas > 0 || e.anyPath("replicas") {
		rt := &tierState{name: "replicas", kind: b.kind, instances: b.replicas * b.shards, load: s.replicaRd, assumed: b.assumed}
		rt.cap = float64(s.alive["replicas"]*b.shards) * b.readCap
		if math.IsNaN(b.readCap) || b.kind == "dynamodb" {
			rt.cap, rt.managedAuto = 0, true
		} else if d.Database.ReadFromReplicas {
			det.ReplicasForReads = ServersFor(s.replicaRd, b.readCap*float64(b.shards), e.target)
		}
		standby, why := e.replicasForRedundancy(p)
		perShard := max(det.ReplicasForReads, standby)
		if rt.managedAuto {
			// Without a read figure nobody can say fewer would do.
			perShard = max(perShard, b.replicas)
		}
		rt.needed = perShard * b.shards
		if b.replicas == 0 {
			rt.deriv = append(rt.deriv, "no replicas: reads on the replicas path go to the primary")
		} else {
			rt.deriv = append(rt.deriv, fmt.Sprintf("%s reads/s ÷ (%s/s per replica × %s) → %d replica(s) for reads; planned %d", Num(s.replicaRd), Num(b.readCap), Num(e.target), det.ReplicasForReads, b.replicas))
		}
		rt.deriv = append(rt.deriv, fmt.Sprintf("redundancy: %d replica(s) per shard (%s)", standby, why),
			fmt.Sprintf("needed: max(%d for reads, %d for redundancy) replica(s) per shard × %d shard(s) = %d; planned %d per shard × %d = %d",
				det.ReplicasForReads, standby, b.shards, rt.needed, b.replicas, b.shards, b.replicas*b.shards))
		rt.spof = b.replicas == 1
		add(rt)
	}
}

func hotNote(d *schema.Design, shards int) string {
	if d.Database.HotShardShare != nil && shards > 1 {
		return fmt.Sprintf(" (hottest shard takes %s of writes)", Pct(float64(*d.Database.HotShardShare)))
	}
	return ""
}

func (e *estimator) queueStates(s *scenarioRun, p *plan, add func(*tierState)) {
	q := p.queue
	det := &QueueDetail{MessagesPerSec: s.queueMsgs, BytesPerSec: s.queueBytes, Partitions: q.partitions, Consumers: p.workers.consumers}
	t := &tierState{name: "queue", kind: q.kind, load: s.queueMsgs, assumed: q.assumed, queue: det}
	for _, op := range p.ops {
		if why, ok := s.batchD[op.Name]; ok {
			t.deriv = append(t.deriv, why)
		}
	}
	bs := sizeBrokers(e, q.kind, q.perBroker, q.minBrokers, s.queueMsgs, s.queueBytes)
	det.Brokers, t.cap, t.managedAuto = bs.brokers, bs.capacity, bs.managed
	t.deriv = append(t.deriv, bs.why)
	t.instances, t.needed = det.Brokers, det.Brokers
	t.spof = det.Brokers == 1
	if s.alive["queue"] == 0 {
		t.cap = 0
	}
	if q.retention > 0 {
		avgBytes := 0.0
		if s.queueMsgs > 0 {
			avgBytes = s.queueBytes / s.queueMsgs
		}
		// Retained bytes use the average rate, not the peak.
		det.RetentionBytes = s.queueMsgs / math.Max(1, peakOf(p, s)) * avgBytes * q.retention
	}

	// Consumers, by Little's law.
	w := p.workers
	det.ConsumersNeeded = ConsumersFor(s.queueMsgs, w.work, e.target)
	effective := s.alive["workers"]
	if q.kind == "kafka" {
		effective = min(effective, q.partitions)
		det.PartitionsNeeded = det.ConsumersNeeded
	}
	if w.work > 0 {
		det.ConsumerCapacity = float64(effective) / w.work
	}
	det.BacklogGrowth = BacklogGrowth(s.queueMsgs, det.ConsumerCapacity)
	det.OutageMinutes = e.outageMinutes()
	det.Backlog = s.queueMsgs * det.OutageMinutes * 60
	det.DrainSeconds = Seconds(DrainSeconds(s.queueMsgs, det.ConsumerCapacity, det.OutageMinutes*60))
	if q.kind == "kafka" {
		t.deriv = append(t.deriv, fmt.Sprintf("partitions: planned %d, needed %d (one per busy consumer)", q.partitions, det.PartitionsNeeded))
	}
	add(t)

	wt := &tierState{name: "workers", kind: "workers", instances: w.consumers, load: s.queueMsgs, cap: det.ConsumerCapacity, needed: det.ConsumersNeeded}
	wt.spof = w.consumers < 2
	wt.deriv = append(wt.deriv,
		fmt.Sprintf("Little's law: %s msg/s × %s work = %s busy consumers; ÷ %s target → %d needed; planned %d per group × %d group(s)",
			Num(s.queueMsgs), Ms(w.work), Num(s.queueMsgs*w.work), Num(e.target), det.ConsumersNeeded, w.consumers, q.groups))
	if q.kind == "kafka" && w.consumers > q.partitions {
		wt.deriv = append(wt.deriv, fmt.Sprintf("only %d of %d consumers can work: a group has at most one consumer per partition", q.partitions, w.consumers))
	}
	if det.BacklogGrowth > 0 {
		wt.deriv = append(wt.deriv, fmt.Sprintf("consumers drain %s msg/s < %s arriving: the backlog grows by %s msg/s and never drains", Num(det.ConsumerCapacity), Num(s.queueMsgs), Num(det.BacklogGrowth)))
	} else {
		wt.deriv = append(wt.deriv, fmt.Sprintf("after a %s-minute consumer outage: backlog %s msgs drains at %s − %s = %s msg/s in %s",
			Num(det.OutageMinutes), Num(det.Backlog), Num(det.ConsumerCapacity), Num(s.queueMsgs), Num(det.ConsumerCapacity-s.queueMsgs), Duration(float64(det.DrainSeconds))))
	}
	add(wt)
}

// peakOf is the ratio of the scenario's queue rate to its average, for
// turning a peak rate back into monthly volumes.
func peakOf(p *plan, s *scenarioRun) float64 {
	avg, now := 0.0, 0.0
	for _, op := range p.ops {
		if op.Passes("queue") {
			avg += op.Rate.PerSecond()
			now += s.origin[op.Name]
		}
	}
	if avg == 0 {
		return 1
	}
	return now / avg
}

func (e *estimator) outageMinutes() float64 {
	return e.fig("queue.outage_minutes")
}

// sortedTiers returns the scenario's tiers in path order.
func (s *scenarioRun) sortedTiers() []*tierState {
	out := make([]*tierState, 0, len(s.tiers))
	for _, t := range s.tiers {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out
}

func (s *scenarioRun) meetsSLO(e *estimator) bool {
	for _, op := range e.d.Operations() {
		if slo, ok := e.d.SLO.P99[op.Name]; ok && s.lat[op.Name].p99 > slo.Seconds() {
			return false
		}
	}
	return true
}

func (s *scenarioRun) summary(e *estimator) Scenario {
	out := Scenario{Name: s.name, Description: s.desc, MeetsSLO: s.meetsSLO(e), Down: s.down}
	for _, op := range e.d.Operations() {
		l := s.lat[op.Name]
		meets := true
		if slo, ok := e.d.SLO.P99[op.Name]; ok {
			meets = l.p99 <= slo.Seconds()
		}
		out.Operations = append(out.Operations, ScenarioOp{Name: op.Name, PeakRPS: sig(s.rate[op.Name]), P99Ms: Millis(l.p99 * 1000), MeetsSLO: meets})
	}
	for _, t := range s.sortedTiers() {
		out.Components = append(out.Components, ScenarioTier{Name: t.name, Instances: t.instances, Needed: t.needed, Utilization: Util(t.util)})
	}
	return out
}

// joinPath prints an operation's path.
func joinPath(p []string) string { return strings.Join(p, " → ") }

// replicasForRedundancy is how many replicas per shard the design's own
// choices need, beyond reads: a standby to promote when failover is
// automatic, a replica to acknowledge a synchronous write, enough replicas
// in parallel that the replicas path reaches the region's ceiling, or for a
// self-run store a second copy when the SLO is above one machine's.
func (e *estimator) replicasForRedundancy(p *plan) (int, string) {
	d := e.d
	n, why := 0, "no failover, synchronous replication or SLO asks for one"
	if d.Database.Failover == "automatic" {
		n, why = 1, "a standby for automatic failover"
	}
	if d.Database.Replication != "async" && n < 1 {
		n, why = 1, d.Database.Replication+" replication acknowledges a write on a replica"
	}
	if !d.Database.Relational() {
		if single, _ := e.sla(d.System.Cloud + ".compute.single"); float64(d.SLO.Availability) > single && n < 1 {
			n, why = 1, fmt.Sprintf("a second copy: the %s SLO is above one machine's %s", Pct(float64(d.SLO.Availability)), Pct(single))
		}
		return n, why
	}
	if e.anyPath("replicas") {
		single, _ := e.managedAvail("db", false)
		capv, _ := e.sla(d.System.Cloud + ".compute.multi_zone")
		k := 1
		for ParallelN(single, k) < capv && k < max(1, p.db.replicas) {
			k++
		}
		if k > n {
			n, why = k, fmt.Sprintf("replicas in parallel on the read path: 1 − (1 − %s)^%d reaches the region's %s", Pct(single), k, Pct(capv))
		}
	}
	return n, why
}
