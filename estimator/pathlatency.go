package estimator

import (
	"fmt"
	"math"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// hop is one tier's contribution to an operation's latency.
type hop struct {
	name   string
	stages []Stage
	text   string
	full   bool // the tier is saturated or down: the queue has no bound
}

// queueHop turns an M/M/c tier into stages, naming its figures. Every
// operation through a tier in a scenario asks for the same hop, so hops
// are remembered by their arguments (the stages are shared, never written).
func queueHop(name string, q MMc, fixed float64, what string) hop {
	return serviceHop(name, q, 1, fixed, what)
}

// serviceHop is queueHop for a tier whose service time varies with
// coefficient of variation cv (M/G/c; see ServiceStages).
func serviceHop(name string, q MMc, cv, fixed float64, what string) hop {
	return hopMemo.get(hopKey{name, q, cv, fixed, what}, func() hop { return newQueueHop(name, q, cv, fixed, what) })
}

type hopKey struct {
	name  string
	q     MMc
	cv    float64
	fixed float64
	what  string
}

var hopMemo = newMemoTable[hopKey, hop](4096)

func newQueueHop(name string, q MMc, cv, fixed float64, what string) hop {
	h := hop{name: name}
	if fixed > 0 {
		h.stages = append(h.stages, Stage{Fixed: fixed})
	}
	if q.Lambda <= 0 {
		q.Lambda = 0
	}
	if !q.Stable() {
		h.full = true
		h.text = fmt.Sprintf("%s: %s — saturated (ρ = %s ≥ 100%%)", name, what, Num(q.Utilisation()))
		return h
	}
	stages := ServiceStages(q, cv)
	h.stages = append(h.stages, stages...)
	// M/M/c has a closed-form p99; M/G/c's comes from its stages.
	var model string
	var p99 float64
	if cv == 1 {
		model = fmt.Sprintf("M/M/%d", q.C)
		p99, _ = q.ResponseQuantile(0.99)
	} else {
		model = fmt.Sprintf("M/G/%d, service-time CV %s", q.C, Num(cv))
		p99 = SumStages(stages).Quantile(0.99)
	}
	h.text = fmt.Sprintf("%s: %s %s, λ %s/s, μ %s/s, ρ %s, P(wait) %s, queue p99 %s",
		name, what, model, Num(q.Lambda), Num(q.Mu), Pct(q.Utilisation()), Pct(q.PWait()), Ms(p99))
	if fixed > 0 {
		h.text += " + " + Ms(fixed) + " fixed"
	}
	return h
}

func fixedHop(name string, fixed float64, why string) hop {
	return hop{name: name, stages: []Stage{{Fixed: fixed}}, text: fmt.Sprintf("%s: %s (%s)", name, Ms(fixed), why)}
}

// latency combines the hops of an operation's path into its p50 and p99.
// A read through a cache is a mixture: with probability h it stops at the
// cache; otherwise it continues down the path and writes the answer back.
func (e *estimator) latency(s *scenarioRun, p *plan, op *schema.Operation) *opLatency {
	out := &opLatency{}
	var prefix, suffix []hop
	var cacheHop *hop
	var setHop *hop
	afterCache := false
	for _, comp := range op.Path {
		var hs []hop
		switch comp {
		case "cdn":
			continue
		case "loadBalancer":
			hs = e.lbHops(s, p)
		case "services":
			a := p.app
			n := s.alive["services"]
			hs = []hop{serviceHop("services", MMc{Lambda: perNode(s.appLoad, n), Mu: a.mu, C: a.servers}, a.cv, 0, "per instance")}
		case "cache":
			if !p.cache.on {
				continue
			}
			n := s.alive["cache"]
			h := queueHop("cache", MMc{Lambda: perNode(s.cacheGets+s.cacheSets+s.cacheOther, n), Mu: p.cache.perNode, C: 1}, e.rtt, "per node")
			if op.IsRead() {
				cacheHop = &h
				set := h
				set.name = "cache SET"
				set.text = "cache SET on miss: one more round trip to the same node"
				if e.d.Cache.Pattern == "cache-aside" || e.d.Cache.Pattern == "read-through" {
					setHop = &set
				}
				afterCache = true
				continue
			}
			hs = []hop{h}
		case "database", "replicas":
			hs = []hop{e.dbHop(s, p, comp, op.IsRead())}
			if comp == "database" && e.waitsOnRegions(op) {
				rtt, from := e.crossRegionRTT()
				hs = append(hs, fixedHop("cross-region", rtt, "the write waits for a majority of the regions (CP, or synchronous replication): one round trip, "+from))
			}
		case "queue":
			if p.queue.on {
				if w := s.batchFill[op.Name]; w > 0 {
					// The first operation of a batch waits for the rest;
					// counted whole, so the p99 is at most this much high.
					hs = append(hs, fixedHop("batch", w, fmt.Sprintf("the first of a batch of %s waits for it to fill or for batchWait", Num(s.batch[op.Name]))))
				}
				h := fixedHop("queue", e.rtt+p.queue.fixed, e.queueLatencyNote(p))
				if s.alive["queue"] == 0 {
					h.full = true
				}
				hs = append(hs, h)
			}
		case "workers":
			continue
		}
		if afterCache {
			suffix = append(suffix, hs...)
		} else {
			prefix = append(prefix, hs...)
		}
		if comp == "queue" && op.Async {
			break
		}
	}
	if op.Async {
		// The caller waits only until the queue has the message.
		suffix = trimAfterQueue(suffix)
	}
	collect := func(hs []hop) ([]Stage, string) {
		var st []Stage
		for _, h := range hs {
			if h.full && out.bottleneck == "" {
				out.bottleneck = h.name
			}
			st = append(st, h.stages...)
			out.deriv = append(out.deriv, h.text)
		}
		return st, ""
	}
	out.deriv = append(out.deriv, "network: "+e.rttNote)
	pre, _ := collect(prefix)
	var parts []Weighted
	if cacheHop == nil {
		post, _ := collect(suffix)
		parts = []Weighted{{Weight: 1, Dist: SumStages(append(pre, post...))}}
	} else {
		hitSt, _ := collect([]hop{*cacheHop})
		miss := append(append([]Stage{}, pre...), hitSt...)
		missRest, _ := collect(suffix)
		miss = append(miss, missRest...)
		if setHop != nil {
			s2, _ := collect([]hop{*setHop})
			miss = append(miss, s2...)
		}
		h := s.hit
		hitDist := SumStages(append(append([]Stage{}, pre...), hitSt...))
		missDist := SumStages(miss)
		parts = []Weighted{{Weight: h, Dist: hitDist}, {Weight: 1 - h, Dist: missDist}}
		out.deriv = append(out.deriv, fmt.Sprintf("mixture: %s hits (p99 %s) and %s misses (p99 %s)",
			Pct(h), Ms(hitDist.Quantile(0.99)), Pct(1-h), Ms(missDist.Quantile(0.99))))
		if h < 1 && 1-h > 0.01 {
			out.deriv = append(out.deriv, fmt.Sprintf("misses are %s > 1%% of requests, so the p99 lies on the miss path", Pct(1-h)))
		}
		if h == 0 {
			parts = parts[1:]
		}
	}
	if out.bottleneck != "" {
		out.p50, out.p99 = math.Inf(1), math.Inf(1)
		out.deriv = append(out.deriv, fmt.Sprintf("p99 unbounded: %s cannot keep up", out.bottleneck))
		return out
	}
	out.p50 = MixtureQuantile(0.5, parts)
	out.p99 = MixtureQuantile(0.99, parts)
	out.deriv = append(out.deriv, fmt.Sprintf("p99 %s, p50 %s (hop distributions convolved; percentiles do not add)", Ms(out.p99), Ms(out.p50)))
	return out
}

func trimAfterQueue(hs []hop) []hop {
	for i, h := range hs {
		if h.name == "queue" {
			return hs[:i+1]
		}
	}
	return hs
}

func perNode(load float64, n int) float64 {
	if n <= 0 {
		return math.Inf(1)
	}
	return load / float64(n)
}

func (e *estimator) lbHops(s *scenarioRun, p *plan) []hop {
	switch p.lb.kind {
	case "managed":
		return []hop{fixedHop("loadBalancer", e.rtt, "managed: one round trip to the application, assumption")}
	case "nginx", "haproxy":
		n := s.alive["loadBalancer"]
		return []hop{queueHop("loadBalancer", MMc{Lambda: perNode(s.lbLoad, n), Mu: p.lb.mu, C: p.lb.servers}, e.rtt+p.lb.fixed, p.lb.kind+" per instance")}
	}
	return nil
}

// dbHop is a read or write at the primary or a replica. The primary serves
// reads and writes on the same CPUs, so its queue sees their combined
// utilisation: reads as M/M/c over the vCPUs, writes as M/M/1 on the commit
// path, each loaded to ρ = reads/readCap + writes/commitCap.
func (e *estimator) dbHop(s *scenarioRun, p *plan, comp string, read bool) hop {
	b := p.db
	if b.kind == "dynamodb" {
		return fixedHop(comp, e.rtt, "dynamodb: one round trip; service time unsourced")
	}
	if math.IsNaN(b.readPerVCPU) || math.IsNaN(b.commits) {
		return fixedHop(comp, e.rtt, b.kind+": no sourced service time; one round trip only")
	}
	c := int(b.vcpu)
	if comp == "replicas" && read && s.alive["replicas"] > 0 {
		n := s.alive["replicas"] * b.shards
		return queueHop("replicas", MMc{Lambda: perNode(s.replicaRd, n), Mu: b.readPerVCPU, C: c}, e.rtt, "read per replica")
	}
	if s.alive["database"] == 0 {
		return hop{name: "database", full: true, text: "database: the primary is down with the zone (no automatic failover)"}
	}
	rho := s.tiers["database"].util
	if read {
		return queueHop("database", MMc{Lambda: rho * float64(c) * b.readPerVCPU, Mu: b.readPerVCPU, C: c}, e.rtt, "primary read, loaded by reads and writes,")
	}
	return queueHop("database", MMc{Lambda: rho * b.commits, Mu: b.commits, C: 1}, e.rtt, "primary commit, loaded by reads and writes,")
}

func (e *estimator) queueLatencyNote(p *plan) string {
	if p.queue.kind == "kafka" {
		return "one round trip + Kafka's 2 ms median end-to-end latency (LinkedIn benchmark)"
	}
	return "one round trip; broker acknowledgement time unsourced"
}
