package rules

import (
	"fmt"
	"maps"
	"math"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The sections' rules about what serves the operations — their entry,
// their fleet, their round trips, their logs and their exposure — on a
// design written with components.

func init() {
	capyNoGrowth.GraphCheck, capyNoGrowth.GraphDetection = capyNoGrowth.Check, `The same.`

	secPrivateAtEdge.GraphCheck = graphPrivateAtEdge
	secPrivateAtEdge.GraphDetection = `An operation with public false that calls a CDN component while its caller waits.`

	secNoRateLimit.GraphCheck = graphNoRateLimit
	secNoRateLimit.GraphDetection = `security.rateLimit is not set and the design has a synchronous write operation; the finding names ` +
		`the capacity of the first service the operation reaches, all of which one client could take.`

	secUnencrypted.GraphCheck = graphUnencrypted
	secUnencrypted.GraphDetection = `security.encryptionAtRest is false and a component stores data: a store with data, an object ` +
		`store, or a cache or store with persistence.`

	secPublicDatabase.GraphCheck = graphPublicDatabase
	secPublicDatabase.GraphDetection = `security.publicDatabase is true; the finding names the database components.`

	obsPlainLogs.GraphCheck = graphPlainLogs
	obsPlainLogs.GraphDetection = `observability.logs is "plain"; the finding counts the instances of the services and workers.`

	avSelfRunProxy.GraphCheck = graphSelfRunProxy
	avSelfRunProxy.GraphDetection = `Every nginx or haproxy component without need.`

	avNoBalancer.GraphCheck = graphNoBalancer
	avNoBalancer.GraphDetection = `An operation whose first call goes straight to a service with several instances that no operation ` +
		`reaches through a load balancer. Calls between services are not flagged: they are balanced by the platform (a Kubernetes ` +
		`Service, a mesh) the design does not model; nor is an operation a component raises itself (from: the shortener's ` +
		`click, published while the redirect is served).`

	costOverProvisioned.GraphCheck = graphOverProvisioned
	costOverProvisioned.GraphDetection = `The design meets every p99 and availability SLO in the component estimate, and a service or ` +
		`worker whose instances the design states runs more than it needs: for its peak load at its targetUtilization, for ` +
		`its in-flight requests at the same share of its concurrency, one per zone it spreads over, two when ` +
		`slo.availability is above the provider's single-instance SLA, and enough that losing its busiest zone leaves the ` +
		`survivors below saturation (so CAPACITY004 would not flag the count proposed); and the design estimated again at that count still ` +
		`meets every p99, completion and availability SLO. The saving is its cost in proportion; findings are ` +
		`listed largest saving first. Stores, caches and queues are not reported for this form.`

	capyRunway.GraphCheck = graphRunway
	capyRunway.GraphDetection = `The component estimate's runway (each component's peak utilisation, every operation's share of it ` +
		`grown at that operation's growth) below growth.runway_months for a ceiling more instances do not lift: the primary ` +
		`of a PostgreSQL or MySQL component, which commits every write of its shard. Storage has its own rule (DB008).`

	capyZoneDown.GraphCheck = graphZoneDown
	capyZoneDown.GraphDetection = `Every component a synchronous operation waits for whose utilisation in the estimator's zone-down ` +
		`scenario (peak traffic, one zone lost: a fleet keeps instances − ⌈instances ÷ zones⌉, a cache without replicas loses ` +
		`its lost nodes' keys, so the store behind it takes their reads) reaches 100%, while it is below 100% with all zones up. ` +
		`A component with nothing left is an outage, judged by the availability rules.`

	capyHotTarget.GraphCheck = graphHotTarget
	capyHotTarget.GraphDetection = `Every service or worker whose targetUtilization is above capacity.max_target_utilization.`

	latBelowRoundTrips.GraphCheck = graphBelowRoundTrips
	latBelowRoundTrips.GraphDetection = `For an operation with a p99 SLO, the fewest round trips any request makes in sequence while ` +
		`its caller waits — hits taken, calls made by a share of requests skipped, the longest branch of a parallel group, ` +
		`balancers and CDNs not counted — × network.rtt.same_zone, against the SLO.`
}

func graphPrivateAtEdge(c *Context) []Finding {
	var out []Finding
	seen := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		k := c.comp(v.step.To)
		if v.op.Public || !v.sync() || k == nil || k.Family() != schema.FamilyCDN || seen[v.op.Name] {
			return
		}
		seen[v.op.Name] = true
		out = append(out, at(v.op.Name, opPath(v.op, "public"),
			"%s is private (public: false) but calls %s, a CDN: a cached response for one user can be served to another", v.op.Name, k.Name))
	})
	return out
}

