package rules

// The capacity family: "traffic can grow two orders of magnitude in a year
// — design must bend, not snap."

const talkGrowth = `The talk: "traffic can grow two orders of magnitude in a year — design must bend, not snap."`

func init() {
	register(capyNoGrowth, capyHotTarget)
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
	Bad: Example{`
		traffic: create: growth: null
	`},
	Good: Example{`
		traffic: create: growth: 10
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.Design.Operations() {
			if c.Design.Source.Has(opPath(op, "growth")) {
				continue
			}
			out = append(out, at(op.Name, opPath(op, ""),
				"%s states no growth, so the review assumes today's %s forever: state traffic.%s.growth (× per year)",
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
	Bad: Example{`
		services: targetUtilization: 0.95
	`},
	Good: Example{`
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
