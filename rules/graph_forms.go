package rules

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The sections' rules on a design written with components: the same
// trade-off, checked on every component of the kind the rule is about and
// named after it (two caches, two findings). Each check reads the
// component graph and its estimate; GraphDetection says how, for the docs.

func init() {
	// Rules that read only what both forms write the same way (the SLOs,
	// observability, security) run unchanged.
	latNoSLO.GraphCheck = graphNoSLO
	latNoSLO.GraphDetection = `The same, for every operation, except one served by a CDN alone (nothing of the team's is on its path).`
	for _, r := range []*Rule{capCA, capPartitionUnstated, capStrongAP, costNoBudget, obsNoMetrics, obsAveragesOnly, obsNoProbe, obsCauseAlerts, obsNoAlerts, obsNoLogs, secMoneyBestEffort, secNoTLS} {
		r.GraphCheck, r.GraphDetection = r.Check, `The same.`
	}

	obsNoTraces.GraphCheck = graphNoTraces
	obsNoTraces.GraphDetection = `The components an operation reaches while its caller waits, balancers and CDNs not counted, reach observability.trace_hops.`

	latAboveSLO.GraphCheck = graphP99AboveSLO
	latAboveSLO.GraphDetection = `Each operation's p99 from the estimate over its call tree (docs/estimator.md, the component form) ` +
		`against slo.p99; the finding is on the operation and names the component whose tail dominates when one cannot keep up.`

	avBelowSLO.GraphCheck = graphAvailabilityBelowSLO
	avBelowSLO.GraphDetection = `Each synchronous operation's availability over the components it cannot do without ` +
		`(optional calls and work behind a queue excluded) against slo.availability; one finding per operation.`

	costOverBudget.GraphCheck = graphOverBudget
	costOverBudget.GraphDetection = `The component estimate's monthly cost on the design's cloud (every component priced) against budget.monthlyUSD.`

	capySaturated.GraphCheck = graphSaturated
	capySaturated.GraphDetection = `A component reached synchronously whose peak load reaches its capacity (utilisation ≥ 100%), ` +
		`or a service whose in-flight requests per instance reach its stated concurrency.`

	queueTooFewConsumers.GraphCheck = graphWorkersTooFew
	queueTooFewConsumers.GraphDetection = `A worker whose peak arrivals reach what its instances serve (utilisation ≥ 100%): the backlog grows without bound.`

	queueNoDeadLetter.GraphCheck = graphNoDeadLetter
	queueNoDeadLetter.GraphDetection = `Every queue component without deadLetter, unless its delivery is at-most-once (nothing is retried).`

	queueNotIdempotent.GraphCheck = graphNotIdempotent
	queueNotIdempotent.GraphDetection = `Every queue component with at-least-once delivery (the default) and idempotentConsumers not set.`

	avSingleInstance.GraphCheck = graphSingleInstance
	avSingleInstance.GraphDetection = `Every service with one instance, on the path of a synchronous operation, while slo.availability ` +
		`is above the provider's single-instance SLA.`

	cacheStampede.GraphCheck = graphStampede
	cacheStampede.GraphDetection = `Every cache (role cache) with a TTL, stampede "none" and a stated hotKeyShare: a key a crowd ` +
		`shares. Caches of per-user keys (a cart, a timeline) state no hot key and stay silent.`

	cacheSyncExpiry.GraphCheck = graphSyncExpiry
	cacheSyncExpiry.GraphDetection = `Every cache with bulkLoaded, a TTL and no ttlJitter.`

	cacheStaleTTL.GraphCheck = graphStaleTTL
	cacheStaleTTL.GraphDetection = `Every cache with invalidation "ttl-only" and a TTL above cache.long_ttl in front of a store ` +
		`(its miss path) that some write operation writes to.`

	dbHotShardKey.GraphCheck = graphHotShard
	dbHotShardKey.GraphDetection = `Every database component with more than one shard, by its shardKeyCardinality and hotShardShare; ` +
		`the finding adds what the hot shard receives at peak (its share of the store's calls, reads and writes) against one shard's capacity.`

	avSingleProxy.GraphCheck = graphSingleProxy
	avSingleProxy.GraphDetection = `Every self-run balancer component (nginx, haproxy) with one instance that a synchronous operation passes through.`

	avOneZone.GraphCheck = graphOneZone
	avOneZone.GraphDetection = `Every service with several instances in one zone that a synchronous operation waits for, while ` +
		`slo.availability is above the provider's SLA for a deployment not spread across zones.`

	dbNoFailover.GraphCheck = graphNoFailover
	dbNoFailover.GraphDetection = `Every PostgreSQL or MySQL component a synchronous operation waits for with failover "none", ` +
		`while slo.availability is above the managed single-node SLA.`

	avNoHealthChecks.GraphCheck = graphNoHealthChecks
	avNoHealthChecks.GraphDetection = `Every load-balancer component with healthChecks: false.`
}

