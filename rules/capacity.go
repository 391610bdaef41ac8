package rules

import (
	"fmt"
	"math"
	"strings"
)

// The capacity family: "traffic can grow two orders of magnitude in a year
// — design must bend, not snap."

const talkGrowth = `The talk: "traffic can grow two orders of magnitude in a year — design must bend, not snap."`

func init() {
	register(capyNoGrowth, capyHotTarget, capyRunway, capyZoneDown, capySaturated)
}

var capyNoGrowth = &Rule{
	ID:       "CAPACITY002",
	Category: CategoryCapacity,
	Severity: Info,
	Title:    "No growth stated for an operation",
	Why: `A design sized for today's traffic snaps when traffic grows, and it can grow two orders of magnitude in ` +
		`a year. Without a stated growth the runway cannot be estimated, and "no growth" is silently assumed.`,
	Detection:      `An operation whose growth field is not written in the design (the default, 1, means no growth).`,
	FalsePositives: `Traffic that truly will not grow (an internal batch job); write growth: 1 to say so.`,
	Remediation:    `State traffic.<op>.growth, the expected traffic multiplier per year (10 for ten-fold).`,
	References:     []string{talkGrowth},
	Bad: Example{Overlay: `
		traffic: create: growth: null
	`},
	Good: Example{Overlay: `
		traffic: create: growth: 10
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.Design.Operations() {
			if c.Design.Source.Has(opPath(op, "growth")) {
				continue
			}
			out = append(out, at(op.Name, opPath(op, ""),
				"%s states no growth, so the review assumes today's %s at peak forever: state traffic.%s.growth (× per year)",
				op.Name, rps(peakRPS(op)), op.Name))
		}
		return out
	},
}

var capyHotTarget = &Rule{
	ID:       "CAPACITY003",
	Category: CategoryCapacity,
	Severity: Medium,
	Title:    "Application tier planned to run too hot",
	Why: `Utilisation is a trade of money for latency and resilience. Queueing delay grows as 1/(1−ρ): a tier ` +
		`planned near full has no headroom for a burst, a deploy or the loss of a zone, and its p99 climbs steeply ` +
		`before its average moves.`,
	Detection: `services.targetUtilization is above capacity.max_target_utilization (0.8, an assumption in ` +
		`rules/data/thresholds.yaml).`,
	FalsePositives: `A tier that autoscales quickly on a leading signal can run hotter; waive it with the scaling policy.`,
	Remediation:    `Plan for 50–70% utilisation at peak (services.targetUtilization: 0.6).`,
	References:     []string{talkGrowth, talkP99, `estimation.md §4.1 (M/M/c queueing: mean wait grows as 1/(cμ−λ)).`},
	Bad: Example{Overlay: `
		services: targetUtilization: 0.95
	`},
	Good: Example{Overlay: `
		services: targetUtilization: 0.6
	`},
	Check: func(c *Context) []Finding {
		u := c.Design.Services.TargetUtilization
		limit := th("capacity.max_target_utilization")
		if u <= limit {
			return nil
		}
		return []Finding{at("services", "services.targetUtilization",
			"the application tier is planned at %s busy (above %s): an M/M/1 queue at that load waits %s service times on average, and a zone loss or burst has nowhere to go",
			pct(u), pct(limit), num(u/(1-u)))}
	},
}

var capyRunway = &Rule{
	ID:       "CAPACITY001",
	Category: CategoryCapacity,
	Severity: High,
	Title:    "Runway under 12 months at the stated growth",
	Why: `Traffic can grow two orders of magnitude in a year, and a design must bend, not snap. A tier that scales ` +
		`out bends: add instances. A ceiling — one primary's commits, a topic's partitions — snaps: reaching it ` +
		`needs a redesign, and that needs more notice than a year.`,
	Detection: `The estimator's runway (months until load reaches capacity at the operations' stated growth, ` +
		`compounding monthly) is below growth.runway_months (12) for a resource that does not scale out by adding ` +
		`instances. Cache hit ratio and database storage have their own rules (CACHE005, DB008).`,
	FalsePositives: `Growth stated as a worst case rather than an expectation; state the expected growth.`,
	Remediation:    `Plan the redesign now: shard the database, add partitions, or take the load off the ceiling (batching, a cache, a queue).`,
	References:     []string{talkGrowth, `estimation.md §4 (runway: 12·ln(capacity/load)/ln(growth) months).`},
	Bad: Example{Overlay: `
		traffic: click: growth: 100
	`},
	Good: Example{Overlay: `
		traffic: click: growth: 4
	`},
	Check: func(c *Context) []Finding {
		if c.Estimate == nil {
			return nil
		}
		horizon := th("growth.runway_months")
		var out []Finding
		for _, r := range c.Estimate.Runway {
			m := float64(r.Months)
			if r.ScalesOut || m >= horizon || math.IsInf(m, 0) || strings.Contains(r.Resource, "hit ratio") ||
				(r.Component == "database" && r.Resource == "storage") {
				continue
			}
			out = append(out, at(r.Component, runwayField(r.Component),
				"%s (inside the %s-month horizon)", r.Derivation, num(horizon)))
		}
		return out
	},
}

// runwayField is the design field that sets a tier's ceiling.
func runwayField(tier string) string {
	switch tier {
	case "database":
		return "database.shards"
	case "queue":
		return "queue.partitions"
	case "cache":
		return "cache.nodes"
	}
	return tier
}

// asyncTiers absorb overload in the queue's backlog rather than in users'
// latency; QUEUE006 judges them.
var asyncTiers = map[string]bool{"workers": true, "queue": true}

var capyZoneDown = &Rule{
	ID:       "CAPACITY004",
	Category: CategoryCapacity,
	Severity: High,
	Title:    "Losing one zone overloads the tiers that survive",
	Why: `Spreading across zones buys availability only if the zones that remain can carry the load. A fleet ` +
		`planned for peak with every zone up runs past saturation when one zone's share moves to the others — the ` +
		`outage the redundancy was for.`,
	Detection: `A synchronous tier whose utilisation in the estimator's zone-down scenario (peak traffic, one zone's ` +
		`instances lost) reaches 100% while it is below 100% at peak with all zones up.`,
	FalsePositives: `Autoscaling that replaces the lost zone's capacity within minutes shortens the overload; the estimate does not model it.`,
	Remediation: `Plan instances so that the zones left after losing one carry peak: with Z zones, at most (Z−1)/Z busy at peak. ` +
		`A store overloaded by a cache's lost nodes needs the cache replicated across zones, or capacity for those misses.`,
	References: []string{talkAvailability},
	Bad: Example{Overlay: `
		traffic: redirect: rate: "20B/month"
		services: {instances: 4, zones: 2, throughputPerInstance: "8k/s"}
	`},
	Good: Example{Overlay: `
		traffic: redirect: rate: "20B/month"
		services: {instances: 8, zones: 2, throughputPerInstance: "8k/s"}
	`},
	Check: func(c *Context) []Finding {
		down, peak := c.scenario("zone-down"), c.scenario("peak")
		if down == nil || peak == nil {
			return nil
		}
		before := map[string]float64{}
		for _, t := range peak.Components {
			before[t.Name] = float64(t.Utilization)
		}
		var out []Finding
		for _, t := range down.Components {
			u := float64(t.Utilization)
			// A tier with no instance left is an outage, not an overload:
			// the availability rules judge that.
			if asyncTiers[t.Name] || u < 1 || math.IsInf(u, 0) || before[t.Name] >= 1 {
				continue
			}
			out = append(out, at(t.Name, tierField(t.Name),
				"with one zone down %s (%s at peak with all zones up): the surviving instances cannot carry the load",
				loadWords(t.Name, u), pct(before[t.Name])))
		}
		return out
	},
}

