package rules

import "fmt"

// The observability family: "A distributed system fails in pieces, quietly,
// at 3am. If you can't tell what broke and where from the outside, every
// incident is a guessing game."

const talkObservability = `The talk, "Observability": "If you can't tell what broke and where from the outside, every incident is a guessing game."`

func init() {
	register(obsNoMetrics, obsAveragesOnly, obsNoTraces, obsNoProbe, obsCauseAlerts, obsNoAlerts, obsNoLogs, obsPlainLogs)
}

var obsNoMetrics = &Rule{
	ID:       "OBS001",
	Category: CategoryObservability,
	Severity: High,
	Title:    "No metrics",
	Why: `Metrics are the cheap time-series numbers — request rate, error %, p99 latency, queue depth — you ` +
		`aggregate, trend and alert on. Without them no SLO in the design can be measured, let alone defended.`,
	Detection:      `observability.metrics is false.`,
	FalsePositives: `None.`,
	Remediation:    `Export metrics (Prometheus client_golang, OpenTelemetry metrics) and record latency histograms.`,
	References:     []string{talkObservability, `The talk, "Metrics": "Prometheus + Grafana is the canonical stack."`},
	Bad: Example{Overlay: `
		observability: {metrics: false, percentiles: false}
	`},
	Good: Example{Overlay: `
		observability: {metrics: true, percentiles: true}
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.Metrics {
			return nil
		}
		return []Finding{at("observability", "observability.metrics",
			"no metrics: the design promises %s availability and %s, and nothing measures either",
			pct(float64(c.Design.SLO.Availability)), p99Words(c))}
	},
}

var obsAveragesOnly = &Rule{
	ID:       "OBS002",
	Category: CategoryObservability,
	Severity: High,
	Title:    "Latency recorded as averages only",
	Why: `p99 is the slowest request in a hundred; the tail, not the average, is what users feel. An average hides ` +
		`the tail completely: a service can average 20ms while one request in a hundred takes two seconds.`,
	Detection:      `observability.metrics is true and observability.percentiles is false.`,
	FalsePositives: `None while the design states p99 SLOs.`,
	Remediation:    `Record latency as histograms (Prometheus histograms or OpenTelemetry) and alert on p99 against the SLO.`,
	References:     []string{talkObservability, `The talk: "p99 = the slowest 1 request in 100. The tail, not the average, is what users actually feel — so that's what you optimize."`},
	Bad: Example{Overlay: `
		observability: percentiles: false
	`},
	Good: Example{Overlay: `
		observability: percentiles: true
	`},
	Check: func(c *Context) []Finding {
		o := c.Design.Observability
		if !o.Metrics || o.Percentiles {
			return nil
		}
		return []Finding{at("observability", "observability.percentiles",
			"latency is recorded as averages only, but the SLO is stated as p99 (%s): the tail users feel is invisible", p99Words(c))}
	},
}

var obsNoTraces = &Rule{
	ID:       "OBS003",
	Category: CategoryObservability,
	Severity: Medium,
	Title:    "Several tiers on the request path and no tracing",
	Why: `A trace is one request's full path across services, timed per hop — the only way to find which service ` +
		`ate the latency. With several networked tiers per request, per-tier metrics cannot say where one slow ` +
		`request spent its time.`,
	Detection: `observability.traces is false and an operation's path crosses at least observability.trace_hops (3, ` +
		`an assumption in rules/data/thresholds.yaml) tiers behind the CDN and load balancer.`,
	FalsePositives: `None for designs whose operations really cross that many tiers.`,
	Remediation:    `Instrument with OpenTelemetry and send traces to Jaeger or an APM.`,
	References:     []string{talkObservability, `The talk, "Traces": "One request's full path across services, timed per hop — the only way to find which service ate the latency."`},
	Bad: Example{Overlay: `
		observability: traces: false
	`},
	Good: Example{Overlay: `
		observability: traces: true
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.Traces {
			return nil
		}
		limit := int(th("observability.trace_hops"))
		for _, op := range c.Design.Operations() {
			if hops := behindBalancer(op.Path); len(hops) >= limit {
				return []Finding{at("observability", "observability.traces",
					"no tracing, but %s crosses %d tiers behind the load balancer (%s): when it is slow, nothing says which hop ate the time",
					op.Name, len(hops), joinPath(hops))}
			}
		}
		return nil
	},
}

var obsNoProbe = &Rule{
	ID:       "OBS004",
	Category: CategoryObservability,
	Severity: Medium,
	Title:    "No external uptime probe",
	Why: `Everything inside the fleet can look healthy while users cannot reach it: DNS, certificates, the load ` +
		`balancer or the network in between. A probe from outside answers the one thing users care about: is it up?`,
	Detection:      `observability.uptimeProbe is false.`,
	FalsePositives: `None.`,
	Remediation:    `Probe a health endpoint from outside the network every minute (Pingdom, UptimeRobot, Better Stack) and alert when it is down or slow.`,
	References:     []string{talkObservability, `The talk, "Uptime probes": "Checks from outside your network ... Answers the one thing users care about: is it up?"`},
	Bad: Example{Overlay: `
		observability: uptimeProbe: false
	`},
	Good: Example{Overlay: `
		observability: uptimeProbe: true
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.UptimeProbe {
			return nil
		}
		return []Finding{at("observability", "observability.uptimeProbe",
			"no external uptime probe: an outage the fleet cannot see from inside (DNS, certificates, the balancer) goes unnoticed against a %s availability SLO",
			pct(float64(c.Design.SLO.Availability)))}
	},
}

var obsCauseAlerts = &Rule{
	ID:       "OBS005",
	Category: CategoryObservability,
	Severity: Medium,
	Title:    "Alerts on causes such as CPU instead of symptoms",
	Why: `Like a car dashboard: speed, fuel, engine light — symptoms you act on, not the thousand sensors behind ` +
		`them. Alerts on causes ("CPU 80%") page people for things users never feel and miss the failures that ` +
		`have no CPU signature.`,
	Detection:      `observability.alertsOn is "causes".`,
	FalsePositives: `None.`,
	Remediation:    `Page on symptoms users feel: error rate, p99 latency against the SLO, SLO burn rate; keep cause metrics on dashboards.`,
	References:     []string{talkObservability, `The talk: "Page on symptoms, not causes like 'CPU 80%'."`},
	Bad: Example{Overlay: `
		observability: alertsOn: "causes"
	`},
	Good: Example{Overlay: `
		observability: alertsOn: "symptoms"
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.AlertsOn != "causes" {
			return nil
		}
		return []Finding{at("observability", "observability.alertsOn",
			"alerts fire on causes (CPU, memory) rather than what users feel (errors, %s)", p99Words(c))}
	},
}

var obsNoAlerts = &Rule{
	ID:       "OBS006",
	Category: CategoryObservability,
	Severity: High,
	Title:    "No alerts",
	Why: `A distributed system fails in pieces, quietly, at 3am. Without alerts the first to notice an outage are ` +
		`the users, and the error budget is spent before anyone looks.`,
	Detection:      `observability.alertsOn is "none".`,
	FalsePositives: `None.`,
	Remediation:    `Alert on symptoms: error rate, p99 against the SLO and error-budget burn (observability.alertsOn: "symptoms").`,
	References:     []string{talkObservability},
	Bad: Example{Overlay: `
		observability: alertsOn: "none"
	`},
	Good: Example{Overlay: `
		observability: alertsOn: "symptoms"
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.AlertsOn != "none" {
			return nil
		}
		a := float64(c.Design.SLO.Availability)
		return []Finding{at("observability", "observability.alertsOn",
			"no alerts: at %s availability the error budget is %s a month, and nobody is told when it is being spent",
			pct(a), downtime(a))}
	},
}

var obsNoLogs = &Rule{
	ID:       "OBS007",
	Category: CategoryObservability,
	Severity: Medium,
	Title:    "No logs",
	Why: `Logs are the record of what happened, with enough context to search after the fact. Without them an ` +
		`incident can be seen on a dashboard but never explained.`,
	Detection:      `observability.logs is "none".`,
	FalsePositives: `None.`,
	Remediation:    `Write structured logs (JSON, one line per event) to a log store (Loki, ELK or a managed one).`,
	References:     []string{talkObservability, `The talk, "Logs": "Structured event records — one line per thing that happened, with enough context to search after the fact."`},
	Bad: Example{Overlay: `
		observability: logs: "none"
	`},
	Good: Example{Overlay: `
		observability: logs: "structured"
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.Logs != "none" {
			return nil
		}
		return []Finding{at("observability", "observability.logs", "no logs: after an incident there is no record of what happened on which instance")}
	},
}

var obsPlainLogs = &Rule{
	ID:       "OBS008",
	Category: CategoryObservability,
	Severity: Low,
	Title:    "Unstructured logs",
	Why: `Plain-text logs can be read but not queried: finding every failed request for one code across ` +
		`instances becomes a grep over free text. Structured logs carry fields you can filter and aggregate.`,
	Detection:      `observability.logs is "plain".`,
	FalsePositives: `None.`,
	Remediation:    `Log structured records (log/slog with a JSON handler) with request id, operation and latency fields.`,
	References:     []string{talkObservability},
	Bad: Example{Overlay: `
		observability: logs: "plain"
	`},
	Good: Example{Overlay: `
		observability: logs: "structured"
	`},
	Check: func(c *Context) []Finding {
		if c.Design.Observability.Logs != "plain" {
			return nil
		}
		return []Finding{at("observability", "observability.logs",
			"logs are plain text: events across %s cannot be filtered or counted by field",
			plural(c.Design.Services.Instances, "instance", "instances"))}
	},
}

// p99Words lists the design's p99 SLOs: "p99 redirect 50ms, create 200ms".
func p99Words(c *Context) string {
	names := sortedNames(c.Design.SLO.P99)
	if len(names) == 0 {
		return "no p99 SLO"
	}
	s := "p99 "
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s", n, c.Design.SLO.P99[n])
	}
	return s
}

// behindBalancer is the part of a path after the CDN and load balancer:
// the networked tiers a request crosses inside the system.
func behindBalancer(path []string) []string {
	var out []string
	for _, t := range path {
		if t != "cdn" && t != "loadBalancer" {
			out = append(out, t)
		}
	}
	return out
}

func joinPath(path []string) string {
	s := ""
	for i, p := range path {
		if i > 0 {
			s += " → "
		}
		s += p
	}
	return s
}
