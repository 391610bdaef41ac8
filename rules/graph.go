package rules

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The graph family: risks only a design written as a component graph can
// show — the tail of a fan-out, retries that multiply down a chain,
// timeouts that do not shrink, a slow dependency that exhausts its
// callers, a third party the SLO cannot afford, coupling through a shared
// store, and parts that nothing uses. Each rule reads the call trees
// (Context.Model) and their estimate (Context.Graph).

const talkTradeoffs = `The talk: "There is no scaling, only trade-offs — name the one you are making."`

const tailAtScale = `Jeffrey Dean and Luiz André Barroso, "The Tail at Scale", Communications of the ACM 56(2), 2013: a request that waits for many backends is as slow as the slowest.`

const sreCascading = `Google, "Site Reliability Engineering" (O'Reilly, 2016), chapter 22 "Addressing Cascading Failures": retries at several layers multiply, timeouts and deadlines must shrink down the stack, and a slow dependency exhausts its callers' threads.`

func init() {
	register(latFanoutTail, latDeepChain, latCrossRegion, latCompletion, latTimeoutGrows, latExternalNoTimeout,
		capRetryAmplification, capSlowDependency, capCDNOutage, capCelebrity, avExternalBelowSLO, dbSharedStore, costUncalled, queueUnconsumed)
}

// stepVisit is one step of an operation's call tree with what encloses it.
type stepVisit struct {
	op    *schema.Operation
	step  *schema.Step
	outer []*schema.Step // the enclosing calls, outermost first
	// behind is true when the step runs after a queue: the request has
	// been answered already.
	behind bool
	// optional is true when the step or an enclosing one may fail without
	// failing the operation.
	optional bool
}

// caller is the component that makes the call ("" for the operation).
func (v stepVisit) caller() string {
	for i := len(v.outer) - 1; i >= 0; i-- {
		if v.outer[i].To != "" {
			return v.outer[i].To
		}
	}
	return ""
}

// sync is true when the operation's caller waits for the step.
func (v stepVisit) sync() bool { return !v.op.Async && !v.behind }

// walkSteps visits every step of every operation, in operation order.
func (c *Context) walkSteps(fn func(v stepVisit)) {
	if c.Model == nil {
		return
	}
	var walk func(op *schema.Operation, steps []schema.Step, outer []*schema.Step, behind, optional bool)
	walk = func(op *schema.Operation, steps []schema.Step, outer []*schema.Step, behind, optional bool) {
		for i := range steps {
			s := &steps[i]
			opt := optional || s.Optional
			fn(stepVisit{op: op, step: s, outer: outer, behind: behind, optional: opt})
			inner := append(append([]*schema.Step(nil), outer...), s)
			walk(op, s.Parallel, inner, behind, opt)
			walk(op, s.Miss, inner, behind, opt)
			walk(op, s.Calls, inner, behind || s.Async, opt)
		}
	}
	for _, op := range c.Design.Operations() {
		var outer []*schema.Step
		if from := c.Model.From[op.Name]; from != "" {
			// The component that raises the operation makes its calls.
			outer = []*schema.Step{{To: from}}
		}
		walk(op, c.Model.Calls[op.Name], outer, false, false)
	}
}

func (c *Context) graphOp(name string) *estimator.GraphOperation {
	if c.Graph == nil {
		return nil
	}
	return named(c.Graph.Operations, name, func(o *estimator.GraphOperation) string { return o.Name })
}

func (c *Context) graphComp(name string) *estimator.GraphComponent {
	if c.Graph == nil {
		return nil
	}
	return named(c.Graph.Components, name, func(g *estimator.GraphComponent) string { return g.Name })
}

func (c *Context) comp(name string) *schema.Component {
	if c.Model == nil {
		return nil
	}
	return c.Model.Component(name)
}

func compPath(name string) string { return "components." + name }

// graphMs writes an estimated latency in milliseconds.
func graphMs(m estimator.Millis) string {
	if math.IsInf(float64(m), 1) {
		return "unbounded"
	}
	return ms(float64(m) / 1000)
}

