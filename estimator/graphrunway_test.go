package estimator

import (
	"math"
	"strings"
	"testing"
)

// TestGraphRunwayByHand: a service at 10% of its capacity at peak.
// Alone, growing 10× a year, it saturates in month 12. Split evenly with
// an operation that does not grow: 0.05 + 0.05 × 10^(m/12) = 1, month
// 12 × log10(19) = 15.35. A single-shard primary is a ceiling; the
// service scales out.
func TestGraphRunwayByHand(t *testing.T) {
	const design = `
system: {name: "r", cloud: "aws"}
components: {
	api: {kind: "service", instances: 1, throughputPerInstance: "1k/s", serviceTime: "1ms"}
	db: {kind: "postgres", failover: "automatic"}
}
traffic: {
	a: {kind: "read", rate: "RATE_A", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", growth: 10, calls: [{to: "api"}]}
	OTHER
}
slo: availability: "99%"
`
	for _, tc := range []struct {
		name, rateA, other string
		want               float64
	}{
		{"one operation", "100/s", "", 12},
		{"half of it flat", "50/s", `b: {kind: "read", rate: "50/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", growth: 1, calls: [{to: "api"}]}`, 12 * math.Log10(19)},
	} {
		src := strings.NewReplacer("RATE_A", tc.rateA, "OTHER", tc.other).Replace(design)
		r, err := EstimateGraph(load(t, src), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got *Runway
		for i := range r.Runway {
			if r.Runway[i].Component == "api" {
				got = &r.Runway[i]
			}
		}
		if got == nil {
			t.Fatalf("%s: no runway for api in %+v", tc.name, r.Runway)
		}
		if math.Abs(float64(got.Months)-tc.want) > 0.1 || !got.ScalesOut {
			t.Errorf("%s: api saturates in month %v (scales out %v), want %.2f and scaling out", tc.name, got.Months, got.ScalesOut, tc.want)
		}
	}
}

// TestGraphRunwayPrimaryIsACeiling: the commits of a single-shard
// PostgreSQL primary grow with the writes; replicas do not lift them.
func TestGraphRunwayPrimaryIsACeiling(t *testing.T) {
	src := `
system: {name: "r", cloud: "aws"}
components: {
	api: {kind: "service", instances: 8}
	db: {kind: "postgres", replicas: 2, readFromReplicas: true, failover: "automatic"}
}
traffic: w: {kind: "write", rate: "700/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", growth: 10, calls: [{to: "api", calls: ["db"]}]}
slo: availability: "99%"
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, rw := range r.Runway {
		if rw.Component != "db" {
			continue
		}
		// 700 commits/s of the 7,000 one primary commits: 10%, month 12.
		if rw.ScalesOut || math.Abs(float64(rw.Months)-12) > 0.1 {
			t.Errorf("db: %+v, want a ceiling in month 12", rw)
		}
		return
	}
	t.Fatalf("no runway for db: %+v", r.Runway)
}
