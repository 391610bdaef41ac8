package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The CAP family: what a distributed design gives up when the network
// partitions, and whether each operation's promise survives it.

const talkCAP = `The talk, "CAP theorem": "the moment you distribute, P is mandatory, so every real distributed system is CP or AP."`

func init() {
	register(capCA, capStaleRead, capLinearisable, capSyncCrossRegion, capPartitionUnstated, capStrongAP)
}

var capCA = &Rule{
	ID:       "CAP001",
	Category: CategoryCAP,
	Severity: High,
	Title:    `"CA" declared for a distributed design`,
	Why: `"CA" only exists when there are no partitions — that is, on a single node. The moment a design spreads across ` +
		`machines or zones the network will drop messages, and each operation must choose: refuse to answer (CP) or ` +
		`answer with possibly stale data (AP). Declaring CA hides that choice instead of making it.`,
	Detection:      `An operation whose consistency.partition is "CA" while system.footprint is not "single-node".`,
	FalsePositives: `None for a design that really runs on more than one machine.`,
	Remediation:    `Choose CP (refuse or fail the operation during a partition) or AP (answer, possibly stale) for the operation, and say which in consistency.<op>.partition.`,
	References:     []string{talkCAP},
	Bad: Example{Overlay: `
		consistency: create: {require: "strong", partition: "CA"}
	`},
	Good: Example{Overlay: `
		consistency: create: {require: "strong", partition: "CP"}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.System.Footprint == schema.SingleNode {
			return nil
		}
		var out []Finding
		for _, name := range sortedNames(d.Consistency) {
			if d.Consistency[name].Partition == "CA" {
				out = append(out, at(name, "consistency."+name+".partition",
					`%s declares "CA" but the design is %s: partitions will happen, so it must be CP (refuse) or AP (answer stale)`,
					name, footprintWords(d)))
			}
		}
		return out
	},
}

var capStaleRead = &Rule{
	ID:       "CAP002",
	Category: CategoryCAP,
	Severity: High,
	Title:    "Strong or read-your-writes operation served from asynchronous replicas or a cache",
	Why: `Replicas and caches buy read capacity and latency by spending consistency: an asynchronous replica lags the ` +
		`primary, and a cached copy is "a lie" once the source changes. An operation that promises strong or ` +
		`read-your-writes consistency cannot keep that promise if it reads from either.`,
	Detection: `An operation whose consistency.require is "strong" or "read-your-writes" and whose path includes "replicas" ` +
		`while database.replication is not "sync", or includes "cache" while cache.invalidation is not "immutable".`,
	FalsePositives: `Read-your-writes served by sticky sessions that pin a user to the primary after a write, or a cache ` +
		`updated in the same transaction as the database, are not visible in the design.`,
	Remediation: `Route the operation to the primary (remove "replicas"/"cache" from its path), make replication synchronous, ` +
		`or relax consistency.<op>.require to what the operation really needs.`,
	References: []string{`The talk, "Replication": "Writes go to the primary; they stream to replicas that serve reads."`,
		`The talk, "Invalidation": "A cache holds a copy; when the source changes, the copy is a lie."`},
	Bad: Example{Overlay: `
		consistency: redirect: {require: "strong", partition: "CP"}
	`},
	Good: Example{Overlay: `
		consistency: redirect: {require: "eventual", partition: "AP"}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		var out []Finding
		for _, op := range d.Operations() {
			cons, ok := c.consistency(op.Name)
			if !ok || (cons.Require != "strong" && cons.Require != "read-your-writes") {
				continue
			}
			for i, tier := range op.Path {
				path := fmt.Sprintf("traffic.%s.path[%d]", op.Name, i)
				switch {
				case tier == "replicas" && d.Database.Replication != "sync":
					out = append(out, at(op.Name, path,
						"%s requires %s consistency but reads from %s with %s replication: a read just after a write can return the old value for as long as replication lags",
						op.Name, cons.Require, plural(d.Database.Replicas, "replica", "replicas"), d.Database.Replication))
				case tier == "cache" && d.Cache.Invalidation != "immutable":
					out = append(out, at(op.Name, path,
						"%s requires %s consistency but reads through the cache (invalidation %q, TTL %s): a cached copy can be stale after a write",
						op.Name, cons.Require, d.Cache.Invalidation, ttlWords(d.Cache)))
				}
			}
		}
		return out
	},
}