var latFanoutTail = &Rule{
	ID:       "LAT004",
	Category: CategoryLatency,
	Severity: Medium,
	Title:    "A request waits for every answer of a wide fan-out",
	Why: `A request that waits for all n of its parallel calls is slow whenever any one of them is: with n = 40 ` +
		`a backend's 1-in-100 slow call hits a third of the requests, so the request's p99 is the backend's ` +
		`p(1 − 0.01/n), far in its tail. The wider the fan-out, the more the tail of one shard is everyone's latency.`,
	Detection: `A synchronous step with fanout n ≥ graph.fanout_tail_n (rules/data/thresholds.yaml) that waits for all ` +
		`n answers (wait "all", the default), on an operation with a p99 SLO. The finding states the percentile of ` +
		`the target that sets the request's p99 and the estimate's p99 (the call tree's distributions composed, F^n ` +
		`for the fan-out; see docs/estimator.md).`,
	FalsePositives: `Targets whose latency barely varies (an in-memory lookup with no queueing) have a short tail; ` +
		`the estimate's p99 then shows the fan-out costs little.`,
	Remediation: `Hedge (send a second request after the target's p95 and take the first answer), wait for the first ` +
		`k of n and return partial results, or route each query to fewer shards (a coarser index, a routing key).`,
	References: []string{tailAtScale, talkP99},
	Bad: Example{Graph: true, Overlay: `
		components: search: {kind: "search", nodes: 10, shards: 20, replicas: 1}
		traffic: find: {
			kind: "read", rate: "100/s", peakFactor: 3, requestSize: "300B", responseSize: "5KB"
			calls: [{to: "edge", calls: [{to: "api", calls: [{to: "search", fanout: 20}]}]}]
		}
		slo: p99: find: "500ms"
		consistency: find: {require: "eventual", partition: "AP"}
	`},
	Good: Example{Graph: true, Overlay: `
		components: search: {kind: "search", nodes: 10, shards: 20, replicas: 1}
		traffic: find: {
			kind: "read", rate: "100/s", peakFactor: 3, requestSize: "300B", responseSize: "5KB"
			// partial results: answer with the first 18 shards
			calls: [{to: "edge", calls: [{to: "api", calls: [{to: "search", fanout: {n: 20, wait: "first", k: 18}}]}]}]
		}
		slo: p99: find: "500ms"
		consistency: find: {require: "eventual", partition: "AP"}
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			s := v.step
			if !v.sync() || s.Fanout == nil || s.Fanout.N < int(th("graph.fanout_tail_n")) || s.Fanout.Needed() < s.Fanout.N {
				return
			}
			if _, ok := c.Design.SLO.P99[v.op.Name]; !ok {
				return
			}
			n := s.Fanout.N
			line := fmt.Sprintf("%s waits for all %d answers of %s: %s of its requests meet at least one call past %s's p99, so the request's p99 is %s's p%s",
				v.op.Name, n, s.To, pct(1-math.Pow(0.99, float64(n))), s.To, s.To, strings.TrimRight(fmt.Sprintf("%.3f", 100*(1-0.01/float64(n))), "0"))
			if g := c.graphOp(v.op.Name); g != nil && g.SLOP99Ms != nil {
				if len(g.Unmodelled) > 0 {
					line += fmt.Sprintf(" (the estimate's p99 %s is a floor: %s's own time is not modelled, so state the work of the call)", graphMs(g.P99Ms), strings.Join(g.Unmodelled, ", "))
				} else {
					line += fmt.Sprintf(" (estimated p99 %s against the %s SLO)", graphMs(g.P99Ms), ms(*g.SLOP99Ms/1000))
				}
			}
			out = append(out, at(s.To, s.Path+".fanout", "%s", line))
		})
		return out
	},
}

var latDeepChain = &Rule{
	ID:       "LAT005",
	Category: CategoryLatency,
	Severity: Low,
	Title:    "A synchronous chain of services deeper than a few",
	Why: `Each service a request passes through in series adds a round trip, a queue of its own and a way to fail: ` +
		`the tail and the outage compound down the chain, and a deploy anywhere in it is a deploy of the whole ` +
		`request. Deep synchronous chains are how a system of small services gets a monolith's coupling without ` +
		`its speed.`,
	Detection: `The most services (kinds service and worker) nested inside one another on a synchronous path of an ` +
		`operation with a p99 SLO exceeds graph.max_sync_depth (rules/data/thresholds.yaml).`,
	FalsePositives: `Thin layers deployed together (a gateway and the service behind it in one pod) fail together and ` +
		`cost little; model them as one component.`,
	Remediation: `Collapse layers that always change together, call independent services in parallel rather than in ` +
		`series, and move work that can wait behind a queue.`,
	References: []string{sreCascading, talkTradeoffs},
	Bad: Example{Graph: true, Overlay: `
		components: {
			s1: {kind: "service", instances: 3, zones: 3}
			s2: {kind: "service", instances: 3, zones: 3}
			s3: {kind: "service", instances: 3, zones: 3}
			s4: {kind: "service", instances: 3, zones: 3}
			s5: {kind: "service", instances: 3, zones: 3}
		}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "s1", calls: [{to: "s2", calls: [{to: "s3", calls: [{to: "s4", calls: [{to: "s5", calls: ["db"]}]}]}]}]}]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		components: {
			s1: {kind: "service", instances: 3, zones: 3}
			s2: {kind: "service", instances: 3, zones: 3}
		}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{parallel: [{to: "s1", calls: ["db"]}, "s2"]}]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		deepest := map[string]int{}
		where := map[string]string{}
		c.walkSteps(func(v stepVisit) {
			if !v.sync() {
				return
			}
			depth := 0
			for _, o := range append(v.outer, v.step) {
				if k := c.comp(o.To); k != nil && k.Family() == schema.FamilyService {
					depth++
				}
			}
			if depth > deepest[v.op.Name] {
				deepest[v.op.Name], where[v.op.Name] = depth, v.step.Path
			}
		})
		for _, op := range c.Design.Operations() {
			if _, ok := c.Design.SLO.P99[op.Name]; !ok || deepest[op.Name] <= int(th("graph.max_sync_depth")) {
				continue
			}
			out = append(out, at(op.Name, where[op.Name], "%s passes through %d services in series while its caller waits (more than %s): every one adds a round trip, a queue and a failure point",
				op.Name, deepest[op.Name], num(th("graph.max_sync_depth"))))
		}
		return out
	},
}

var latCrossRegion = &Rule{
	ID:       "LAT006",
	Category: CategoryLatency,
	Severity: Medium,
	Title:    "A synchronous call from one region to another",
	Why: `A call between regions crosses a continent or an ocean: tens to 150 ms a round trip, paid on every request, ` +
		`and a dependency on the link between the regions staying up. It is the latency the talk's multi-region ` +
		`trade-off names.`,
	Detection: `A synchronous step whose caller and callee both state a region, and the regions differ; the finding ` +
		`quotes network.rtt.cross_continent (rules/data/thresholds.yaml) as the round trip it may cost.`,
	FalsePositives: `Neighbouring regions (us-east-1 and us-east-2) are a few milliseconds apart; the finding still ` +
		`names the dependency on the link.`,
	Remediation: `Serve the call from a replica in the caller's region, move it behind a queue, or keep the request in ` +
		`one region and replicate asynchronously.`,
	References: []string{talkP99, `system-design-primer, "Latency numbers every programmer should know": a packet round trip California–Netherlands 150 ms.`},
	Bad: Example{Graph: true, Overlay: `
		system: {footprint: "multi-region", regions: 2, region: "us-east-1"}
		components: {
			api: {kind: "service", instances: 3, zones: 3, concurrency: 256, region: "us-east-1"}
			db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "automatic", storage: "2TB", region: "eu-west-1"}
		}
	`},
	Good: Example{Graph: true, Overlay: `
		system: {footprint: "multi-region", regions: 2, region: "us-east-1"}
		components: {
			api: {kind: "service", instances: 3, zones: 3, concurrency: 256, region: "us-east-1"}
			db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "automatic", storage: "2TB", region: "us-east-1"}
		}
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			if !v.sync() {
				return
			}
			from, to := c.comp(v.caller()), c.comp(v.step.To)
			if from == nil || to == nil || from.Region == "" || to.Region == "" || from.Region == to.Region {
				return
			}
			out = append(out, at(to.Name, v.step.Path, "%s calls %s across regions (%s → %s) while %s waits: up to %s a round trip on every request",
				from.Name, to.Name, from.Region, to.Region, v.op.Name, ms(th("network.rtt.cross_continent"))))
		})
		return out
	},
}

var latCompletion = &Rule{
	ID:       "LAT007",
	Category: CategoryLatency,
	Severity: High,
	Title:    "Asynchronous work finishes later than its completion SLO",
	Why: `An asynchronous operation answers at once and does its work behind a queue: the user's wait moves from the ` +
		`request to the result (the encode, the email, the index). A completion SLO says how long that may take; ` +
		`a queue whose wait and work exceed it is the backlog users see as "still processing".`,
	Detection: `An operation with slo.completion whose estimated completion p99 (the call tree with the work behind ` +
		`each queue: queue wait and consumer work, docs/estimator.md) exceeds it.`,
	FalsePositives: `Work times given as averages for a skewed job mix (a few very long encodes): state the spread ` +
		`(serviceTimeCV) so the tail is modelled.`,
	Remediation: `Add consumers (the wait is queueing), make each job smaller (split the encode), or relax the ` +
		`completion SLO to what the pipeline can deliver.`,
	References: []string{talkP99, `The talk: "Async: the request says 'accepted' now, the work gets done soon."`},
	Bad: Example{Graph: true, Overlay: `
		slo: completion: redirect: "10ms"
	`},
	Good: Example{Graph: true, Overlay: `
		slo: completion: redirect: "1s"
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		for _, op := range c.Design.Operations() {
			g := c.graphOp(op.Name)
			if g == nil || g.CompletionP99Ms == nil || g.SLOCompletionMs == nil {
				continue
			}
			if p := float64(*g.CompletionP99Ms); math.IsInf(p, 1) || p > *g.SLOCompletionMs {
				out = append(out, at(op.Name, "slo.completion."+op.Name, "%s's work behind its queue completes in p99 %s, past its %s completion SLO",
					op.Name, graphMs(*g.CompletionP99Ms), ms(*g.SLOCompletionMs/1000)))
			}
		}
		return out
	},
}

var latTimeoutGrows = &Rule{
	ID:       "LAT008",
	Category: CategoryLatency,
	Severity: Medium,
	Title:    "A callee's timeout outlasts its caller's",
	Why: `Timeouts must shrink down the chain. When a callee may keep trying longer than its caller waits, the caller ` +
		`has given up (and perhaps retried) while the work below goes on for nobody: load without a result, at the ` +
		`moment the system is slowest.`,
	Detection: `A step with a timeout whose attempts ((retries + 1) × timeout) add up to at least the timeout of a ` +
		`step that encloses it.`,
	FalsePositives: `A callee that stops work when its caller disconnects (deadline propagation, as gRPC does) ` +
		`wastes little; state the shorter effective timeout.`,
	Remediation: `Give each call a timeout below what its caller has left (pass deadlines down), and retry at one layer only.`,
	References:  []string{sreCascading},
	Bad: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "600ms", retries: 1, optional: true}, "db"]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "300ms", retries: 1, optional: true}, "db"]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			s := v.step
			if s.Timeout == nil || v.behind {
				return
			}
			total := float64(s.Retries+1) * s.Timeout.Seconds()
			for i := len(v.outer) - 1; i >= 0; i-- {
				o := v.outer[i]
				if o.Timeout == nil {
					continue
				}
				if total >= o.Timeout.Seconds() {
					out = append(out, at(s.To, s.Path+".timeout", "the call to %s may take %s (%d × %s) but its caller's call to %s gives up after %s: the rest is work nobody waits for",
						s.To, ms(total), s.Retries+1, durText(*s.Timeout), o.To, durText(*o.Timeout)))
				}
				break
			}
		})
		return out
	},
}

var latExternalNoTimeout = &Rule{
	ID:       "LAT009",
	Category: CategoryLatency,
	Severity: High,
	Title:    "A third-party API called without a timeout",
	Why: `A provider's bad day becomes the caller's: without a timeout, a request holds its thread, connection and ` +
		`memory for as long as the provider takes to answer, if it ever does, and the provider's tail is the ` +
		`system's.`,
	Detection:      `A synchronous step to an external component with no timeout of its own.`,
	FalsePositives: `A client library with a built-in deadline; state it as the step's timeout so the estimate and the review see it.`,
	Remediation: `Set a timeout just above the provider's p99 and decide what happens when it fires (a retry with an ` +
		`idempotency key, a fallback, an optional call).`,
	References: []string{sreCascading},
	Bad: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", optional: true}, "db"]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "300ms", optional: true}, "db"]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			k := c.comp(v.step.To)
			if !v.sync() || k == nil || k.Kind != "external" || v.step.Timeout != nil {
				return
			}
			out = append(out, at(k.Name, v.step.Path, "%s calls %s (stated p99 %s) with no timeout: while the provider is slow, every %s request holds its slot for as long as it takes",
				v.op.Name, k.Name, durText(*k.P99), v.op.Name))
		})
		return out
	},
}

var capRetryAmplification = &Rule{
	ID:       "CAPACITY006",
	Category: CategoryCapacity,
	Severity: Medium,
	Title:    "Retries at several layers multiply at the bottom",
	Why: `A retry is a second request. When each layer of a chain retries, the attempts multiply: one request becomes ` +
		`(1 + r₁)(1 + r₂)… calls to the deepest dependency, exactly when it is slow. That is how a slowdown becomes ` +
		`an outage: a retry storm.`,
	Detection: `On one path, more than one step with retries, and the product of (1 + retries) over them reaches ` +
		`graph.max_retry_amplification (rules/data/thresholds.yaml).`,
	FalsePositives: `Retries that only follow a fast failure (connection refused) and never a timeout add little load; the design cannot say so yet.`,
	Remediation: `Retry at one layer (the one nearest the user that knows whether the call is idempotent), with a retry ` +
		`budget and jittered backoff; let the others fail fast.`,
	References: []string{sreCascading},
	Bad: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", retries: 1, calls: [{to: "abuse", timeout: "300ms", retries: 1, optional: true}, "db"]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "300ms", retries: 1, optional: true}, "db"]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			if v.step.Retries == 0 {
				return
			}
			attempts, layers := float64(v.step.Retries+1), 1
			var names []string
			for _, o := range v.outer {
				if o.Retries > 0 {
					attempts *= float64(o.Retries + 1)
					layers++
					names = append(names, fmt.Sprintf("%s ×%d", o.To, o.Retries+1))
				}
			}
			names = append(names, fmt.Sprintf("%s ×%d", v.step.To, v.step.Retries+1))
			if layers < 2 || attempts < th("graph.max_retry_amplification") {
				return
			}
			out = append(out, at(v.step.To, v.step.Path+".retries", "%s retries at %d layers (%s): one request can make %s attempts on %s when it is slow",
				v.op.Name, layers, strings.Join(names, ", "), num(attempts), v.step.To))
		})
		return out
	},
}

