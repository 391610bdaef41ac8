package estimator

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// twoRegions is a small multi-region design whose figures are computed by
// hand below. {{region}} is filled per case.
const twoRegions = `
system: {name: "mr", cloud: "aws", region: "us-east-1", footprint: "multi-region", regions: %d%s}
traffic: get: {kind: "read", rate: "300/s", peakFactor: 3, requestSize: "1KB", responseSize: "2KB", path: ["loadBalancer", "services", "database"]}
traffic: put: {kind: "write", rate: "30/s", peakFactor: 3, requestSize: "1KB", responseSize: "2KB", path: ["loadBalancer", "services", "database"], data: {objects: "1M", objectSize: "1KB"}}
slo: {p99: {get: "50ms", put: "300ms"}, availability: "99.95%%"}
services: {instances: 3, zones: 3}
database: {kind: "postgres", replicas: 1, failover: "automatic", storage: "100GB"}
consistency: {get: {require: "eventual", partition: "AP"}, put: {require: "strong", partition: "CP"}}
`

func TestRegionsByHand(t *testing.T) {
	one := estimate(t, strings.Replace(fmt.Sprintf(twoRegions, 1, ""), `footprint: "multi-region", `, "", 1), Options{})
	for _, tc := range []struct {
		name    string
		regions int
		extra   string
		rtt     float64 // seconds added to the put's p99
	}{
		{"stated round trip", 2, `, crossRegionRTT: "70ms"`, 0.070},
		// us-east-1 ↔ us-west-2: (86.98 + 88.68) / 2 = 87.8 ms.
		{"named pair", 2, `, peerRegions: ["us-west-2"]`, 0.0878},
		// A majority of three is the writer and its nearest peer:
		// eu-west-1 at (80.55 + 80.52) / 2 = 80.5 ms, not Tokyo's 145.3.
		{"majority of three", 3, `, peerRegions: ["ap-northeast-1", "eu-west-1"]`, 0.0805},
		{"unnamed", 2, ``, 0.150},
		{"pair not in the table", 2, `, peerRegions: ["mars-1"]`, 0.150},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := estimate(t, fmt.Sprintf(twoRegions, tc.regions, tc.extra), Options{})
			ops := map[string]Operation{}
			for _, op := range r.Operations {
				ops[op.Name] = op
			}
			oneOps := map[string]Operation{}
			for _, op := range one.Operations {
				oneOps[op.Name] = op
			}
			// The CP write pays the round trip; the AP read does not.
			if got := float64(ops["put"].P99Ms-oneOps["put"].P99Ms) / 1000; math.Abs(got-tc.rtt) > 0.0005 {
				t.Errorf("put p99 grows by %.4f s, want %.4f", got, tc.rtt)
			}
			if ops["get"].P99Ms != oneOps["get"].P99Ms {
				t.Errorf("get p99 %v, one region %v: an AP read waits for no other region", ops["get"].P99Ms, oneOps["get"].P99Ms)
			}
			// Availability: any region serving is enough.
			a1 := oneOps["get"].Availability
			want := 1 - math.Pow(1-a1, float64(tc.regions))
			if got := ops["get"].Availability; math.Abs(got-want) > 1e-6 {
				t.Errorf("get availability %v, want 1 − (1 − %v)^%d = %v", got, a1, tc.regions, want)
			}
			// Cost: every region's fleet, 3 × 2 vCPU × 730 h × $0.1008.
			aws := r.Cost.For("aws")
			var services, replication float64
			for _, it := range aws.Items {
				switch it.Component {
				case "services":
					services += it.MonthlyUSD
				case "replication":
					replication += it.MonthlyUSD
				}
			}
			if want := 3 * 730 * 0.1008 * float64(tc.regions); math.Abs(services-want) > 0.01 {
				t.Errorf("services cost $%.2f, want $%.2f", services, want)
			}
			// Replication: 30 writes/s × 2,628,000 s × 1,000 B ÷ 2^30 to
			// each other region × $0.02 = $1.47 per other region.
			if want := 30 * 2628000 * 1000.0 / (1 << 30) * float64(tc.regions-1) * 0.02; math.Abs(replication-want) > 0.01 {
				t.Errorf("replication $%.2f, want $%.2f", replication, want)
			}
		})
	}
}

// TestManualRegionFailoverEarnsNothing: a failover a person performs is not
// counted as availability.
func TestManualRegionFailoverEarnsNothing(t *testing.T) {
	one := estimate(t, strings.Replace(fmt.Sprintf(twoRegions, 1, ""), `footprint: "multi-region", `, "", 1), Options{})
	two := estimate(t, fmt.Sprintf(twoRegions, 2, `, regionFailover: "manual"`), Options{})
	if one.Availability.Estimated != two.Availability.Estimated {
		t.Errorf("manual failover: %v, one region %v", two.Availability.Estimated, one.Availability.Estimated)
	}
	if two.Cost.For("aws").MonthlyUSD <= one.Cost.For("aws").MonthlyUSD {
		t.Errorf("two regions cost %v, one %v", two.Cost.For("aws").MonthlyUSD, one.Cost.For("aws").MonthlyUSD)
	}
}