// graphNoSLO is LAT002 without the operations a CDN serves alone: a
// static asset answered at the edge has no tail of the team's to bound.
func graphNoSLO(c *Context) []Finding {
	var out []Finding
	for _, f := range latNoSLO.Check(c) {
		if !c.cdnOnly(f.Component) {
			out = append(out, f)
		}
	}
	return out
}

// cdnOnly says whether every step of the operation is a CDN that calls
// and misses to nothing.
func (c *Context) cdnOnly(op string) bool {
	if c.Model == nil || len(c.Model.Calls[op]) == 0 {
		return false
	}
	for _, s := range c.Model.Calls[op] {
		k := c.comp(s.To)
		if k == nil || k.Family() != schema.FamilyCDN || len(s.Calls) > 0 || len(s.Miss) > 0 {
			return false
		}
	}
	return true
}

func graphNoTraces(c *Context) []Finding {
	if c.Design.Observability.Traces {
		return nil
	}
	limit := int(th("observability.trace_hops"))
	hops := map[string][]string{}
	c.walkSteps(func(v stepVisit) {
		k := c.comp(v.step.To)
		if !v.sync() || k == nil || k.Family() == schema.FamilyLB || k.Family() == schema.FamilyCDN {
			return
		}
		if !slices.Contains(hops[v.op.Name], k.Name) {
			hops[v.op.Name] = append(hops[v.op.Name], k.Name)
		}
	})
	for _, op := range c.Design.Operations() {
		if h := hops[op.Name]; len(h) >= limit {
			return []Finding{at("observability", "observability.traces",
				"no tracing, but %s crosses %d components while its caller waits (%s): when it is slow, nothing says which hop ate the time",
				op.Name, len(h), strings.Join(h, " → "))}
		}
	}
	return nil
}

func graphP99AboveSLO(c *Context) []Finding {
	var out []Finding
	for _, op := range c.Design.Operations() {
		g := c.graphOp(op.Name)
		if g == nil || g.SLOP99Ms == nil || g.Fails {
			continue
		}
		p := float64(g.P99Ms)
		if !math.IsInf(p, 1) && p <= *g.SLOP99Ms {
			continue
		}
		msg := fmt.Sprintf("%s's p99 is estimated at %s against its %s SLO", op.Name, graphMs(g.P99Ms), ms(*g.SLOP99Ms/1000))
		if g.Bottleneck != "" {
			msg += fmt.Sprintf(": %s cannot keep up at peak", g.Bottleneck)
		}
		out = append(out, at(op.Name, "slo.p99."+op.Name, "%s", msg))
	}
	return out
}

func graphAvailabilityBelowSLO(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	slo := float64(c.Design.SLO.Availability)
	var out []Finding
	for _, g := range c.Graph.Operations {
		if g.Async || g.Availability >= slo {
			continue
		}
		// The weakest of what it cannot do without, lowest first.
		type part struct {
			name string
			a    float64
		}
		var parts []part
		for _, n := range g.Requires {
			if gc := c.graphComp(n); gc != nil && gc.Availability != nil && *gc.Availability < 1 {
				parts = append(parts, part{n, *gc.Availability})
			}
		}
		sort.SliceStable(parts, func(i, j int) bool { return parts[i].a < parts[j].a })
		var weakest []string
		for _, p := range parts[:min(3, len(parts))] {
			weakest = append(weakest, p.name+" "+pct(p.a))
		}
		out = append(out, at(g.Name, "slo.availability", "%s is estimated at %s against the %s SLO: it cannot do without %s (the weakest: %s), about %s of downtime a month against the SLO's %s",
			g.Name, pct(g.Availability), pct(slo), plural(len(g.Requires), "component", "components"), strings.Join(weakest, ", "), downtime(g.Availability), downtime(slo)))
	}
	return out
}

func graphOverBudget(c *Context) []Finding {
	if c.Graph == nil || c.Design.Budget == nil {
		return nil
	}
	cloud := c.Design.System.Cloud
	cost := c.Graph.Costs.For(cloud).MonthlyUSD
	budget := c.Design.Budget.MonthlyUSD
	if cost <= budget {
		return nil
	}
	return []Finding{at("budget", "budget.monthlyUSD", "the design costs about $%s a month on %s, $%s over the $%s budget",
		num(cost), cloud, num(cost-budget), num(budget))}
}

