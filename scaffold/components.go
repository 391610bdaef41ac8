package scaffold

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// FromGraph maps a design written with components onto Params: the
// shortener is generated from the components its operations use — the
// store the create writes, the cache the redirect reads through, the queue
// the clicks go through, the balancer and the service in front. A design
// whose operations are not shortener-shaped, or that puts a kind the
// scaffold does not generate on those call trees, is refused with the
// component's path and what the scaffold needs.
func FromGraph(d *schema.Design, est *estimator.GraphResult) (Params, *Mapping, error) {
	m := &Mapping{}
	p := Params{DesignName: d.System.Name, DesignHash: DesignHash(d)}
	g := d.Graph()
	var peak map[string]float64
	if est != nil {
		peak = map[string]float64{}
		for _, op := range est.Operations {
			peak[op.Name] = op.PeakRPS
		}
	}
	redirect, create := busiestSync(d, peak, true), busiestSync(d, peak, false)
	if redirect == nil || create == nil {
		return p, m, &UnsupportedError{Path: "traffic",
			Msg:  "the scaffold generates a URL shortener: it needs a synchronous read (the redirect) and a synchronous write (the create)",
			Hint: "write the design's redirect and create operations, with the store they use in their calls"}
	}
	var reached []string
	seen := map[string]bool{}
	var walk func(steps []schema.Step)
	walk = func(steps []schema.Step) {
		for _, s := range steps {
			if s.To != "" && !seen[s.To] {
				seen[s.To] = true
				reached = append(reached, s.To)
			}
			walk(s.Parallel)
			walk(s.Calls)
			walk(s.Miss)
		}
	}
	walk(g.Calls[redirect.Name])
	walk(g.Calls[create.Name])
	for _, op := range d.Operations() {
		if op.Async {
			walk(g.Calls[op.Name])
		}
	}
	pick := map[string]*schema.Component{}
	for _, name := range reached {
		c := g.Component(name)
		family := c.Family()
		if family == schema.FamilyCache && c.Role == "store" {
			family = schema.FamilyDatabase
		}
		switch family {
		case schema.FamilyService, schema.FamilyDatabase, schema.FamilyCache, schema.FamilyQueue, schema.FamilyLB:
		default:
			return p, m, &UnsupportedError{Path: "components." + name + ".kind",
				Msg:  fmt.Sprintf("the scaffold generates the shortener's service, store, cache, queue and balancer, not %s (%s), which its operations call", c.Kind, name),
				Hint: "scaffold a design whose redirect and create call only those, or take the generated service as a start"}
		}
		key := family
		if c.Kind == "worker" {
			key = "worker"
		}
		if prev := pick[key]; prev != nil && key != "worker" {
			return p, m, &UnsupportedError{Path: "components." + name,
				Msg:  fmt.Sprintf("the generated shortener has one %s, and the operations call two (%s and %s)", familyWord(key), prev.Name, name),
				Hint: "scaffold a design with one of each"}
		}
		if pick[key] == nil {
			pick[key] = c
		}
	}
	db := pick[schema.FamilyDatabase]
	if db == nil {
		return p, m, &UnsupportedError{Path: "traffic." + create.Name + ".calls",
			Msg:  "the create calls no store: the shortener keeps its links in PostgreSQL or MySQL",
			Hint: "add the store to the create's calls"}
	}
	switch db.Kind {
	case "postgres", "mysql":
		p.DB = db.Kind
	default:
		return p, m, &UnsupportedError{Path: "components." + db.Name + ".kind",
			Msg:  fmt.Sprintf("the scaffold generates PostgreSQL and MySQL stores, not %s", db.Kind),
			Hint: "scaffold a postgres variant of the design to start from"}
	}
	p.Shards = max(1, min(db.Shards, 1024))
	if db.ReadFromReplicas {
		p.ReadReplicas = min(db.Replicas, 64)
	}

	p.Cache = CacheNone
	p.RedirectStatus = assumedRedirectStatus
	m.note("redirect status: 302 (assumption: every click reaches the service and is counted)")
	immutable := db.Data == nil || !db.Data.Mutable
	if c := pick[schema.FamilyCache]; c != nil {
		p.Cache = c.Kind
		if c.Kind == "managed-redis" {
			p.Cache = CacheRedis
			m.note("cache: managed-redis is generated as redis (the same protocol)")
		}
		if c.TTL != nil {
			p.CacheTTL = time.Duration(*c.TTL)
		} else {
			p.CacheTTL = assumedCacheTTL
			m.note("cache ttl: 24h (assumption: the design sets none)")
		}
		p.CacheTTLJitter = time.Duration(float64(p.CacheTTL) * float64(c.TTLJitter)).Round(time.Second)
		p.Stampede = c.Stampede
		immutable = immutable && (c.Invalidation == "immutable" || c.Invalidation == "")
	} else {
		p.CacheTTL = assumedCacheTTL
	}
	if immutable {
		p.LocalCacheSize = assumedLocalCacheMax
		m.note("in-process cache: %d links (mappings are immutable, so hot codes are served from memory)", p.LocalCacheSize)
	} else {
		m.note("in-process cache: off, because the design's data is mutable (a local copy could go stale)")
	}

	p.Queue = QueueNone
	if q := pick[schema.FamilyQueue]; q != nil {
		p.Queue = q.Kind
		p.ClickBatch, p.ClickFlush = clickBatching(q.Kind, q.BatchSize, q.BatchWait, m)
		for _, c := range g.Components {
			if c.Kind == "worker" && c.Consumes == q.Name {
				p.Workers = c.Instances
			}
		}
	} else {
		p.ClickBatch, p.ClickFlush = clickBatching("", 0, nil, m)
	}

	p.LB = LBManaged
	if lb := pick[schema.FamilyLB]; lb != nil {
		if lb.Kind != "managed-lb" {
			p.LB = lb.Kind
		}
		p.LBAlgorithm = lb.Algorithm
	} else {
		m.note("load balancer: none in the design; deploy/LOAD_BALANCER.md says what to put in front")
	}
	svc := pick[schema.FamilyService]
	if svc == nil {
		return p, m, &UnsupportedError{Path: "traffic." + redirect.Name + ".calls",
			Msg:  "the redirect reaches no service: the shortener is a service the team runs",
			Hint: "put a component of kind service on the redirect's calls"}
	}
	p.Instances = max(1, min(svc.Instances, 64))
	if p.Instances != svc.Instances {
		m.note("instances: %d in the design; the LB config lists %d", svc.Instances, p.Instances)
	}
	pool := svc.ConnectionsPerInstance
	if pool == 0 {
		pool = 10
	}
	p.DBPoolSize = max(1, min(pool, 1000))
	p.CachePoolSize = assumedCachePool

	var others []string
	for _, c := range g.Components {
		if !seen[c.Name] {
			others = append(others, c.Name)
		}
	}
	sort.Strings(others)
	if len(others) > 0 {
		m.note("components no generated route uses: %s", strings.Join(others, ", "))
	}
	p.SLOs, p.PeakReadRPS, p.PeakWriteRPS = mapOperations(d, nil, m)
	p.CPU, p.MemoryGiB = sizeOf(svc.Size)
	p.Zones, p.TargetUtilization = max(1, svc.Zones), svc.TargetUtilization

	if est != nil {
		p.PeakReadRPS, p.PeakWriteRPS = max(1, peak[redirect.Name]), max(1, peak[create.Name])
		p.NeededPeak, p.NeededHorizon = graphNeeded(d, est, svc)
	}
	return p, m, nil
}