// firstService is the first service an operation reaches while its caller
// waits.
func (c *Context) firstService(op *schema.Operation) *schema.Component {
	var found *schema.Component
	c.walkSteps(func(v stepVisit) {
		if k := c.comp(v.step.To); found == nil && v.op == op && v.sync() && k != nil && k.Kind == "service" {
			found = k
		}
	})
	return found
}

func graphNoRateLimit(c *Context) []Finding {
	d := c.Design
	if d.Security.RateLimit != nil {
		return nil
	}
	op := firstSyncWrite(d)
	if op == nil {
		return nil
	}
	msg := fmt.Sprintf("%s accepts writes with no per-client limit", op.Name)
	if s := c.firstService(op); s != nil {
		if g := c.graphComp(s.Name); g != nil && g.CapacityRPS != nil && *g.CapacityRPS > 0 {
			msg += fmt.Sprintf(": one client can send as many as %s serves (%s), and each write is stored and replicated",
				s.Name, rps(*g.CapacityRPS))
		}
	}
	return []Finding{at(op.Name, "security", "%s", msg)}
}

func graphUnencrypted(c *Context) []Finding {
	if c.Design.Security.EncryptionAtRest || c.Model == nil {
		return nil
	}
	var stores []string
	for _, k := range c.Model.Components {
		f := k.Family()
		if k.Data != nil || k.Kind == "object-store" || f == schema.FamilyCache && k.Persistence != "" && k.Persistence != "none" {
			stores = append(stores, k.Name)
		}
	}
	if len(stores) == 0 {
		return nil
	}
	return []Finding{at("security", "security.encryptionAtRest",
		"the disks, snapshots and backups of %s are not encrypted", strings.Join(stores, ", "))}
}

func graphPublicDatabase(c *Context) []Finding {
	if !c.Design.Security.PublicDatabase {
		return nil
	}
	var dbs []string
	for _, k := range c.kindComponents(schema.FamilyDatabase) {
		dbs = append(dbs, k.Name)
	}
	if len(dbs) == 0 {
		return nil
	}
	verb := "accept"
	if len(dbs) == 1 {
		verb = "accepts"
	}
	return []Finding{at(dbs[0], "security.publicDatabase",
		"%s %s connections from the internet: only the services that call them need to reach them", strings.Join(dbs, ", "), verb)}
}

func graphPlainLogs(c *Context) []Finding {
	if c.Design.Observability.Logs != "plain" {
		return nil
	}
	n := 0
	for _, k := range c.kindComponents(schema.FamilyService) {
		n += max(1, k.Instances)
	}
	return []Finding{at("observability", "observability.logs",
		"logs are plain text: events across %s cannot be filtered or counted by field", plural(n, "instance", "instances"))}
}

func graphSelfRunProxy(c *Context) []Finding {
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyLB) {
		if k.Kind == "managed-lb" || k.Need != "" {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".kind",
			"%s is a self-run %s on %s with no stated need: the managed load balancer scales and heals itself with nothing to patch",
			k.Name, k.Kind, c.Design.System.Cloud))
	}
	return out
}

func graphNoBalancer(c *Context) []Finding {
	if c.Model == nil {
		return nil
	}
	balanced := map[string]bool{}
	c.walkSteps(func(v stepVisit) {
		if from := c.comp(v.caller()); from != nil && from.Family() == schema.FamilyLB {
			balanced[v.step.To] = true
		}
	})
	var out []Finding
	seen := map[string]bool{}
	for _, op := range c.Design.Operations() {
		if c.Model.From[op.Name] != "" {
			continue // its calls are a component's, not a client's
		}
		for i, s := range c.Model.Calls[op.Name] {
			k := c.comp(s.To)
			if k == nil || k.Kind != "service" || k.Instances < 2 || seen[k.Name] || balanced[k.Name] {
				continue
			}
			seen[k.Name] = true
			out = append(out, at(k.Name, fmt.Sprintf("traffic.%s.calls[%d]", op.Name, i),
				"%s calls %s's %d instances with no load balancer in front: nothing routes requests away from an instance that dies",
				op.Name, k.Name, k.Instances))
		}
	}
	return out
}