// syncReached is the components some synchronous operation waits for.
func (c *Context) syncReached() map[string]bool {
	out := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		if v.sync() {
			out[v.step.To] = true
		}
	})
	return out
}

func graphSaturated(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	sync := c.syncReached()
	var out []Finding
	for _, g := range c.Graph.Components {
		if !sync[g.Name] {
			continue
		}
		switch {
		case g.Utilization != nil && *g.Utilization >= 1:
			out = append(out, at(g.Name, compPath(g.Name), "at peak %s receives %s against the %s it serves: requests queue without bound",
				g.Name, rps(g.LoadRPS), rps(*g.CapacityRPS)))
		case g.InFlight != nil && g.Concurrency > 0 && *g.InFlight >= float64(g.Concurrency):
			out = append(out, at(g.Name, compPath(g.Name)+".concurrency", "at peak %s holds %s requests per instance in flight against its %d slots: it is out of concurrency before it is out of CPU",
				g.Name, num(*g.InFlight), g.Concurrency))
		}
	}
	return out
}

func graphWorkersTooFew(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	var out []Finding
	for _, g := range c.Graph.Components {
		if g.Kind != "worker" || g.Utilization == nil || *g.Utilization < 1 {
			continue
		}
		out = append(out, at(g.Name, compPath(g.Name)+".instances", "at peak %s receives %s but its %s serve %s: the backlog grows without bound",
			g.Name, rps(g.LoadRPS), plural(g.Instances, "consumer", "consumers"), rps(*g.CapacityRPS)))
	}
	return out
}

func (c *Context) kindComponents(family string) []*schema.Component {
	if c.Model == nil {
		return nil
	}
	var out []*schema.Component
	for _, k := range c.Model.Components {
		if k.Family() == family {
			out = append(out, k)
		}
	}
	return out
}

func graphNoDeadLetter(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyQueue) {
		if !k.DeadLetter && k.Delivery != "at-most-once" {
			out = append(out, at(k.Name, compPath(k.Name), "%s has no dead-letter queue: a message that always fails is retried forever or dropped", k.Name))
		}
	}
	return out
}

func graphNotIdempotent(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyQueue) {
		if (k.Delivery == "" || k.Delivery == "at-least-once") && !k.IdempotentConsumers {
			out = append(out, at(k.Name, compPath(k.Name), "%s delivers at least once, and its consumers are not idempotent: a redelivered message is processed twice", k.Name))
		}
	}
	return out
}

func graphSingleInstance(c *Context) []Finding {
	sla, src, ok := c.sla("compute.single")
	if !ok || float64(c.Design.SLO.Availability) <= sla {
		return nil
	}
	sync := c.syncReached()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyService) {
		if k.Kind != "service" || !sync[k.Name] || k.Instances > 1 {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".instances", "one instance of %s (%s) cannot meet slo.availability %s: it allows %s of downtime a month, the SLO %s",
			k.Name, src, pct(float64(c.Design.SLO.Availability)), downtime(sla), downtime(float64(c.Design.SLO.Availability))))
	}
	return out
}

func graphNoHealthChecks(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyLB) {
		if k.HealthChecks != nil && !*k.HealthChecks {
			out = append(out, at(k.Name, compPath(k.Name)+".healthChecks", "%s does not health-check what it balances: a dead instance keeps receiving its share of requests", k.Name))
		}
	}
	return out
}

// caches is every cache component (role cache) with its estimate.
func (c *Context) caches() []*schema.Component {
	var out []*schema.Component
	for _, k := range c.kindComponents(schema.FamilyCache) {
		if k.IsCache() {
			out = append(out, k)
		}
	}
	return out
}

func graphStampede(c *Context) []Finding {
	var out []Finding
	for _, k := range c.caches() {
		if k.TTL == nil || k.Stampede != "none" || k.HotKeyShare == nil {
			continue
		}
		reads := 0.0
		if g := c.graphComp(k.Name); g != nil {
			reads = g.LoadRPS
		}
		share := float64(*k.HotKeyShare)
		out = append(out, at(k.Name, compPath(k.Name)+".stampede", "no stampede defence on %s's %s TTL: its hottest key takes %s of %s (%s); when it expires, every one of them misses until one refetch lands",
			k.Name, durText(*k.TTL), rps(reads*share), rps(reads), pct(share)))
	}
	return out
}

func graphSyncExpiry(c *Context) []Finding {
	var out []Finding
	for _, k := range c.caches() {
		if k.TTL == nil || !k.BulkLoaded || k.TTLJitter > 0 {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".ttlJitter", "%s's bulk-loaded keys share one %s TTL with no jitter: they all expire at once, and their reads fall through together",
			k.Name, durText(*k.TTL)))
	}
	return out
}