// apStores are databases that answer during a partition by default.
var apStores = map[string]bool{"cassandra": true, "dynamodb": true}

var capLinearisable = &Rule{
	ID:       "CAP003",
	Category: CategoryCAP,
	Severity: High,
	Title:    "Linearisable writes (uniqueness, counters, money) on an AP store without conditional writes",
	Why: `An AP store keeps answering during a partition, so two sides can both accept a write. For a unique code, a ` +
		`counter or a balance that means two owners of one code, lost increments or money spent twice. These writes ` +
		`need a linearisable step: a conditional (compare-and-set) write, a quorum, or a CP store.`,
	Detection: `A write operation with needs (uniqueness, counter, money) whose path reaches the database, when the ` +
		`database is an AP store (cassandra, dynamodb) without database.conditionalWrites, or the operation itself ` +
		`declares consistency.partition "AP".`,
	FalsePositives: `Uniqueness guaranteed outside the store (codes from a central id service that never reuses ids) ` +
		`makes the store's consistency irrelevant for that need.`,
	Remediation: `Enable conditional writes or quorum writes (database.conditionalWrites: true), or keep these writes on a ` +
		`relational primary, and declare the operation CP.`,
	References: []string{talkCAP, `The talk, "NoSQL": "You trade joins and (often) strict consistency for raw scale."`},
	Bad: Example{Overlay: `
		database: {kind: "cassandra", accessPattern: "code -> url lookups by key at 100k writes/s"}
	`},
	Good: Example{Overlay: `
		database: {kind: "cassandra", accessPattern: "code -> url lookups by key at 100k writes/s", conditionalWrites: true}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		var out []Finding
		for _, op := range d.Operations() {
			if op.IsRead() || len(op.Needs) == 0 || !op.Passes("database") {
				continue
			}
			needs := strings.Join(op.Needs, ", ")
			cons, _ := c.consistency(op.Name)
			switch {
			case apStores[d.Database.Kind] && !d.Database.ConditionalWrites:
				out = append(out, at(op.Name, "database.kind",
					"%s needs linearisable writes (%s) but %s is an AP store and database.conditionalWrites is false: during a partition both sides can accept conflicting writes",
					op.Name, needs, d.Database.Kind))
			case cons.Partition == "AP":
				out = append(out, at(op.Name, "consistency."+op.Name+".partition",
					"%s needs linearisable writes (%s) but declares AP: answering writes on both sides of a partition breaks %s",
					op.Name, needs, needs))
			}
		}
		return out
	},
}

var capSyncCrossRegion = &Rule{
	ID:       "CAP004",
	Category: CategoryCAP,
	Severity: High,
	Title:    "Synchronous cross-region replication under a tight p99",
	Why: `Synchronous replication buys consistency and durability with latency: every write waits for a replica to ` +
		`acknowledge. Across regions that wait is a long-haul round trip, paid on every write, so a tight p99 on ` +
		`writes cannot be met — the tail, not the average, is what users feel.`,
	Detection: `system.footprint is "multi-region", database.replication is "sync" or "semi-sync" with at least one ` +
		`replica, and a write operation reaching the database has a p99 SLO below one cross-region round trip ` +
		`(network.rtt.cross_continent in rules/data/thresholds.yaml: 150ms, the classic California–Netherlands figure).`,
	FalsePositives: `Regions on one continent have shorter round trips (tens of milliseconds); the finding states the ` +
		`figure it used so the margin can be judged.`,
	Remediation: `Replicate asynchronously across regions and accept a recovery point, keep synchronous replicas within ` +
		`the region, or relax the write p99 to include the round trip.`,
	References: []string{talkCAP, `system-design-primer, "Latency numbers every programmer should know".`},
	Bad: Example{Overlay: `
		system: {footprint: "multi-region", regions: 2}
		database: replication: "sync"
		slo: p99: create: "100ms"
	`},
	Good: Example{Overlay: `
		system: {footprint: "multi-region", regions: 2}
		database: replication: "async"
		slo: p99: create: "100ms"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.System.Footprint != schema.MultiRegion || d.Database.Replication == "async" || d.Database.Replicas == 0 {
			return nil
		}
		rtt := th("network.rtt.cross_continent")
		var out []Finding
		for _, op := range d.Operations() {
			p99, ok := d.SLO.P99[op.Name]
			if op.IsRead() || !op.Passes("database") || !ok || p99.Seconds() >= rtt {
				continue
			}
			out = append(out, at(op.Name, "database.replication",
				"%s replication across %d regions makes every %s write wait one cross-region round trip (about %s) but its p99 SLO is %s",
				d.Database.Replication, d.System.Regions, op.Name, ms(rtt), p99))
		}
		return out
	},
}

