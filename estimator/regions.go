package estimator

import (
	"fmt"
	"slices"
	"sort"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// A multi-region footprint runs the design's fleet in each region (its
// counts describe one region, sized to carry the whole peak when the
// others are down). It buys surviving a regional outage and pays three
// ways: every region's fleet, the replication traffic between regions, and
// a cross-region round trip on every write that waits for another region.

// regions is the number of regions the fleet runs in.
func (e *estimator) regions() int {
	if e.d.System.Footprint != schema.MultiRegion || e.d.System.Regions < 2 {
		return 1
	}
	return e.d.System.Regions
}

// perRegion says whether a price unit is paid for capacity (instance hours,
// provisioned months, stored bytes), which every region pays for, rather
// than for traffic (GB moved, requests, load-balancer capacity units), which
// the regions share. The unit decides, not the component's name: the edge
// (CDN, internet egress) and the traffic between regions are priced per GB
// and per request, and a component of any kind may be called "cdn".
func perRegion(unit string) bool {
	switch unit {
	case "hour", "month", "GB-month", "GB-hour", "vCPU-hour":
		return true
	}
	return false
}

// regionFailoverAvailability is an operation's availability over the
// regions: with automatic failover any region serving is enough,
// 1 − (1 − A)^R; a manual failover waits for a person, and the estimate
// credits the other regions nothing.
func (e *estimator) regionFailoverAvailability(a float64, alive int) (float64, string) {
	r := e.regions()
	if r < 2 {
		return a, ""
	}
	if e.d.System.RegionFailover == "manual" {
		return a, fmt.Sprintf("%d regions with manual failover: no credit for the other regions (traffic moves when a person moves it)", r)
	}
	v := ParallelN(a, alive)
	return v, fmt.Sprintf("%d regions with automatic failover: 1 − (1 − %s)^%d = %s", alive, Pct(a), alive, Pct(v))
}

// waitsOnRegions says whether a write waits for another region before it
// answers: a CP operation (a quorum that spans the regions) or synchronous
// replication to replicas in the other regions.
func (e *estimator) waitsOnRegions(op *schema.Operation) bool {
	if e.regions() < 2 || op.IsRead() || op.Async || !op.Passes("database") {
		return false
	}
	if c, ok := e.d.Consistency[op.Name]; ok && c.Partition == "CP" {
		return true
	}
	return e.d.Database.Replication != "async" && e.d.Database.Replicas > 0
}

// crossRegionRTT is the round trip a write pays to reach the regions it
// waits for, and where the figure comes from. A majority of R regions is
// the writer and its ⌊R/2⌋ nearest peers, so the write waits for the
// ⌊R/2⌋-th nearest. The design's crossRegionRTT wins; else the sourced
// table of AWS region pairs when every pair is in it; else the classic
// transcontinental round trip, flagged.
func (e *estimator) crossRegionRTT() (float64, string) {
	s := e.d.System
	if s.CrossRegionRTT != nil {
		return s.CrossRegionRTT.Seconds(), fmt.Sprintf("system.crossRegionRTT %s", Ms(s.CrossRegionRTT.Seconds()))
	}
	k := e.regions() / 2
	if s.Cloud == "aws" && s.Region != "" && len(s.PeerRegions) == e.regions()-1 {
		var rtts []float64
		for _, peer := range s.PeerRegions {
			pair := []string{s.Region, peer}
			sort.Strings(pair)
			en, ok := e.cat.Lookup("network.rtt.region.aws." + pair[0] + "." + pair[1])
			if !ok || !en.Known() {
				rtts = nil
				break
			}
			e.fig(en.ID)
			rtts = append(rtts, en.V()/1000)
		}
		if len(rtts) > 0 {
			slices.Sort(rtts)
			return rtts[k-1], fmt.Sprintf("%s to the nearest %d of %v: %s (network.rtt.region.aws.*)", s.Region, k, s.PeerRegions, Ms(rtts[k-1]))
		}
	}
	rtt := e.fig("network.rtt.cross_region") / 1000
	return rtt, fmt.Sprintf("%s, the classic transcontinental round trip (network.rtt.cross_region; name system.peerRegions or state system.crossRegionRTT)", Ms(rtt))
}
