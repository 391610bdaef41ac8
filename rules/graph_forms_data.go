package rules

import (
	"fmt"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The sections' rules about data — consistency, caches, databases and
// queues — on a design written with components: each runs on every
// component of the kind it is about and names it, and reads what the call
// trees say about who reads and writes it.

func init() {
	capStaleRead.GraphCheck = graphStaleRead
	capStaleRead.GraphDetection = `An operation whose consistency.require is "strong" or "read-your-writes" that reads, while its caller ` +
		`waits, a cache (role "cache", invalidation not "immutable") or a database that serves reads from replicas (readFromReplicas) ` +
		`with replication other than "sync". A Redis that is the store of record (role "store") is not a copy and is not flagged.`

	capLinearisable.GraphCheck = graphLinearisable
	capLinearisable.GraphDetection = `A write operation with needs (uniqueness, counter, money) that calls a cassandra or dynamodb ` +
		`component without conditionalWrites, or that declares consistency.partition "AP" while it calls a store.`

	capSyncCrossRegion.GraphCheck = graphSyncCrossRegion
	capSyncCrossRegion.GraphDetection = `A multi-region design where a write operation with a p99 SLO below one cross-region round trip ` +
		`(network.rtt.cross_continent) calls a database component with replicas and replication "sync" or "semi-sync".`

	cacheMemcachedDurable.GraphCheck = graphMemcachedDurable
	cacheMemcachedDurable.GraphDetection = `Every memcached component that is a store of record (role "store"), must survive a restart, or is written behind.`

	cacheWriteBehindLossless.GraphCheck = graphWriteBehindLossless
	cacheWriteBehindLossless.GraphDetection = `Every cache component with pattern "write-behind" while slo.durability is "lossless".`

	cacheImmutableLie.GraphCheck = graphImmutableLie
	cacheImmutableLie.GraphDetection = `Every cache with invalidation "immutable" whose miss path reaches a store holding mutable data (data.mutable).`

	cacheCDNUncacheable.GraphCheck = graphCDNUncacheable
	cacheCDNUncacheable.GraphDetection = `Every CDN component called only by operations that are not public: it can cache none of their responses.`

	cacheUnused.GraphCheck = graphCacheUnused
	cacheUnused.GraphDetection = `Every cache (role "cache") that no read operation calls: writes alone (invalidations) buy no latency. ` +
		`A component nobody calls at all is COST004's.`

	cacheBelowWorkingSet.GraphCheck = graphBelowWorkingSet
	cacheBelowWorkingSet.GraphDetection = `Every cache that states both hitRatio and the catalogue its callers read through it ` +
		`(catalogue, itemSize): Che's approximation for LRU over that catalogue, with the cache's memory and per-item overhead, ` +
		`below the stated ratio. The rows of the store behind it are not its catalogue: a cache holds what is read through it.`

	cacheColdStart.GraphCheck = graphColdStart
	cacheColdStart.GraphDetection = `For the busiest caches (role "cache", by peak calls; at most three), the estimate's down:NAME ` +
		`scenario, in which every call misses, as after a flush or a failover: a component below 100% busy at peak that reaches ` +
		`100% there is flagged.`

	cacheRedisCore.GraphCheck = graphRedisCore
	cacheRedisCore.GraphDetection = `Every redis or managed-redis component with one node whose peak calls, from the component estimate, ` +
		`exceed redis.get_per_node; and, with several nodes and a stated hotKeyShare, the node that holds the hottest key ` +
		`(that key's share plus its part of the rest) beyond it: the hot read partition more nodes do not spread.`

	dbWritesBeyondPrimary.GraphCheck = graphWritesBeyondPrimary
	dbWritesBeyondPrimary.GraphDetection = `Every PostgreSQL or MySQL component with one shard whose peak writes, from the component ` +
		`estimate (every write operation's calls to it, fan-outs and retries included), exceed <kind>.commits_per_node.`

	dbNoSQLUnjustified.GraphCheck = graphNoSQLUnjustified
	dbNoSQLUnjustified.GraphDetection = `Every dynamodb, cassandra or mongodb component without accessPattern; the finding compares its ` +
		`peak writes with what one PostgreSQL primary commits.`

	dbConnections.GraphCheck = graphConnections
	dbConnections.GraphDetection = `Every database component with maxConnections, against the sum over the services and workers that ` +
		`call it directly of instances × connectionsPerInstance.`

	dbIdleReplicas.GraphCheck = graphIdleReplicas
	dbIdleReplicas.GraphDetection = `Every PostgreSQL or MySQL component with replicas, readFromReplicas false and failover "none". ` +
		`The replicas of Cassandra, DynamoDB and MongoDB are the store's replication factor, serving reads and surviving a node, and are not flagged.`

	dbSequentialRange.GraphCheck = graphSequentialRange
	dbSequentialRange.GraphDetection = `Every database component with more than one shard, shardStrategy "range" and a shard key whose name looks sequential.`

	dbStorageHorizon.GraphCheck = graphStorageHorizon
	dbStorageHorizon.GraphDetection = `Every database component that states storage, against the component estimate's stored bytes at ` +
		`the horizon (its data, grown by the writes that reach it) spread over its shards.`

	queueSlowInline.GraphCheck = graphSlowInline
	queueSlowInline.GraphDetection = `A synchronous operation that lists slowWork and whose call tree has no asynchronous step (nothing ` +
		`is handed to a queue). A payment authorised inline through an external component is the modelled call the answer needs, ` +
		`not slow work to defer, and is not flagged.`

	queueKafkaTrickle.GraphCheck = graphKafkaTrickle
	queueKafkaTrickle.GraphDetection = `Every kafka component with replay false, one consumer group and a peak load, from the component ` +
		`estimate, below queue.kafka_trickle.`

	queueNoReplay.GraphCheck = graphNoReplay
	queueNoReplay.GraphDetection = `Every rabbitmq or sqs component with replay true, and every sqs component with more than one ` +
		`consumer group or consumed by more than one worker component.`

	queueIdlePartitions.GraphCheck = graphIdlePartitions
	queueIdlePartitions.GraphDetection = `Every worker that consumes a kafka component with more instances than the topic has partitions.`

	queueAtMostOnceLossless.GraphCheck = graphAtMostOnceLossless
	queueAtMostOnceLossless.GraphDetection = `Every queue component with delivery "at-most-once", while slo.durability is "lossless", ` +
		`that a write operation calls before any store holds its write: the queue is what carries the write. A queue that ` +
		`notifies of a write already stored (a chat message pushed to online members after it is saved) loses a ` +
		`notification, not the write, and is not flagged.`
}

// callers maps each component to the operations that call it, in order.
func (c *Context) callers(pred func(v stepVisit) bool) map[string][]*schema.Operation {
	out := map[string][]*schema.Operation{}
	c.walkSteps(func(v stepVisit) {
		if pred != nil && !pred(v) {
			return
		}
		ops := out[v.step.To]
		if len(ops) == 0 || ops[len(ops)-1] != v.op {
			out[v.step.To] = append(ops, v.op)
		}
	})
	return out
}

func graphStaleRead(c *Context) []Finding {
	var out []Finding
	seen := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		cons, ok := c.consistency(v.op.Name)
		k := c.comp(v.step.To)
		if !ok || (cons.Require != "strong" && cons.Require != "read-your-writes") || !v.sync() || k == nil || !v.op.IsRead() {
			return
		}
		key := v.op.Name + "@" + k.Name
		if seen[key] {
			return
		}
		switch {
		case k.IsCache() && k.Invalidation != "immutable":
			seen[key] = true
			ttl := "no TTL"
			if k.TTL != nil {
				ttl = "a " + durText(*k.TTL) + " TTL"
			}
			out = append(out, at(v.op.Name, v.step.Path,
				"%s requires %s consistency but reads through %s (invalidation %q, %s): a cached copy can be stale after a write",
				v.op.Name, cons.Require, k.Name, k.Invalidation, ttl))
		case k.Family() == schema.FamilyDatabase && k.ReadFromReplicas && k.Replicas > 0 && k.Replication != "sync":
			seen[key] = true
			out = append(out, at(v.op.Name, v.step.Path,
				"%s requires %s consistency but reads %s, which serves reads from %s with %s replication: a read just after a write can return the old value for as long as replication lags",
				v.op.Name, cons.Require, k.Name, plural(k.Replicas, "replica", "replicas"), k.Replication))
		}
	})
	return out
}