func graphOverProvisioned(c *Context) []Finding {
	g := c.Graph
	if g == nil || !g.Availability.MeetsSLO {
		return nil
	}
	for _, op := range g.Operations {
		if !op.MeetsSLO {
			return nil
		}
	}
	floor := 1
	if sla, _, ok := c.sla("compute.single"); !ok || float64(c.Design.SLO.Availability) > sla {
		floor = 2
	}
	cloud := c.Design.System.Cloud
	var out []Finding
	for _, gc := range g.Components {
		k := c.comp(gc.Name)
		if k == nil || k.Family() != schema.FamilyService || k.Instances < 2 || gc.CapacityRPS == nil || *gc.CapacityRPS <= 0 ||
			!statedThroughput(k.ServiceTime, k.ThroughputPerInstance) {
			continue
		}
		target := k.TargetUtilization
		if target <= 0 {
			target = 0.6
		}
		perInstance := *gc.CapacityRPS / float64(k.Instances)
		needed := max(floor, k.Zones, int(math.Ceil(gc.LoadRPS/(perInstance*target))))
		if gc.InFlight != nil && k.Concurrency > 0 {
			needed = max(needed, int(math.Ceil(*gc.InFlight*float64(k.Instances)/(float64(k.Concurrency)*target))))
		}
		needed = survivesZoneLoss(needed, k.Zones, gc.LoadRPS, perInstance)
		if k.Instances <= needed {
			continue
		}
		saving := gc.MonthlyUSD[cloud] * float64(k.Instances-needed) / float64(k.Instances)
		if saving <= 0 || !c.meetsWith(k.Name, needed) {
			continue
		}
		f := at(k.Name, compPath(k.Name)+".instances",
			"%s runs %d instances where %d carry its peak %s at its %s target across %s and the redundancy the SLO needs: about $%s a month on %s buys no requirement",
			k.Name, k.Instances, needed, rps(gc.LoadRPS), pct(target), plural(max(1, k.Zones), "zone", "zones"), num(saving), cloud)
		f.USDPerMonth = round2(saving)
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].USDPerMonth > out[j].USDPerMonth })
	return out
}

// survivesZoneLoss is the fewest instances, at least n, whose survivors
// carry the load below saturation when the busiest of their zones is lost
// (⌈n ÷ zones⌉ of them, as the zone-down scenario takes): a count COST002
// proposes must not be one CAPACITY004 then flags. In one zone a lost zone
// is an outage, which the availability rules judge.
func survivesZoneLoss(n, zones int, load, perInstance float64) int {
	if zones < 2 || perInstance <= 0 {
		return n
	}
	for {
		left := n - (n+zones-1)/zones
		if float64(left)*perInstance > load {
			return n
		}
		n++
	}
}

// meetsWith estimates the design again with the component at n instances
// and says whether every SLO (p99, completion and availability) still
// holds: the count COST002 proposes must keep the promises the design
// makes, the completion of work behind a queue included.
func (c *Context) meetsWith(name string, n int) bool {
	d := *c.Design
	d.Components = maps.Clone(c.Design.Components)
	k := *d.Components[name]
	k.Instances = n
	d.Components[name] = &k
	r, err := estimator.EstimateGraph(&d, estimator.Options{Catalog: c.Figures})
	if err != nil || !r.Availability.MeetsSLO {
		return false
	}
	for _, op := range r.Operations {
		if !op.MeetsSLO {
			return false
		}
		if op.SLOCompletionMs != nil && (op.CompletionP99Ms == nil || float64(*op.CompletionP99Ms) > *op.SLOCompletionMs) {
			return false
		}
	}
	return true
}

func graphRunway(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	horizon := th("growth.runway_months")
	var out []Finding
	for _, r := range c.Graph.Runway {
		m := float64(r.Months)
		if r.ScalesOut || m >= horizon || math.IsInf(m, 0) {
			continue
		}
		out = append(out, at(r.Component, compPath(r.Component)+".shards", "%s (inside the %s-month horizon)", r.Derivation, num(horizon)))
	}
	return out
}