// slowScenarios is how many dependencies capSlowDependency slows, one
// whole estimate each (seconds on a design of a thousand operations): the
// externals with the most calls first.
const slowScenarios = 3

var capSlowDependency = &Rule{
	ID:       "CAPACITY007",
	Category: CategoryCapacity,
	Severity: High,
	Title:    "A slow third party exhausts its callers",
	Why: `A caller blocked on a slow dependency holds a thread, a connection or a goroutine for the whole call. When ` +
		`the dependency slows, the requests in flight at the caller grow with it (Little's law), and the caller runs ` +
		`out of slots before the dependency fails — taking down every operation it serves, not only the ones that ` +
		`need the slow call.`,
	Detection: `For each external component (the three with the most calls, one whole estimate each), the estimate's slow:NAME scenario ` +
		`(that component 10× slower, timeouts and retries applied); a service whose in-flight requests per instance ` +
		`reach its stated concurrency there, but not at peak, is flagged. Silent for services with no concurrency stated.`,
	FalsePositives: `Callers whose calls to the provider run on a separate pool (a bulkhead) that the design does not ` +
		`model: the in-flight count is then that pool's, not the service's.`,
	Remediation: `Bound the wait (a timeout near the provider's p99), isolate the calls in their own pool (a bulkhead), ` +
		`and stop calling while the provider is failing (a circuit breaker).`,
	References: []string{sreCascading, `Michael T. Nygard, "Release It!" (2nd ed., 2018): bulkheads, timeouts and circuit breakers.`},
	Bad: Example{Graph: true, Overlay: `
		components: api: {kind: "service", instances: 3, zones: 3, concurrency: 8}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", calls: [{to: "abuse", optional: true}, "db"]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		components: api: {kind: "service", instances: 3, zones: 3, concurrency: 256}
	`},
	GraphCheck: func(c *Context) []Finding {
		if c.Graph == nil {
			return nil
		}
		var ext []estimator.GraphComponent
		for _, gc := range c.Graph.Components {
			if gc.Kind == "external" && gc.LoadRPS > 0 {
				ext = append(ext, gc)
			}
		}
		var out []Finding
		ext, results := c.busiestScenarios("slow", ext, false)
		for i, r := range results {
			x := ext[i]
			if r == nil {
				continue
			}
			for _, gc := range r.Components {
				peak := c.graphComp(gc.Name)
				if gc.InFlight == nil || gc.Concurrency == 0 || *gc.InFlight < float64(gc.Concurrency) || peak == nil || peak.InFlight == nil || *peak.InFlight >= float64(gc.Concurrency) {
					continue
				}
				out = append(out, at(gc.Name, compPath(gc.Name)+".concurrency", "if %s slows to 10× its latency, %s holds %s requests per instance in flight against its %d slots (%s at peak): it saturates, and every operation through it stalls",
					x.Name, gc.Name, num(*gc.InFlight), gc.Concurrency, num(*peak.InFlight)))
			}
		}
		return out
	},
}

