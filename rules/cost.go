package rules

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
	Bad: Example{`
		budget: null
	`},
	Good: Example{`
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
	Bad: Example{`
		budget: monthlyUSD: 500
	`},
	Good: Example{`
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

// scaledTiers are the tiers whose instance count the design sets and the
// estimator sizes, so a surplus is money that buys nothing.
var scaledTiers = map[string]bool{"services": true, "workers": true, "replicas": true}

var costOverProvisioned = &Rule{
	ID:       "COST002",
	Category: CategoryCost,
	Severity: Low,
	Title:    "A cheaper configuration would meet the same SLO",
	Why: `The cheapest design that meets the SLO wins. Instances beyond what peak traffic needs at the target ` +
		`utilisation, with zone redundancy, are money spent on no requirement.`,
	Detection: `The design meets its p99 and availability SLOs in the estimate, and a tier the design sizes (services, ` +
		`workers, replicas) has more instances than the estimator needs for peak at its target utilisation across ` +
		`its zones; the saving is that tier's cost in proportion.`,
	FalsePositives: `Headroom kept on purpose for growth before the next review, or for a launch; waive with the date it is needed by.`,
	Remediation:    `Run the instance count the estimate needs, and let autoscaling add more when traffic grows.`,
	References:     []string{talkCost},
	Bad: Example{`
		services: instances: 12
	`},
	Good: Example{`
		services: instances: 2
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
			if !scaledTiers[comp.Name] || comp.Needed < 1 || comp.Instances <= comp.Needed {
				continue
			}
			saving := comp.MonthlyUSD[cloud] * float64(comp.Instances-comp.Needed) / float64(comp.Instances)
			out = append(out, at(comp.Name, tierField(comp.Name),
				"%s runs %d instances where %d meet peak at the target utilisation: about $%s a month on %s buys no requirement",
				comp.Name, comp.Instances, comp.Needed, num(saving), cloud))
		}
		return out
	},
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
	}
	return tier
}