func graphLinearisable(c *Context) []Finding {
	var out []Finding
	seen := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		op, k := v.op, c.comp(v.step.To)
		if op.IsRead() || len(op.Needs) == 0 || k == nil || seen[op.Name] {
			return
		}
		f := k.Family()
		if f != schema.FamilyDatabase && !(f == schema.FamilyCache && !k.IsCache()) {
			return
		}
		needs := strings.Join(op.Needs, ", ")
		cons, _ := c.consistency(op.Name)
		switch {
		case apStores[k.Kind] && !k.ConditionalWrites:
			seen[op.Name] = true
			out = append(out, at(op.Name, compPath(k.Name)+".conditionalWrites",
				"%s needs linearisable writes (%s) but writes %s, %s AP store without conditional writes: during a partition both sides can accept conflicting writes",
				op.Name, needs, k.Name, schema.AKind(k.Kind)))
		case cons.Partition == "AP":
			seen[op.Name] = true
			out = append(out, at(op.Name, "consistency."+op.Name+".partition",
				"%s needs linearisable writes (%s) but declares AP: answering writes on both sides of a partition breaks %s",
				op.Name, needs, needs))
		}
	})
	return out
}

func graphSyncCrossRegion(c *Context) []Finding {
	d := c.Design
	if d.System.Footprint != schema.MultiRegion {
		return nil
	}
	rtt := th("network.rtt.cross_continent")
	var out []Finding
	seen := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		op, k := v.op, c.comp(v.step.To)
		p99, ok := d.SLO.P99[op.Name]
		if op.IsRead() || !ok || p99.Seconds() >= rtt || k == nil || k.Family() != schema.FamilyDatabase ||
			k.Replicas == 0 || (k.Replication != "sync" && k.Replication != "semi-sync") || seen[op.Name] {
			return
		}
		seen[op.Name] = true
		out = append(out, at(op.Name, compPath(k.Name)+".replication",
			"%s replication of %s across %d regions makes every %s write wait one cross-region round trip (about %s) but its p99 SLO is %s",
			k.Replication, k.Name, d.System.Regions, op.Name, ms(rtt), p99))
	})
	return out
}