// graphNeeded is the instances the service needs at its planned
// utilisation, one per zone at least: for its peak load now, and after a
// year of the fastest growth among the operations that reach it (a bound
// above: each operation's share grows at its own rate).
func graphNeeded(d *schema.Design, est *estimator.GraphResult, svc *schema.Component) (int, int) {
	target := svc.TargetUtilization
	if target <= 0 {
		target = 0.6
	}
	for _, c := range est.Components {
		if c.Name != svc.Name || c.CapacityRPS == nil || *c.CapacityRPS <= 0 || c.Instances == 0 {
			continue
		}
		perInstance := *c.CapacityRPS / float64(c.Instances)
		growth := 1.0
		for _, op := range est.Operations {
			if o := d.Traffic[op.Name]; o != nil && slices.Contains(op.Calls, svc.Name) {
				growth = max(growth, o.Growth)
			}
		}
		// One per zone at least, as the sections' estimate sizes a fleet.
		floor := max(1, svc.Zones)
		now := int(math.Ceil(c.LoadRPS / (perInstance * target)))
		return max(floor, now), max(floor, int(math.Ceil(c.LoadRPS*growth/(perInstance*target))))
	}
	return 0, 0
}

// busiestSync is the busiest synchronous read (or write) operation, as
// mapOperations chooses routes.
func busiestSync(d *schema.Design, peak map[string]float64, read bool) *schema.Operation {
	var best *schema.Operation
	bestRPS := -1.0
	for _, op := range d.Operations() {
		if op.Async || op.IsRead() != read || strings.Contains(strings.ToLower(op.Name), "stat") {
			continue
		}
		rps, ok := peak[op.Name]
		if !ok {
			rps = op.Rate.PerSecond() * max(op.PeakFactor, 1)
		}
		if rps > bestRPS {
			best, bestRPS = op, rps
		}
	}
	return best
}

func familyWord(f string) string {
	switch f {
	case schema.FamilyDatabase:
		return "store"
	case schema.FamilyLB:
		return "load balancer"
	}
	return f
}
