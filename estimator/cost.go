package estimator

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// volumes are the monthly, average-rate quantities that usage-priced items
// bill for (peaks size the fleet; bills follow the average).
type volumes struct {
	egressGB      float64 // origin responses to the internet
	cdnGB         float64
	cdnRequests   float64 // per month
	lbGB          float64 // bytes processed by the balancer
	queueMsgs     float64 // per month
	peakQueueMsgs float64 // per second at peak, for sizing workers
	queueBytes    float64 // per month
	queueStoreGB  float64 // retained
	dbStorageGB   float64 // per node
	storageStated bool
	replicationGB float64 // database writes shipped to the other regions
}

// sizing is the instance count per tier that a bill is for.
type sizing struct {
	app, lb, cacheNodes, dbShards, dbReplicas, brokers, consumers int
}

// volumes at months of growth.
func (p *plan) volumes(e *estimator, months float64) volumes {
	var v volumes
	for _, op := range p.ops {
		r := op.Rate.PerSecond() * GrowthFactor(op.Growth, months)
		perMonth := r * SecondsPerMonth
		// An asynchronous operation's client still sends its request
		// through the balancer and gets its acknowledgement back (one
		// the application publishes itself has neither).
		respGB := perMonth * float64(op.ResponseSize) / GiB
		edge := 0.0
		if p.cdnOn && op.Passes("cdn") {
			// A CDN bills every request it receives (CloudFront's HTTPS
			// requests, Cloud CDN's lookups), the ones it forwards too,
			// and serves public responses at the edge.
			v.cdnRequests += perMonth
			if op.Public {
				edge = p.cdnPart
			}
		}
		v.cdnGB += respGB * edge
		v.egressGB += respGB * (1 - edge)
		if op.Passes("loadBalancer") {
			v.lbGB += perMonth * (1 - edge) * float64(op.RequestSize+op.ResponseSize) / GiB
		}
		if r := e.regions(); r > 1 && op.Kind == "write" && op.Passes("database") {
			// A write ships the object it writes: its own data's size,
			// else the stored objects' mean, else its request's.
			size := float64(op.RequestSize)
			if mean := p.meanObjectSize(); mean > 0 {
				size = mean
			}
			if op.Data != nil && op.Data.ObjectSize > 0 {
				size = float64(op.Data.ObjectSize)
			}
			v.replicationGB += perMonth * size * float64(r-1) / GiB
		}
		if p.queue.on && op.Passes("queue") {
			// Batched operations are billed and sized per message.
			batch, _ := p.queue.batchFor(r, p.producers(op, nil))
			peakBatch, _ := p.queue.batchFor(r*op.PeakFactor, p.producers(op, nil))
			size := p.queue.msgSize
			if size == 0 {
				size = float64(op.RequestSize) * batch
			}
			v.queueMsgs += perMonth / batch
			v.peakQueueMsgs += r * op.PeakFactor / peakBatch
			v.queueBytes += perMonth / batch * size
			if p.queue.retention > 0 {
				v.queueStoreGB += r / batch * size * p.queue.retention / GiB
			}
		}
	}
	if p.db.storagePerNode > 0 {
		v.dbStorageGB = p.db.storagePerNode / GiB
		v.storageStated = true
	} else {
		v.dbStorageGB = math.Ceil(p.bytesAt(float64(e.opts.HorizonMonths)) / float64(p.db.shards) / GiB)
	}
	return v
}

// plannedSizing is the design's own instance counts; tiers the design
// leaves open (brokers) take the peak scenario's need.
func (p *plan) plannedSizing(peak *scenarioRun) sizing {
	sz := sizing{app: p.app.instances, lb: p.lb.instances, cacheNodes: p.cache.nodes, dbShards: p.db.shards,
		dbReplicas: p.db.replicas, consumers: p.workers.consumers}
	if q := peak.tiers["queue"]; q != nil && q.queue != nil {
		sz.brokers = q.queue.Brokers
	}
	return sz
}