func graphMemcachedDurable(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyCache) {
		if k.Kind != "memcached" {
			continue
		}
		switch {
		case k.Role == "store":
			out = append(out, at(k.Name, compPath(k.Name)+".role",
				"%s is the store of record but memcached has no persistence and no replication: a restart or the loss of a node loses what it holds (%s)",
				k.Name, plural(max(1, k.Nodes), "node", "nodes")))
		case k.MustSurviveRestart:
			out = append(out, at(k.Name, compPath(k.Name)+".mustSurviveRestart",
				"%s must survive a restart but memcached has no persistence and no replication: a restart or the loss of a node loses what it holds (%s)",
				k.Name, plural(max(1, k.Nodes), "node", "nodes")))
		case k.Pattern == "write-behind":
			out = append(out, at(k.Name, compPath(k.Name)+".pattern",
				"write-behind keeps writes only in %s until they are flushed, and memcached has no persistence or replication: a node loss loses acknowledged writes", k.Name))
		}
	}
	return out
}

func graphWriteBehindLossless(c *Context) []Finding {
	if c.Design.SLO.Durability != "lossless" {
		return nil
	}
	var out []Finding
	for _, k := range c.caches() {
		if k.Pattern != "write-behind" {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".pattern",
			"%s writes behind: it acknowledges writes before the store has them, but slo.durability is lossless: losing a node (persistence %q, %s) loses acknowledged writes",
			k.Name, k.Persistence, plural(k.Replicas, "replica", "replicas")))
	}
	return out
}

// missStores maps each cache or CDN to the stores its miss paths reach
// (directly or through what it misses to), in the order first seen.
func (c *Context) missStores() map[string][]string {
	out := map[string][]string{}
	var reach func(cache string, steps []schema.Step)
	reach = func(cache string, steps []schema.Step) {
		for _, s := range steps {
			if k := c.comp(s.To); k != nil && k.Data != nil && !contains(out[cache], k.Name) {
				out[cache] = append(out[cache], k.Name)
			}
			reach(cache, s.Calls)
			reach(cache, s.Miss)
			reach(cache, s.Parallel)
		}
	}
	c.walkSteps(func(v stepVisit) {
		if len(v.step.Miss) > 0 {
			reach(v.step.To, v.step.Miss)
		}
	})
	return out
}

func graphImmutableLie(c *Context) []Finding {
	behind := c.missStores()
	var out []Finding
	for _, k := range c.caches() {
		if k.Invalidation != "immutable" {
			continue
		}
		for _, store := range behind[k.Name] {
			if s := c.comp(store); s.Data.Mutable {
				ttl := "with no TTL"
				if k.TTL != nil {
					ttl = "for up to " + durText(*k.TTL)
				}
				out = append(out, at(k.Name, compPath(k.Name)+".invalidation",
					"%s treats what it caches as immutable, but %s holds mutable data: a changed value stays cached %s with nothing to evict it",
					k.Name, store, ttl))
				break
			}
		}
	}
	return out
}

