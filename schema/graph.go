package schema

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// The component graph is the one model every design comes to: named
// components, and for each operation the tree of calls it makes. A design
// written with components is its own graph; a design written with the
// sections (one load balancer, one application tier, one cache, one
// database, one queue) is shorthand for the graph whose components are
// named after the sections and whose calls follow each operation's path.
// Desugaring happens here, once, so that what reads the graph reads one
// shape.

// Shorthand section names, which are also the components the shorthand
// desugars into.
var shorthandSections = []string{"loadBalancer", "services", "cdn", "cache", "database", "queue"}

// ShorthandComponents are the names of the components a design written
// with the sections desugars into: its sections, and the workers behind
// its queue.
func ShorthandComponents() []string { return append(slices.Clone(shorthandSections), "workers") }

// Graph is a design's components and call trees.
type Graph struct {
	// Components, sorted by name.
	Components []*Component
	// Calls maps each operation to its call tree.
	Calls map[string][]Step
	// From maps an operation a component raises while serving other
	// requests to that component: the tree's first calls are its.
	From map[string]string
	// Shorthand is true when the graph was desugared from the sections.
	Shorthand bool

	byName map[string]*Component
}

// Component returns the named component, or nil.
func (g *Graph) Component(name string) *Component { return g.byName[name] }

// Graph returns the design's component graph.
func (d *Design) Graph() *Graph {
	g := &Graph{Calls: map[string][]Step{}, From: map[string]string{}, byName: map[string]*Component{}}
	if len(d.Components) > 0 {
		for name, c := range d.Components {
			c.Name = name
			g.add(c)
		}
		for name, op := range d.Traffic {
			g.Calls[name] = op.Calls
			if op.From != "" {
				g.From[name] = op.From
			}
		}
	} else {
		g.Shorthand = true
		d.desugarComponents(g)
		for name, op := range d.Traffic {
			g.Calls[name] = d.desugarPath(op)
			if op.Published() {
				g.From[name] = "services"
			}
		}
	}
	sort.Slice(g.Components, func(i, j int) bool { return g.Components[i].Name < g.Components[j].Name })
	return g
}

func (g *Graph) add(c *Component) {
	g.Components = append(g.Components, c)
	g.byName[c.Name] = c
}

// FromPath is the path of an operation's from field: where its errors are
// reported, and the path of the first step the estimator gives an
// operation a component raises (its work in that component).
func FromPath(op string) string { return "traffic." + op + ".from" }

// desugarComponents turns each section the design uses into the
// component of the same name.
func (d *Design) desugarComponents(g *Graph) {
	used := map[string]bool{}
	for _, op := range d.Traffic {
		for _, t := range op.Path {
			used[t] = true
		}
	}
	if lb := d.LoadBalancer; used["loadBalancer"] && lb.Kind != "none" {
		kind := lb.Kind
		if kind == "managed" {
			kind = "managed-lb"
		}
		hc := lb.HealthChecks
		g.add(&Component{Name: "loadBalancer", Kind: kind, Algorithm: lb.Algorithm, HealthChecks: &hc, Instances: lb.Instances,
			HealthCheckPath: lb.HealthCheckPath, Need: lb.Need})
	}
	s := d.Services
	g.add(&Component{Name: "services", Kind: "service", Instances: s.Instances, Size: s.Size, Zones: s.Zones,
		ServiceTime: s.ServiceTime, ServiceTimeCV: s.ServiceTimeCV, ThroughputPerInstance: s.ThroughputPerInstance,
		TargetUtilization: s.TargetUtilization, ConnectionsPerInstance: s.ConnectionsPerInstance})
	if d.CDN.Enabled {
		g.add(&Component{Name: "cdn", Kind: "cdn", CacheableShare: d.CDN.CacheableShare, Provider: d.CDN.Provider})
	}
	if c := d.Cache; c.Enabled() {
		// The shorthand's self-run cache runs across the fleet's zones.
		cache := &Component{Name: "cache", Kind: c.Kind, Role: "cache", Memory: c.Memory, Nodes: c.Nodes, Replicas: c.Replicas, Zones: max(1, d.Services.Zones),
			Persistence: c.Persistence, TTL: c.TTL, TTLJitter: c.TTLJitter, Stampede: c.Stampede, Invalidation: c.Invalidation,
			Zipf: c.Zipf, HitRatio: c.HitRatio, Pattern: c.Pattern, Placement: c.Placement, HotKeyShare: c.HotKeyShare,
			BulkLoaded: c.BulkLoaded, MustSurviveRestart: c.MustSurviveRestart}
		// The shorthand's one cache fronts its one database: what its
		// callers read through it is the database's objects.
		if data := d.storeData(); data != nil && data.Objects > 0 {
			objects, size := data.Objects, data.ObjectSize
			cache.Catalogue, cache.ItemSize = &objects, &size
		}
		g.add(cache)
	}
	db := d.Database
	g.add(&Component{Name: "database", Kind: db.Kind, Size: db.Size, Replicas: db.Replicas, Replication: db.Replication,
		ReadFromReplicas: db.ReadFromReplicas, Failover: db.Failover, Shards: db.Shards, ShardKey: db.ShardKey,
		ShardKeyCardinality: db.ShardKeyCardinality, Storage: db.Storage, ShardStrategy: db.ShardStrategy, HotShardShare: db.HotShardShare,
		AccessPattern: db.AccessPattern, ConditionalWrites: db.ConditionalWrites, MaxConnections: db.MaxConnections, Data: d.storeData()})
	if q := d.Queue; q.Enabled() {
		g.add(&Component{Name: "queue", Kind: q.Kind, Partitions: q.Partitions, Retention: q.Retention, Delivery: q.Delivery,
			DeadLetter: q.DeadLetter, MessageSize: q.MessageSize, Replay: q.Replay, ConsumerGroups: q.ConsumerGroups,
			IdempotentConsumers: q.IdempotentConsumers, BatchSize: q.BatchSize, BatchWait: q.BatchWait})
		if used["workers"] {
			w := &Component{Name: "workers", Kind: "worker", Consumes: "queue", Size: "2x8", Zones: max(1, d.Services.Zones), TargetUtilization: 0.6, ConnectionsPerInstance: 10}
			w.Instances = q.Consumers
			if q.WorkTime != nil {
				w.ServiceTime = q.WorkTime
			}
			g.add(w)
		}
	}
}

