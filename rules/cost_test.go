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
			services: {instances: 6, serviceTime: "1ms"}
			database: {shards: 4, shardKey: "code", shardKeyCardinality: "200M", replicas: 12}`,
			[]string{"replicas runs", "services runs"}, nil},
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
