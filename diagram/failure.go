package diagram

import (
	"fmt"
)

// zoneFailure decides what losing one zone does to each tier. The design
// does not say where each instance runs, so the view assumes what a careful
// deployment does — instances spread round-robin over the zones, primaries
// and the first instance of each tier in zone a — and takes zone a down, the
// worst zone to lose. The notes say so.
func (b *builder) zoneFailure() {
	b.fail = map[string]*verdict{}
	d := b.d
	z := b.zones()
	if z == 1 {
		for _, id := range []string{idLB, idApp, idCache, idDB, idReplicas, idQueue, idWorkers, idCollector} {
			b.fail[id] = &verdict{status: StatusDown, text: "its only zone is down"}
		}
		b.notes = append(b.notes, "one zone down takes everything down: the design runs in a single zone")
		return
	}
	b.notes = append(b.notes,
		"zone a down; assumed placement: instances spread round-robin over "+fmt.Sprint(z)+" zones, primaries in zone a")

	if lb := d.LoadBalancer; lb.Kind != "none" {
		if lb.SelfRun() {
			b.fail[idLB] = b.fleet(lb.Instances, z, -1, lb.Kind+" instances")
		} else {
			b.fail[idLB] = &verdict{status: StatusUp, text: "managed: runs in every zone", left: 1}
		}
	}
	b.fail[idApp] = b.fleet(d.Services.Instances, z, b.util("services"), "instances")
	if q := d.Queue; q.Enabled() && q.Consumers > 0 {
		b.fail[idWorkers] = b.fleet(q.Consumers, z, b.util("workers"), "consumers")
	}
	if c := d.Cache; c.Enabled() {
		lost := spread(c.Nodes, z)[0]
		switch {
		case c.Replicas > 0:
			b.fail[idCache] = &verdict{status: StatusDegraded, text: "replica in zone b promoted", left: 1}
		case lost == c.Nodes:
			b.fail[idCache] = &verdict{status: StatusDown, text: "cache lost: every read misses", left: 0}
		default:
			left := float64(c.Nodes-lost) / float64(c.Nodes)
			b.fail[idCache] = &verdict{status: StatusDegraded, text: fmt.Sprintf("%d of %d nodes lost, their keys miss", lost, c.Nodes), left: left}
		}
	}
	b.database(z)
	if q := d.Queue; q.Enabled() {
		if q.Kind == "sqs" {
			b.fail[idQueue] = &verdict{status: StatusUp, text: "regional service", left: 1}
		} else {
			b.fail[idQueue] = &verdict{status: StatusDegraded, text: "survives only if replicated across zones (not stated)", left: 1}
		}
	}
}

// fleet is what zone a down leaves of n identical instances.
func (b *builder) fleet(n, z int, util float64, what string) *verdict {
	lost := spread(n, z)[0]
	left := n - lost
	if left == 0 {
		return &verdict{status: StatusDown, text: fmt.Sprintf("all %d %s were in zone a", n, what)}
	}
	v := &verdict{status: StatusDegraded, left: float64(left) / float64(n),
		text: fmt.Sprintf("%d of %d %s left", left, n, what)}
	if util >= 0 {
		after := util * float64(n) / float64(left)
		v.text += fmt.Sprintf(", %s busy", formatPercent(after))
		if after >= 1 {
			v.status = StatusDown
			v.text += ": overloaded"
		}
	}
	return v
}

// database: the primary is in zone a; replicas are spread round-robin from
// zone b (replica i sits in zone i mod z).
func (b *builder) database(z int) {
	db := b.d.Database
	lostReplicas := 0
	for i := 1; i <= db.Replicas; i++ {
		if i%z == 0 {
			lostReplicas++
		}
	}
	left := db.Replicas - lostReplicas
	switch {
	case left == 0:
		b.fail[idDB] = &verdict{status: StatusDown, text: "primary lost, no replica left to promote"}
	case db.Failover == "automatic":
		text := "a replica was promoted automatically"
		if db.Replication == "async" {
			text += "; writes not yet replicated are lost"
		}
		b.fail[idDB] = &verdict{status: StatusDegraded, text: text, left: 1}
		left-- // the promoted replica no longer serves reads
	case db.Failover == "manual":
		b.fail[idDB] = &verdict{status: StatusDown, text: "writes stop until someone promotes a replica"}
	default:
		b.fail[idDB] = &verdict{status: StatusDown, text: "primary lost and failover is none"}
	}
	if db.Replicas == 0 {
		return
	}
	switch {
	case left <= 0 && db.ReadFromReplicas:
		b.fail[idReplicas] = &verdict{status: StatusDown, text: "no replica left: reads fall on the primary"}
	case left <= 0:
		b.fail[idReplicas] = &verdict{status: StatusDown, text: "no standby left"}
	case left < db.Replicas:
		b.fail[idReplicas] = &verdict{status: StatusDegraded, left: float64(left) / float64(db.Replicas),
			text: fmt.Sprintf("%d of %d left", left, db.Replicas)}
	default:
		b.fail[idReplicas] = &verdict{status: StatusUp, left: 1}
	}
}

// util is a tier's utilisation at peak from the estimate, -1 without one.
func (b *builder) util(component string) float64 {
	if b.in.Numbers == nil {
		return -1
	}
	if l, ok := b.in.Numbers.Components[component]; ok {
		return l.Utilisation
	}
	return -1
}