// storeData is the data the shorthand's operations store, which the
// database holds: the sum of their objects at their mean size.
func (d *Design) storeData() *Data {
	var objects, bytes float64
	retention := Forever
	var names []string
	for name, op := range d.Traffic {
		if op.Data != nil {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	for _, name := range names {
		data := d.Traffic[name].Data
		objects += float64(data.Objects)
		bytes += float64(data.Objects) * float64(data.ObjectSize)
		if data.Retention != Forever && (retention == Forever || data.Retention > retention) {
			retention = data.Retention
		}
	}
	size := Bytes(0)
	if objects > 0 {
		size = Bytes(bytes / objects)
	} else {
		size = d.Traffic[names[0]].Data.ObjectSize
	}
	return &Data{Objects: Count(objects), ObjectSize: size, Retention: retention, NewPerWrite: 1}
}

// desugarPath turns a shorthand path into a call tree: the edge (CDN, load
// balancer) calls the services, which call the rest in order; on a read,
// what follows the cache is what the cache misses to; the queue carries
// the work to the workers, which call what follows them.
func (d *Design) desugarPath(op *Operation) []Step {
	path := op.Path
	base := "traffic." + op.Name + ".path"
	at := func(i int) string { return fmt.Sprintf("%s[%d]", base, i) }
	// The chain after the services, built from the end.
	var rest func(i int) []Step
	rest = func(i int) []Step {
		if i >= len(path) {
			return nil
		}
		t := path[i]
		switch t {
		case "cache":
			if op.IsRead() && d.Cache.Enabled() {
				return []Step{{To: "cache", Miss: rest(i + 1), Path: at(i)}}
			}
			if !d.Cache.Enabled() {
				return rest(i + 1)
			}
		case "replicas":
			return append([]Step{{To: "database", Path: at(i)}}, rest(i+1)...)
		case "queue":
			if !d.Queue.Enabled() {
				return rest(i + 1)
			}
			return []Step{{To: "queue", Async: op.Async, Calls: rest(i + 1), Path: at(i)}}
		case "workers":
			return []Step{{To: "workers", Calls: rest(i + 1), Path: at(i)}}
		case "cdn", "loadBalancer", "services":
			return rest(i + 1)
		case "database":
			if !op.IsRead() && op.Data == nil {
				// A write that states no data stores nothing new (the
				// shortener's click counts update rows in place).
				none := 0.0
				return append([]Step{{To: t, Rows: &none, Path: at(i)}}, rest(i+1)...)
			}
		}
		return append([]Step{{To: t, Path: at(i)}}, rest(i+1)...)
	}
	svc := slices.Index(path, "services")
	if op.Published() {
		// The application raises it: the calls are the services'.
		return rest(svc + 1)
	}
	var inner []Step
	if svc >= 0 {
		inner = []Step{{To: "services", Calls: rest(svc + 1), Path: at(svc)}}
	} else {
		inner = rest(0)
	}
	if i := slices.Index(path, "loadBalancer"); i >= 0 && d.LoadBalancer.Kind != "none" {
		inner = []Step{{To: "loadBalancer", Calls: inner, Path: at(i)}}
	}
	if i := slices.Index(path, "cdn"); i >= 0 && d.CDN.Enabled {
		// Only a public response is served at the edge; any other request
		// passes through the CDN to the origin.
		if op.Public {
			inner = []Step{{To: "cdn", Miss: inner, Path: at(i)}}
		} else {
			inner = []Step{{To: "cdn", Calls: inner, Path: at(i)}}
		}
	}
	return inner
}

// checkGraph checks a component design: the forms do not mix, every step
// names a component that can take it, and no synchronous call comes back
// to its caller.
func (c *checker) checkGraph() {
	d := c.d
	if len(d.Components) == 0 {
		if d.Source.Has("components") {
			return // components that did not decode say why themselves
		}
		// The shorthand's operations say their path; calls and from name
		// components, which it has none of.
		for _, name := range d.Source.children("traffic") {
			for _, f := range []string{"calls", "from"} {
				if p := "traffic." + name + "." + f; d.Source.Has(p) {
					c.errorf(p, "%s is the component form's: a design written with the sections says what %s passes through with path: [...]; to name components, write the design with components (tradeoff expand turns sections into components)", f, name)
				}
			}
		}
		return
	}
	for _, s := range shorthandSections {
		if d.Source.Has(s) {
			c.errorf(s, "a design written with components has no %s section: describe it as a component (components: {name: {kind: ...}}), or drop components and write the design with the sections (tradeoff expand turns sections into components)", s)
		}
	}
	names := make([]string, 0, len(d.Components))
	for name, comp := range d.Components {
		comp.Name = name
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		comp := d.Components[name]
		p := "components." + name
		if comp.Kind == "worker" && comp.Consumes != "" {
			if q := d.Components[comp.Consumes]; q == nil {
				c.errorf(p+".consumes", "%s consumes %q, which is not a component%s", name, comp.Consumes, didYouMean(comp.Consumes, names))
			} else if q.Family() != FamilyQueue {
				c.errorf(p+".consumes", "%s consumes %q, %s, not a queue: a worker drains a queue (kafka, rabbitmq, sqs, nats)", name, comp.Consumes, AKind(q.Kind))
			}
		}
		if comp.IsCache() && comp.Data != nil {
			c.errorf(p+".data", "%s is a cache: it holds copies of data kept elsewhere, so its data belongs on the store of record (or set role: \"store\" if %s is the source of truth)", name, name)
		}
	}
	// The operations the user wrote: one missing its calls does not decode.
	// A cycle is looked for within each operation's tree: two operations
	// that call the same services in opposite orders wait on no one.
	for _, name := range d.Source.children("traffic") {
		edges := map[string][]edge{}
		switch {
		case d.Source.Has("traffic." + name + ".path"):
			c.errorf("traffic."+name+".path", "path is the shorthand's: with components, %s says what it calls (calls: [...])", name)
		case !d.Source.Has("traffic." + name + ".calls"):
			c.errorf("traffic."+name+".calls", "missing required field: say what %s calls, in order: calls: [\"%s\", {to: ..., calls: [...]}]", name, first(names))
		}
		if op := d.Traffic[name]; op != nil {
			caller := ""
			if op.From != "" {
				at := FromPath(name)
				switch from := d.Components[op.From]; {
				case from == nil:
					c.errorf(at, "%s is raised by %q, which is not a component%s", name, op.From, didYouMean(op.From, names))
				case from.Family() != FamilyService:
					c.errorf(at, "%s is raised by %s, %s: an operation is raised by code the team runs (a service or a worker) while it serves other requests", name, op.From, AKind(from.Kind))
				default:
					caller = op.From
				}
			}
			c.steps(op.Calls, "traffic."+name+".calls", caller, names, edges)
		}
		c.cycles(edges)
	}
}

// edge is a synchronous call from one component to another, where the
// design writes it.
type edge struct {
	to, path string
}

// steps checks a list of steps made by caller ("" for the operation
// itself) and records its synchronous calls.
func (c *checker) steps(steps []Step, path, caller string, names []string, edges map[string][]edge) {
	d := c.d
	for i := range steps {
		s := &steps[i]
		p := fmt.Sprintf("%s[%d]", path, i)
		s.Path = p
		if s.To == "" {
			if len(s.Parallel) == 0 {
				c.errorf(p, "a step names the component it calls (to: NAME), or groups steps that run at the same time (parallel: [...])")
			}
			c.steps(s.Parallel, p+".parallel", caller, names, edges)
			continue
		}
		target := d.Components[s.To]
		at := p
		if d.Source.Has(p + ".to") {
			at = p + ".to"
		}
		if target == nil {
			c.errorf(at, "%q is not a component%s", s.To, didYouMean(s.To, names))
			continue
		}
		if len(s.Miss) > 0 && target.Family() != FamilyCache && target.Family() != FamilyCDN {
			c.errorf(p+".miss", "miss is what a cache does when it does not hold the key, but %s is %s: call what it calls with calls: [...]", s.To, AKind(target.Kind))
		}
		if s.Async && target.Family() != FamilyQueue {
			c.errorf(p+".async", "an asynchronous call goes through a queue, and %s is %s: call a queue component with async: true, and let a worker consume it", s.To, AKind(target.Kind))
		}
		if f := s.Fanout; f != nil {
			if f.Wait != "all" && f.K > f.N {
				c.errorf(p+".fanout", "the call waits for %d of %d answers: k must be at most n", f.K, f.N)
			}
			if f.Max > 0 && float64(f.Max) < float64(f.N) {
				c.errorf(p+".fanout.max", "the widest fan-out (%s) is below the mean n (%d): max is the largest one call can be", trimFloat(float64(f.Max)), f.N)
			}
			if limit, what := fanoutLimit(target); limit > 0 && f.N > limit {
				c.errorf(p+".fanout", "a fan-out of %d to %s, which has %d %s: a call reaches at most every one of them once", f.N, s.To, limit, what)
			}
		}
		if caller != "" && !s.Async && target.Family() != FamilyQueue {
			edges[caller] = append(edges[caller], edge{to: s.To, path: at})
		}
		next := s.To
		if s.Async || target.Family() == FamilyQueue {
			// What a queue's consumers do happens after the caller has
			// its answer: no cycle runs through it.
			next = ""
		}
		c.steps(s.Calls, p+".calls", next, names, edges)
		c.steps(s.Miss, p+".miss", caller, names, edges)
	}
}

// fanoutLimit is how many distinct targets a fan-out to the component can
// reach: a sharded store's or search cluster's shards, a queue's
// partitions; 0 when there is no such bound.
func fanoutLimit(c *Component) (int, string) {
	switch c.Family() {
	case FamilyDatabase, FamilySearch:
		return max(1, c.Shards), "shard(s)"
	case FamilyQueue:
		return max(1, c.Partitions), "partition(s)"
	}
	return 0, ""
}

// cycles reports a synchronous call that comes back to a component that is
// already waiting on it: each would wait for the other forever (or until a
// timeout), and one slow call loops.
func (c *checker) cycles(edges map[string][]edge) {
	from := make([]string, 0, len(edges))
	for k := range edges {
		from = append(from, k)
	}
	sort.Strings(from)
	state := map[string]int{} // 0 unseen, 1 on the stack, 2 done
	var stack []string
	reported := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		state[n] = 1
		stack = append(stack, n)
		for _, e := range edges[n] {
			switch state[e.to] {
			case 0:
				visit(e.to)
			case 1:
				i := slices.Index(stack, e.to)
				cycle := append(append([]string{}, stack[i:]...), e.to)
				key := strings.Join(cycle, "→")
				if !reported[key] {
					reported[key] = true
					c.errorf(e.path, "synchronous call cycle %s: each waits for the next, so one slow call never ends; make one of the calls asynchronous (through a queue) or remove it", strings.Join(cycle, " → "))
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = 2
	}
	for _, n := range from {
		if state[n] == 0 {
			visit(n)
		}
	}
}

// didYouMean suggests the closest name, as ", did you mean "x"?", or lists
// the names when there are few.
func didYouMean(name string, names []string) string {
	if s := closestWords(name, names); s != "" {
		return s
	}
	if len(names) <= 8 {
		return ": the components are " + strings.Join(names, ", ")
	}
	return ""
}

// AKind is a kind with its article: "a postgres", "an external".
func AKind(kind string) string {
	if strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

func first(names []string) string {
	if len(names) == 0 {
		return "NAME"
	}
	return names[0]
}