var capySaturated = &Rule{
	ID:       "CAPACITY005",
	Category: CategoryCapacity,
	Severity: Critical,
	Title:    "A synchronous tier saturated at peak",
	Why: `A tier asked for more than it can serve does not slow down gracefully: its queue grows without bound, ` +
		`latency climbs until requests time out, and the tiers in front of it pile up connections. Either add ` +
		`machines or make them bigger — at peak, not after.`,
	Detection: `A synchronous tier (load balancer, services, cache, database, replicas) at or above 100% utilisation ` +
		`in the estimator's peak scenario.`,
	FalsePositives: `Throughput defaults are order-of-magnitude figures; a measured per-instance throughput (services.throughputPerInstance or an override) replaces them.`,
	Remediation:    `Add instances (or shards, or replicas) until peak utilisation is below the target, or take load off the tier with a cache.`,
	References:     []string{talkGrowth, `The talk: "There are only two ways to handle more load: make the machine bigger, or add more machines."`},
	Bad: Example{Overlay: `
		services: {instances: 2, throughputPerInstance: "1k/s"}
	`},
	Good: Example{Overlay: `
		services: {instances: 2, throughputPerInstance: "8k/s"}
	`},
	Check: func(c *Context) []Finding {
		peak := c.scenario("peak")
		if peak == nil {
			return nil
		}
		var out []Finding
		for _, t := range peak.Components {
			u := float64(t.Utilization)
			if asyncTiers[t.Name] || u < 1 {
				continue
			}
			out = append(out, at(t.Name, tierField(t.Name),
				"at peak %s with %s (the estimate needs %d): requests queue without bound",
				loadWords(t.Name, u), plural(t.Instances, "instance", "instances"), t.Needed))
		}
		return out
	},
}

// loadWords says how busy a tier is; an unbounded utilisation is a tier
// with no capacity left for the load that arrives.
func loadWords(tier string, u float64) string {
	if math.IsInf(u, 0) || math.IsNaN(u) {
		return tier + " has no capacity left for its load"
	}
	return fmt.Sprintf("%s runs at %s of its capacity", tier, pct(u))
}