// neededSizing is what the scenario requires: never less than planned.
func (s *scenarioRun) neededSizing(planned sizing) sizing {
	sz := planned
	need := func(name string, cur int) int {
		if t := s.tiers[name]; t != nil && t.needed > cur && !math.IsInf(float64(t.needed), 0) {
			return t.needed
		}
		return cur
	}
	sz.app = need("services", sz.app)
	sz.lb = need("loadBalancer", sz.lb)
	sz.cacheNodes = need("cache", sz.cacheNodes)
	sz.dbShards = need("database", sz.dbShards)
	if t := s.tiers["replicas"]; t != nil && sz.dbShards > 0 {
		sz.dbReplicas = max(sz.dbReplicas, t.needed/max(1, planned.dbShards))
	}
	sz.brokers = need("queue", sz.brokers)
	sz.consumers = need("workers", sz.consumers)
	return sz
}

// bill accumulates one cloud's items.
type bill struct {
	e     *estimator
	cloud string
	cost  *CloudCost
}

// add prices qty units of a catalog entry for a component.
func (b *bill) add(component, id string, qty float64, how string) {
	en, ok := b.e.cat.Lookup(id)
	if !ok || !en.Known() {
		b.unpriced(id)
		return
	}
	if r := b.e.regions(); r > 1 && perRegion(en.Unit) {
		// Each region runs the fleet the design describes and holds the
		// data; what traffic is billed by is split between the regions.
		qty *= float64(r)
		how = strings.TrimSpace(how + fmt.Sprintf(" × %d regions", r))
	}
	usd, beyond := en.TieredCost(qty)
	if en.Tag.Assumed() {
		b.e.fig(id) // record the assumption
		b.cost.Assumed = true
	}
	d := fmt.Sprintf("%s %s × %s", Num(qty), en.Unit, priceText(en))
	if how != "" {
		d = how + ": " + d
	}
	if en.Discount > 0 {
		d += fmt.Sprintf(" − %s discount", Pct(en.Discount))
	}
	if beyond {
		d += " (beyond the last sourced tier: its rate is applied)"
		b.cost.Assumed = true
	}
	b.cost.Items = append(b.cost.Items, CostItem{Component: component, PriceID: id, SKU: en.SKU, Quantity: roundTo(qty, 2),
		Unit: en.Unit, MonthlyUSD: round2(usd), Tag: en.Tag, Derivation: d + " = " + USDCents(usd)})
	b.cost.MonthlyUSD += usd
}

func priceText(en Entry) string {
	if len(en.Tiers) > 0 {
		return "tiered $" + trim(en.Tiers[0].USD, 4) + "…"
	}
	return "$" + trim(*en.Value, 6)
}

func (b *bill) unpriced(id string) {
	for _, u := range b.cost.Unpriced {
		if u == id {
			return
		}
	}
	b.cost.Unpriced = append(b.cost.Unpriced, id)
	b.cost.Assumed = true
	if _, ok := b.e.cat.Lookup(id); ok {
		b.e.fig(id)
	} else {
		b.e.note(id, "no price in the reference: left out of the total")
	}
}

// factor reads a pricing factor (multiplier), recording assumptions.
func (b *bill) factor(id string) float64 {
	return b.e.fig(id)
}

// vm prices n general-purpose VMs of vcpu each, as 2 vCPU / 8 GiB
// equivalents: prices are linear within a family (estimation.md §1.1).
func (b *bill) vm(component string, n int, vcpu float64, what string) {
	if n <= 0 {
		return
	}
	units := float64(n) * vcpu / 2
	b.add(component, b.cloud+".compute.vm.general.2x8", units*HoursPerMonth,
		fmt.Sprintf("%s %d × %s vCPU (%s × 2x8) × 730 h", what, n, Num(vcpu), Num(units)))
}

func (e *estimator) costs(p *plan, sz sizing, v volumes) Costs {
	return e.priceClouds(func(b *bill) { e.billCloud(b, p, sz, v) })
}

