package rules

import (
	"fmt"
	"math"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The cost family: "capacity costs money. The cheapest design that meets
// the SLO wins, not the most powerful."

const talkCost = `The talk: "capacity costs money. The cheapest design that meets the SLO wins, not the most powerful."`

func init() {
	register(costNoBudget, costOverBudget, costOverProvisioned)
}

var costNoBudget = &Rule{
	ID:       "COST003",
	Category: CategoryCost,
	Severity: Info,
	Title:    "No budget stated",
	Why: `The cheapest design that meets the SLO wins — but only a stated budget says what "cheap enough" is. ` +
		`Without one, the review cannot tell an over-provisioned design from a sound one.`,
	Detection:      `budget.monthlyUSD is not set.`,
	FalsePositives: `None.`,
	Remediation:    `State budget.monthlyUSD, the monthly spend the design may not exceed.`,
	References:     []string{talkCost},
	Bad: Example{Overlay: `
		budget: null
	`},
	Good: Example{Overlay: `
		budget: monthlyUSD: 6000
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Budget != nil {
			return nil
		}
		return []Finding{at("budget", "budget", "no budget: the review cannot say whether the design costs more than it must")}
	},
}

var costOverBudget = &Rule{
	ID:       "COST001",
	Category: CategoryCost,
	Severity: High,
	Title:    "Monthly cost above the budget",
	Why: `Capacity costs money. A design that meets its SLO by spending more than the team can pay has not met ` +
		`its requirements — it has traded the budget away without saying so.`,
	Detection: `The estimator's monthly cost on the design's cloud (on-demand prices from estimator/data, 730-hour ` +
		`month) is above budget.monthlyUSD.`,
	FalsePositives: `Committed-use or negotiated discounts are not in list prices; state them with --prices in tradeoff estimate.`,
	Remediation:    `Remove over-provisioned capacity (see COST002), choose cheaper components, or raise the budget with the SLO it buys.`,
	References:     []string{talkCost},
	Bad: Example{Overlay: `
		budget: monthlyUSD: 500
	`},
	Good: Example{Overlay: `
		budget: monthlyUSD: 6000
	`},
	Check: func(c *Context) []Finding {
		if c.Estimate == nil || c.Design.Budget == nil {
			return nil
		}
		cloud := c.Design.System.Cloud
		cost := c.Estimate.Cost.For(cloud).MonthlyUSD
		budget := c.Design.Budget.MonthlyUSD
		if cost <= budget {
			return nil
		}
		return []Finding{at("budget", "budget.monthlyUSD",
			"the design costs about $%s a month on %s, $%s over the $%s budget",
			num(cost), cloud, num(cost-budget), num(budget))}
	},
}

// scaledTiers are the tiers whose count the design sets and the estimator
// sizes, so a surplus is money that buys nothing, with what the count is
// of. Queue consumers and partitions are not among them: worker VMs are
// billed for busy consumers and brokers for throughput, so an idle consumer
// or a spare partition costs nothing the estimate can see.
var scaledTiers = map[string]string{
	"services": "instances", "replicas": "replicas",
	"database": "shards", "cache": "nodes", "loadBalancer": "proxy instances",
}

var costOverProvisioned = &Rule{
	ID:       "COST002",
	Category: CategoryCost,
	Severity: Low,
	Title:    "A cheaper configuration would meet the same SLO",
	Why: `The cheapest design that meets the SLO wins. Capacity beyond what peak traffic needs at the target ` +
		`utilisation, plus the redundancy the availability SLO and the design's own choices need, is money spent ` +
		`on no requirement.`,
	Detection: `The design meets its p99 and availability SLOs in the estimate, and a tier whose count the design ` +
		`sets (services and self-run load-balancer instances, database shards and replicas, cache nodes) ` +
		`has more than the estimator needs: for peak at the target utilisation across the zones (and, for services, enough ` +
		`that losing the busiest zone leaves the survivors below saturation, so CAPACITY004 would not flag the count), for stored data ` +
		`at the horizon, and for redundancy (a standby for automatic failover, a replica for synchronous ` +
		`replication, enough replicas that the read path reaches the region's availability). The saving is that ` +
		`tier's cost in proportion; findings are listed largest saving first. Cache memory is reported when it holds ` +
		`more objects than the whole catalogue at the horizon: past that, memory buys no hit. Stores without a sourced ` +
		`throughput figure are never reported: nobody can say fewer would do; nor are services whose throughput is only ` +
		`the app.rps_per_vcpu assumption (a trivial handler's rate, with neither serviceTime nor throughputPerInstance ` +
		`stated), nor a count set by what the estimate cannot see, such as the sessions a gateway holds; queue consumers and partitions are not ` +
		`priced by their count, so a spare one wastes nothing the estimate can see.`,
	FalsePositives: `Headroom kept on purpose for growth before the next review, or for a launch; waive with the date it is needed by.`,
	Remediation:    `Run the count the estimate needs (tradeoff optimize finds the cheapest configuration that meets every SLO); let autoscaling add instances when traffic grows, and add shards ahead of the horizon they are sized for, not years ahead.`,
	References:     []string{talkCost},
	Bad: Example{Overlay: `
		services: {instances: 12, serviceTime: "2ms"}
	`},
	Good: Example{Overlay: `
		services: {instances: 2, serviceTime: "2ms"}
	`},
	Check: func(c *Context) []Finding {
		e := c.Estimate
		if e == nil || !e.Availability.MeetsSLO {
			return nil
		}
		for _, op := range e.Operations {
			if !op.MeetsSLO {
				return nil
			}
		}
		var out []Finding
		cloud := c.Design.System.Cloud
		for _, comp := range e.Components {
			unit, ok := scaledTiers[comp.Name]
			if !ok || comp.Name == "loadBalancer" && !c.Design.LoadBalancer.SelfRun() {
				continue
			}
			if comp.Name == "services" && !statedThroughput(c.Design.Services.ServiceTime, c.Design.Services.ThroughputPerInstance) {
				continue
			}
			needed, when := comp.Needed, "peak at the target utilisation"
			if z := c.Design.Services.Zones; comp.Name == "services" && comp.Instances > 0 && z > 1 {
				// Spread evenly, and enough that losing a zone leaves
				// the survivors below saturation.
				n := survivesZoneLoss(needed, z, comp.LoadRPS, comp.CapacityRPS/float64(comp.Instances))
				needed = (n + z - 1) / z * z
			}
			if comp.Name == "database" {
				// Shards are costly to add later: they are sized for the
				// whole horizon, not for today's peak.
				needed, when = neededOverScenarios(e, comp), fmt.Sprintf("every scenario through the %d-month horizon", e.HorizonMonths)
			}
			if needed < 1 || comp.Instances <= needed {
				continue
			}
			saving := comp.MonthlyUSD[cloud] * float64(comp.Instances-needed) / float64(comp.Instances)
			runs, meet := fmt.Sprintf("%d %s", comp.Instances, unit), fmt.Sprint(needed)
			if shards := c.Design.Database.Shards; comp.Name == "replicas" && shards > 1 {
				// database.replicas counts per shard; say so, a user who
				// reads it as a total multiplies the bill by the shards.
				runs = fmt.Sprintf("%d replicas per shard × %d shards = %d", comp.Instances/shards, shards, comp.Instances)
				meet = fmt.Sprintf("%d (%d per shard)", needed, (needed+shards-1)/shards)
			}
			f := at(comp.Name, tierField(comp.Name),
				"%s runs %s where %s meet %s and the redundancy the design needs: about $%s a month on %s buys no requirement",
				comp.Name, runs, meet, when, num(saving), cloud)
			f.USDPerMonth = round2(saving)
			out = append(out, f)
		}
		if f, ok := cacheMemoryWaste(c, e); ok {
			out = append(out, f)
		}
		return out
	},
}

// statedThroughput says whether a service's throughput is the design's
// (its serviceTime or throughputPerInstance) rather than app.rps_per_vcpu,
// a trivial handler's rate: only then can a count below the design's be
// said to carry its load.
func statedThroughput(serviceTime *schema.Duration, perInstance *schema.Rate) bool {
	return serviceTime != nil || perInstance != nil
}

// cacheMemoryWaste finds cache memory beyond what holds every object the
// cache can be asked for at the horizon: past the whole catalogue, memory
// buys no hit.
func cacheMemoryWaste(c *Context, e *estimator.Result) (Finding, bool) {
	cloud := c.Design.System.Cloud
	for _, comp := range e.Components {
		cd := comp.Cache
		if comp.Name != "cache" || cd == nil || cd.Objects <= 0 || cd.CapacityObjects <= cd.ObjectsHorizon {
			continue
		}
		share := 1 - cd.ObjectsHorizon/cd.CapacityObjects
		saving := comp.MonthlyUSD[cloud] * share
		if saving < 1 {
			continue
		}
		f := at("cache", "cache.memory",
			"cache holds %s objects but the whole catalogue at the %d-month horizon is %s: %s of its memory caches nothing, about $%s a month on %s",
			num(cd.CapacityObjects), e.HorizonMonths, num(cd.ObjectsHorizon), pct(share), num(saving), cloud)
		f.USDPerMonth = round2(saving)
		return f, true
	}
	return Finding{}, false
}

// tierField is the design field that sets a tier's instance count.
func tierField(tier string) string {
	switch tier {
	case "services":
		return "services.instances"
	case "workers":
		return "queue.consumers"
	case "replicas":
		return "database.replicas"
	case "database":
		return "database.shards"
	case "cache":
		return "cache.nodes"
	case "loadBalancer":
		return "loadBalancer.instances"
	}
	return tier
}

// neededOverScenarios is the most any scenario needs of a component.
func neededOverScenarios(e *estimator.Result, comp estimator.Component) int {
	n := comp.Needed
	for _, s := range e.Scenarios {
		for _, t := range s.Components {
			if t.Name == comp.Name {
				n = max(n, t.Needed)
			}
		}
	}
	return n
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
