package rules

import (
	"fmt"
	"strings"
)

// The availability family: load balancing and redundancy. "No machine has
// 100% uptime. At scale, something is always failing — plan for it."

const talkAvailability = `The talk: "no machine has 100% uptime. At scale, something is always failing — plan for it."`

const talkLB = `The talk, "Load balancer": "The balancer health-checks the fleet and routes around the dead node — clients never notice."`

func init() {
	register(avSingleProxy, avSingleInstance, avOneZone, avNoHealthChecks, avSelfRunProxy, avNoBalancer, avBelowSLO)
}

var avSingleProxy = &Rule{
	ID:       "AVAIL001",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "A single self-run load balancer",
	Why: `A load balancer removes the application's single point of failure only if it is not one itself. One ` +
		`nginx or HAProxy box in front of the fleet takes the whole service down when it fails or is patched.`,
	Detection:      `loadBalancer.kind is "nginx" or "haproxy" and loadBalancer.instances is 1.`,
	FalsePositives: `A floating IP with a standby (keepalived) that the design does not model; count the standby in instances.`,
	Remediation:    `Run at least two proxy instances across zones behind a floating IP or DNS, or use the cloud's managed load balancer.`,
	References:     []string{talkLB, talkAvailability},
	Bad: Example{Overlay: `
		loadBalancer: {kind: "haproxy", instances: 1, need: "custom-routing"}
	`},
	Good: Example{Overlay: `
		loadBalancer: {kind: "haproxy", instances: 2, need: "custom-routing"}
	`},
	Check: func(c *Context) []Finding {
		lb := c.Design.LoadBalancer
		if !lb.SelfRun() || lb.Instances > 1 {
			return nil
		}
		return []Finding{at("loadBalancer", "loadBalancer.instances",
			"one %s instance fronts the fleet (%s): it is a single point of failure for every operation behind it",
			lb.Kind, plural(c.Design.Services.Instances, "application instance", "application instances"))}
	},
}

