package rules

import (
	"fmt"
	"math"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The cache family: a cache spends memory (and risks stale data) to make
// reads fast; these rules find where that trade goes wrong.

const talkCache = `The talk, "Caching": "It is the single highest-leverage tool for latency — and the easiest to get subtly wrong."`

func init() {
	register(cacheStampede, cacheSyncExpiry, cacheStaleTTL, cacheMemcachedDurable, cacheRedisCore,
		cacheCDNUncacheable, cacheWriteBehindLossless, cacheImmutableLie, cacheUnused, cacheBelowWorkingSet, cacheColdStart)
}

var cacheStampede = &Rule{
	ID:       "CACHE001",
	Category: CategoryCache,
	Severity: Medium,
	Title:    "Hot key with a TTL and no stampede defence",
	Why: `When a popular key expires, every request for it misses at the same instant and goes to the database ` +
		`until one of them writes the answer back. A short lock, coalescing (one request refetches while the others ` +
		`wait) or an early refresh turns that herd back into a single query.`,
	Detection: `cache.kind is not "none", cache.ttl is set and cache.stampede is "none". The finding gives the peak ` +
		`read rate through the cache, the hottest key's share (cache.hotKeyShare, or 1/H(N,s) under the design's Zipf ` +
		`skew over the stored objects), and how many requests miss while one refetch is in flight (key rate × one ` +
		`database read: network.rtt.same_zone plus the store's primary-key lookup from estimator/data/defaults.yaml), ` +
		`against the database's read headroom at peak in the estimate.`,
	FalsePositives: `Keys refreshed by a background job before they expire never stampede; say so with stampede: "early-refresh".`,
	Remediation:    `Set cache.stampede to "coalesce" (golang.org/x/sync/singleflight in Go), "lock" or "early-refresh".`,
	References:     []string{talkCache, `The talk, "Stampede": "Defend with a short lock, by letting just one request refetch while the others wait ('coalescing'), or by adding a little randomness to the TTL ('jitter')."`},
	Bad: Example{Overlay: `
		cache: {stampede: "none", hotKeyShare: "5%"}
	`},
	Good: Example{Overlay: `
		cache: {stampede: "coalesce", hotKeyShare: "5%"}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if !d.Cache.Enabled() || d.Cache.TTL == nil || d.Cache.Stampede != "none" {
			return nil
		}
		reads := readRPSThrough(c, "cache")
		msg := fmt.Sprintf("no stampede defence on a %s TTL: %s of reads go through the cache", ttlWords(d.Cache), rps(reads))
		if share, how := hotKeyShare(c); share > 0 {
			key := reads * share
			msg += fmt.Sprintf("; the hottest key takes %s (%s, %s)", rps(key), pct(share), how)
			if lat, ok := dbReadSeconds(c); ok {
				if herd := key * lat; herd < 1.5 {
					msg += fmt.Sprintf("; when it expires about one request misses while a %s database read refetches it", ms(lat))
				} else {
					msg += fmt.Sprintf("; when it expires about %s requests miss while one %s database read refetches it, and all of them reach the database",
						num(herd), ms(lat))
				}
			}
			if db := c.component("database"); db != nil && db.DB != nil && db.DB.ReadCapacity > 0 {
				headroom := db.DB.ReadCapacity - db.DB.ReadsPerSec
				msg += fmt.Sprintf(" (its read headroom at peak: %s of %s)", rps(math.Max(0, headroom)), rps(db.DB.ReadCapacity))
				if key > headroom {
					msg += "; until a refetch lands, the key's misses alone exceed it"
				}
			}
		}
		return []Finding{at("cache", "cache.stampede", "%s", msg)}
	},
}

var cacheSyncExpiry = &Rule{
	ID:       "CACHE002",
	Category: CategoryCache,
	Severity: Medium,
	Title:    "Bulk-loaded keys with one TTL and no jitter expire together",
	Why: `Keys written together with the same TTL also expire together: the cache empties at one instant and every ` +
		`read falls through to the database at once. A little randomness in the TTL ("jitter") spreads the expiries ` +
		`so misses trickle instead of flood.`,
	Detection:      `cache.bulkLoaded is true, cache.ttl is set and cache.ttlJitter is 0.`,
	FalsePositives: `Keys filled on demand (cache-aside on a miss) expire at the times they were read, which spreads them already; this rule only fires for bulk-loaded keys.`,
	Remediation:    `Set cache.ttlJitter (10% is common) so each key's TTL is drawn from ttl ± jitter.`,
	References:     []string{talkCache, `The talk, "Stampede": "...adding a little randomness to the TTL ('jitter') so keys don't all expire together."`},
	Bad: Example{Overlay: `
		cache: {bulkLoaded: true, ttlJitter: 0}
	`},
	Good: Example{Overlay: `
		cache: {bulkLoaded: true, ttlJitter: "10%"}
	`},
	Check: func(c *Context) []Finding {
		cc := c.Design.Cache
		if !cc.Enabled() || cc.TTL == nil || !cc.BulkLoaded || cc.TTLJitter > 0 {
			return nil
		}
		return []Finding{at("cache", "cache.ttlJitter",
			"bulk-loaded keys share one %s TTL with no jitter: they all expire at once, and the %s of reads through the cache fall through to the database together",
			ttlWords(cc), rps(readRPSThrough(c, "cache")))}
	},
}

var cacheStaleTTL = &Rule{
	ID:       "CACHE003",
	Category: CategoryCache,
	Severity: Medium,
	Title:    "Mutable data invalidated only by a long TTL",
	Why: `A TTL is a safety net, not an invalidation strategy: with TTL-only invalidation a changed value is served ` +
		`stale until its copy expires. Short TTL = fresher but more misses; long TTL = faster but staler. For data ` +
		`that changes, delete or update the key on write.`,
	Detection: `cache.invalidation is "ttl-only", cache.ttl is longer than cache.long_ttl (rules/data/thresholds.yaml: ` +
		`1h, an assumption) and an operation stores mutable data (data.mutable: true).`,
	FalsePositives: `Data whose staleness does not matter (view counts, recommendations) can take a long TTL; waive it with that reason.`,
	Remediation:    `Delete the key on write (cache.invalidation: "delete-on-write"), or shorten cache.ttl to the staleness users can accept.`,
	References:     []string{talkCache, `The talk, "TTL": "Short TTL = fresher but more misses; long TTL = faster but staler. Tune per data."`},
	Bad: Example{Overlay: `
		cache: {invalidation: "ttl-only", ttl: "24h"}
		traffic: create: data: mutable: true
	`},
	Good: Example{Overlay: `
		cache: {invalidation: "delete-on-write", ttl: "24h"}
		traffic: create: data: mutable: true
	`},
	Check: func(c *Context) []Finding {
		cc := c.Design.Cache
		long := th("cache.long_ttl")
		if !cc.Enabled() || cc.Invalidation != "ttl-only" || cc.TTL == nil || cc.TTL.Seconds() <= long {
			return nil
		}
		for _, op := range c.Design.Operations() {
			if op.Data != nil && op.Data.Mutable {
				return []Finding{at("cache", "cache.invalidation",
					"%s changes stored data but the cache relies on a %s TTL alone: a changed value is served stale for up to %s (threshold %s)",
					op.Name, ttlWords(cc), ttlWords(cc), dur(long))}
			}
		}
		return nil
	},
}

var cacheMemcachedDurable = &Rule{
	ID:       "CACHE004",
	Category: CategoryCache,
	Severity: High,
	Title:    "Memcached holding data that must survive a restart or a node loss",
	Why: `Memcached is the bare-bones option: strings only, no persistence, no replication — lose the node and you ` +
		`lose the whole cache. That is fine for copies that can be refetched, not for data that exists only in the ` +
		`cache.`,
	Detection:      `cache.kind is "memcached" and cache.mustSurviveRestart is true or cache.pattern is "write-behind".`,
	FalsePositives: `None when the flags are set truthfully.`,
	Remediation:    `Use Redis with persistence ("snapshot" or "append-only") and a replica, or keep the data in the database and cache only copies.`,
	References:     []string{talkCache, `The talk, "Memcached": "strings only, no persistence, no replication — lose the node and you lose the whole cache."`},
	Bad: Example{Overlay: `
		cache: {kind: "memcached", replicas: 0, mustSurviveRestart: true}
	`},
	Good: Example{Overlay: `
		cache: {kind: "redis", persistence: "append-only", mustSurviveRestart: true}
	`},
	Check: func(c *Context) []Finding {
		cc := c.Design.Cache
		if cc.Kind != "memcached" {
			return nil
		}
		switch {
		case cc.MustSurviveRestart:
			return []Finding{at("cache", "cache.mustSurviveRestart",
				"the cached data must survive a restart but memcached has no persistence and no replication: a restart or the loss of a node loses what it holds (%s)",
				plural(cc.Nodes, "node", "nodes"))}
		case cc.Pattern == "write-behind":
			return []Finding{at("cache", "cache.pattern",
				"write-behind keeps writes only in memcached until they are flushed, and memcached has no persistence or replication: a node loss loses acknowledged writes")}
		}
		return nil
	},
}

var cacheRedisCore = &Rule{
	ID:       "CACHE006",
	Category: CategoryCache,
	Severity: High,
	Title:    "One Redis node beyond what a single core serves",
	Why: `Redis runs commands on a single-threaded core: one giant instance can itself become the bottleneck. ` +
		`Past one core's operations per second, latency climbs for every request that touches the cache.`,
	Detection: `cache.kind is "redis" or "managed-redis" with cache.nodes = 1, and the peak operations on the cache ` +
		`(one GET per read through it, plus one SET per miss at the assumed or stated hit ratio) exceed ` +
		`redis.get_per_node from estimator/data/defaults.yaml.`,
	FalsePositives: `Reads served by replicas (with a client that reads from them) spread the load; pipelining raises ` +
		`the ceiling. Override redis.get_per_node with a measured figure.`,
	Remediation: `Shard the keyspace across several nodes (Redis Cluster, cache.nodes > 1), or serve the hottest keys ` +
		`from process memory in front of Redis.`,
	References: []string{talkCache, `The talk, "Redis": "a single-threaded core ... one giant instance can itself become the bottleneck."`,
		`redis 2.2 doc/Benchmarks.html (redis.get_per_node).`},
	Bad: Example{Overlay: `
		traffic: redirect: rate: "100B/month"
		cache: nodes: 1
	`},
	Good: Example{Overlay: `
		traffic: redirect: rate: "100B/month"
		cache: nodes: 4
	`},
	Check: func(c *Context) []Finding {
		cc := c.Design.Cache
		if (cc.Kind != "redis" && cc.Kind != "managed-redis") || cc.Nodes > 1 {
			return nil
		}
		per, ok := c.figure("redis.get_per_node")
		comp := c.component("cache")
		if !ok || comp == nil || comp.Cache == nil || comp.Cache.OpsPerSecond <= per.V() {
			return nil
		}
		return []Finding{at("cache", "cache.nodes",
			"one Redis node must serve %s ops/s at peak (a GET per cached read plus a SET per miss at a %s hit ratio), beyond the %s ops/s one node's core serves (redis.get_per_node)",
			num(comp.Cache.OpsPerSecond), pct(comp.Cache.HitRatio), num(per.V()))}
	},
}

var cacheCDNUncacheable = &Rule{
	ID:       "CACHE007",
	Category: CategoryCache,
	Severity: Medium,
	Title:    "CDN in front of responses it cannot cache",
	Why: `A CDN is the cheapest possible hit — the request never reaches your servers — but only for public, ` +
		`cacheable responses. In front of anything else it is a monthly bill and an extra hop that saves nothing.`,
	Detection: `cdn.enabled is true and either cdn.cacheableShare is 0 or none of the operations whose path passes ` +
		`"cdn" is public.`,
	FalsePositives: `A CDN used for TLS termination or DDoS absorption rather than caching; waive the finding with that reason.`,
	Remediation:    `Put only public operations behind the CDN (traffic.<op>.public: true) or turn the CDN off.`,
	References:     []string{talkCache, `The talk, "CDN": "a CDN only helps for public, cacheable responses."`},
	Bad: Example{Overlay: `
		cdn: {enabled: true, cacheableShare: 0}
		traffic: redirect: path: ["cdn", "loadBalancer", "services", "cache", "replicas"]
	`},
	Good: Example{Overlay: `
		cdn: {enabled: true, cacheableShare: "60%"}
		traffic: redirect: {public: true, path: ["cdn", "loadBalancer", "services", "cache", "replicas"]}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if !d.CDN.Enabled {
			return nil
		}
		if d.CDN.CacheableShare != nil && *d.CDN.CacheableShare == 0 {
			return []Finding{at("cdn", "cdn.cacheableShare", "the CDN is enabled but caches 0%% of responses: every request pays the extra hop and the CDN bill for nothing")}
		}
		behind := c.opsThrough("cdn")
		for _, op := range behind {
			if op.Public {
				return nil
			}
		}
		if len(behind) == 0 {
			return []Finding{at("cdn", "cdn.enabled", "the CDN is enabled but no operation's path passes through it")}
		}
		return []Finding{at("cdn", "cdn.enabled", "the CDN is in front of %s but none of them is public, so it can cache none of their responses", opNames(behind))}
	},
}

var cacheWriteBehindLossless = &Rule{
	ID:       "CACHE009",
	Category: CategoryCache,
	Severity: High,
	Title:    "Write-behind cache under a lossless durability promise",
	Why: `Write-behind acknowledges a write once it is in the cache and flushes it to the database later: it buys ` +
		`write latency with durability. A design that promises an acknowledged write is never lost cannot keep ` +
		`acknowledged writes only in memory.`,
	Detection:      `cache.pattern is "write-behind" and slo.durability is "lossless".`,
	FalsePositives: `A cache with synchronous append-only persistence replicated across zones is close to a database; say so in a waiver.`,
	Remediation:    `Use cache-aside or write-through so the database has the write before it is acknowledged, or state slo.durability: "best-effort".`,
	References:     []string{talkCache, `The talk: "Read-heavy, latency-sensitive, must never lose a mapping."`},
	Bad: Example{Overlay: `
		cache: pattern: "write-behind"
	`},
	Good: Example{Overlay: `
		cache: pattern: "cache-aside"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if !d.Cache.Enabled() || d.Cache.Pattern != "write-behind" || d.SLO.Durability != "lossless" {
			return nil
		}
		return []Finding{at("cache", "cache.pattern",
			"write-behind acknowledges writes before the database has them, but slo.durability is lossless: losing a cache node (persistence %q, %s) loses acknowledged writes",
			d.Cache.Persistence, plural(d.Cache.Replicas, "replica", "replicas"))}
	},
}

var cacheImmutableLie = &Rule{
	ID:       "CACHE010",
	Category: CategoryCache,
	Severity: High,
	Title:    "Cache treats mutable data as immutable",
	Why: `Immutable data is the one case where cache invalidation is trivial: a cached copy can never go stale. ` +
		`Declaring invalidation "immutable" for data that does change means nothing ever removes the old copy, and ` +
		`the cache lies until the TTL ends it.`,
	Detection:      `cache.invalidation is "immutable" while an operation stores mutable data (data.mutable: true).`,
	FalsePositives: `A design that caches only the immutable part of its data; split the operations so the mutable data is not described as cached.`,
	Remediation:    `Delete or update the key on write (cache.invalidation: "delete-on-write" or "update-on-write").`,
	References:     []string{talkCache, `The talk, "URL shortener": "mappings are immutable, so cached entries never go stale."`},
	Bad: Example{Overlay: `
		traffic: create: data: mutable: true
	`},
	Good: Example{Overlay: `
		traffic: create: data: mutable: true
		cache: invalidation: "delete-on-write"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if !d.Cache.Enabled() || d.Cache.Invalidation != "immutable" {
			return nil
		}
		for _, op := range d.Operations() {
			if op.Data != nil && op.Data.Mutable {
				return []Finding{at("cache", "cache.invalidation",
					"cache.invalidation is immutable but %s stores mutable data: changed values stay cached for up to %s with nothing to evict them",
					op.Name, ttlWords(d.Cache))}
			}
		}
		return nil
	},
}

var cacheUnused = &Rule{
	ID:       "CACHE011",
	Category: CategoryCost,
	Severity: Low,
	Title:    "Cache that no operation reads through",
	Why: `A cache spends memory and money to make reads fast. If no operation's path passes through it, the design ` +
		`pays for the memory and buys no latency.`,
	Detection:      `cache.kind is not "none" and no operation lists "cache" in its path.`,
	FalsePositives: `A cache used by work the traffic section does not model; add that operation.`,
	Remediation:    `Add "cache" to the paths of the reads it serves, or remove the cache.`,
	References:     []string{talkCache, `The talk: "capacity costs money. The cheapest design that meets the SLO wins."`},
	Bad: Example{Overlay: `
		traffic: redirect: path: ["loadBalancer", "services", "replicas"]
	`},
	Good: Example{Overlay: `
		traffic: redirect: path: ["loadBalancer", "services", "cache", "replicas"]
	`},
	Check: func(c *Context) []Finding {
		if !c.Design.Cache.Enabled() || len(c.opsThrough("cache")) > 0 {
			return nil
		}
		return []Finding{at("cache", "cache.kind", "a %s cache with %s of memory is provisioned but no operation's path passes through it", c.Design.Cache.Kind, bytesWords(c.Design.Cache.Memory))}
	},
}

// readRPSThrough sums the peak rate of the reads whose path passes component.
func readRPSThrough(c *Context, component string) float64 {
	total := 0.0
	for _, op := range c.opsThrough(component) {
		if op.IsRead() {
			total += peakRPS(op)
		}
	}
	return total
}

// hotKeyShare is the share of reads on the single hottest key: stated, or
// the top rank's popularity under the design's Zipf skew over the objects
// the traffic stores.
func hotKeyShare(c *Context) (float64, string) {
	cc := c.Design.Cache
	if cc.HotKeyShare != nil {
		return float64(*cc.HotKeyShare), "cache.hotKeyShare"
	}
	objects := 0.0
	for _, op := range c.Design.Operations() {
		if op.Data != nil {
			objects += float64(op.Data.Objects)
		}
	}
	if cc.Zipf == nil || objects < 1 {
		return 0, ""
	}
	return 1 / zipfNorm(objects, *cc.Zipf), fmt.Sprintf("top of a Zipf(%s) over %s objects", num(*cc.Zipf), num(objects))
}

// zipfNorm is H(n,s) = Σ_{i=1..n} i^-s: the first ranks summed exactly, the
// tail by the midpoint integral.
func zipfNorm(n, s float64) float64 {
	const exact = 1000
	h := 0.0
	for i := 1.0; i <= math.Min(n, exact); i++ {
		h += math.Pow(i, -s)
	}
	if n <= exact {
		return h
	}
	a, b := exact+0.5, n+0.5
	if s == 1 {
		return h + math.Log(b/a)
	}
	return h + (math.Pow(b, 1-s)-math.Pow(a, 1-s))/(1-s)
}

// dbReadSeconds is one primary-key read from the application: a round trip
// in the zone plus the store's lookup time, from the sourced figures.
func dbReadSeconds(c *Context) (float64, bool) {
	rtt, ok := c.figure("network.rtt.same_zone")
	if !ok {
		return 0, false
	}
	lookup, ok := c.figure(c.Design.Database.Kind + ".pk_lookup")
	if !ok {
		return 0, false
	}
	return (rtt.V() + lookup.V()) / 1000, true
}

func opNames(ops []*schema.Operation) string {
	s := ""
	for i, op := range ops {
		if i > 0 {
			s += ", "
		}
		s += op.Name
	}
	return s
}

func bytesWords(b *schema.Bytes) string {
	if b == nil {
		return "unstated size"
	}
	return b.String()
}

var cacheBelowWorkingSet = &Rule{
	ID:       "CACHE005",
	Category: CategoryCache,
	Severity: Medium,
	Title:    "Cache memory below the working set: the hit ratio the design assumes is out of reach",
	Why: `A cache spends memory to buy hits. Under skewed (Zipf) popularity, the hit ratio a given memory buys can be ` +
		`estimated; when it is below what the design assumes, every miss the design did not plan for lands on the ` +
		`database.`,
	Detection: `cache.hitRatio is stated and the estimator's hit ratio (Che's approximation for LRU over the stored ` +
		`objects at the design's Zipf skew, with the cache's memory and per-item overhead) is below it.`,
	FalsePositives: `Popularity more skewed than the stated zipf exponent gives more hits; measure it and state it.`,
	Remediation:    `Add memory (cache.memory or cache.nodes) until the estimate reaches the assumed ratio, or plan the database for the estimated one.`,
	References:     []string{talkCache, `Che, Tung & Wang (2002); Fricker, Robert & Roberts, arXiv 1202.3974 (estimation.md §4.5).`},
	Bad: Example{Overlay: `
		cache: {memory: "2GiB", hitRatio: "90%"}
	`},
	Good: Example{Overlay: `
		cache: {memory: "2GiB", hitRatio: "40%"}
	`},
	Check: func(c *Context) []Finding {
		comp := c.component("cache")
		if comp == nil || comp.Cache == nil || comp.Cache.AssumedHitRatio == nil {
			return nil
		}
		cd := comp.Cache
		if cd.HitRatio >= *cd.AssumedHitRatio {
			return nil
		}
		msg := fmt.Sprintf("%s of cache holds %s of %s objects (%s usable), for an estimated %s hit ratio against the %s the design assumes",
			schema.FormatBytes(cd.MemoryBytes), num(cd.CapacityObjects), num(cd.Objects), schema.FormatBytes(cd.CapacityObjects*cd.ItemBytes),
			pct(cd.HitRatio), pct(*cd.AssumedHitRatio))
		if cd.WorkingSetBytes != nil {
			msg += fmt.Sprintf("; the assumed ratio needs a working set of %s usable", schema.FormatBytes(*cd.WorkingSetBytes))
		}
		return []Finding{at("cache", "cache.memory", "%s", msg)}
	},
}

var cacheColdStart = &Rule{
	ID:       "CACHE008",
	Category: CategoryCache,
	Severity: High,
	Title:    "The database cannot survive a cold cache at peak",
	Why: `A cache that absorbs most reads lets the database be sized for the misses — until the cache restarts, ` +
		`fails over or is flushed. Then every read is a miss, at peak, and a database sized for misses falls over, ` +
		`taking the service with it while the cache refills.`,
	Detection: `In the estimator's cold-cache scenario (every cached read misses at peak), the database tier that ` +
		`serves the misses (replicas when reads go there, else the primary) reaches 100% of its read capacity.`,
	FalsePositives: `A cache warmed from a snapshot (cache.persistence) before taking traffic never starts cold; the estimate does not model warming.`,
	Remediation:    `Give the cache a replica and persistence so it rarely starts cold, add database read capacity for the cold case, or warm the cache before routing traffic to it.`,
	References:     []string{talkCache},
	Bad: Example{Overlay: `
		traffic: redirect: rate: "100B/month"
		cache: nodes: 4
		database: replicas: 1
	`},
	Good: Example{Overlay: `
		traffic: redirect: rate: "10B/month"
		database: replicas: 2
	`},
	Check: func(c *Context) []Finding {
		cold := c.scenario("cold-cache")
		if cold == nil || !c.Design.Cache.Enabled() {
			return nil
		}
		for _, t := range cold.Components {
			if (t.Name != "database" && t.Name != "replicas") || float64(t.Utilization) < 1 {
				continue
			}
			return []Finding{at(t.Name, "cache.replicas",
				"with a cold cache at peak every read goes to the %s, and %s: the database falls over while the cache refills",
				t.Name, loadWords(t.Name, float64(t.Utilization)))}
		}
		return nil
	},
}
