package rules

import "math"

// The latency family: p99 is the slowest request in a hundred — the tail,
// not the average, is what users feel.

const talkP99 = `The talk: "p99 = the slowest 1 request in 100. The tail, not the average, is what users actually feel — so that's what you optimize."`

func init() {
	register(latNoSLO, latBelowRoundTrips, latAboveSLO)
}

var latNoSLO = &Rule{
	ID:       "LAT002",
	Category: CategoryLatency,
	Severity: Low,
	Title:    "Synchronous operation without a p99 SLO",
	Why: `A user waits for every synchronous operation. Without a p99 target there is nothing to size the tiers ` +
		`against and nothing to alert on, so its tail drifts until users complain.`,
	Detection:      `An operation with async: false and no entry in slo.p99.`,
	FalsePositives: `Internal operations no user waits on; mark them async or give them a loose SLO.`,
	Remediation:    `Add slo.p99.<op> with the latency users of that operation accept.`,
	References:     []string{talkP99},
	Bad: Example{Overlay: `
		slo: p99: {redirect: "50ms", create: null}
	`},
	Good: Example{Overlay: `
		slo: p99: {redirect: "50ms", create: "200ms"}
	`},
	Check: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.Design.Operations() {
			if _, ok := c.Design.SLO.P99[op.Name]; ok || op.Async {
				continue
			}
			out = append(out, at(op.Name, "slo.p99",
				"%s is synchronous (%s at peak) but has no p99 SLO: nothing sizes or alerts on its tail", op.Name, rps(peakRPS(op))))
		}
		return out
	},
}

var latBelowRoundTrips = &Rule{
	ID:       "LAT003",
	Category: CategoryLatency,
	Severity: High,
	Title:    "p99 SLO below the network round trips of the operation's path",
	Why: `Every tier a request crosses costs at least one network round trip, before any work is done. An SLO ` +
		`tighter than the sum of those round trips cannot be met by any amount of capacity — only by taking tiers off ` +
		`the path (serving from memory, an edge cache).`,
	Detection: `For an operation with a p99 SLO, (tiers on its path behind the load balancer) × network.rtt.same_zone ` +
		`(estimator/data/defaults.yaml) exceeds the SLO; the load balancer's own hop is not counted.`,
	FalsePositives: `Tiers co-located in one process (an in-process cache listed as "cache") cost no round trip.`,
	Remediation:    `Relax the SLO to what the path can deliver, or shorten the path (serve hot data from process memory or the CDN).`,
	References:     []string{talkP99, `system-design-primer, "Latency numbers every programmer should know": round trip within the same datacenter 500 µs.`},
	Bad: Example{Overlay: `
		slo: p99: redirect: "1ms"
	`},
	Good: Example{Overlay: `
		slo: p99: redirect: "50ms"
	`},
	Check: func(c *Context) []Finding {
		rtt, ok := c.figure("network.rtt.same_zone")
		if !ok {
			return nil
		}
		var out []Finding
		for _, op := range c.Design.Operations() {
			slo, ok := c.Design.SLO.P99[op.Name]
			if !ok {
				continue
			}
			hops := len(behindBalancer(op.Path))
			floor := float64(hops) * rtt.V() / 1000
			if floor <= slo.Seconds() {
				continue
			}
			out = append(out, at(op.Name, "slo.p99."+op.Name,
				"%s's p99 SLO is %s but its path crosses %d tiers at %s a round trip at least (%s): %s before any work is done",
				op.Name, slo, hops, ms(rtt.V()/1000), joinPath(op.Path), ms(floor)))
		}
		return out
	},
}

var latAboveSLO = &Rule{
	ID:       "LAT001",
	Category: CategoryLatency,
	Severity: High,
	Title:    "Estimated p99 above the SLO",
	Why: `The p99 is what users feel, and it is set by the slowest hop on the path and by queueing where a tier runs ` +
		`busy. When the estimate's p99 is above the SLO at peak, the design promises a latency its own numbers do not ` +
		`deliver.`,
	Detection: `For each operation with a p99 SLO, the estimator's peak-scenario p99 (queueing at each tier by M/M/c, the ` +
		`cache hit/miss mixture, per-hop distributions combined numerically; see tradeoff estimate --explain) is above ` +
		`the SLO, or unbounded because a tier on the path is saturated.`,
	FalsePositives: `The estimate uses throughput and latency defaults from estimator/data/defaults.yaml; measured figures ` +
		`set through overrides in the design replace them.`,
	Remediation: `Find the hop that dominates (tradeoff estimate --explain), then add capacity there, cache in front of it, ` +
		`or take it off the path; or relax the SLO to what users accept.`,
	References: []string{talkP99, `estimation.md §4.1–4.2 (M/M/c queueing; percentiles do not add).`},
	Bad: Example{Overlay: `
		slo: p99: redirect: "3ms"
	`},
	Good: Example{Overlay: `
		slo: p99: redirect: "50ms"
	`},
	Check: func(c *Context) []Finding {
		if c.Estimate == nil {
			return nil
		}
		var out []Finding
		for _, op := range c.Estimate.Operations {
			if op.SLOP99Ms == nil || op.MeetsSLO {
				continue
			}
			p99 := float64(op.P99Ms)
			if math.IsInf(p99, 0) || math.IsNaN(p99) {
				out = append(out, at(op.Name, "slo.p99."+op.Name,
					"%s cannot meet its %s p99 at %s: a tier on its path is saturated, so its queue grows without bound",
					op.Name, ms(*op.SLOP99Ms/1000), rps(op.PeakRPS)))
				continue
			}
			out = append(out, at(op.Name, "slo.p99."+op.Name,
				"%s's estimated p99 at peak (%s) is %s, above its %s SLO by %s",
				op.Name, rps(op.PeakRPS), ms(p99/1000), ms(*op.SLOP99Ms/1000), ms((p99-*op.SLOP99Ms)/1000)))
		}
		return out
	},
}
