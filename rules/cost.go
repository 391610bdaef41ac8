package rules

// The cost family: "capacity costs money. The cheapest design that meets
// the SLO wins, not the most powerful."

const talkCost = `The talk: "capacity costs money. The cheapest design that meets the SLO wins, not the most powerful."`

func init() {
	register(costNoBudget)
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
