package rules

// The security family: where a performance trade-off leaks one user's data
// to another or risks money.

func init() {
	register(secPrivateAtEdge, secMoneyBestEffort)
}

var secPrivateAtEdge = &Rule{
	ID:       "SEC001",
	Category: CategorySecurity,
	Severity: High,
	Title:    "Private responses routed through a CDN",
	Why: `An edge cache is shared by everyone who reaches that edge. A private response cached there — a user's ` +
		`links, their account page — can be served to the next user who asks for the same URL. The CDN's speed is ` +
		`only for public responses.`,
	Detection:      `An operation whose path includes "cdn" while traffic.<op>.public is false.`,
	FalsePositives: `A CDN configured to pass private responses through uncached (Cache-Control: private on every one); state it by leaving the operation out of the CDN path.`,
	Remediation:    `Route private operations around the CDN, or mark them public only if their responses really are the same for every user.`,
	References:     []string{talkCache, `The talk, "CDN": "Static assets and public responses cached at the edge, near the user." "a CDN only helps for public, cacheable responses."`},
	Bad: Example{`
		cdn: {enabled: true, cacheableShare: "50%"}
		traffic: create: path: ["cdn", "loadBalancer", "services", "database"]
	`},
	Good: Example{`
		cdn: {enabled: true, cacheableShare: "50%"}
		traffic: redirect: {public: true, path: ["cdn", "loadBalancer", "services", "cache", "replicas"]}
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.opsThrough("cdn") {
			if op.Public {
				continue
			}
			out = append(out, at(op.Name, opPath(op, "public"),
				"%s is private (public: false) but its path goes through the CDN: a cached response for one user can be served to another", op.Name))
		}
		return out
	},
}

var secMoneyBestEffort = &Rule{
	ID:       "SEC002",
	Category: CategorySecurity,
	Severity: Critical,
	Title:    "Money handled under a best-effort durability promise",
	Why: `Best-effort durability trades the last moments of acknowledged writes for speed (asynchronous commits, ` +
		`write-behind). For a click counter that is a fair trade; for money it means a charge the user was told ` +
		`succeeded can vanish.`,
	Detection:      `slo.durability is "best-effort" and an operation needs "money" or does "payment" slow work.`,
	FalsePositives: `None: money needs lossless durability even if the rest of the design does not; split it into its own design if the rest is best-effort.`,
	Remediation:    `Set slo.durability: "lossless" and commit money writes durably before acknowledging them.`,
	References:     []string{`The talk: "Every decision ahead trades one resource for another — there is no free win, only the right trade for your numbers."`},
	Bad: Example{`
		slo: durability: "best-effort"
		traffic: create: needs: ["money"]
	`},
	Good: Example{`
		slo: durability: "lossless"
		traffic: create: needs: ["money"]
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.SLO.Durability != "best-effort" {
			return nil
		}
		var out []Finding
		for _, op := range d.Operations() {
			switch {
			case contains(op.Needs, "money"):
				out = append(out, at(op.Name, "slo.durability", "%s moves money but slo.durability is best-effort: an acknowledged payment can be lost", op.Name))
			case contains(op.SlowWork, "payment"):
				out = append(out, at(op.Name, "slo.durability", "%s charges a card but slo.durability is best-effort: an acknowledged payment can be lost", op.Name))
			}
		}
		return out
	},
}