// graphZoneDown reads the estimator's zone-down scenario (peak traffic,
// one zone lost), as the sections' check does: a fleet's survivors, and
// what its loss moves onto others — a cache that loses nodes sends their
// keys' reads to the store behind it.
func graphZoneDown(c *Context) []Finding {
	if c.Graph == nil {
		return nil
	}
	down, err := estimator.EstimateGraph(c.Design, estimator.Options{Catalog: c.Figures, Scenario: estimator.ScenarioZoneDown, LoadOnly: true})
	if err != nil {
		return nil
	}
	before := map[string]estimator.GraphComponent{}
	for _, g := range c.Graph.Components {
		before[g.Name] = g
	}
	// What moves load: the caches whose hit ratio falls with their lost
	// nodes (their keys' reads go on to what they miss to).
	var fell []string
	for _, g := range down.Components {
		if b := before[g.Name]; g.HitRatio != nil && b.HitRatio != nil && *g.HitRatio < *b.HitRatio && *g.HitRatio > 0 {
			fell = append(fell, fmt.Sprintf("%s's hit ratio falls from %s to %s with its lost nodes", g.Name, pct(*b.HitRatio), pct(*g.HitRatio)))
		}
	}
	sync := c.syncReached()
	var out []Finding
	for _, g := range down.Components {
		k, b := c.comp(g.Name), before[g.Name]
		// A component with nothing left is an outage, not an overload:
		// the availability rules judge that.
		if k == nil || !sync[k.Name] || g.Utilization == nil || b.Utilization == nil || *g.Utilization < 1 || *b.Utilization >= 1 ||
			g.Availability != nil && *g.Availability == 0 {
			continue
		}
		switch f := k.Family(); {
		case g.Instances < b.Instances && (f == schema.FamilyService || f == schema.FamilyLB):
			zones := max(1, k.Zones)
			if f == schema.FamilyLB {
				zones = 0
			}
			out = append(out, at(k.Name, compPath(k.Name)+".instances",
				"with one of %s zones down, %s's %d surviving instances of %d take %s at peak: %s busy (%s with all zones up), so they cannot carry the load",
				zoneWords(zones), k.Name, g.Instances, b.Instances, rps(g.LoadRPS), pct(*g.Utilization), pct(*b.Utilization)))
		default:
			why := "the zone's loss moves load onto it"
			if g.ZoneDown == "reduced" {
				why = g.ZoneDownWhy
			}
			if g.LoadRPS > b.LoadRPS {
				rise := fmt.Sprintf("its load rises from %s to %s", rps(b.LoadRPS), rps(g.LoadRPS))
				if len(fell) > 0 {
					rise += " (" + strings.Join(fell, "; ") + ")"
				}
				if g.ZoneDown == "reduced" {
					why += "; " + rise
				} else {
					why = rise
				}
			}
			out = append(out, at(k.Name, compPath(k.Name),
				"with one zone down %s is %s busy at peak (%s with all zones up): %s, and it cannot carry the load",
				k.Name, pct(*g.Utilization), pct(*b.Utilization), why))
		}
	}
	return out
}

// zoneWords is "its 3" for a component's own zones, "the design's" for a
// balancer placed across the zones the design uses.
func zoneWords(zones int) string {
	if zones == 0 {
		return "the design's"
	}
	return fmt.Sprintf("its %d", zones)
}

func graphHotTarget(c *Context) []Finding {
	limit := th("capacity.max_target_utilization")
	var out []Finding
	for _, k := range c.kindComponents(schema.FamilyService) {
		u := k.TargetUtilization
		if u <= limit {
			continue
		}
		out = append(out, at(k.Name, compPath(k.Name)+".targetUtilization",
			"%s is planned at %s busy (above %s): an M/M/1 queue at that load waits %s service times on average, and a zone loss or burst has nowhere to go",
			k.Name, pct(u), pct(limit), num(u/(1-u))))
	}
	return out
}

// roundTrips is the fewest network round trips a request makes in
// sequence through steps, and the components they cross.
func (c *Context) roundTrips(steps []schema.Step) (int, []string) {
	n, names := 0, []string(nil)
	for _, s := range steps {
		if s.Share != nil && float64(*s.Share) < 1 {
			continue
		}
		if len(s.Parallel) > 0 {
			best, bn := 0, []string(nil)
			for _, p := range s.Parallel {
				if m, mn := c.roundTrips([]schema.Step{p}); m > best {
					best, bn = m, mn
				}
			}
			n, names = n+best, append(names, bn...)
			continue
		}
		k := c.comp(s.To)
		if k == nil {
			continue
		}
		if f := k.Family(); f != schema.FamilyLB && f != schema.FamilyCDN {
			n, names = n+1, append(names, k.Name)
		}
		if s.Async || k.Family() == schema.FamilyQueue {
			continue // answered at the enqueue
		}
		m, mn := c.roundTrips(s.Calls)
		n, names = n+m, append(names, mn...)
	}
	return n, names
}

func graphBelowRoundTrips(c *Context) []Finding {
	rtt, ok := c.figure("network.rtt.same_zone")
	if !ok || c.Model == nil {
		return nil
	}
	var out []Finding
	for _, op := range c.Design.Operations() {
		slo, ok := c.Design.SLO.P99[op.Name]
		if !ok {
			continue
		}
		hops, names := c.roundTrips(c.Model.Calls[op.Name])
		floor := float64(hops) * rtt.V() / 1000
		if floor <= slo.Seconds() {
			continue
		}
		out = append(out, at(op.Name, "slo.p99."+op.Name,
			"%s's p99 SLO is %s but even its fastest request makes %d round trips in sequence at %s each at least (%s): %s before any work is done",
			op.Name, slo, hops, ms(rtt.V()/1000), strings.Join(names, " → "), ms(floor)))
	}
	return out
}
