package rules

import (
	"strings"
	"testing"
)

// TestGraphPortedRules: each section rule ported to the component form
// fires on the component (or operation) it is about and stays silent on
// the sound variant; both overlay the graph base design.
func TestGraphPortedRules(t *testing.T) {
	const writeOnlyQueue = `traffic: create: calls: [{to: "edge", calls: [{to: "api", calls: [{to: "clicks", async: true, calls: [{to: "counter", calls: ["db"]}]}]}]}]`
	for _, tc := range []struct {
		rule          *Rule
		bad, good     string
		want, message string
	}{
		{capStaleRead, `
			consistency: redirect: {require: "strong", partition: "CP"}`, `
			consistency: redirect: {require: "strong", partition: "CP"}
			components: db: replication: "sync"`, "CAP002@redirect", "serves reads from 2 replicas with async replication"},
		{capStaleRead, `
			consistency: redirect: {require: "strong", partition: "CP"}
			components: {db: replication: "sync", links: {invalidation: "ttl-only", ttl: "10m"}}`, `
			consistency: redirect: {require: "strong", partition: "CP"}
			components: {db: replication: "sync", links: {invalidation: "immutable"}}`, "CAP002@redirect", "reads through links"},
		{capLinearisable, `components: db: kind: "cassandra"`, `components: db: {kind: "cassandra", conditionalWrites: true}`, "CAP003@create", "a cassandra AP store"},
		{capSyncCrossRegion, `
			system: {footprint: "multi-region", regions: 2}
			components: db: replication: "sync"
			slo: p99: create: "100ms"`, `
			system: {footprint: "multi-region", regions: 2}
			components: db: replication: "async"
			slo: p99: create: "100ms"`, "CAP004@create", "sync replication of db across 2 regions"},
		{cacheMemcachedDurable, `components: links: {kind: "memcached", mustSurviveRestart: true}`, `components: links: kind: "memcached"`, "CACHE004@links", "memcached has no persistence"},
		{cacheWriteBehindLossless, `components: links: pattern: "write-behind"`, `components: links: pattern: "write-through"`, "CACHE009@links", "loses acknowledged writes"},
		{cacheImmutableLie, `components: db: data: mutable: true`, `
			components: db: data: mutable: true
			components: links: invalidation: "delete-on-write"`, "CACHE010@links", "db holds mutable data"},
		{cacheCDNUncacheable, `
			components: assets: {kind: "cdn", cacheableShare: "50%"}
			traffic: create: calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: ["db"]}]}]}]`, `
			components: assets: {kind: "cdn", cacheableShare: "50%"}
			traffic: redirect: {public: true, calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}]}`, "CACHE007@assets", "none of them is public"},
		{cacheUnused, `
			components: sessions: {kind: "redis", memory: "1GiB", replicas: 1, zones: 3, ttl: "1h", invalidation: "delete-on-write", hitRatio: "50%"}
			traffic: create: calls: [{to: "edge", calls: [{to: "api", calls: ["db", "sessions"]}]}]`, `
			components: sessions: {kind: "redis", memory: "1GiB", replicas: 1, zones: 3, ttl: "1h", invalidation: "delete-on-write", hitRatio: "50%"}
			traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: ["sessions", {to: "links", miss: ["db"]}]}]}]`, "CACHE011@sessions", "no read operation reads through it"},
		{cacheBelowWorkingSet, `components: links: {catalogue: "2B", itemSize: "500B", hitRatio: "90%"}`, `components: links: {catalogue: "20M", itemSize: "500B"}`, "CACHE005@links", "keys read through it"},
		{cacheColdStart, `
			traffic: redirect: {rate: "30k/s", calls: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}
			components: {api: instances: 12, links: {hitRatio: "90%", nodes: 2}, db: replicas: 1}`, `
			traffic: redirect: {rate: "30k/s", calls: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}
			components: {api: instances: 12, links: {hitRatio: "90%", nodes: 2}, db: replicas: 3}`, "CACHE008@links", "with links cold"},
		{cacheRedisCore, `
			traffic: redirect: rate: "300k/s"
			components: links: nodes: 1`, `
			traffic: redirect: rate: "300k/s"
			components: links: nodes: 8`, "CACHE006@links", "one node of links must serve"},
		{cacheRedisCore, `
			traffic: redirect: rate: "100k/s"
			components: {api: instances: 40, links: {nodes: 16, hotKeyShare: "30%"}}`, `
			traffic: redirect: rate: "100k/s"
			components: {api: instances: 40, links: {nodes: 16, hotKeyShare: "1%"}}`, "CACHE006@links", "more nodes do not spread one key"},
		{dbWritesBeyondPrimary, `traffic: create: rate: "100B/month"`, `
			traffic: create: rate: "100B/month"
			components: db: {shards: 16, shardKey: "code"}`, "DB001@db", "go to one postgres primary, db"},
		{dbNoSQLUnjustified, `components: db: kind: "mongodb"`, `components: db: {kind: "mongodb", accessPattern: "documents by id"}`, "DB003@db", "fit one PostgreSQL primary"},
		{dbConnections, `components: db: maxConnections: 50`, `components: db: maxConnections: 500`, "DB005@db", "api 3 × 10 + counter 6 × 10 = 90 connections"},
		{dbIdleReplicas, `components: db: {readFromReplicas: false, failover: "none"}`, `components: db: {readFromReplicas: false, failover: "automatic"}`, "DB006@db", "serve no reads"},
		{dbIdleReplicas, `components: db: {readFromReplicas: false, failover: "none"}`, `components: db: {kind: "cassandra", readFromReplicas: false, failover: "none", accessPattern: "by key"}`, "DB006@db", "serve no reads"},
		{dbSequentialRange, `components: db: {shards: 4, shardKey: "created_at", shardStrategy: "range"}`, `components: db: {shards: 4, shardKey: "created_at", shardStrategy: "hash"}`, "DB007@db", "last of its 4 shards"},
		{dbStorageHorizon, `components: db: storage: "50GB"`, `components: db: storage: "2TB"`, "DB008@db", "already holds"},
		{queueSlowInline, `traffic: create: slowWork: ["email"]`, `
			traffic: create: slowWork: ["email"]
			traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: ["db", {to: "clicks", async: true, calls: [{to: "counter", calls: ["db"]}]}]}]}]`, "QUEUE001@create", "hands nothing to a queue"},
		{queueSlowInline, `traffic: create: slowWork: ["payment", "email"]`, `traffic: create: slowWork: ["payment"]`, "QUEUE001@create", "does email inline"},
		{queueKafkaTrickle, `traffic: redirect: rate: "20/s"`, `
			traffic: redirect: rate: "20/s"
			components: clicks: replay: true`, "QUEUE002@clicks", "Kafka carries"},
		{queueNoReplay, `components: clicks: {kind: "sqs", replay: true}`, `components: clicks: {kind: "sqs", replay: false}`, "QUEUE003@clicks", "no history"},
		{queueIdlePartitions, `components: counter: instances: 20`, `components: counter: instances: 12`, "QUEUE007@clicks", "8 of them sit idle"},
		{queueAtMostOnceLossless, `
			components: clicks: delivery: "at-most-once"
			` + writeOnlyQueue, `
			components: clicks: delivery: "at-most-once"
			traffic: create: calls: [{to: "edge", calls: [{to: "api", calls: ["db", {to: "clicks", async: true, calls: [{to: "counter", calls: ["db"]}]}]}]}]`, "QUEUE008@clicks", "drops create messages"},
		{secPrivateAtEdge, `
			components: assets: {kind: "cdn", cacheableShare: "50%"}
			traffic: create: calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: ["db"]}]}]}]`, `
			components: assets: {kind: "cdn", cacheableShare: "50%"}
			traffic: redirect: {public: true, calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}]}`, "SEC001@create", "calls assets, a CDN"},
		{secNoRateLimit, `security: rateLimit: null`, `security: rateLimit: "10/s"`, "SEC004@create", "one client can send as many as api serves"},
		{secUnencrypted, `security: encryptionAtRest: false`, `security: encryptionAtRest: true`, "SEC005@security", "of db are not encrypted"},
		{secPublicDatabase, `security: publicDatabase: true`, `security: publicDatabase: false`, "SEC006@db", "db accepts connections"},
		{obsPlainLogs, `observability: logs: "plain"`, `observability: logs: "structured"`, "OBS008@observability", "across 9 instances"},
		{avSelfRunProxy, `components: edge: {kind: "nginx", instances: 2}`, `components: edge: {kind: "nginx", instances: 2, need: "portability"}`, "AVAIL005@edge", "self-run nginx"},
		{avNoBalancer, `
			traffic: redirect: calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]
			traffic: create: calls: [{to: "api", calls: ["db"]}]`, `traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]`, "AVAIL006@api", "no load balancer in front"},
		{capyNoGrowth, `traffic: create: growth: null`, `traffic: create: growth: 10`, "CAPACITY002@create", "states no growth"},
		{costOverProvisioned, `components: api: {kind: "service", instances: 30, zones: 3, concurrency: 256, serviceTime: "1ms"}`, `components: api: {kind: "service", instances: 3, zones: 3, concurrency: 256, serviceTime: "1ms"}`, "COST002@api", "runs 30 instances where 3 carry"},
		// A service whose throughput is only the trivial handler's
		// assumption is not reported: nobody can say fewer would do.
		{costOverProvisioned, `components: api: {kind: "service", instances: 30, zones: 3, concurrency: 256, serviceTime: "1ms"}`, `components: api: {kind: "service", instances: 30, zones: 3, concurrency: 256}`, "COST002@api", "runs 30 instances where 3 carry"},
		{capyRunway, `
			traffic: create: {rate: "1k/s", growth: 10}`, `
			traffic: create: {rate: "1k/s", growth: 10}
			components: db: {shards: 8, shardKey: "code"}`, "CAPACITY001@db", "primary utilisation"},
		{capyZoneDown, `
			traffic: redirect: rate: "12k/s"
			components: api: {instances: 4, zones: 2, throughputPerInstance: "12k/s"}`, `
			traffic: redirect: rate: "12k/s"
			components: api: {instances: 8, zones: 2, throughputPerInstance: "12k/s"}`, "CAPACITY004@api", "2 surviving instances of 4"},
		// The cascade the zone-down estimate sees: a cache without
		// replicas loses a third of its keys, and their reads overload
		// the store behind it.
		{capyZoneDown, `
			traffic: redirect: rate: "20k/s"
			components: {api: instances: 9, links: {replicas: null, nodes: 3, hitRatio: "95%"}}`, `
			traffic: redirect: rate: "20k/s"
			components: {api: instances: 9, links: {nodes: 3, hitRatio: "95%"}}`, "CAPACITY004@db", "links's hit ratio falls from 95% to 63.3% with its lost nodes"},
		{capyHotTarget, `components: api: targetUtilization: 0.95`, `components: api: targetUtilization: 0.6`, "CAPACITY003@api", "planned at 95% busy"},
		{latBelowRoundTrips, `slo: p99: redirect: "1ms"`, `slo: p99: redirect: "50ms"`, "LAT003@redirect", "makes 3 round trips in sequence at 0.5ms each at least (api → links → clicks)"},
	} {
		bad := reviewExample(t, tc.rule, "bad", Example{Graph: true, Overlay: tc.bad})
		if len(bad) != 1 || bad[0].ID != tc.want || !strings.Contains(bad[0].Message, tc.message) {
			t.Errorf("%s bad: %v, want one %s saying %q", tc.rule.ID, messages(bad), tc.want, tc.message)
		}
		for _, f := range bad {
			if f.Pos.Line == 0 {
				t.Errorf("%s: no position", f.ID)
			}
		}
		if good := reviewExample(t, tc.rule, "good", Example{Graph: true, Overlay: tc.good}); len(good) != 0 {
			t.Errorf("%s good: %v", tc.rule.ID, messages(good))
		}
	}
}

