package diagram

import (
	"fmt"
	"math"
	"sort"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// zoneFailure marks what losing one zone does to each tier, from the
// estimator's zone-down scenario: how many instances of each tier still
// serve, how busy they are, and which tiers have nothing left. The picture
// only words those figures; it decides nothing of its own, so it cannot
// disagree with `tradeoff estimate --scenario zone-down`.
func (b *builder) zoneFailure() {
	b.fail = map[string]*verdict{}
	zd := b.zoneDown()
	if zd == nil {
		b.notes = append(b.notes, "drawn without the estimator's zone-down scenario: what survives is not marked")
		return
	}
	d := b.d
	z := b.zones()
	if z == 1 {
		where := "in a single zone"
		if d.System.Footprint == schema.SingleNode {
			where = "on a single node"
		}
		b.notes = append(b.notes, "one zone down takes everything down: the design runs "+where)
		// The collector is not an estimated tier, but it shares the zone.
		b.fail[idCollector] = &verdict{status: StatusDown, text: "its only zone is down"}
	} else {
		b.notes = append(b.notes, fmt.Sprintf("zone a down (of %d zones, the one with the most instances): figures from the estimator's zone-down scenario", z))
	}
	down := map[string]bool{}
	for _, t := range zd.Down {
		down[t] = true
	}
	names := make([]string, 0, len(zd.Components))
	for name := range zd.Components {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		id, ok := componentIDs[name]
		if !ok {
			continue
		}
		s := zd.Components[name]
		v := b.tierVerdict(name, s, down[name] || (s.Serving == 0 && s.Instances > 0))
		if v == nil {
			continue
		}
		if z == 1 && v.status == StatusDown {
			v.text = "its only zone is down"
		}
		if d.Database.Kind == "dynamodb" && name == "database" && v.status != StatusDown {
			v = &verdict{status: StatusUp, text: "managed: replicated across zones", left: 1}
		}
		b.fail[id] = v
	}
}

// zoneDown is the estimator's zone-down scenario, nil without one.
func (b *builder) zoneDown() *ZoneDown {
	if b.in.Numbers == nil {
		return nil
	}
	return b.in.Numbers.ZoneDown
}

// tierVerdict words one tier's survivors.
func (b *builder) tierVerdict(name string, s Survivors, gone bool) *verdict {
	d := b.d
	switch name {
	case "loadBalancer":
		if !d.LoadBalancer.SelfRun() {
			if gone {
				return &verdict{status: StatusDown, text: "managed balancer lost with its zone"}
			}
			return &verdict{status: StatusUp, text: "managed: runs in every zone", left: 1}
		}
		return fleet(s, gone, d.LoadBalancer.Kind+" instances", false)
	case "services":
		return fleet(s, gone, "instances", false)
	case "workers":
		return fleet(s, gone, "consumers", true)
	case "cache":
		switch {
		case gone:
			return &verdict{status: StatusDown, text: "cache lost: every read misses"}
		case s.Serving < s.Instances:
			v := &verdict{status: StatusDegraded, left: float64(s.Serving) / float64(s.Instances),
				text: fmt.Sprintf("%d of %d nodes lost, their keys miss", s.Instances-s.Serving, s.Instances)}
			if h := b.zoneDown().HitRatio; h != nil {
				v.text += "; hit ratio " + formatPercent(*h)
			}
			return v
		case d.Cache.Replicas > 0:
			return &verdict{status: StatusDegraded, text: "a replica in another zone takes over", left: 1}
		}
		return &verdict{status: StatusUp, text: "no node in zone a", left: 1}
	case "database":
		db := d.Database
		switch {
		case gone && db.Failover == "manual":
			return &verdict{status: StatusDown, text: "writes stop until someone promotes a replica"}
		case gone && db.Failover == "none":
			return &verdict{status: StatusDown, text: "primary lost and failover is none"}
		case gone:
			return &verdict{status: StatusDown, text: "primary lost"}
		}
		v := &verdict{status: StatusDegraded, text: "fails over automatically to another zone", left: 1}
		overloaded(v, s.Utilisation, false)
		if db.Replication == "async" {
			v.text += "; writes not yet replicated are lost"
		}
		return v
	case "replicas":
		if s.Instances == 0 {
			return nil
		}
		if gone {
			if d.Database.ReadFromReplicas {
				return &verdict{status: StatusDown, text: "no replica left: reads fall on the primary"}
			}
			return &verdict{status: StatusDown, text: "no standby left"}
		}
		if s.Serving == s.Instances {
			return &verdict{status: StatusUp, text: "no replica in zone a", left: 1}
		}
		return fleet(s, false, "", false)
	case "queue":
		switch {
		case gone:
			return &verdict{status: StatusDown, text: "queue lost with its zone"}
		case d.Queue.Kind == "sqs":
			return &verdict{status: StatusUp, text: "regional service", left: 1}
		}
		return &verdict{status: StatusUp, text: "replicated across zones (assumed)", left: 1}
	}
	return nil
}

// fleet words what is left of a tier of identical instances: how many and
// how busy. Survivors past 100% busy are overloaded: a synchronous tier's
// queue grows without bound, a consumer tier's backlog never drains.
func fleet(s Survivors, gone bool, what string, async bool) *verdict {
	if gone {
		if what == "" {
			return &verdict{status: StatusDown, text: fmt.Sprintf("all %d were in zone a", s.Instances)}
		}
		return &verdict{status: StatusDown, text: fmt.Sprintf("all %d %s were in zone a", s.Instances, what)}
	}
	left := fmt.Sprintf("%d of %d", s.Serving, s.Instances)
	if what != "" {
		left += " " + what
	}
	v := &verdict{status: StatusDegraded, left: float64(s.Serving) / float64(max(s.Instances, 1)), text: left + " left"}
	if s.Serving == s.Instances {
		v.status = StatusUp
	}
	overloaded(v, s.Utilisation, async)
	return v
}

// overloaded adds how busy the survivors are and marks them down past 100%.
func overloaded(v *verdict, util float64, async bool) {
	if util < 0 || math.IsInf(util, 1) || math.IsNaN(util) {
		return
	}
	v.text += ", " + formatPercent(util) + " busy"
	if util < 1 {
		return
	}
	v.status, v.overloaded = StatusDown, true
	if async {
		v.text += "; overloaded: the backlog grows"
	} else {
		v.text += "; overloaded: requests queue up"
	}
}