// priceClouds runs one bill per cloud.
func (e *estimator) priceClouds(billOne func(*bill)) Costs {
	var out Costs
	for _, cloud := range Clouds {
		c := out.For(cloud)
		billOne(&bill{e: e, cloud: cloud, cost: c})
		c.MonthlyUSD = round2(c.MonthlyUSD)
		sort.Strings(c.Unpriced)
		if c.Items == nil {
			c.Items = []CostItem{}
		}
		if c.Unpriced == nil {
			c.Unpriced = []string{}
		}
	}
	return out
}

func (e *estimator) billCloud(b *bill, p *plan, sz sizing, v volumes) {
	d := e.d
	cl := b.cloud
	// Application tier.
	b.vm("services", sz.app, p.app.vcpu, "instances")

	// Load balancer.
	switch p.lb.kind {
	case "managed":
		b.managedLB("loadBalancer", v.lbGB)
	case "nginx", "haproxy":
		b.vm("loadBalancer", sz.lb, 2, p.lb.kind)
	}

	// CDN.
	if p.cdnOn {
		b.cdn("cdn", v.cdnGB, v.cdnRequests)
	}

	// Cache.
	if p.cache.on {
		b.cacheFleet("cache", p.cache.kind, sz.cacheNodes, p.cache.replicas, p.cache.memPerNode/GiB)
	}

	// Database.
	e.billDB(b, p, sz, v)

	// Queue and workers.
	if p.queue.on {
		q := p.queue
		b.broker(brokerBill{component: "queue", kind: q.kind, brokers: sz.brokers, msgs: v.queueMsgs, bytes: v.queueBytes,
			storeGB: v.queueStoreGB, fifo: d.Queue.Delivery == "exactly-once", groups: q.groups})
		// Worker CPU follows busy consumers (λ·W per group), not idle ones.
		perBusy := e.fig("workers.vcpu_per_busy_consumer")
		busy := v.peakQueueMsgs * p.workers.work * float64(q.groups)
		vcpu := math.Max(1, math.Ceil(busy*perBusy/e.target))
		vms := ceilCount(vcpu / 2)
		if sz.consumers > 0 {
			b.vm("workers", vms, 2, fmt.Sprintf("%s busy consumers (%s msg/s × %s × %d group(s)) × %s vCPU ÷ %s target = %s vCPU on 2 vCPU VMs:",
				Num(busy), Num(v.peakQueueMsgs), Ms(p.workers.work), q.groups, Num(perBusy), Num(e.target), Num(vcpu)))
		}
	}

	// Internet egress.
	b.add("egress", cl+".egress.internet", v.egressGB, "responses to the internet")
	if v.replicationGB > 0 {
		b.add("replication", cl+".egress.inter_region", v.replicationGB,
			fmt.Sprintf("database writes shipped to the %d other region(s)", e.regions()-1))
	}
}

// managedLB prices a managed load balancer that processes gb a month.
func (b *bill) managedLB(component string, gb float64) {
	switch b.cloud {
	case "aws":
		b.add(component, "aws.lb.managed.hour", HoursPerMonth, "ALB")
		perLCU := b.factor("aws.lb.managed.gb_per_lcu_hour")
		lcus := gb / HoursPerMonth / perLCU
		b.add(component, "aws.lb.managed.lcu", lcus*HoursPerMonth, fmt.Sprintf("%s GB/month processed ÷ 730 h ÷ %s GB per LCU = %s LCU", Num(gb), Num(perLCU), Num(lcus)))
	case "gcp":
		b.add(component, "gcp.lb.managed.hour", HoursPerMonth, "forwarding rule")
		b.add(component, "gcp.lb.managed.gb", gb, "processed")
	case "azure":
		b.unpriced("azure.lb.managed.base")
		b.add(component, "azure.lb.managed.gb", gb, "processed")
	}
}

// cdn prices a CDN's edge egress and requests.
func (b *bill) cdn(component string, gb, requests float64) {
	b.add(component, b.cloud+".cdn.egress", gb, "edge egress")
	if b.cloud != "azure" {
		b.add(component, b.cloud+".cdn.request", requests/1e4, "requests in 10k")
	}
}