var avSingleInstance = &Rule{
	ID:       "AVAIL002",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "A single application instance while the SLO needs more",
	Why: `Adding machines is how a design survives one of them failing. One application instance is only as ` +
		`available as one machine, and a deploy or a reboot is an outage.`,
	Detection: `services.instances is 1 and slo.availability is above the provider's single-instance SLA ` +
		`(<cloud>.compute.single in estimator/data/sla.yaml).`,
	FalsePositives: `None when the SLO is stated truthfully; a single-node design with a matching SLO stays silent.`,
	Remediation:    `Run at least two instances, across zones, behind a health-checking load balancer.`,
	References:     []string{talkAvailability, `The talk: "There are only two ways to handle more load: make the machine bigger, or add more machines."`},
	Bad: Example{Overlay: `
		services: {instances: 1, zones: 1}
	`},
	Good: Example{Overlay: `
		services: {instances: 2, zones: 2}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.Services.Instances > 1 {
			return nil
		}
		sla, src, ok := c.sla("compute.single")
		if !ok || float64(d.SLO.Availability) <= sla {
			return nil
		}
		return []Finding{at("services", "services.instances",
			"one application instance (%s) cannot meet slo.availability %s: it allows %s of downtime a month, the SLO %s",
			src, pct(float64(d.SLO.Availability)), downtime(sla), downtime(float64(d.SLO.Availability)))}
	},
}

var avOneZone = &Rule{
	ID:       "AVAIL003",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "One zone only while the SLO needs more",
	Why: `Instances in one zone fail together: a zone outage, a network event or a power problem takes all of ` +
		`them at once. Spreading across zones is what turns several machines into redundancy.`,
	Detection: `services.zones is 1 with several instances, and slo.availability is above the provider's SLA for a ` +
		`deployment not spread across zones (<cloud>.compute.same_zone if published, else <cloud>.compute.single, ` +
		`in estimator/data/sla.yaml).`,
	FalsePositives: `Providers publish few single-zone figures; the finding names the figure it used.`,
	Remediation:    `Spread services.instances over at least two zones (services.zones: 2 or more).`,
	References:     []string{talkAvailability},
	Bad: Example{Overlay: `
		services: {instances: 4, zones: 1}
	`},
	Good: Example{Overlay: `
		services: {instances: 4, zones: 2}
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.Services.Zones > 1 || d.Services.Instances < 2 {
			return nil
		}
		sla, src, ok := c.sla("compute.same_zone")
		if !ok {
			sla, src, ok = c.sla("compute.single")
		}
		if !ok || float64(d.SLO.Availability) <= sla {
			return nil
		}
		return []Finding{at("services", "services.zones",
			"all %d instances run in one zone (%s) but slo.availability is %s: one zone event takes every instance down together",
			d.Services.Instances, src, pct(float64(d.SLO.Availability)))}
	},
}

var avNoHealthChecks = &Rule{
	ID:       "AVAIL004",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "Load balancer without health checks",
	Why: `A balancer routes around a dead node only if it checks the nodes. Without health checks it keeps sending ` +
		`a share of the requests to an instance that is down, and those users see errors until someone intervenes.`,
	Detection:      `loadBalancer.kind is not "none" and loadBalancer.healthChecks is false.`,
	FalsePositives: `None.`,
	Remediation:    `Enable health checks (loadBalancer.healthChecks: true) on an endpoint that checks the instance's dependencies.`,
	References:     []string{talkLB},
	Bad: Example{Overlay: `
		loadBalancer: healthChecks: false
	`},
	Good: Example{Overlay: `
		loadBalancer: healthChecks: true
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		lb := d.LoadBalancer
		if lb.Kind == "none" || lb.HealthChecks {
			return nil
		}
		if d.Services.Instances == 1 {
			return []Finding{at("loadBalancer", "loadBalancer.healthChecks",
				"health checks are off: nothing notices when the only instance stops answering, and adding instances will not help until the balancer checks them")}
		}
		share := 1 / float64(d.Services.Instances)
		return []Finding{at("loadBalancer", "loadBalancer.healthChecks",
			"health checks are off: when one of %s dies the balancer keeps sending it %s of requests, and they fail",
			plural(d.Services.Instances, "instance", "instances"), pct(share))}
	},
}

var avSelfRunProxy = &Rule{
	ID:       "AVAIL005",
	Category: CategoryAvailability,
	Severity: Low,
	Title:    "Self-run proxy on a cloud with no stated need for one",
	Why: `On a cloud, the managed load balancer scales itself, heals itself and has nothing to patch. nginx or ` +
		`HAProxy earn their keep with custom routing rules or portability across providers; without such a need they ` +
		`are machines to run, patch and make redundant for nothing.`,
	Detection:      `loadBalancer.kind is "nginx" or "haproxy" and loadBalancer.need is not stated.`,
	FalsePositives: `None once the need is written down in loadBalancer.need.`,
	Remediation:    `Use the managed load balancer (loadBalancer.kind: "managed"), or state the need (custom-routing, portability, static-files, cost).`,
	References:     []string{talkLB, `The talk, "How to choose": "on a cloud, start with the managed load balancer — it scales itself and you never patch it. Drop down to nginx or HAProxy when you need custom routing rules or want to stay portable across providers."`},
	Bad: Example{Overlay: `
		loadBalancer: {kind: "nginx", instances: 2}
	`},
	Good: Example{Overlay: `
		loadBalancer: {kind: "nginx", instances: 2, need: "portability"}
	`},
	Check: func(c *Context) []Finding {
		lb := c.Design.LoadBalancer
		if !lb.SelfRun() || lb.Need != "" {
			return nil
		}
		return []Finding{at("loadBalancer", "loadBalancer.kind",
			"%s is self-run on %s with no stated need: the managed load balancer scales and heals itself with nothing to patch",
			lb.Kind, c.Design.System.Cloud)}
	},
}

var avNoBalancer = &Rule{
	ID:       "AVAIL006",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "Several instances with no load balancer in front",
	Why: `Several instances are redundancy only if something sends traffic away from the one that died. Without a ` +
		`load balancer, clients pinned to a dead instance fail until DNS or a human moves them.`,
	Detection:      `loadBalancer.kind is "none" and services.instances is greater than 1.`,
	FalsePositives: `Client-side load balancing with health checks (a service mesh) that the design does not model.`,
	Remediation:    `Put a health-checking load balancer in front of the instances (loadBalancer.kind: "managed").`,
	References:     []string{talkLB, `The talk: "A load balancer is the traffic cop in front of the fleet, deciding which node each request goes to."`},
	Bad: Example{Overlay: `
		loadBalancer: kind: "none"
		traffic: {
			redirect: path: ["services", "cache", "replicas"]
			create: path: ["services", "database"]
		}
	`},
	Good: Example{Overlay: `
		loadBalancer: kind: "managed"
	`},
	Check: func(c *Context) []Finding {
		d := c.Design
		if d.LoadBalancer.Kind != "none" || d.Services.Instances < 2 {
			return nil
		}
		return []Finding{at("loadBalancer", "loadBalancer.kind",
			"%d instances and no load balancer: nothing routes requests away from an instance that dies", d.Services.Instances)}
	},
}

var avBelowSLO = &Rule{
	ID:       "AVAIL007",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "Estimated availability below the SLO",
	Why: `Tiers in series multiply their availabilities: every hop a request needs is one more thing that can be ` +
		`down. When the product of the providers' SLAs along the worst synchronous path is below the SLO, the ` +
		`design's error budget is spent before anything goes wrong that the SLAs do not already allow.`,
	Detection: `The estimator's availability of the worst synchronous operation's path (tiers in series, redundant ` +
		`members in parallel, provider SLAs from estimator/data/sla.yaml) is below slo.availability.`,
	FalsePositives: `Provider SLAs are refund thresholds, usually below measured availability; a team with measured ` +
		`figures can override them.`,
	Remediation: `Take a tier off the critical path (serve from cache, make the write asynchronous), add redundancy ` +
		`where the estimate lists a single point of failure, or set the SLO the path can meet.`,
	References: []string{talkAvailability, `system-design-primer, "Availability in parallel vs in sequence" (estimation.md §4.3).`},
	Bad: Example{Overlay: `
		slo: availability: "99.99%"
	`},
	Good: Example{Overlay: `
		slo: availability: "99.9%"
	`},
	Check: func(c *Context) []Finding {
		if c.Estimate == nil || c.Estimate.Availability.MeetsSLO {
			return nil
		}
		a := c.Estimate.Availability
		msg := fmt.Sprintf("the %s path is estimated at %s against a %s SLO: about %s min of downtime a month against a %s-minute error budget",
			a.WorstOperation, pct(a.Estimated), pct(a.SLO), num(a.DowntimeMinutes), num(a.ErrorBudgetMinutes))
		if len(a.SinglePoints) > 0 {
			msg += "; single points of failure: " + strings.Join(a.SinglePoints, "; ")
		}
		return []Finding{at("availability", "slo.availability", "%s", msg)}
	},
}