func graphCDNUncacheable(c *Context) []Finding {
	ops := c.callers(nil)
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyCDN) {
		behind := ops[k.Name]
		if len(behind) == 0 {
			continue // COST004: nobody calls it
		}
		public := false
		for _, op := range behind {
			public = public || op.Public
		}
		if !public {
			out = append(out, at(k.Name, compPath(k.Name),
				"%s is in front of %s but none of them is public, so it can cache none of their responses: every request pays the extra hop and the CDN bill",
				k.Name, opNames(behind)))
		}
	}
	return out
}

func graphCacheUnused(c *Context) []Finding {
	all := c.callers(nil)
	reads := c.callers(func(v stepVisit) bool { return v.op.IsRead() })
	var out []Finding
	for _, k := range c.caches() {
		if len(all[k.Name]) == 0 || len(reads[k.Name]) > 0 {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name),
			"%s (%s of memory) is written by %s but no read operation reads through it: it is paid for and buys no latency",
			k.Name, bytesWords(k.Memory), opNames(all[k.Name])))
	}
	return out
}

func graphBelowWorkingSet(c *Context) []Finding {
	var out []Finding
	for _, k := range c.caches() {
		g := c.graphComp(k.Name)
		if g == nil || g.ModelledHitRatio == nil || k.HitRatio == nil || *g.ModelledHitRatio >= float64(*k.HitRatio) {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".memory",
			"%s of %s holds %s of the %s keys read through it, for an estimated %s hit ratio against the %s the design assumes: the misses, and the load behind it, are higher than planned",
			bytesWords(k.Memory), k.Name, num(g.KeysHeld), num(float64(*k.Catalogue)), pct(*g.ModelledHitRatio), pct(float64(*k.HitRatio))))
	}
	return out
}

func graphColdStart(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	var busy []estimator.GraphComponent
	for _, k := range c.caches() {
		if g := c.graphComp(k.Name); g != nil && g.LoadRPS > 0 {
			busy = append(busy, *g)
		}
	}
	var out []Finding
	busy, results := c.busiestScenarios("down", busy, true)
	for i, r := range results {
		k := busy[i]
		if r == nil {
			continue
		}
		for _, gc := range r.Components {
			peak := c.graphComp(gc.Name)
			if gc.Utilization == nil || *gc.Utilization < 1 || peak == nil || peak.Utilization == nil || *peak.Utilization >= 1 {
				continue
			}
			out = append(out, at(k.Name, compPath(k.Name),
				"with %s cold (every read misses, as after a flush or a failover) %s receives %s at peak against the %s it serves (%s busy with the cache warm): it falls over while the cache refills",
				k.Name, gc.Name, rps(gc.LoadRPS), rps(*gc.CapacityRPS), pct(*peak.Utilization)))
		}
	}
	return out
}

func graphRedisCore(c *Context) []Finding {
	per, ok := c.figure("redis.get_per_node")
	if !ok {
		return nil
	}
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyCache) {
		g := c.graphComp(k.Name)
		if k.Kind != "redis" && k.Kind != "managed-redis" || g == nil {
			continue
		}
		nodes := max(1, k.Nodes)
		switch {
		case nodes == 1 && g.LoadRPS > per.V():
			out = append(out, at(k.Name, compPath(k.Name)+".nodes",
				"one node of %s must serve %s ops/s at peak, beyond the %s ops/s one node's core serves (redis.get_per_node): Redis runs commands on one thread",
				k.Name, num(g.LoadRPS), num(per.V())))
		case nodes > 1 && k.HotKeyShare != nil:
			// A key lives on one node: its share lands there, beside the
			// node's part of the rest.
			hot := float64(*k.HotKeyShare)
			onNode := g.LoadRPS * (hot + (1-hot)/float64(nodes))
			if onNode <= per.V() {
				continue
			}
			out = append(out, at(k.Name, compPath(k.Name)+".hotKeyShare",
				"%s's hottest key takes %s of its %s ops/s at peak, and a key lives on one of its %d nodes: that node serves %s ops/s, beyond the %s one node's core serves (redis.get_per_node); more nodes do not spread one key",
				k.Name, pct(hot), num(g.LoadRPS), nodes, num(onNode), num(per.V())))
		}
	}
	return out
}