// cacheFleet prices a cache of nodes (each with its replicas) holding
// memGiB each: a managed Redis at its cloud's rates, else one VM per node
// with memory in 8 GiB steps of the 2x8 family.
func (b *bill) cacheFleet(component, kind string, nodes, replicas int, memGiB float64) {
	e, cl := b.e, b.cloud
	switch {
	case kind == "managed-redis" && cl == "aws":
		node, _ := e.cat.Lookup("aws.cache.redis.node")
		scale := math.Max(1, memGiB/node.MemoryGiB)
		n := float64(nodes) * float64(1+replicas)
		b.add(component, "aws.cache.redis.node", n*scale*HoursPerMonth,
			fmt.Sprintf("%s nodes (with replicas) × %s r7g.large-equivalents for %s GiB × 730 h", Num(n), Num(scale), Num(memGiB)))
	case kind == "managed-redis" && cl == "gcp":
		gb := float64(nodes) * memGiB
		id := "gcp.cache.redis.standard.gb"
		if replicas == 0 {
			id = "gcp.cache.redis.basic.gb"
		}
		b.add(component, id, gb*HoursPerMonth, fmt.Sprintf("%s GB × 730 h", Num(gb)))
	case kind == "managed-redis" && cl == "azure":
		units := float64(nodes) * math.Ceil(memGiB/13) * float64(max(1, replicas))
		b.add(component, "azure.cache.redis.standard.c3", units, fmt.Sprintf("%d node(s) of %s GiB in 13 GB C3 caches", nodes, Num(memGiB)))
	default:
		units := math.Ceil(memGiB / 8)
		b.vm(component, nodes*(1+replicas), 2*units, fmt.Sprintf("self-run %s: %s GiB per node needs a %sx%s VM;", kind, Num(memGiB), Num(2*units), Num(8*units)))
	}
}

// brokerBill is what one queue's bill is for (monthly volumes).
type brokerBill struct {
	component, kind      string
	brokers              int
	msgs, bytes, storeGB float64
	fifo                 bool
	groups               int
}

// broker prices a queue: managed brokers by the hour, SQS and its peers
// per request, self-run brokers as VMs with their retained log.
func (b *bill) broker(q brokerBill) {
	e, cl := b.e, b.cloud
	switch {
	case q.kind == "kafka" && cl == "aws":
		b.add(q.component, "aws.queue.kafka.broker", float64(q.brokers)*HoursPerMonth, fmt.Sprintf("%d brokers × 730 h", q.brokers))
		b.add(q.component, "aws.queue.kafka.storage", q.storeGB*3, fmt.Sprintf("%s GB retained × 3 replicas", Num(q.storeGB)))
	case q.kind == "rabbitmq" && cl == "aws":
		b.add(q.component, "aws.queue.rabbitmq.broker", float64(q.brokers)*HoursPerMonth, fmt.Sprintf("%d brokers × 730 h", q.brokers))
	case q.kind == "sqs":
		req := q.msgs * 3
		e.note("queue.requests_per_message", "SQS and Service Bus bill per request: 3 per message (send, receive, delete) assumed")
		switch cl {
		case "aws":
			id := "aws.queue.sqs.request"
			if q.fifo {
				id = "aws.queue.sqs.fifo_request"
			}
			b.add(q.component, id, req/1e6, fmt.Sprintf("%s msgs × 3 requests", Num(q.msgs)))
		case "gcp":
			tib := q.bytes / TiB
			b.add(q.component, "gcp.queue.pubsub.ingest", tib, "Pub/Sub publish")
			b.add(q.component, "gcp.queue.pubsub.delivery", tib*float64(q.groups), fmt.Sprintf("Pub/Sub delivery to %d subscription(s)", q.groups))
		case "azure":
			b.add(q.component, "azure.queue.servicebus.base", 1, "Service Bus Standard")
			b.add(q.component, "azure.queue.servicebus.ops", req/1e6, fmt.Sprintf("%s msgs × 3 operations", Num(q.msgs)))
		}
	default:
		b.vm(q.component, q.brokers, 2, "self-run "+q.kind+" brokers")
		if q.kind == "kafka" && q.storeGB > 0 {
			id := map[string]string{"aws": "aws.storage.block.gp3", "gcp": "gcp.storage.block.pd-balanced", "azure": "azure.storage.block.premium_ssd"}[cl]
			b.add(q.component, id, q.storeGB*3, fmt.Sprintf("%s GB retained × 3 replicas", Num(q.storeGB)))
		}
	}
}