func graphStaleTTL(c *Context) []Finding {
	long := th("cache.long_ttl")
	// The stores behind each cache, and the stores some write reaches.
	behind := map[string]map[string]bool{}
	written := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		if v.op.Kind == "write" {
			written[v.step.To] = true
		}
		for _, m := range v.step.Miss {
			if behind[v.step.To] == nil {
				behind[v.step.To] = map[string]bool{}
			}
			behind[v.step.To][m.To] = true
		}
	})
	var out []Finding
	for _, k := range c.caches() {
		if k.Invalidation != "ttl-only" || k.TTL == nil || k.TTL.Seconds() <= long {
			continue
		}
		for _, store := range sortedKeys(behind[k.Name]) {
			if written[store] {
				out = append(out, at(k.Name, compPath(k.Name)+".invalidation", "%s is written to, but %s relies on a %s TTL alone: a changed value is served stale for up to %s (threshold %s)",
					store, k.Name, durText(*k.TTL), durText(*k.TTL), dur(long)))
				break
			}
		}
	}
	return out
}

// graphHotShard is DB002 on every sharded store: a shard key with too few
// values, or a busiest shard past its fair share — with the load that
// shard takes at peak, reads as well as writes.
func graphHotShard(c *Context) []Finding {
	minKeys, factor := th("shard.min_keys_per_shard"), th("shard.hot_share_factor")
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if k.Shards <= 1 {
			continue
		}
		fair := 1 / float64(k.Shards)
		if card := k.ShardKeyCardinality; card != nil && float64(*card) < float64(k.Shards)*minKeys {
			out = append(out, at(k.Name, compPath(k.Name)+".shardKeyCardinality",
				"%s's shard key %q has %s distinct values for %d shards (%s per shard, fewer than %s): the keys cannot spread evenly and one heavy value dominates its shard",
				k.Name, k.ShardKey, num(float64(*card)), k.Shards, num(float64(*card)/float64(k.Shards)), num(minKeys)))
			continue
		}
		hot := k.HotShardShare
		if hot == nil || float64(*hot) <= factor*fair {
			continue
		}
		msg := fmt.Sprintf("%s's busiest shard takes %s of its calls against a fair share of %s across %d shards: it saturates %s× sooner than the rest",
			k.Name, pct(float64(*hot)), pct(fair), k.Shards, num(float64(*hot)/fair))
		if g := c.graphComp(k.Name); g != nil && g.CapacityRPS != nil {
			perShard := *g.CapacityRPS / float64(k.Shards)
			msg += fmt.Sprintf(" (%s at peak against one shard's %s)", rps(g.LoadRPS*float64(*hot)), rps(perShard))
		}
		out = append(out, at(k.Name, compPath(k.Name)+".hotShardShare", "%s", msg))
	}
	return out
}

func graphSingleProxy(c *Context) []Finding {
	sync := c.syncReached()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyLB) {
		if k.Kind == "managed-lb" || k.Instances > 1 || !sync[k.Name] {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".instances", "one %s instance (%s) fronts what it balances: it is a single point of failure for every operation through it", k.Kind, k.Name))
	}
	return out
}

func graphOneZone(c *Context) []Finding {
	sla, src, ok := c.sla("compute.same_zone")
	if !ok {
		sla, src, ok = c.sla("compute.single")
	}
	slo := float64(c.Design.SLO.Availability)
	if !ok || slo <= sla {
		return nil
	}
	sync := c.syncReached()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyService) {
		if k.Kind != "service" || k.Instances < 2 || k.Zones > 1 || !sync[k.Name] {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".zones", "all %d instances of %s run in one zone (%s) but slo.availability is %s: one zone event takes every instance down together",
			k.Instances, k.Name, src, pct(slo)))
	}
	return out
}

func graphNoFailover(c *Context) []Finding {
	sla, src, ok := c.sla("db.managed.single")
	if !ok {
		sla, src, ok = c.sla("db.managed.same_zone")
	}
	slo := float64(c.Design.SLO.Availability)
	if !ok || slo <= sla {
		return nil
	}
	sync := c.syncReached()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if !k.Primary() || k.Failover != "" && k.Failover != "none" || !sync[k.Name] {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".failover", "no failover: %s is one node (%s) but slo.availability is %s, which allows %s of downtime a month against the node's %s",
			k.Name, src, pct(slo), downtime(slo), downtime(sla)))
	}
	return out
}