var capCDNOutage = &Rule{
	ID:       "CAPACITY008",
	Category: CategoryCapacity,
	Severity: High,
	Title:    "A CDN outage sends more to the origin than it can serve",
	Why: `A CDN that serves most responses at the edge is also what keeps the origin small. When it fails (or its ` +
		`cache is purged), every request it absorbed arrives at the origin at once: a site sized for the misses meets ` +
		`the whole traffic. The CDN's hit ratio is a capacity decision, not only a latency one.`,
	Detection: `For each CDN component, the estimate's down:NAME scenario (the CDN bypassed: every call goes to what it ` +
		`misses to); a component that is below 100% busy at peak and reaches 100% (or its stated concurrency) there is ` +
		`flagged.`,
	FalsePositives: `A CDN with a second provider to fail over to, or an origin that autoscales within the outage; the estimate models neither.`,
	Remediation: `Size the origin for a CDN outage (or the part of it the business must survive), fail over to a second ` +
		`CDN, serve stale from a shield tier, or shed load at the origin's balancer.`,
	References: []string{talkTradeoffs, `The talk: "Cache at the edge: the closest copy wins — and the origin has to survive the day it is gone."`},
	Bad: Example{Graph: true, Overlay: `
		components: {
			assets: {kind: "cdn", cacheableShare: "95%"}
			api: {kind: "service", instances: 3, zones: 3, concurrency: 256, throughputPerInstance: "1k/s"}
		}
		traffic: redirect: calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}]
		traffic: redirect: public: true
	`},
	Good: Example{Graph: true, Overlay: `
		components: {
			assets: {kind: "cdn", cacheableShare: "95%"}
			api: {kind: "service", instances: 6, zones: 3, concurrency: 256, throughputPerInstance: "1k/s"}
		}
		traffic: redirect: calls: [{to: "assets", miss: [{to: "edge", calls: [{to: "api", calls: [{to: "links", miss: ["db"]}]}]}]}]
		traffic: redirect: public: true
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		for _, k := range c.kindComponents(schema.FamilyCDN) {
			r, err := estimator.EstimateGraph(c.Design, estimator.Options{Catalog: c.Figures, Scenario: "down:" + k.Name})
			if err != nil {
				continue
			}
			for _, gc := range r.Components {
				peak := c.graphComp(gc.Name)
				if peak == nil {
					continue
				}
				switch {
				case gc.Utilization != nil && *gc.Utilization >= 1 && (peak.Utilization == nil || *peak.Utilization < 1):
					out = append(out, at(gc.Name, compPath(gc.Name), "with %s down, %s receives %s against the %s it serves (%s busy at peak): the origin falls over with the CDN",
						k.Name, gc.Name, rps(gc.LoadRPS), rps(*gc.CapacityRPS), pct(*peak.Utilization)))
				case gc.InFlight != nil && gc.Concurrency > 0 && *gc.InFlight >= float64(gc.Concurrency) && (peak.InFlight == nil || *peak.InFlight < float64(gc.Concurrency)):
					out = append(out, at(gc.Name, compPath(gc.Name)+".concurrency", "with %s down, %s holds %s requests per instance in flight against its %d slots: the origin falls over with the CDN",
						k.Name, gc.Name, num(*gc.InFlight), gc.Concurrency))
				}
			}
		}
		return out
	},
}

var capCelebrity = &Rule{
	ID:       "CAPACITY009",
	Category: CategoryCapacity,
	Severity: Medium,
	Title:    "Fan-out on write to a celebrity",
	Why: `Fan-out on write makes reads one lookup by paying at write time, once per recipient. The mean fan-out sizes ` +
		`the fleet; the widest one decides what a single write costs: the post of an account with tens of millions of ` +
		`followers is tens of millions of inserts at once, and every timeline behind it waits.`,
	Detection: `A fanout step with a stated max at least graph.celebrity_factor (rules/data/thresholds.yaml) times its ` +
		`mean n; the finding gives the widest call's inserts against the capacity of the component written to.`,
	FalsePositives: `A fan-out already split by account size (the widest accounts served by fan-out on read): model that ` +
		`path as its own operation and leave max off the write path.`,
	Remediation: `Fan out on read for accounts above a follower threshold and merge their posts into timelines at read ` +
		`time (Twitter's mixed approach), or spread a celebrity's fan-out over time with its own queue and priority.`,
	References: []string{`Raffi Krikorian, "Timelines at Scale", QCon San Francisco 2012; High Scalability, "The Architecture Twitter Uses to Deal with 150M Active Users, 300K QPS, a 22 MB/S Firehose, and Send Tweets in Under 5 Seconds" (2013): a tweet to 31 million followers took up to 5 minutes to fan out.`},
	Bad: Example{Graph: true, Overlay: `
		// every click is copied into the feeds of the link's watchers
		components: feeds: {kind: "redis", role: "store", memory: "8GiB", nodes: 4, replicas: 1, zones: 3, persistence: "append-only"}
		traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: [
			{to: "links", miss: ["db"]},
			{to: "clicks", async: true, optional: true, calls: [{to: "counter", calls: ["db", {to: "feeds", fanout: {n: 2, max: 5000}}]}]},
		]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		// every click is copied into the feeds of the link's watchers
		components: feeds: {kind: "redis", role: "store", memory: "8GiB", nodes: 4, replicas: 1, zones: 3, persistence: "append-only"}
		traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: [
			{to: "links", miss: ["db"]},
			{to: "clicks", async: true, optional: true, calls: [{to: "counter", calls: ["db", {to: "feeds", fanout: {n: 2, max: 10}}]}]},
		]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		c.walkSteps(func(v stepVisit) {
			f := v.step.Fanout
			if f == nil || f.Max == 0 || float64(f.Max) < th("graph.celebrity_factor")*float64(f.N) {
				return
			}
			msg := fmt.Sprintf("%s fans out to %s %d times on average but up to %s (%s× the mean): one such write is %s calls to %s at once",
				v.op.Name, v.step.To, f.N, num(float64(f.Max)), num(float64(f.Max)/float64(f.N)), num(float64(f.Max)), v.step.To)
			if g := c.graphComp(v.step.To); g != nil && g.CapacityRPS != nil && *g.CapacityRPS > 0 {
				msg += fmt.Sprintf(", %s of its whole capacity (%s) for one post, beside every other write", ms(float64(f.Max) / *g.CapacityRPS), rps(*g.CapacityRPS))
			}
			out = append(out, at(v.step.To, v.step.Path+".fanout.max", "%s", msg))
		})
		return out
	},
}

var avExternalBelowSLO = &Rule{
	ID:       "AVAIL008",
	Category: CategoryAvailability,
	Severity: High,
	Title:    "A third party the SLO cannot afford, on the critical path",
	Why: `An operation that cannot answer without a provider is at most as available as the provider: a 99.5% SLA ` +
		`allows 3.6 hours of failure a month, and no redundancy of the team's own can buy them back. Either the ` +
		`operation can do without it (degraded), or the SLO is the provider's.`,
	Detection: `A synchronous step to an external component, neither it nor an enclosing call optional, whose stated ` +
		`availability is below slo.availability.`,
	FalsePositives: `A provider reached through several independent accounts or regions the design does not model.`,
	Remediation: `Make the call optional with a fallback (queue the work, answer degraded), add a second provider, or ` +
		`set the SLO the provider allows.`,
	References: []string{`The talk: "Availability is a product of every component's — the weakest link sets the ceiling."`, talkTradeoffs},
	Bad: Example{Graph: true, Overlay: `
		components: abuse: {kind: "external", p50: "40ms", p99: "150ms", availability: "99.5%", pricePerCall: 0.0001}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "300ms"}, "db"]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		components: abuse: {kind: "external", p50: "40ms", p99: "150ms", availability: "99.5%", pricePerCall: 0.0001}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: [{to: "abuse", timeout: "300ms", optional: true}, "db"]}]}]
	`},
	GraphCheck: func(c *Context) []Finding {
		var out []Finding
		slo := float64(c.Design.SLO.Availability)
		c.walkSteps(func(v stepVisit) {
			k := c.comp(v.step.To)
			if !v.sync() || v.optional || k == nil || k.Kind != "external" || k.Availability == nil || float64(*k.Availability) >= slo {
				return
			}
			if share := v.step.Share; share != nil && float64(*share) < 1 {
				return
			}
			out = append(out, at(k.Name, v.step.Path, "%s cannot answer without %s, whose stated availability %s is below the %s SLO: %s of allowed failure a month against the SLO's %s",
				v.op.Name, k.Name, pct(float64(*k.Availability)), pct(slo), downtime(float64(*k.Availability)), downtime(slo)))
		})
		return out
	},
}

var dbSharedStore = &Rule{
	ID:       "DB009",
	Category: CategoryDatabase,
	Severity: Low,
	Title:    "A store written and read by several services",
	Why: `A database that several services call directly is an interface nobody owns: one team's migration, index or ` +
		`heavy query is another team's outage, and the schema cannot change without all of them. It trades ` +
		`independence for one less hop.`,
	Detection: `A database, or a Redis that is a store (role "store"), called directly by two or more distinct ` +
		`components of kind service (workers, which usually ship with the service whose queue they drain, are not counted).`,
	FalsePositives: `Services owned and deployed by one team, sharing the store on purpose; waive the finding with that reason.`,
	Remediation:    `Give the store one owner and have the others call that service, or split the data so each service owns its part.`,
	References:     []string{talkTradeoffs, `Sam Newman, "Building Microservices" (2nd ed., 2021): avoid sharing a database between services.`},
	Bad: Example{Graph: true, Overlay: `
		components: admin: {kind: "service", instances: 2, zones: 2}
		traffic: stats: {
			kind: "read", rate: "1/s", peakFactor: 2, requestSize: "300B", responseSize: "2KB"
			calls: [{to: "edge", calls: [{to: "admin", calls: ["db"]}]}]
		}
		slo: p99: stats: "500ms"
		consistency: stats: {require: "eventual", partition: "AP"}
	`},
	Good: Example{Graph: true, Overlay: `
		components: admin: {kind: "service", instances: 2, zones: 2}
		traffic: stats: {
			kind: "read", rate: "1/s", peakFactor: 2, requestSize: "300B", responseSize: "2KB"
			calls: [{to: "edge", calls: [{to: "admin", calls: [{to: "api", calls: ["db"]}]}]}]
		}
		slo: p99: stats: "500ms"
		consistency: stats: {require: "eventual", partition: "AP"}
	`},
	GraphCheck: func(c *Context) []Finding {
		callers := map[string]map[string]bool{}
		first := map[string]string{}
		c.walkSteps(func(v stepVisit) {
			k, from := c.comp(v.step.To), c.comp(v.caller())
			if k == nil || from == nil || from.Kind != "service" {
				return
			}
			if k.Family() != schema.FamilyDatabase && (k.Family() != schema.FamilyCache || k.IsCache()) {
				return
			}
			if callers[k.Name] == nil {
				callers[k.Name] = map[string]bool{}
				first[k.Name] = v.step.Path
			}
			callers[k.Name][from.Name] = true
		})
		var out []Finding
		for _, name := range sortedKeys(callers) {
			if len(callers[name]) < 2 {
				continue
			}
			out = append(out, at(name, compPath(name), "%s is called directly by %d services (%s): a change to it is a change to all of them",
				name, len(callers[name]), strings.Join(sortedKeys(callers[name]), ", ")))
		}
		return out
	},
}

var costUncalled = &Rule{
	ID:       "COST004",
	Category: CategoryCost,
	Severity: Low,
	Title:    "A component no operation calls",
	Why: `A component that no operation reaches is paid for every month and tested by nothing: either the design ` +
		`forgot the calls that use it, or it is left over.`,
	Detection:      `A component that appears in no operation's call tree (a worker counts as called when its queue is).`,
	FalsePositives: `Components used by jobs the design does not list (a nightly batch, an admin console); add them as operations.`,
	Remediation:    `Add the operations that use it, or remove it.`,
	References:     []string{talkTradeoffs},
	Bad: Example{Graph: true, Overlay: `
		components: legacy: {kind: "service", instances: 2, zones: 2}
	`},
	Good: Example{Graph: true, Overlay: `
		components: legacy: null
	`},
	GraphCheck: func(c *Context) []Finding {
		if c.Model == nil {
			return nil
		}
		reached := map[string]bool{}
		c.walkSteps(func(v stepVisit) { reached[v.step.To] = true })
		var out []Finding
		for _, k := range c.Model.Components {
			if reached[k.Name] || k.Consumes != "" && reached[k.Consumes] {
				continue
			}
			msg := fmt.Sprintf("no operation calls %s", k.Name)
			if gc := c.graphComp(k.Name); gc != nil && gc.MonthlyUSD[c.Design.System.Cloud] > 0 {
				msg += fmt.Sprintf(", which costs $%s a month on %s", num(gc.MonthlyUSD[c.Design.System.Cloud]), c.Design.System.Cloud)
			}
			f := at(k.Name, compPath(k.Name), "%s", msg)
			if gc := c.graphComp(k.Name); gc != nil {
				f.USDPerMonth = gc.MonthlyUSD[c.Design.System.Cloud]
			}
			out = append(out, f)
		}
		return out
	},
}

var queueUnconsumed = &Rule{
	ID:       "QUEUE009",
	Category: CategoryQueue,
	Severity: High,
	Title:    "A queue nobody consumes",
	Why: `A queue is a promise that the work will be done soon. With no consumer, every message waits until the ` +
		`retention drops it: the request said "accepted" and the work never happens.`,
	Detection: `A queue component that no worker consumes (consumes: NAME) and whose calls in every call tree name ` +
		`nothing behind it.`,
	FalsePositives: `A queue drained by a system outside the design (another team's consumer); model it as an external or a worker.`,
	Remediation:    `Add the worker that consumes it, with the instances its arrival rate needs.`,
	References:     []string{`The talk: "Async: the request says 'accepted' now, the work gets done soon."`},
	Bad: Example{Graph: true, Overlay: `
		components: counter: null
		traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: [
			{to: "links", miss: ["db"]},
			{to: "clicks", async: true, optional: true},
		]}]}]
	`},
	Good: Example{Graph: true, Overlay: `
		components: counter: {kind: "worker", instances: 6, zones: 3, serviceTime: "2ms", consumes: "clicks"}
	`},
	GraphCheck: func(c *Context) []Finding {
		if c.Model == nil {
			return nil
		}
		consumed := map[string]bool{}
		for _, k := range c.Model.Components {
			if k.Consumes != "" {
				consumed[k.Consumes] = true
			}
		}
		c.walkSteps(func(v stepVisit) {
			if len(v.step.Calls) > 0 {
				consumed[v.step.To] = true
			}
		})
		var out []Finding
		for _, k := range c.Model.Components {
			if k.Family() != schema.FamilyQueue || consumed[k.Name] {
				continue
			}
			out = append(out, at(k.Name, compPath(k.Name), "nothing consumes %s: no worker names it in consumes, and no call tree says what happens behind it", k.Name))
		}
		return out
	},
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