func graphWritesBeyondPrimary(c *Context) []Finding {
	writers := c.callers(func(v stepVisit) bool { return !v.op.IsRead() })
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		g := c.graphComp(k.Name)
		if !k.Primary() || k.Shards > 1 || g == nil || g.WriteCapacityRPS == nil || g.WriteRPS <= *g.WriteCapacityRPS {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".shards",
			"%s of peak writes (%s) go to one %s primary, %s, which commits about %s per second (%s.commits_per_node): replicas add no write capacity",
			rps(g.WriteRPS), opNames(writers[k.Name]), k.Kind, k.Name, num(*g.WriteCapacityRPS), k.Kind))
	}
	return out
}

func graphNoSQLUnjustified(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if !nosql[k.Kind] || k.AccessPattern != "" {
			continue
		}
		msg := fmt.Sprintf("%s is %s but its accessPattern does not say which access pattern needs it", k.Name, schema.AKind(k.Kind))
		commits, ok := c.figure("postgres.commits_per_node")
		if g := c.graphComp(k.Name); ok && g != nil && g.WriteRPS <= commits.V() {
			msg += "; peak writes of " + rps(g.WriteRPS) + " fit one PostgreSQL primary (about " + num(commits.V()) + " commits/s)"
		}
		out = append(out, at(k.Name, compPath(k.Name)+".kind", "%s", msg))
	}
	return out
}

func graphConnections(c *Context) []Finding {
	// The distinct services and workers that call each store directly.
	direct := map[string][]string{}
	c.walkSteps(func(v stepVisit) {
		from := c.comp(v.caller())
		if from == nil || from.Family() != schema.FamilyService || contains(direct[v.step.To], from.Name) {
			return
		}
		direct[v.step.To] = append(direct[v.step.To], from.Name)
	})
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if k.MaxConnections == nil {
			continue
		}
		want := 0
		var terms []string
		for _, name := range direct[k.Name] {
			s := c.comp(name)
			n := max(1, s.Instances) * max(1, s.ConnectionsPerInstance)
			want += n
			terms = append(terms, fmt.Sprintf("%s %d × %d", name, max(1, s.Instances), max(1, s.ConnectionsPerInstance)))
		}
		if want <= *k.MaxConnections {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".maxConnections",
			"%s = %s connections to %s, above its limit of %s",
			strings.Join(terms, " + "), num(float64(want)), k.Name, num(float64(*k.MaxConnections))))
	}
	return out
}

func graphIdleReplicas(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if !k.Primary() || k.Replicas == 0 || k.ReadFromReplicas || k.Failover != "" && k.Failover != "none" {
			continue
		}
		what := plural(k.Replicas, "replica serves", "replicas serve")
		out = append(out, at(k.Name, compPath(k.Name)+".replicas",
			"%s's %s no reads and stand by for no failover: paid for and unused", k.Name, what))
	}
	return out
}

func graphSequentialRange(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		if k.Shards <= 1 || k.ShardStrategy != "range" || !sequentialKey.MatchString(k.ShardKey) {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".shardStrategy",
			"%s is range-sharded on %q, which grows with time: new writes all land in the last of its %d shards", k.Name, k.ShardKey, k.Shards))
	}
	return out
}

func graphStorageHorizon(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		g := c.graphComp(k.Name)
		if k.Storage == nil || g == nil || g.StorageBytes == nil || g.StorageBytesAtHorizon == nil {
			continue
		}
		capacity := float64(*k.Storage) * float64(max(1, k.Shards))
		now, later := *g.StorageBytes, *g.StorageBytesAtHorizon
		switch {
		case now > capacity:
			out = append(out, at(k.Name, compPath(k.Name)+".storage",
				"%s already holds %s, beyond the %s it has (%s), and grows to %s within %d months",
				k.Name, schema.FormatBytes(now), schema.FormatBytes(capacity), plural(max(1, k.Shards), "shard", "shards"), schema.FormatBytes(later), c.Graph.HorizonMonths))
		case later > capacity:
			out = append(out, at(k.Name, compPath(k.Name)+".storage",
				"%s's data grows from %s to %s within %d months, beyond the %s it has (%s)",
				k.Name, schema.FormatBytes(now), schema.FormatBytes(later), c.Graph.HorizonMonths, schema.FormatBytes(capacity), plural(max(1, k.Shards), "shard", "shards")))
		}
	}
	return out
}

