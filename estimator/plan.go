package estimator

import (
	"fmt"
	"math"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// plan is the design's configuration turned into per-tier capacity figures.
// It does not depend on the scenario; scenarios only change the load.
type plan struct {
	ops []*schema.Operation

	app     appTier
	lb      lbTier
	cdnOn   bool
	cdnPart float64 // share of public responses served at the edge
	cache   cacheTier
	db      dbTier
	queue   queueTier
	workers workerTier

	dataObjects float64 // objects stored now
	dataBytes   float64 // bytes stored now (rows only)
}

type appTier struct {
	instances   int
	vcpu, gib   float64
	servers     int     // M/M/c servers per instance
	mu          float64 // per server, per second
	perInstance float64 // requests per second per instance at 100%
	cv          float64 // service time's standard deviation over its mean
	deriv       string
	assumed     bool
}

type lbTier struct {
	kind        string // managed, nginx, haproxy, none
	instances   int
	servers     int
	mu          float64
	perInstance float64
	fixed       float64 // added latency, seconds
	deriv       string
	assumed     bool
}

type cacheTier struct {
	on          bool
	kind        string
	nodes       int
	replicas    int
	memPerNode  float64 // bytes
	reserved    float64 // fraction held back
	itemBytes   float64
	zipf        float64
	perNode     float64 // ops/s per node at 100%
	assumedHit  *float64
	objectsKnow bool
	assumed     bool
}

type dbTier struct {
	kind           string
	vcpu, gib      float64
	shards         int
	replicas       int
	readPerVCPU    float64
	commits        float64 // writes/s per primary at 100%
	readCap        float64 // per node
	storagePerNode float64 // bytes; 0 when not stated
	managed        bool
	deriv          []string
	assumed        bool
}

type queueTier struct {
	on         bool
	kind       string
	partitions int
	msgSize    float64
	batchSize  int     // operations per message at most (1: no batching)
	batchWait  float64 // seconds an operation waits for its batch at most (0: batches are full)
	perBroker  float64 // bytes/s (kafka) or msgs/s (rabbitmq, nats) per node
	minBrokers int
	retention  float64 // seconds
	groups     int
	fixed      float64 // producer-side broker latency
	assumed    bool
}

// batchFor is how many operations travel in one message when rate
// operations a second come from producers producers, and how long the
// first of a batch waits for it to leave. A producer fills a batch at its
// own share of the rate; with batchWait it sends what it has when the wait
// is up, so at low rates batches are smaller than batchSize.
func (q queueTier) batchFor(rate float64, producers int) (size, fill float64) {
	return batchFor(q.batchSize, q.batchWait, rate, producers)
}

func batchFor(batchSize int, batchWait, rate float64, producers int) (size, fill float64) {
	if batchSize <= 1 {
		return 1, 0
	}
	perProducer := rate / float64(max(1, producers))
	size = float64(batchSize)
	if batchWait > 0 {
		size = math.Max(1, math.Min(size, perProducer*batchWait))
	}
	if perProducer > 0 {
		fill = size / perProducer
		if batchWait > 0 {
			fill = math.Min(fill, batchWait)
		}
	}
	return size, fill
}

// brokerFigures is what sizes a queue's brokers: each one's throughput
// (bytes/s for Kafka, msg/s for RabbitMQ and NATS, 0 for SQS, which has
// none) and the fewest there can be (three across zones: RF=3, as the
// MSK sizing guidance assumes, and quorum queues; none for SQS).
func (e *estimator) brokerFigures(kind string) (perBroker float64, minBrokers int) {
	minBrokers = 1
	if e.zones > 1 {
		minBrokers = 3
	}
	switch kind {
	case "kafka":
		perBroker = e.fig("kafka.mib_s_per_broker") * MiB
	case "rabbitmq", "nats":
		perBroker = e.fig(kind + ".msgs_per_node")
	case "sqs":
		minBrokers = 0
	}
	return perBroker, minBrokers
}

// brokerSizing is a queue's brokers at a load: how many, the messages a
// second they carry at 100%, and whether the provider scales it instead
// (SQS, or a broker without a sourced throughput).
type brokerSizing struct {
	brokers  int
	capacity float64
	managed  bool
	why      string
}

// sizeBrokers sizes a queue carrying msgs messages and bytes a second:
// Kafka by bytes per broker (perBroker bytes/s), RabbitMQ and NATS by
// messages per node (perBroker msg/s), at the target utilisation and at
// least minBrokers; SQS needs none. The sections' queue and a queue
// component are sized by it alike.
func sizeBrokers(e *estimator, kind string, perBroker float64, minBrokers int, msgs, bytes float64) brokerSizing {
	var b brokerSizing
	switch kind {
	case "kafka":
		b.brokers = max(minBrokers, ceilCount(bytes/(perBroker*e.target)))
		mean := math.Max(bytes/math.Max(msgs, 1e-9), 1)
		b.capacity = float64(b.brokers) * perBroker / mean
		b.why = fmt.Sprintf("%s msg/s × %s = %s/s; ÷ (%s/s per broker × %s) → %d broker(s) (at least %d for RF=3 across zones)",
			Num(msgs), Bytes(bytes/math.Max(msgs, 1e-9)), Bytes(bytes), Bytes(perBroker), Num(e.target), b.brokers, minBrokers)
	case "rabbitmq", "nats":
		if math.IsNaN(perBroker) {
			b.brokers, b.managed = max(1, minBrokers), true
			b.why = kind + ": no sourced per-node throughput; set overrides." + kind + ".msgs_per_node"
			break
		}
		b.brokers = max(minBrokers, ServersFor(msgs, perBroker, e.target))
		b.capacity = float64(b.brokers) * perBroker
		b.why = fmt.Sprintf("%s msg/s ÷ (%s msg/s per node × %s) → %d node(s) (at least %d for quorum queues across zones)",
			Num(msgs), Num(perBroker), Num(e.target), b.brokers, minBrokers)
	case "sqs":
		b.managed = true
		b.why = fmt.Sprintf("SQS: managed, %s msg/s needs no brokers", Num(msgs))
	}
	return b
}

// MessageBatch is how many of op's operations travel in one queue message
// when they arrive at rate a second: queue.batchSize, or fewer when each of
// the app's instances cannot fill a batch within queue.batchWait. Rules
// that count messages divide by it, as the estimator does.
func MessageBatch(d *schema.Design, op *schema.Operation, rate float64) float64 {
	if !d.Queue.Enabled() || !op.Passes("queue") {
		return 1
	}
	wait := 0.0
	if d.Queue.BatchWait != nil {
		wait = d.Queue.BatchWait.Seconds()
	}
	producers := 1
	if op.Passes("services") {
		producers = d.Services.Instances
	}
	size, _ := batchFor(d.Queue.BatchSize, wait, rate, producers)
	return size
}

// producers is how many processes publish op's messages: the app's
// instances when it passes the app, else one.
func (p *plan) producers(op *schema.Operation, alive map[string]int) int {
	if !op.Passes("services") {
		return 1
	}
	if n, ok := alive["services"]; ok {
		return max(1, n)
	}
	return max(1, p.app.instances)
}

type workerTier struct {
	consumers int
	work      float64 // seconds per message
}

func (e *estimator) plan() *plan {
	d := e.d
	p := &plan{ops: d.Operations()}

	// Application tier.
	a := &p.app
	a.instances = d.Services.Instances
	a.vcpu, a.gib = sizeOf(d.Services.Size)
	a.servers = int(a.vcpu)
	switch {
	case d.Services.ServiceTime != nil && d.Services.ServiceTime.Seconds() > 0:
		a.mu = 1 / d.Services.ServiceTime.Seconds()
		a.perInstance = a.vcpu * a.mu
		a.deriv = fmt.Sprintf("%s vCPU ÷ %s service time = %s rps per instance (design)", Num(a.vcpu), Ms(d.Services.ServiceTime.Seconds()), Num(a.perInstance))
		if d.Services.ThroughputPerInstance != nil {
			a.perInstance = d.Services.ThroughputPerInstance.PerSecond()
			a.servers = max(1, ceilCount(math.Round(a.perInstance/a.mu)))
			a.deriv = fmt.Sprintf("%s rps per instance (design), %s service time → %d concurrent servers", Num(a.perInstance), Ms(1/a.mu), a.servers)
		}
	case d.Services.ThroughputPerInstance != nil:
		a.perInstance = d.Services.ThroughputPerInstance.PerSecond()
		a.mu = a.perInstance / a.vcpu
		a.deriv = fmt.Sprintf("%s rps per instance (design) over %s vCPU", Num(a.perInstance), Num(a.vcpu))
	default:
		per := e.fig("app.rps_per_vcpu")
		a.mu = per
		a.perInstance = a.vcpu * per
		a.assumed = true
		a.deriv = fmt.Sprintf("%s vCPU × %s rps per vCPU (app.rps_per_vcpu, assumption: a trivial Go handler) = %s rps per instance", Num(a.vcpu), Num(per), Num(a.perInstance))
	}

	if d.Services.ServiceTimeCV != nil {
		a.cv = *d.Services.ServiceTimeCV
	} else {
		a.cv = e.fig("app.service_time_cv")
	}

	// Load balancer.
	l := &p.lb
	l.kind = d.LoadBalancer.Kind
	if !e.anyPath("loadBalancer") && l.kind != "none" {
		l.kind = "none"
	}
	switch l.kind {
	case "nginx", "haproxy":
		l.instances = d.LoadBalancer.Instances
		l.servers = 2 // a 2 vCPU VM
		id := l.kind + ".rps_per_vcpu"
		l.mu = e.fig(id)
		l.perInstance = float64(l.servers) * l.mu
		l.assumed = e.figAssumed(id)
		l.deriv = fmt.Sprintf("2 vCPU × %s rps per vCPU (%s) = %s rps per instance", Num(l.mu), id, Num(l.perInstance))
		if l.kind == "haproxy" {
			l.fixed = e.fig("haproxy.added_latency") / 1000
		}
	case "managed":
		l.deriv = "managed: scales itself; latency modelled as one network round trip to the application (assumption: processing time unsourced)"
		l.assumed = true
	}

	// CDN.
	if d.CDN.Enabled && e.anyPath("cdn") {
		p.cdnOn = true
		if d.CDN.CacheableShare != nil {
			p.cdnPart = float64(*d.CDN.CacheableShare)
		} else {
			e.note("cdn.cacheableShare", "not stated: the CDN is assumed to absorb nothing")
		}
	}

	// Stored data.
	for _, op := range p.ops {
		if op.Data != nil {
			p.dataObjects += float64(op.Data.Objects)
			p.dataBytes += float64(op.Data.Objects) * float64(op.Data.ObjectSize)
		}
	}

	// Cache.
	c := &p.cache
	if d.Cache.Enabled() && e.anyPath("cache") {
		c.on = true
		c.kind = d.Cache.Kind
		c.nodes = d.Cache.Nodes
		c.replicas = d.Cache.Replicas
		if d.Cache.Memory != nil {
			c.memPerNode = float64(*d.Cache.Memory)
		}
		c.reserved = e.fig("aws.cache.redis.reserved_fraction")
		overID := "redis.item_overhead"
		opsID := "redis.get_per_node"
		if c.kind == "memcached" {
			overID, opsID = "memcached.item_overhead", "memcached.ops_per_node"
		}
		c.itemBytes = e.fig(overID)
		if obj := p.meanObjectSize(); obj > 0 {
			c.itemBytes += obj
			c.objectsKnow = true
		}
		c.perNode = e.fig(opsID)
		if d.Cache.Zipf != nil {
			c.zipf = *d.Cache.Zipf
		} else {
			c.zipf = e.fig("cache.zipf_skew")
		}
		if d.Cache.HitRatio != nil {
			h := float64(*d.Cache.HitRatio)
			c.assumedHit = &h
		}
		c.assumed = e.figAssumed(overID) || e.figAssumed(opsID) || d.Cache.Zipf == nil
	}

	// Database.
	b := &p.db
	b.kind = d.Database.Kind
	b.vcpu, b.gib = sizeOf(d.Database.Size)
	b.shards = max(1, d.Database.Shards)
	b.replicas = d.Database.Replicas
	b.managed = d.Database.Relational() || b.kind == "dynamodb"
	if d.Database.Storage != nil {
		b.storagePerNode = float64(*d.Database.Storage)
	}
	switch b.kind {
	case "dynamodb":
		b.deriv = append(b.deriv, "dynamodb: managed, capacity scales with provisioned or on-demand throughput (not modelled)")
	default:
		readID, writeID := b.kind+".pk_reads_per_vcpu", b.kind+".commits_per_node"
		if !d.Database.Relational() {
			readID, writeID = b.kind+".reads_per_vcpu", b.kind+".writes_per_node"
		}
		b.readPerVCPU = e.fig(readID)
		b.commits = e.fig(writeID)
		b.readCap = b.vcpu * b.readPerVCPU
		b.assumed = e.figAssumed(readID) || e.figAssumed(writeID)
		b.deriv = append(b.deriv,
			fmt.Sprintf("reads: %s vCPU × %s per vCPU (%s) = %s/s per node", Num(b.vcpu), Num(b.readPerVCPU), readID, Num(b.readCap)),
			fmt.Sprintf("writes: %s durable commits/s per primary (%s)", Num(b.commits), writeID))
	}

	// Queue and workers.
	q := &p.queue
	if d.Queue.Enabled() && e.anyPath("queue") {
		q.on = true
		q.kind = d.Queue.Kind
		q.partitions = d.Queue.Partitions
		q.groups = max(1, d.Queue.ConsumerGroups)
		if d.Queue.Retention != nil && *d.Queue.Retention != schema.Forever {
			q.retention = d.Queue.Retention.Seconds()
		}
		if d.Queue.MessageSize != nil {
			q.msgSize = float64(*d.Queue.MessageSize)
		}
		q.batchSize = max(1, d.Queue.BatchSize)
		if d.Queue.BatchWait != nil {
			q.batchWait = d.Queue.BatchWait.Seconds()
		}
		q.perBroker, q.minBrokers = e.brokerFigures(q.kind)
		q.fixed = 0
		switch q.kind {
		case "kafka":
			q.fixed = e.fig("kafka.e2e_latency.p50") / 1000
			q.assumed = e.figAssumed("kafka.e2e_latency.p50")
		case "rabbitmq", "nats":
			q.assumed = true
		}
		p.workers.consumers = d.Queue.Consumers
		if d.Queue.WorkTime != nil {
			p.workers.work = d.Queue.WorkTime.Seconds()
		}
	}
	return p
}

// anyPath reports whether any operation passes the component.
func (e *estimator) anyPath(component string) bool {
	for _, op := range e.d.Traffic {
		if op.Passes(component) {
			return true
		}
	}
	return false
}

// meanObjectSize is the object-weighted mean size of stored objects; for a
// system that stores nothing yet, the mean size of what its writes will
// store, weighted by their rates.
func (p *plan) meanObjectSize() float64 {
	if p.dataObjects > 0 {
		return p.dataBytes / p.dataObjects
	}
	var bytes, rate float64
	for _, op := range p.ops {
		if op.Data != nil && op.Kind == "write" {
			r := op.Rate.PerSecond() * op.Data.NewPerWrite
			bytes += r * float64(op.Data.ObjectSize)
			rate += r
		}
	}
	if rate == 0 {
		return 0
	}
	return bytes / rate
}

// storesData reports whether the design stores anything, now or later: a
// system not yet launched has no objects today and its writes' tomorrow.
func (p *plan) storesData() bool {
	for _, op := range p.ops {
		if op.Data != nil && (op.Data.Objects > 0 || op.Kind == "write" && op.Data.NewPerWrite > 0) {
			return true
		}
	}
	return false
}

// objectsAt is the number of stored objects after months of growth.
func (p *plan) objectsAt(months float64) float64 {
	n := 0.0
	for _, op := range p.ops {
		n += opObjectsAt(op, months)
	}
	return n
}

// opObjectsAt is the objects one operation's data holds after months: the
// objects now plus, for a write, its average rate integrated over its
// growth curve, ∫₀^m r·g^{t/12} dt = r·12(g^{m/12} − 1)/ln g months,
// capped by retention (rate at m × retention) unless kept forever.
func opObjectsAt(op *schema.Operation, months float64) float64 {
	if op.Data == nil {
		return 0
	}
	objs := float64(op.Data.Objects)
	if op.Kind != "write" || months <= 0 {
		return objs
	}
	perMonth := op.Rate.PerSecond() * op.Data.NewPerWrite * SecondsPerMonth
	added := perMonth * months
	if op.Growth > 1 {
		added = perMonth * MonthsPerYear * (GrowthFactor(op.Growth, months) - 1) / math.Log(op.Growth)
	}
	objs += added
	if op.Data.Retention != schema.Forever {
		steady := op.Rate.PerSecond() * op.Data.NewPerWrite * GrowthFactor(op.Growth, months) * op.Data.Retention.Seconds()
		objs = math.Min(objs, math.Max(float64(op.Data.Objects), steady))
	}
	return objs
}

// bytesAt is the stored bytes after months (rows only): each operation's
// objects at their own size.
func (p *plan) bytesAt(months float64) float64 {
	b := 0.0
	for _, op := range p.ops {
		if op.Data != nil {
			b += opObjectsAt(op, months) * float64(op.Data.ObjectSize)
		}
	}
	return b
}