// TestEveryKindRuleOncePerComponent: a rule about a kind of component
// fires once for each component of that kind that has the problem, named
// after it: two of them, two findings.
func TestEveryKindRuleOncePerComponent(t *testing.T) {
	for _, tc := range []struct {
		rule *Rule
		bad  string // one component with the problem
	}{
		{cacheSyncExpiry, `{kind: "redis", memory: "1GiB", ttl: "1h", invalidation: "delete-on-write", bulkLoaded: true}`},
		{cacheMemcachedDurable, `{kind: "memcached", memory: "1GiB", ttl: "1h", invalidation: "delete-on-write", mustSurviveRestart: true}`},
		{cacheWriteBehindLossless, `{kind: "redis", memory: "1GiB", ttl: "1h", invalidation: "delete-on-write", pattern: "write-behind"}`},
		{dbNoSQLUnjustified, `{kind: "mongodb"}`},
		{dbIdleReplicas, `{kind: "postgres", replicas: 1, failover: "none"}`},
		{dbSequentialRange, `{kind: "mysql", shards: 4, shardKey: "created_at", shardStrategy: "range", failover: "automatic"}`},
		{dbHotShardKey, `{kind: "postgres", shards: 8, shardKey: "day", shardKeyCardinality: 30, failover: "automatic"}`},
		{dbStorageHorizon, `{kind: "postgres", failover: "automatic", storage: "10GB", data: {objects: "100M", objectSize: "1KB"}}`},
		{queueNoReplay, `{kind: "rabbitmq", replay: true, deadLetter: true, idempotentConsumers: true}`},
		{queueNoDeadLetter, `{kind: "sqs", idempotentConsumers: true}`},
		{queueNotIdempotent, `{kind: "kafka", deadLetter: true}`},
		{avNoHealthChecks, `{kind: "managed-lb", healthChecks: false}`},
		{avSelfRunProxy, `{kind: "haproxy", instances: 2}`},
		{capyHotTarget, `{kind: "service", instances: 2, zones: 2, targetUtilization: 0.9}`},
	} {
		overlay := "components: {x1: " + tc.bad + ", x2: " + tc.bad + "}"
		fs := reviewExample(t, tc.rule, "two", Example{Graph: true, Overlay: overlay})
		var ids []string
		for _, f := range fs {
			ids = append(ids, f.ID)
		}
		want := tc.rule.ID + "@x1 " + tc.rule.ID + "@x2"
		if got := strings.Join(ids, " "); got != want {
			t.Errorf("%s on two components: %q, want %q", tc.rule.ID, got, want)
		}
	}
}