func graphSlowInline(c *Context) []Finding {
	async := map[string]bool{}
	external := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		if v.step.Async {
			async[v.op.Name] = true
		}
		if k := c.comp(v.step.To); k != nil && k.Kind == "external" && v.sync() {
			external[v.op.Name] = true
		}
	})
	var out []Finding
	for _, op := range c.Design.Operations() {
		if op.Async || async[op.Name] || len(op.SlowWork) == 0 {
			continue
		}
		var inline []string
		for _, w := range op.SlowWork {
			if w == "payment" && external[op.Name] {
				continue // the authorisation the answer needs, modelled as its call
			}
			inline = append(inline, w)
		}
		if len(inline) == 0 {
			continue
		}
		out = append(out, at(op.Name, opPath(op, "slowWork"),
			"%s does %s inline%s at %s peak and hands nothing to a queue: the request waits for it and fails when that dependency does",
			op.Name, strings.Join(inline, ", "), underP99(c, op), rps(peakRPS(op))))
	}
	return out
}

// consumers maps each queue to the workers that consume it.
func (c *Context) consumers() map[string][]*schema.Component {
	out := map[string][]*schema.Component{}
	for _, k := range c.kindComponents(schema.FamilyService) {
		if k.Kind == "worker" && k.Consumes != "" {
			out[k.Consumes] = append(out[k.Consumes], k)
		}
	}
	return out
}

func graphKafkaTrickle(c *Context) []Finding {
	limit := th("queue.kafka_trickle")
	groups := c.consumers()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyQueue) {
		g := c.graphComp(k.Name)
		if k.Kind != "kafka" || k.Replay || k.ConsumerGroups > 1 || len(groups[k.Name]) > 1 || g == nil || g.LoadRPS >= limit {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".kind",
			"Kafka carries %s at peak on %s for one consumer group and no replay: a managed queue or RabbitMQ does this with far less to run",
			perTime(g.LoadRPS, "msg"), k.Name))
	}
	return out
}

func graphNoReplay(c *Context) []Finding {
	groups := c.consumers()
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyQueue) {
		n := max(k.ConsumerGroups, len(groups[k.Name]))
		switch {
		case k.Replay && (k.Kind == "rabbitmq" || k.Kind == "sqs"):
			out = append(out, at(k.Name, compPath(k.Name)+".replay",
				"%s is to be replayed but %s deletes messages once they are acknowledged: there is no history for a consumer to re-read", k.Name, k.Kind))
		case n > 1 && k.Kind == "sqs":
			out = append(out, at(k.Name, compPath(k.Name),
				"%d independent consumers need every message of %s, but SQS delivers each message to one consumer", n, k.Name))
		}
	}
	return out
}

func graphIdlePartitions(c *Context) []Finding {
	var out []Finding
	groups := c.consumers()
	for _, queue := range sortedKeys(groups) {
		workers, q := groups[queue], c.comp(queue)
		if q == nil || q.Kind != "kafka" {
			continue
		}
		for _, w := range workers {
			if w.Instances <= max(1, q.Partitions) {
				continue
			}
			p := max(1, q.Partitions)
			out = append(out, at(queue, compPath(queue)+".partitions",
				"%d instances of %s share %s's %d partitions: %d of them sit idle, so the group drains no faster than %d consumers",
				w.Instances, w.Name, queue, p, w.Instances-p, p))
		}
	}
	return out
}

func graphAtMostOnceLossless(c *Context) []Finding {
	if c.Design.SLO.Durability != "lossless" {
		return nil
	}
	// The write operations whose caller waits for a store: their write is
	// durable before any queue carries word of it.
	stored := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		if k := c.comp(v.step.To); k != nil && v.sync() && (k.Family() == schema.FamilyDatabase || k.Data != nil || k.Kind == "object-store" ||
			k.Family() == schema.FamilyCache && !k.IsCache()) && (v.step.Share == nil || float64(*v.step.Share) == 1) {
			stored[v.op.Name] = true
		}
	})
	writers := c.callers(func(v stepVisit) bool { return !v.op.IsRead() && !stored[v.op.Name] })
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyQueue) {
		if k.Delivery != "at-most-once" || len(writers[k.Name]) == 0 {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".delivery",
			"at-most-once delivery on %s drops %s messages when a consumer crashes mid-work, but slo.durability is lossless", k.Name, opNames(writers[k.Name])))
	}
	return out
}