var capPartitionUnstated = &Rule{
	ID:       "CAP005",
	Category: CategoryCAP,
	Severity: Medium,
	Title:    "Multi-region design that does not say what happens under partition",
	Why: `Across regions, partitions are not hypothetical: links between regions fail. For each operation the design ` +
		`must say whether it refuses to answer (CP) or answers with possibly stale data (AP); left unsaid, the choice ` +
		`is made by whatever the store does by default, during the incident.`,
	Detection:      `system.footprint is "multi-region" and an operation has no consistency entry, or its entry has no partition.`,
	FalsePositives: `None: the finding asks for a decision to be written down, not for a particular one.`,
	Remediation:    `Add consistency.<op>: {require: ..., partition: "CP" | "AP"} for every operation.`,
	References:     []string{talkCAP, `The talk: "Modern stores even let you pick per-operation (strong reads here, fast reads there)."`},
	Bad: Example{Overlay: `
		system: {footprint: "multi-region", regions: 2}
		consistency: create: partition: null
	`},
	Good: Example{Overlay: `
		system: {footprint: "multi-region", regions: 2}
		consistency: create: partition: "CP"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.System.Footprint != schema.MultiRegion {
			return nil
		}
		var out []Finding
		for _, op := range d.Operations() {
			cons, ok := c.consistency(op.Name)
			switch {
			case !ok:
				out = append(out, at(op.Name, "consistency",
					"%s has no consistency entry in a %d-region design: say whether it is CP or AP when the regions cannot reach each other",
					op.Name, d.System.Regions))
			case cons.Partition == "":
				out = append(out, at(op.Name, "consistency."+op.Name,
					"%s does not say what it does under partition in a %d-region design: choose CP (refuse) or AP (answer stale)",
					op.Name, d.System.Regions))
			}
		}
		return out
	},
}

var capStrongAP = &Rule{
	ID:       "CAP006",
	Category: CategoryCAP,
	Severity: High,
	Title:    "Strong consistency declared together with AP",
	Why: `AP means the operation keeps answering during a partition, from whatever side it reaches — which can be ` +
		`stale. Strong consistency means every read sees the latest write. During a partition an operation can have ` +
		`one or the other, not both; declaring both leaves the real behaviour to chance.`,
	Detection:      `An operation whose consistency.require is "strong" and whose consistency.partition is "AP".`,
	FalsePositives: `None.`,
	Remediation:    `Declare the operation CP (it refuses during a partition), or relax require to "read-your-writes" or "eventual".`,
	References:     []string{talkCAP, `The talk: "B can't hear A's write. CP refuses to answer; AP answers with the stale 4."`},
	Bad: Example{Overlay: `
		consistency: create: {require: "strong", partition: "AP"}
	`},
	Good: Example{Overlay: `
		consistency: create: {require: "strong", partition: "CP"}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		var out []Finding
		for _, name := range sortedNames(d.Consistency) {
			if cons := d.Consistency[name]; cons.Require == "strong" && cons.Partition == "AP" {
				out = append(out, at(name, "consistency."+name+".partition",
					"%s requires strong consistency but declares AP: during a partition it would answer with data that may be stale", name))
			}
		}
		return out
	},
}

func footprintWords(d *schema.Design) string {
	switch d.System.Footprint {
	case schema.MultiRegion:
		return fmt.Sprintf("spread over %d regions", d.System.Regions)
	default:
		return fmt.Sprintf("distributed (footprint %q)", d.System.Footprint)
	}
}

func ttlWords(c schema.Cache) string {
	if c.TTL == nil {
		return "none"
	}
	return durText(*c.TTL)
}

func sortedNames[V any](m map[string]V) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
