package estimator

import (
	"fmt"
	"math"
	"sort"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// tierAvail is one tier's availability on the design's cloud.
type tierAvail struct {
	value  float64
	text   string
	series bool // false: a failure degrades but does not fail requests
}

type opAvail struct {
	value float64
	// region is the path's availability within one region; value is over
	// every region.
	region float64
	steps  []string
}

// sla reads an SLA figure; ok is false when the provider offers none.
func (e *estimator) sla(id string) (float64, bool) {
	if _, ok := e.cat.Lookup(id); !ok {
		return 0, false
	}
	v := e.fig(id)
	return v, !math.IsNaN(v)
}

// vmAvail is n self-run instances across the fleet's zones. A multi-zone
// SLA already covers redundant instances, so the parallel formula is not
// applied on top of it (estimation.md §4.3).
func (e *estimator) vmAvail(n int) (float64, string) {
	c := e.d.System.Cloud
	switch {
	case n <= 1 || e.d.System.Footprint == schema.SingleNode:
		single, _ := e.sla(c + ".compute.single")
		return single, fmt.Sprintf("single instance %s (%s.compute.single)", Pct(single), c)
	case e.zones > 1:
		v, _ := e.sla(c + ".compute.multi_zone")
		return v, fmt.Sprintf("%d instances across %d zones %s (%s.compute.multi_zone)", n, e.zones, Pct(v), c)
	}
	if v, ok := e.sla(c + ".compute.same_zone"); ok {
		return v, fmt.Sprintf("%d instances in one zone %s (%s.compute.same_zone)", n, Pct(v), c)
	}
	single, _ := e.sla(c + ".compute.single")
	e.note(c+".compute.same_zone", "no SLA for several instances in one zone: the single-instance figure is used")
	return single, fmt.Sprintf("%d instances in one zone: no SLA, single-instance %s used", n, Pct(single))
}

// managedAvail picks a managed service's multi-zone or single-zone SLA,
// falling back to a VM's when the provider has no figure.
func (e *estimator) managedAvail(kind string, multi bool) (float64, string) {
	c := e.d.System.Cloud
	id := fmt.Sprintf("%s.%s.managed.single", c, kind)
	if multi {
		id = fmt.Sprintf("%s.%s.managed.multi_zone", c, kind)
	}
	if v, ok := e.sla(id); ok {
		return v, fmt.Sprintf("%s (%s)", Pct(v), id)
	}
	if v, ok := e.sla(fmt.Sprintf("%s.%s.managed.multi_zone", c, kind)); ok && !multi {
		if _, exists := e.cat.Lookup(id); !exists {
			return v, fmt.Sprintf("%s (%s.%s.managed.multi_zone; no single-zone figure)", Pct(v), c, kind)
		}
	}
	v, text := e.vmAvail(1)
	return v, fmt.Sprintf("no SLA for a single-zone %s: %s", kind, text)
}

// tierAvailability is each tier's availability on the design's cloud, with
// what the scenario sc leaves (its read replicas, its database's cold-cache
// load).
func (e *estimator) tierAvailability(p *plan, sc *scenarioRun) map[string]tierAvail {
	d := e.d
	c := d.System.Cloud
	out := map[string]tierAvail{}
	multi := e.zones > 1

	switch p.lb.kind {
	case "managed":
		v, t := e.managedAvail("lb", multi)
		out["loadBalancer"] = tierAvail{v, "loadBalancer: managed " + t, true}
	case "nginx", "haproxy":
		v, t := e.vmAvail(p.lb.instances)
		out["loadBalancer"] = tierAvail{v, "loadBalancer: " + p.lb.kind + " " + t, true}
	}
	v, t := e.vmAvail(p.app.instances)
	if p.app.instances > 1 && d.Services.Zones < 2 {
		t += "; one zone"
	}
	out["services"] = tierAvail{v, "services: " + t, true}

	if p.cache.on {
		var v float64
		var t string
		if p.cache.kind == "managed-redis" {
			v, t = e.managedAvail("cache", multi && p.cache.replicas > 0)
		} else {
			v, t = e.vmAvail(1 + p.cache.replicas)
		}
		series := d.Cache.Pattern != "cache-aside"
		why := "in series: the pattern puts it on every request"
		if !series {
			db := sc.tiers["database"]
			switch {
			case db == nil || db.db == nil || db.db.ReadCapacity <= 0:
				// Unknown read capacity: nobody can say the store takes
				// every read while the cache is down.
				series = true
				why = "in series: the database's read capacity is not known, so it is not counted on to take every read while the cache is down"
			case db.db.ColdCacheReadsUtil >= 1:
				series = true
				why = fmt.Sprintf("in series: without it the database would run at %s of its read capacity", Pct(db.db.ColdCacheReadsUtil))
			default:
				why = "not in series: cache-aside reads fall back to the database, which can take them"
			}
		}
		out["cache"] = tierAvail{v, fmt.Sprintf("cache: %s %s, %s", p.cache.kind, t, why), series}
	}

	switch {
	case d.System.Footprint == schema.SingleNode:
		out["database"] = tierAvail{1, "database: on the same node as the services (counted once)", true}
		out["replicas"] = out["database"]
	case d.Database.Relational():
		auto := d.Database.Failover == "automatic"
		var v float64
		var t string
		if auto && !multi {
			if sv, ok := e.sla(c + ".db.managed.same_zone"); ok {
				v, t = sv, fmt.Sprintf("%s (%s.db.managed.same_zone)", Pct(sv), c)
			} else {
				v, t = e.managedAvail("db", false)
			}
		} else {
			v, t = e.managedAvail("db", auto && multi)
		}
		if !auto {
			t += ", no automatic failover"
		}
		out["database"] = tierAvail{v, "database: " + d.Database.Kind + " " + t, true}
		// The replicas the scenario leaves (a lost zone takes its share).
		if r := min(p.db.replicas, sc.alive["replicas"]); r > 0 {
			rv, how := e.replicaReads(r)
			out["replicas"] = tierAvail{rv, fmt.Sprintf("replicas: %d in parallel, ", r) + how, true}
		} else {
			out["replicas"] = out["database"]
		}
	case d.Database.Kind == "dynamodb":
		e.note("aws.dynamodb.sla", "no DynamoDB SLA in the reference: the database is left out of the availability product")
		out["database"] = tierAvail{1, "database: dynamodb — no sourced SLA, left out", true}
		out["replicas"] = out["database"]
	default:
		v, t := e.vmAvail(1 + p.db.replicas)
		out["database"] = tierAvail{v, "database: self-run " + d.Database.Kind + " " + t, true}
		out["replicas"] = out["database"]
	}

	if p.queue.on {
		var v float64
		var t string
		brokers := 1
		if qt := sc.tiers["queue"]; qt != nil && qt.queue != nil {
			brokers = qt.queue.Brokers
		}
		if id := queueSLA(c, p.queue.kind, multi); id != "" {
			v, _ = e.sla(id)
			t = fmt.Sprintf("%s (%s)", Pct(v), id)
		} else {
			v, t = e.vmAvail(brokers)
		}
		out["queue"] = tierAvail{v, "queue: " + p.queue.kind + " " + t, true}
	}
	if p.cdnOn {
		v, _ := e.sla(c + ".cdn")
		out["cdn"] = tierAvail{v, fmt.Sprintf("cdn: %s (%s.cdn)", Pct(v), c), true}
	}
	return out
}

// replicaReads is the availability of reads that any of r read replicas
// can answer, 1 − (1 − single)^r capped at the region's multi-zone
// figure, and that formula in words: the sections' replicas and a
// component store's reads alike.
func (e *estimator) replicaReads(r int) (float64, string) {
	single, st := e.managedAvail("db", false)
	par := ParallelN(single, r)
	capv, _ := e.sla(e.d.System.Cloud + ".compute.multi_zone")
	rv := math.Min(par, capv)
	return rv, fmt.Sprintf("1 − (1 − %s)^%d = %s, capped at the region's %s: %s (%s)", Pct(single), r, Pct(par), Pct(capv), Pct(rv), st)
}

// queueSLA is the SLA id of a queue the provider runs: SQS and its peers
// (Pub/Sub, Service Bus), Amazon MSK across zones, Amazon MQ; "" for
// brokers the team runs, whose nodes' SLA counts instead.
func queueSLA(cloud, kind string, multiZone bool) string {
	switch {
	case cloud == "aws" && kind == "sqs":
		return "aws.queue.sqs"
	case cloud == "aws" && kind == "kafka" && multiZone:
		return "aws.queue.kafka.multi_zone"
	case cloud == "aws" && kind == "rabbitmq":
		return "aws.queue.rabbitmq"
	case cloud == "gcp" && kind == "sqs":
		return "gcp.queue.pubsub"
	case cloud == "azure" && kind == "sqs":
		return "azure.queue.servicebus"
	}
	return ""
}

// opAvailability multiplies the tiers of each operation's path (up to the
// queue for an asynchronous one: consumers being down delays, not fails),
// at peak.
func (e *estimator) opAvailability() map[string]opAvail {
	if e.opAvailMemo == nil {
		e.opAvailMemo = e.opAvailabilityIn(e.peakMemo)
	}
	return e.opAvailMemo
}

// opAvailabilityIn is opAvailability with what the scenario leaves: its
// replicas and its cache's hit ratio.
func (e *estimator) opAvailabilityIn(sc *scenarioRun) map[string]opAvail {
	p := e.planMemo
	tiers := e.tierAvailability(p, sc)
	out := map[string]opAvail{}
	hit := sc.hit
	for _, op := range p.ops {
		a := opAvail{value: 1}
		seen := map[string]bool{}
		// A read through the cache needs what follows it for its misses
		// only: before the cache, a; after it, behind.
		cached, behind := false, 1.0
		cache := tiers["cache"]
		for _, comp := range op.Path {
			if comp == "workers" || seen[comp] {
				if comp == "workers" && op.Async {
					break
				}
				continue
			}
			seen[comp] = true
			t, ok := tiers[comp]
			if !ok {
				continue
			}
			a.steps = append(a.steps, t.text)
			switch {
			case comp == "cache" && op.IsRead():
				cached = true
			case cached:
				behind *= t.value
			case t.series:
				a.value *= t.value
			}
			if comp == "queue" && op.Async {
				break
			}
		}
		if cached {
			v := hit + (1-hit)*behind
			how := fmt.Sprintf("cache up (%s): %s hits + %s misses × %s behind it", Pct(cache.value), Pct(hit), Pct(1-hit), Pct(behind))
			if cache.series {
				v *= cache.value
			} else {
				// Down, every read goes on to what the cache misses to.
				v = cache.value*v + (1-cache.value)*behind
				how += fmt.Sprintf("; down: every read needs what is behind it, %s", Pct(behind))
			}
			a.steps = append(a.steps, fmt.Sprintf("%s = %s", how, Pct(v)))
			a.value *= v
		}
		a.region = a.value
		if v, how := e.regionFailoverAvailability(a.value, e.regions()); how != "" {
			a.steps = append(a.steps, fmt.Sprintf("%s path in one region: %s", op.Name, Pct(a.value)), how)
			a.value = v
		}
		a.steps = append(a.steps, fmt.Sprintf("%s path: %s", op.Name, Pct(a.value)))
		out[op.Name] = a
	}
	return out
}

// availability is the design's availability against its SLO: the worst
// synchronous operation's path, its error budget and its single points of
// failure.
func (e *estimator) availability(p *plan, peak *scenarioRun) Availability {
	d := e.d
	ops := e.opAvailability()
	a := Availability{SLO: float64(d.SLO.Availability), Estimated: 1}
	found := false
	for _, op := range p.ops {
		if op.Async {
			continue
		}
		if v := ops[op.Name].value; !found || v < a.Estimated {
			a.Estimated, a.WorstOperation, found = v, op.Name, true
		}
	}
	if !found {
		for _, op := range p.ops {
			if v := ops[op.Name].value; !found || v < a.Estimated {
				a.Estimated, a.WorstOperation, found = v, op.Name, true
			}
		}
	}
	a.MeetsSLO = a.Estimated >= a.SLO
	a.ErrorBudgetMinutes = roundTo(DowntimeMinutesPerMonth(a.SLO), 1)
	a.DowntimeMinutes = roundTo(DowntimeMinutesPerMonth(a.Estimated), 1)
	a.Estimated = roundTo(a.Estimated, 7)
	if a.WorstOperation != "" {
		a.Derivation = append(a.Derivation, ops[a.WorstOperation].steps...)
	}
	a.Derivation = append(a.Derivation, fmt.Sprintf("error budget (1 − %s) × 43,800 min = %s min/month; estimate %s min/month",
		Pct(a.SLO), Num(a.ErrorBudgetMinutes), Num(a.DowntimeMinutes)))
	a.SinglePoints = e.singlePoints(p, peak)
	return a
}

func (e *estimator) singlePoints(p *plan, peak *scenarioRun) []string {
	d := e.d
	out := []string{}
	if d.System.Footprint == schema.SingleNode {
		out = append(out, "the single node (footprint single-node)")
	}
	if (p.lb.kind == "nginx" || p.lb.kind == "haproxy") && p.lb.instances < 2 {
		out = append(out, "loadBalancer: one "+p.lb.kind+" instance")
	}
	if p.app.instances < 2 {
		out = append(out, "services: one instance")
	} else if d.Services.Zones < 2 && d.System.Footprint != schema.SingleNode {
		out = append(out, fmt.Sprintf("services: %d instances in one zone", p.app.instances))
	}
	if p.cache.on && p.cache.replicas == 0 {
		if t := e.tierAvailability(p, peak)["cache"]; t.series {
			out = append(out, "cache: no replica, and requests depend on it")
		}
	}
	if d.Database.Kind != "dynamodb" && d.Database.Failover != "automatic" {
		out = append(out, "database: primary without automatic failover")
	}
	if p.db.replicas == 1 && d.Database.ReadFromReplicas {
		out = append(out, "replicas: one read replica")
	}
	if qt := peak.tiers["queue"]; qt != nil && qt.queue != nil && qt.queue.Brokers == 1 {
		out = append(out, "queue: one broker")
	}
	sort.Strings(out)
	return out
}

// availability is the worst synchronous path in a scenario: the SLA figure,
// or zero when a tier on the path is down entirely (one zone lost while
// the tier lives in that zone only).
func (s *scenarioRun) availability(e *estimator) float64 {
	ops := e.opAvailabilityIn(s)
	down := map[string]bool{}
	for _, t := range s.down {
		down[t] = true
	}
	worst, found := 1.0, false
	for _, op := range e.planMemo.ops {
		if op.Async {
			continue
		}
		v := ops[op.Name].value
		for _, comp := range op.Path {
			if down[comp] && !(comp == "cache" && e.d.Cache.Pattern == "cache-aside") {
				// The scenario takes the tier down in one region; with
				// automatic failover the others still serve.
				v = 0
				if r := e.regions(); r > 1 && e.d.System.RegionFailover != "manual" {
					v, _ = e.regionFailoverAvailability(ops[op.Name].region, r-1)
				}
			}
		}
		if !found || v < worst {
			worst, found = v, true
		}
	}
	return roundTo(worst, 7)
}
