package rules

import (
	"strings"
	"testing"
)

// TestCOST002NamesEveryWaste: each over-provisioned tier is its own
// finding with its saving, largest first, and a count that costs nothing
// by itself is not one.
func TestCOST002NamesEveryWaste(t *testing.T) {
	for _, tc := range []struct {
		name    string
		overlay string
		want    []string // substrings of the findings, in order
		not     []string
	}{
		{"replicas counted per shard", `
			database: {shards: 4, shardKey: "code", shardKeyCardinality: "200M", replicas: 12}`,
			[]string{"replicas runs 12 replicas per shard × 4 shards = 48 where"}, nil},
		{"memory beyond the whole catalogue", `
			traffic: create: rate: "1M/month"
			traffic: create: data: {objects: "1M", objectSize: "500B", retention: "30d"}
			cache: memory: "64GiB"`,
			[]string{"of its memory caches nothing"}, nil},
		{"memory the catalogue fills", ``, nil, []string{"caches nothing"}},
		{"idle consumers cost nothing", `
			queue: consumers: 400`,
			nil, []string{"queue.consumers", "workers runs"}},
		{"a service on the trivial handler's assumed throughput is not reported", `
			services: instances: 6`,
			nil, []string{"services runs"}},
		{"largest saving first", `
			services: {instances: 8, serviceTime: "1ms"}
			database: {shards: 4, shardKey: "code", shardKeyCardinality: "200M", replicas: 12}`,
			[]string{"replicas runs", "services runs 8 instances where 6 meet"}, nil},
		// 4,600 rps at peak on 2,000 rps instances: 4 carry it at the
		// 60% target, but a lost zone leaves 2 of them at 115%; 6 leave 3
		// at 77%.
		{"a count that a lost zone would overload is not proposed", `
			services: {instances: 6, serviceTime: "1ms"}`,
			nil, []string{"services runs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := reviewExample(t, costOverProvisioned, "case", Example{Overlay: tc.overlay})
			var got []string
			for _, f := range fs {
				got = append(got, f.Path+": "+f.Message)
				if f.USDPerMonth <= 0 {
					t.Errorf("no saving in dollars: %s", f.Message)
				}
			}
			text := strings.Join(got, "\n")
			at := 0
			for _, w := range tc.want {
				i := strings.Index(text[at:], w)
				if i < 0 {
					t.Fatalf("want %q (after position %d) in:\n%s", w, at, text)
				}
				at += i + len(w)
			}
			for _, n := range tc.not {
				if strings.Contains(text, n) {
					t.Errorf("did not want %q in:\n%s", n, text)
				}
			}
		})
	}
}

// TestSurvivesZoneLoss: the fewest instances at least n whose survivors,
// the busiest zone's ⌈n ÷ zones⌉ lost, carry the load below saturation.
func TestSurvivesZoneLoss(t *testing.T) {
	for _, tc := range []struct {
		n, zones          int
		load, perInstance float64
		want              int
	}{
		{4, 2, 4600, 2000, 6}, // 2 left carry 4,000: 3 left carry 6,000
		{4, 2, 3000, 2000, 4}, // 2 left carry 4,000 > 3,000
		{3, 3, 3000, 2000, 3}, // 2 left carry 4,000
		{3, 3, 4000, 2000, 5}, // 2 left exactly saturate; 4 lose ⌈4 ÷ 3⌉ = 2, still 2 left; 5 leave 3
		{2, 1, 9000, 2000, 2}, // one zone: a lost zone is an outage, not an overload
		{2, 2, 100, 0, 2},     // no throughput known
		{5, 2, 4600, 2000, 6}, // 5 lose 3
	} {
		if got := survivesZoneLoss(tc.n, tc.zones, tc.load, tc.perInstance); got != tc.want {
			t.Errorf("survivesZoneLoss(%d, %d zones, %v rps, %v per instance) = %d, want %d", tc.n, tc.zones, tc.load, tc.perInstance, got, tc.want)
		}
	}
}