func (e *estimator) billDB(b *bill, p *plan, sz sizing, v volumes) {
	d := e.d
	db := p.db
	cl := b.cloud
	auto := d.Database.Failover == "automatic"
	primaries := float64(sz.dbShards)
	replicas := float64(sz.dbShards) * float64(sz.dbReplicas)
	if !v.storageStated {
		e.note("database.storage", fmt.Sprintf("not stated: priced at the data at the horizon, %s GB per node (rows only)", Num(v.dbStorageGB)))
	}
	switch {
	case d.System.Footprint == "single-node":
		// One box: the database shares the application's VM; only its
		// disk is an extra line.
		b.add("database", blockStorage[cl], v.dbStorageGB, fmt.Sprintf("%s on the application's VM: %s GB disk", d.Database.Kind, Num(v.dbStorageGB)))
	case d.Database.Relational():
		b.relational(dbFleet{component: "database", replicaComponent: "replicas", engine: d.Database.Kind, auto: auto,
			primaries: primaries, replicas: replicas, vcpu: db.vcpu, gib: db.gib, storageGB: v.dbStorageGB})
	case d.Database.Kind == "dynamodb":
		b.unpriced(cl + ".db.dynamodb")
	default:
		b.selfRunDB(dbFleet{component: "database", engine: d.Database.Kind, primaries: primaries, replicas: replicas,
			vcpu: db.vcpu, storageGB: v.dbStorageGB})
	}
}

// dbFleet is what one database's bill is for.
type dbFleet struct {
	component, replicaComponent string
	engine                      string
	auto                        bool // automatic failover: a standby per primary
	primaries, replicas         float64
	vcpu, gib                   float64 // per node
	storageGB                   float64 // per node
}

