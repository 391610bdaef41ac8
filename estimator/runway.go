package estimator

import (
	"fmt"
	"math"
	"sort"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// maxRunwayMonths bounds the search: beyond a century, growth never bites.
const maxRunwayMonths = 1200

// monthOf finds the first month in which load(m) reaches capacity, by
// bisection (load grows with every operation's own growth rate).
func monthOf(load func(m float64) float64, capacity float64) float64 {
	if capacity <= 0 || load(0) >= capacity {
		return 0
	}
	if load(maxRunwayMonths) < capacity {
		return math.Inf(1)
	}
	return bisect(func(m float64) bool { return load(m) >= capacity }, 0, maxRunwayMonths)
}

// runway is when each tier saturates at the planned size (the peak
// scenario grown month by month, at today's cache hit ratio), and the
// earliest month a tier that cannot simply scale out does.
func (e *estimator) runway(p *plan, peak *scenarioRun) ([]Runway, Months) {
	growth := map[string]float64{}
	for _, op := range p.ops {
		growth[op.Name] = op.Growth
	}
	ops := map[string]*schema.Operation{}
	for _, op := range p.ops {
		ops[op.Name] = op
	}
	// A batched operation's messages grow more slowly than its rate while
	// its batches still fill up: the load it puts on the tiers that see
	// messages (the queue, the database's commits, the app's publishes)
	// follows messages, not operations.
	perMessage := func(name, key string) bool {
		op := ops[name]
		if peak.batch[name] <= 1 && peak.batchFill[name] == 0 {
			return false
		}
		switch key {
		case "queue", "writes":
			return true
		case "queueBytes":
			return p.queue.msgSize > 0
		case "services":
			return op.Published()
		}
		return false
	}
	grown := func(key string) func(float64) float64 {
		return func(m float64) float64 {
			t := 0.0
			for name, c := range peak.contrib {
				g := GrowthFactor(growth[name], m)
				if g != 1 && perMessage(name, key) {
					r := peak.origin[name]
					producers := p.producers(ops[name], peak.alive)
					b0, _ := p.queue.batchFor(r, producers)
					b, _ := p.queue.batchFor(r*g, producers)
					g *= b0 / b
				}
				t += c[key] * g
			}
			return t
		}
	}
	var out []Runway
	add := func(comp, resource string, load func(float64) float64, capacity float64, scales bool, unit string) {
		f := func(x float64) string { return Num(x) + " " + unit }
		switch unit {
		case "bytes":
			f = Bytes
		case "utilisation":
			f = func(x float64) string { return Pct(x) + " utilisation" }
		}
		if capacity <= 0 || math.IsNaN(capacity) {
			return
		}
		m := monthOf(load, capacity)
		r := Runway{Component: comp, Resource: resource, Load: sig(load(0)), Capacity: sig(capacity), Months: Months(roundTo(m, 1)), ScalesOut: scales}
		switch {
		case m == 0:
			r.Derivation = fmt.Sprintf("%s %s: %s already at or above %s", comp, resource, f(load(0)), f(capacity))
		case math.IsInf(m, 1):
			r.Derivation = fmt.Sprintf("%s %s: %s never reaches %s at the stated growth", comp, resource, f(load(0)), f(capacity))
		default:
			r.Derivation = fmt.Sprintf("%s %s: %s at peak grows to %s in month %s", comp, resource, f(load(0)), f(capacity), Num(m))
		}
		if !scales {
			r.Derivation += " — a ceiling that needs a redesign, not more instances"
		}
		out = append(out, r)
	}
	single := e.d.System.Footprint == schema.SingleNode

	if p.lb.kind == "nginx" || p.lb.kind == "haproxy" {
		add("loadBalancer", "requests/s", grown("loadBalancer"), float64(p.lb.instances)*p.lb.perInstance, !single, "rps")
	}
	add("services", "requests/s", grown("services"), float64(p.app.instances)*p.app.perInstance, !single, "rps")
	if p.cache.on {
		add("cache", "operations/s", grown("cache"), float64(p.cache.nodes)*p.cache.perNode, !single, "ops/s")
		if p.cache.assumedHit != nil && p.cache.objectsKnow {
			capObjs := math.Floor(float64(p.cache.nodes) * p.cache.memPerNode * (1 - p.cache.reserved) / p.cache.itemBytes)
			target := *p.cache.assumedHit
			hitAt := func(m float64) float64 {
				return cheCached(math.Round(p.objectsAt(m)), p.cache.zipf, capObjs)
			}
			// Saturation here is the hit ratio falling below the assumed one.
			m := 0.0
			if hitAt(0) >= target {
				m = math.Inf(1)
				for _, probe := range []float64{1, 2, 3, 6, 9, 12, 18, 24, 36, 60, 120} {
					if hitAt(probe) < target {
						lo := probe / 2
						if probe == 1 {
							lo = 0
						}
						m = bisectCoarse(func(x float64) bool { return hitAt(x) < target }, lo, probe)
						break
					}
				}
			}
			out = append(out, Runway{Component: "cache", Resource: "memory (hit ratio)", Load: round2(hitAt(0)), Capacity: target,
				Months: Months(roundTo(m, 1)), ScalesOut: true,
				Derivation: fmt.Sprintf("cache: as stored objects grow, Che's hit ratio %s falls below the assumed %s in month %s", Pct(hitAt(0)), Pct(target), Num(m))})
		}
	}
	if b := p.db; b.kind != "dynamodb" && !math.IsNaN(b.readCap) && b.readCap > 0 {
		rho := func(m float64) float64 {
			return grown("reads")(m)/float64(b.shards)/b.readCap + grown("writes")(m)/float64(b.shards)/b.commits
		}
		add("database", "primary utilisation", rho, 1, false, "utilisation")
		if b.replicas > 0 {
			add("replicas", "reads/s", grown("replicas"), float64(b.replicas*b.shards)*b.readCap, true, "reads/s")
		}
		perNode := b.storagePerNode
		if perNode == 0 {
			perNode = e.fig("db.storage_per_node") * GiB
		}
		if p.storesData() {
			add("database", "storage", p.bytesAt, perNode*float64(b.shards), false, "bytes")
		}
	}
	if p.queue.on && p.workers.work > 0 {
		if p.queue.kind == "kafka" {
			add("queue", "partitions (consumer parallelism)", func(m float64) float64 { return grown("queue")(m) * p.workers.work }, float64(p.queue.partitions), false, "busy consumers (one per partition)")
		}
		if pb := p.queue.perBroker; pb > 0 && !math.IsNaN(pb) {
			if qt := peak.tiers["queue"]; qt != nil && qt.queue != nil {
				if p.queue.kind == "kafka" {
					add("queue", "bytes/s", grown("queueBytes"), float64(qt.queue.Brokers)*pb, true, "bytes/s")
				} else {
					add("queue", "messages/s", grown("queue"), float64(qt.queue.Brokers)*pb, true, "msg/s")
				}
			}
		}
		add("workers", "messages/s", grown("queue"), float64(p.workers.consumers)/p.workers.work, true, "msg/s")
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Months < out[j].Months })
	best := math.Inf(1)
	for _, r := range out {
		if !r.ScalesOut && float64(r.Months) < best {
			best = float64(r.Months)
		}
	}
	return out, Months(best)
}

// bisectCoarse narrows a month to a tenth.
func bisectCoarse(ok func(float64) bool, lo, hi float64) float64 {
	for hi-lo > 0.05 {
		mid := (lo + hi) / 2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
