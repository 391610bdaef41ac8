package rules

import (
	"regexp"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The database family: the database is usually the first thing to buckle,
// because it holds state and state is hard to spread.

const talkDatabase = `The talk, "Databases": "Two moves carry you a long way: replication for read load and availability, and partitioning for write load and raw size."`

func init() {
	register(dbWritesBeyondPrimary, dbHotShardKey, dbNoSQLUnjustified, dbNoFailover, dbConnections, dbIdleReplicas, dbSequentialRange, dbStorageHorizon)
}

var nosql = map[string]bool{"dynamodb": true, "cassandra": true, "mongodb": true}

var dbWritesBeyondPrimary = &Rule{
	ID:       "DB001",
	Category: CategoryDatabase,
	Severity: High,
	Title:    "Writes beyond one primary without sharding",
	Why: `Replicas multiply read capacity, not write capacity: every write still goes to the one primary. Past what ` +
		`one primary commits per second, only partitioning (sharding) adds write throughput — each shard takes its own ` +
		`writes.`,
	Detection: `A relational database with database.shards = 1, where the peak rate of the write operations reaching ` +
		`the database (rate × peakFactor, summed) exceeds <kind>.commits_per_node from estimator/data/defaults.yaml ` +
		`(durable single-row commits, bound by fsync).`,
	FalsePositives: `Writes batched many rows per commit (a click counter flushing every 50 ms) need far fewer commits ` +
		`than requests; override the figure or waive the finding with the batch size.`,
	Remediation: `Shard by a high-cardinality key (database.shards, database.shardKey), batch writes through the queue, or move the write-heavy data to a store built for it.`,
	References:  []string{talkDatabase, `The talk, "Partitioning": "write throughput and total size scale with the number of shards."`},
	Bad: Example{Overlay: `
		traffic: click: rate: "10B/month"
	`},
	Good: Example{Overlay: `
		traffic: click: rate: "10B/month"
		database: {shards: 4, shardKey: "code", shardKeyCardinality: "200M"}
	`},
	Check: func(c *Context) []Finding {
		db := c.Design.Database
		comp := c.component("database")
		if !db.Relational() || db.Shards > 1 || comp == nil || comp.DB == nil || comp.DB.WritesPerSec <= comp.DB.WriteCapacity {
			return nil
		}
		var ops []*schema.Operation
		for _, op := range c.opsThrough("database") {
			if !op.IsRead() {
				ops = append(ops, op)
			}
		}
		return []Finding{at("database", "database.shards",
			"%s of peak writes (%s) go to one %s primary, which commits about %s per second (%s.commits_per_node): replicas add no write capacity",
			rps(comp.DB.WritesPerSec), opNames(ops), db.Kind, num(comp.DB.WriteCapacity), db.Kind)}
	},
}

var dbHotShardKey = &Rule{
	ID:       "DB002",
	Category: CategoryDatabase,
	Severity: High,
	Title:    "Low-cardinality or skewed shard key (hot shard)",
	Why: `Sharding scales writes only if the shard key spreads them. A key with few distinct values, or one value ` +
		`far more popular than the rest, sends most writes to one shard: the busiest shard saturates while the others ` +
		`idle, and adding shards adds nothing.`,
	Detection: `database.shards > 1 and either database.shardKeyCardinality is below shards × shard.min_keys_per_shard ` +
		`(100), or database.hotShardShare is above shard.hot_share_factor (2) × 1/shards (rules/data/thresholds.yaml).`,
	FalsePositives: `A skew the application already spreads (salted keys, write sharding of hot keys) is not visible in the design.`,
	Remediation:    `Shard by a key with many more values than shards and no dominant value (user_id, code), or salt the hot values.`,
	References:     []string{talkDatabase, `The talk: "Choose a shard key (e.g. user_id); a hash or range of it decides which node owns each row."`},
	Bad: Example{Overlay: `
		database: {shards: 8, shardKey: "country", shardKeyCardinality: 40, hotShardShare: "45%"}
	`},
	Good: Example{Overlay: `
		database: {shards: 8, shardKey: "user_id", shardKeyCardinality: "50M", hotShardShare: "13%"}
	`},
	Check: func(c *Context) []Finding {
		db := c.Design.Database
		if db.Shards <= 1 {
			return nil
		}
		minKeys := th("shard.min_keys_per_shard")
		factor := th("shard.hot_share_factor")
		fair := 1 / float64(db.Shards)
		if card := db.ShardKeyCardinality; card != nil && float64(*card) < float64(db.Shards)*minKeys {
			return []Finding{at("database", "database.shardKeyCardinality",
				"shard key %q has %s distinct values for %d shards (%s per shard, fewer than %s): the keys cannot spread evenly and one heavy value dominates its shard",
				db.ShardKey, num(float64(*card)), db.Shards, num(float64(*card)/float64(db.Shards)), num(minKeys))}
		}
		if hot := db.HotShardShare; hot != nil && float64(*hot) > factor*fair {
			return []Finding{at("database", "database.hotShardShare",
				"the busiest shard takes %s of writes against a fair share of %s across %d shards: it saturates %s× sooner than the rest",
				pct(float64(*hot)), pct(fair), db.Shards, num(float64(*hot)/fair))}
		}
		return nil
	},
}

var dbNoSQLUnjustified = &Rule{
	ID:       "DB003",
	Category: CategoryDatabase,
	Severity: Medium,
	Title:    "NoSQL chosen without the access pattern or scale that needs it",
	Why: `Relational databases give strong consistency, transactions and ad-hoc queries; most apps never outgrow a ` +
		`well-tuned, replicated SQL database. NoSQL trades joins and often strict consistency for raw scale — worth it ` +
		`only when a specific access pattern at a specific scale demands it. Start relational.`,
	Detection: `database.kind is dynamodb, cassandra or mongodb and database.accessPattern is empty. The finding ` +
		`compares the peak write rate with what one relational primary commits (postgres.commits_per_node).`,
	FalsePositives: `None once the reason is written down in database.accessPattern.`,
	Remediation:    `State the access pattern and scale that need the NoSQL store in database.accessPattern, or start with PostgreSQL.`,
	References:     []string{talkDatabase, `The talk: "Rule of thumb: start relational. Reach for NoSQL when a specific access pattern at a specific scale demands it — not by default."`},
	Bad: Example{Overlay: `
		database: kind: "mongodb"
	`},
	Good: Example{Overlay: `
		database: {kind: "mongodb", accessPattern: "documents of varying shape fetched by id, 50k writes/s"}
	`},
	Check: func(c *Context) []Finding {
		db := c.Design.Database
		if !nosql[db.Kind] || db.AccessPattern != "" {
			return nil
		}
		writes := 0.0
		for _, op := range c.opsThrough("database") {
			if !op.IsRead() {
				writes += peakRPS(op)
			}
		}
		msg := "database.kind is " + db.Kind + " but database.accessPattern does not say which access pattern needs it"
		if commits, ok := c.figure("postgres.commits_per_node"); ok && writes <= commits.V() {
			msg += "; peak writes of " + rps(writes) + " fit one PostgreSQL primary (about " + num(commits.V()) + " commits/s)"
		}
		return []Finding{at("database", "database.kind", "%s", msg)}
	},
}

var dbNoFailover = &Rule{
	ID:       "DB004",
	Category: CategoryDatabase,
	Severity: High,
	Title:    "No database failover while the availability SLO needs it",
	Why: `No machine has 100% uptime. A replica gives a hot standby: if the primary dies, it is promoted. Without ` +
		`failover the database is only as available as one node, and every operation that writes to it inherits that.`,
	Detection: `database.failover is "none" and slo.availability is above the provider's SLA for a single database ` +
		`node (<cloud>.db.managed.single in estimator/data/sla.yaml).`,
	FalsePositives: `A provider SLA is a floor on what is refunded, not a measurement; a team with its own measured ` +
		`single-node availability can waive with that figure.`,
	Remediation: `Add a replica and set database.failover to "automatic" (Multi-AZ on a managed database).`,
	References:  []string{talkDatabase, `The talk: "if the primary dies, a replica is promoted (failover)."`},
	Bad: Example{Overlay: `
		database: failover: "none"
	`},
	Good: Example{Overlay: `
		database: failover: "automatic"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.Database.Failover != "none" {
			return nil
		}
		sla, src, ok := c.sla("db.managed.single")
		if !ok {
			sla, src, ok = c.sla("db.managed.same_zone")
		}
		if !ok || float64(d.SLO.Availability) <= sla {
			return nil
		}
		return []Finding{at("database", "database.failover",
			"no failover: the database is one node (%s) but slo.availability is %s, which allows %s of downtime a month against the node's %s",
			src, pct(float64(d.SLO.Availability)), downtime(float64(d.SLO.Availability)), downtime(sla))}
	},
}

var dbConnections = &Rule{
	ID:       "DB005",
	Category: CategoryDatabase,
	Severity: High,
	Title:    "Connection pools larger than the database accepts",
	Why: `Each application instance holds a pool of database connections. Scaling the application out multiplies ` +
		`them; past the database's connection limit, new instances fail to connect exactly when they are needed.`,
	Detection:      `services.instances × services.connectionsPerInstance exceeds database.maxConnections.`,
	FalsePositives: `A connection pooler (PgBouncer, RDS Proxy) in between multiplexes many client connections onto few; model it by setting maxConnections to the pooler's limit.`,
	Remediation:    `Shrink services.connectionsPerInstance, put a connection pooler in front of the database, or raise max_connections.`,
	References:     []string{talkDatabase, `The talk: "There are only two ways to handle more load: make the machine bigger, or add more machines."`},
	Bad: Example{Overlay: `
		services: {instances: 40, connectionsPerInstance: 20}
		database: maxConnections: 500
	`},
	Good: Example{Overlay: `
		services: {instances: 40, connectionsPerInstance: 10}
		database: maxConnections: 500
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		limit := d.Database.MaxConnections
		want := d.Services.Instances * d.Services.ConnectionsPerInstance
		if limit == nil || want <= *limit {
			return nil
		}
		return []Finding{at("database", "database.maxConnections",
			"%d instances × %d connections = %s connections, above the database's limit of %s",
			d.Services.Instances, d.Services.ConnectionsPerInstance, num(float64(want)), num(float64(*limit)))}
	},
}

var dbIdleReplicas = &Rule{
	ID:       "DB006",
	Category: CategoryCost,
	Severity: Low,
	Title:    "Replicas that serve no reads and stand by for no failover",
	Why: `A replica earns its cost by serving reads or by standing by to be promoted. One that does neither is ` +
		`capacity paid for and never used.`,
	Detection:      `database.replicas > 0, database.readFromReplicas is false, database.failover is "none" and no operation's path includes "replicas".`,
	FalsePositives: `Replicas kept for analytics or backups outside the modelled traffic.`,
	Remediation:    `Read from the replicas, enable failover to them, or remove them.`,
	References:     []string{talkDatabase, `The talk: "capacity costs money. The cheapest design that meets the SLO wins."`},
	Bad: Example{Overlay: `
		database: {replicas: 2, readFromReplicas: false, failover: "none"}
		traffic: redirect: path: ["loadBalancer", "services", "cache", "database"]
	`},
	Good: Example{Overlay: `
		database: {replicas: 2, readFromReplicas: false, failover: "automatic"}
		traffic: redirect: path: ["loadBalancer", "services", "cache", "database"]
	`},
	Check: func(c *Context) []Finding {
		db := c.Design.Database
		if db.Replicas == 0 || db.ReadFromReplicas || db.Failover != "none" || len(c.opsThrough("replicas")) > 0 {
			return nil
		}
		return []Finding{at("database", "database.replicas",
			"%s serve no reads and are not failover targets: they are paid for and unused", plural(db.Replicas, "replica", "replicas"))}
	},
}

// sequentialKey matches shard keys that grow with time.
var sequentialKey = regexp.MustCompile(`(?i)(time|date|created|updated|_at$|^ts$|seq|serial|^id$|auto)`)

var dbSequentialRange = &Rule{
	ID:       "DB007",
	Category: CategoryDatabase,
	Severity: Medium,
	Title:    "Range sharding on a key that grows with time",
	Why: `Range sharding keeps neighbouring keys together, which is good for scans but bad for a key that only ` +
		`grows (a timestamp, a sequence): every new write lands in the last range, so one shard takes all the writes ` +
		`while the rest hold cold data.`,
	Detection: `database.shards > 1, database.shardStrategy is "range" and database.shardKey looks sequential (its ` +
		`name contains time, date, created, updated, seq, serial or auto, ends in _at, or is id).`,
	FalsePositives: `The check reads the key's name only: a key called "id" that is random (a UUID) spreads fine.`,
	Remediation:    `Use hash sharding (database.shardStrategy: "hash"), or prefix the key with a hashed bucket.`,
	References:     []string{talkDatabase, `The talk: "a hash or range of it decides which node owns each row."`},
	Bad: Example{Overlay: `
		database: {shards: 4, shardKey: "created_at", shardStrategy: "range"}
	`},
	Good: Example{Overlay: `
		database: {shards: 4, shardKey: "created_at", shardStrategy: "hash"}
	`},
	Check: func(c *Context) []Finding {
		db := c.Design.Database
		if db.Shards <= 1 || db.ShardStrategy != "range" || !sequentialKey.MatchString(db.ShardKey) {
			return nil
		}
		return []Finding{at("database", "database.shardStrategy",
			"range sharding on %q, which grows with time: new writes all land in the last of %d shards", db.ShardKey, db.Shards)}
	},
}

// downtime is the monthly downtime an availability allows.
func downtime(a float64) string {
	minutes := (1 - a) * schema.HoursPerMonth * 60
	if minutes >= 120 {
		return num(minutes/60) + " h"
	}
	return num(minutes) + " min"
}

var dbStorageHorizon = &Rule{
	ID:       "DB008",
	Category: CategoryDatabase,
	Severity: High,
	Title:    "Storage outgrows the database within the horizon",
	Why: `Data only grows: every write that is kept adds to it, and traffic growth compounds that. Partitioning ` +
		`is the move that scales raw size — but resharding a full database is slow and risky, so it has to be ` +
		`planned before the disk fills.`,
	Detection: `The estimator's stored bytes at the growth horizon (objects now plus the write operations' data ` +
		`growing at their stated growth, kept for their retention) exceed the storage the database has: ` +
		`database.storage per node (or db.storage_per_node from estimator/data/defaults.yaml) × shards.`,
	FalsePositives: `Data archived or expired outside the stated retention; state the retention.`,
	Remediation:    `Provision more storage per node, shard by a high-cardinality key, or shorten retention.`,
	References:     []string{talkDatabase, `The talk, "Partitioning": "write throughput and total size scale with the number of shards."`},
	Bad: Example{Overlay: `
		database: storage: "200GB"
	`},
	Good: Example{Overlay: `
		database: storage: "2TB"
	`},
	Check: func(c *Context) []Finding {
		comp := c.component("database")
		if comp == nil || comp.DB == nil || comp.DB.StorageCapacity <= 0 || comp.DB.StorageHorizon <= comp.DB.StorageCapacity {
			return nil
		}
		db := comp.DB
		if db.StorageBytes > db.StorageCapacity {
			return []Finding{at("database", "database.storage",
				"stored data (%s) already exceeds the %s the database holds (%s), and grows to %s within %d months",
				schema.FormatBytes(db.StorageBytes), schema.FormatBytes(db.StorageCapacity), plural(db.Shards, "shard", "shards"),
				schema.FormatBytes(db.StorageHorizon), c.Estimate.HorizonMonths)}
		}
		return []Finding{at("database", "database.storage",
			"stored data grows from %s to %s within %d months, beyond the %s the database holds (%s)",
			schema.FormatBytes(db.StorageBytes), schema.FormatBytes(db.StorageHorizon), c.Estimate.HorizonMonths,
			schema.FormatBytes(db.StorageCapacity), plural(db.Shards, "shard", "shards"))}
	},
}