// relational prices a managed PostgreSQL or MySQL: primaries (with their
// standby under automatic failover), read replicas, and their storage.
func (b *bill) relational(f dbFleet) {
	e, cl := b.e, b.cloud
	units := f.vcpu / 2
	rc := f.replicaComponent
	if rc == "" {
		rc = f.component
	}
	switch cl {
	case "aws":
		id := "aws.db." + f.engine + ".2x8"
		mult := 1.0
		if f.auto {
			mult = b.factor("aws.db.multi_az_multiplier")
		}
		b.add(f.component, id, f.primaries*units*mult*HoursPerMonth, fmt.Sprintf("%s primary × %s (2x8 units) × %s Multi-AZ × 730 h", Num(f.primaries), Num(units), Num(mult)))
		b.add(f.component, "aws.db.storage.gp3", f.storageGB*f.primaries*mult, fmt.Sprintf("%s GB × %s primary × %s", Num(f.storageGB), Num(f.primaries), Num(mult)))
		if f.replicas > 0 {
			b.add(rc, id, f.replicas*units*HoursPerMonth, fmt.Sprintf("%s replicas × %s (2x8 units) × 730 h", Num(f.replicas), Num(units)))
			b.add(rc, "aws.db.storage.gp3", f.storageGB*f.replicas, fmt.Sprintf("%s GB × %s replicas", Num(f.storageGB), Num(f.replicas)))
		}
	case "gcp":
		mult := 1.0
		if f.auto {
			mult = b.factor("gcp.db.sql.regional_multiplier")
		}
		if f.engine != "postgres" {
			e.note("gcp.db.sql."+f.engine, "Cloud SQL prices come from POSTGRES rows; the same rates are assumed for "+f.engine)
		}
		for _, part := range []struct {
			comp string
			n    float64
			m    float64
		}{{f.component, f.primaries, mult}, {rc, f.replicas, 1}} {
			if part.n == 0 {
				continue
			}
			b.add(part.comp, "gcp.db.sql.vcpu", part.n*f.vcpu*part.m*HoursPerMonth, fmt.Sprintf("%s × %s vCPU × %s HA × 730 h", Num(part.n), Num(f.vcpu), Num(part.m)))
			b.add(part.comp, "gcp.db.sql.ram", part.n*f.gib*part.m, fmt.Sprintf("%s × %s GB RAM × %s HA", Num(part.n), Num(f.gib), Num(part.m)))
			b.add(part.comp, "gcp.db.sql.storage", part.n*f.storageGB*part.m, fmt.Sprintf("%s × %s GB × %s HA", Num(part.n), Num(f.storageGB), Num(part.m)))
		}
	case "azure":
		mult := 1.0
		if f.auto {
			mult = b.factor("azure.db.ha_multiplier")
		}
		if f.engine != "postgres" {
			e.note("azure.db."+f.engine, "Azure prices come from PostgreSQL Flexible; the same rates are assumed for "+f.engine)
		}
		b.add(f.component, "azure.db.postgres.2x8", f.primaries*units*mult, fmt.Sprintf("%s primary × %s (2x8 units) × %s HA", Num(f.primaries), Num(units), Num(mult)))
		b.add(f.component, "azure.db.storage", f.storageGB*f.primaries*mult, fmt.Sprintf("%s GB × %s primary × %s", Num(f.storageGB), Num(f.primaries), Num(mult)))
		if f.replicas > 0 {
			b.add(rc, "azure.db.postgres.2x8", f.replicas*units, fmt.Sprintf("%s replicas × %s (2x8 units)", Num(f.replicas), Num(units)))
			b.add(rc, "azure.db.storage", f.storageGB*f.replicas, fmt.Sprintf("%s GB × %s replicas", Num(f.storageGB), Num(f.replicas)))
		}
	}
}

// blockStorage is each cloud's SSD block-storage price id.
var blockStorage = map[string]string{"aws": "aws.storage.block.gp3", "gcp": "gcp.storage.block.pd-ssd", "azure": "azure.storage.block.premium_ssd"}

// selfRunDB prices a database the team runs on VMs (Cassandra, MongoDB,
// a search cluster): every node a VM of its size, with its disk.
func (b *bill) selfRunDB(f dbFleet) {
	nodes := int(f.primaries + f.replicas)
	b.vm(f.component, nodes, f.vcpu, "self-run "+f.engine+" nodes")
	b.add(f.component, blockStorage[b.cloud], f.storageGB*float64(nodes), fmt.Sprintf("%s GB × %d nodes", Num(f.storageGB), nodes))
}

// ComponentTotal sums one component's items.
func (c *CloudCost) ComponentTotal(name string) float64 {
	t := 0.0
	for _, it := range c.Items {
		if it.Component == name {
			t += it.MonthlyUSD
		}
	}
	return t
}

// appendNetwork adds the egress line as a component, so per-component
// costs add up to the total.
func (c *Costs) appendNetwork(comps *[]Component) {
	m := map[string]float64{}
	for _, cloud := range Clouds {
		m[cloud] = round2(c.For(cloud).ComponentTotal("egress"))
	}
	*comps = append(*comps, Component{Name: "egress", Kind: "network", MonthlyUSD: m,
		Derivation: []string{"internet egress of responses at the average rate, tiered per cloud"}})
	rep := map[string]float64{}
	shown := false
	for _, cloud := range Clouds {
		cc := c.For(cloud)
		rep[cloud] = round2(cc.ComponentTotal("replication"))
		shown = shown || rep[cloud] > 0 || slices.Contains(cc.Unpriced, cloud+".egress.inter_region")
	}
	if shown {
		*comps = append(*comps, Component{Name: "replication", Kind: "network", MonthlyUSD: rep,
			Derivation: []string{"database writes (object size, else request size) at the average rate, shipped to every other region"}})
	}
}
