package estimator

import (
	"fmt"
	"math"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The zone-down scenario of the component form: peak traffic with one
// availability zone lost, the zone every component runs in (a component in
// one zone is in the zone that fails: the worst case, as the tier
// estimator's). What survives is the trade-off each component made: a
// fleet spread over z zones keeps n − ⌈n÷z⌉ of its n instances; a primary
// survives only by failing over to a standby in another zone; a regional
// managed service (a managed balancer, a CDN, SQS, DynamoDB, an object
// store, a third party) does not notice.

// zoneSpread is how many zones a component's instances are spread over:
// its own zones where its kind states them (services, workers, caches),
// the design's widest spread where it does not (self-run balancers,
// databases, queues, search clusters: placed by the platform team across
// the zones the design uses), and 0 for a regional managed service.
func (ge *graphEstimate) zoneSpread(c *schema.Component) int {
	if c.Regional() {
		return 0
	}
	switch c.Family() {
	case schema.FamilyService, schema.FamilyCache:
		return max(1, c.Zones)
	}
	return ge.e.zones
}

// zoneDown applies the lost zone to every component's model: instances
// lost, components down (every one in a single zone; a primary without
// automatic failover), caches that lose the keys of their lost nodes.
func (ge *graphEstimate) zoneDown() {
	single := ge.e.d.System.Footprint == schema.SingleNode
	for _, c := range ge.g.Components {
		m := ge.models[c.Name]
		z := ge.zoneSpread(c)
		if z == 0 && !single {
			m.zoneEffect("unaffected", "a regional managed service, not affected")
			continue
		}
		lose := func(n int) int {
			if z <= 1 || single {
				return n
			}
			return int(math.Ceil(float64(n) / float64(z)))
		}
		why := fmt.Sprintf("all of %s runs in the lost zone", c.Name)
		if single {
			why = "the design runs on one node (system.footprint), lost with its zone"
		}
		switch c.Family() {
		case schema.FamilyDatabase:
			switch {
			case single:
			case c.Cluster():
				if z > 1 && c.Replicas > 0 {
					m.zoneEffect("survives", fmt.Sprintf("%d replica(s) of each key in the other zones keep it serving", c.Replicas))
					continue
				}
				why = fmt.Sprintf("%s has no replica in another zone", c.Name)
			default:
				if z > 1 && c.Failover == "automatic" {
					lost := lose(c.Replicas)
					if c.Replicas > 0 {
						m.replicas = c.Replicas - lost
					}
					effect := "survives"
					if m.replicas < c.Replicas {
						// The writes go on; the reads lose the lost
						// zone's replicas.
						effect = "reduced"
					}
					m.zoneEffect(effect, fmt.Sprintf("automatic failover promotes a standby in another zone; %d of %d read replica(s) left", m.replicas, c.Replicas))
					continue
				}
				why = fmt.Sprintf("%s's primary is lost with its zone and nothing fails over automatically (failover %q)", c.Name, c.Failover)
			}
			ge.takeDown(m, why)
			continue
		case schema.FamilyQueue:
			if z > 1 && !single {
				m.zoneEffect("survives", fmt.Sprintf("the brokers' replicas in the other %d zone(s) keep the queue", z-1))
				continue
			}
			ge.takeDown(m, why)
			continue
		case schema.FamilyCache:
			if c.Managed() && !single {
				// The provider places a replica in another zone and
				// fails over to it (its zones field is the self-run's).
				if c.Replicas > 0 {
					m.zoneEffect("survives", "the provider fails over to a replica in another zone")
					continue
				}
				why = fmt.Sprintf("%s has no replica in another zone", c.Name)
				ge.takeDown(m, why)
				continue
			}
			if z > 1 && c.Replicas > 0 && !single {
				m.zoneEffect("survives", "replicas in the other zones take over the lost nodes' keys")
				continue
			}
		case schema.FamilySearch:
			if z > 1 && c.Replicas > 0 && !single {
				break
			}
			if !single {
				why = fmt.Sprintf("the shards on %s's lost nodes have no replica in another zone", c.Name)
			}
			ge.takeDown(m, why)
			continue
		}
		n := m.instances
		if c.Kind == "worker" && c.Instances == 0 {
			m.zoneEffect("survives", "the consumers are sized for the load, in the zones left")
			continue
		}
		lost := lose(n)
		if lost >= n {
			ge.takeDown(m, why)
			continue
		}
		m.instances, m.lost = n-lost, lost
		if m.mu > 0 {
			m.capacity = float64(m.instances*m.servers) * m.mu
		}
		line := fmt.Sprintf("%d of %d %s left in the other %d zone(s)", m.instances, n, unitOf(c), z-1)
		if c.IsCache() && m.hit > 0 {
			m.hit *= float64(m.instances) / float64(n)
			line += fmt.Sprintf("; the lost nodes' keys miss: hit ratio falls to %s", Pct(m.hit))
		}
		m.zoneEffect("reduced", line)
	}
}

// zoneEffect records what zone-down did to a component, in its
// derivation and for the renderers.
func (m *compModel) zoneEffect(effect, why string) {
	m.zone, m.zoneWhy = effect, why
	m.deriv = append(m.deriv, "zone down: "+why)
}

// takeDown marks a component down in the scenario: a cache or CDN is
// bypassed (its callers go to what it misses to), anything else fails the
// calls that need it.
func (ge *graphEstimate) takeDown(m *compModel, why string) {
	ge.down[m.c.Name] = true
	m.avail, m.availNote = 0, "down in this scenario"
	if f := m.c.Family(); f == schema.FamilyCache && m.c.IsCache() || f == schema.FamilyCDN {
		m.hit = 0
		m.avail, m.availNote = 1, "down in this scenario: bypassed, every call misses"
	}
	if why != "" {
		m.zoneEffect("down", why)
	}
}

// unitOf names what a component counts.
func unitOf(c *schema.Component) string {
	switch c.Family() {
	case schema.FamilyCache, schema.FamilySearch:
		return "nodes"
	}
	return "instances"
}
