package rules

import (
	"slices"
	"strings"
	"testing"
)

// TestComponentExamples pins what the review says of the designs written
// from published architectures: the findings an SRE would raise, and none
// of the sections' rules that read a shape these designs do not have.
func TestComponentExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"components/checkout.cue", []string{"AVAIL007@checkout", "CAPACITY002@add-to-cart", "CAPACITY002@browse", "CAPACITY002@checkout", "COST003@budget", "QUEUE005@events", "SEC004@add-to-cart"}},
		{"components/chat.cue", []string{"CAPACITY002@history", "CAPACITY002@search", "CAPACITY002@send", "COST003@budget", "LAT004@search", "QUEUE004@index-queue", "QUEUE005@index-queue", "SEC004@send"}},
		{"components/timeline.cue", []string{"AVAIL007@tweet", "CAPACITY002@home", "CAPACITY002@search", "CAPACITY002@tweet", "CAPACITY009@timelines", "COST003@budget", "LAT004@index", "QUEUE004@fanout", "QUEUE005@fanout", "SEC004@tweet"}},
		{"components/video.cue", []string{"CAPACITY002@browse", "CAPACITY002@play", "CAPACITY002@upload", "COST003@budget", "QUEUE005@jobs"}},
	} {
		rep := reviewFile(t, tc.file)
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.ID)
			if f.Pos.Line == 0 {
				t.Errorf("%s: %s has no position", tc.file, f.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: findings %v, want %v", tc.file, got, tc.want)
		}
	}
}

// TestSectionRulesSkipComponentDesigns: a rule with only a sections check
// never runs on a component design (it would read sections the design does
// not have), and every rule says which forms it reviews.
func TestSectionRulesSkipComponentDesigns(t *testing.T) {
	rep := reviewFile(t, "components/checkout.cue")
	for _, f := range rep.Findings {
		r, _ := Lookup(f.Rule)
		if r.GraphCheck == nil {
			t.Errorf("%s ran on a component design without a component check", f.ID)
		}
	}
	n := 0
	for _, r := range All() {
		if r.GraphCheck != nil && r.Check == nil {
			n++
		}
	}
	if n < 12 {
		t.Errorf("%d rules only a graph has, want at least 12", n)
	}
}

// TestGraphFalsePositives: the findings that were wrong on real designs
// squeezed into the sections stay silent on the same designs written with
// components.
func TestGraphFalsePositives(t *testing.T) {
	for _, tc := range []struct {
		name, rule, overlay string
	}{
		{"LAT002 on an asset the CDN serves alone", "LAT002", `
			components: assets: {kind: "cdn", cacheableShare: "100%"}
			traffic: logo: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "300B", responseSize: "20KB", public: true, calls: ["assets"]}
			consistency: logo: {require: "eventual", partition: "AP"}
		`},
		{"CAP002 on a Redis that is the store of record", "CAP002", `
			components: links: {kind: "redis", role: "store", memory: "13GiB", replicas: 1, zones: 3, persistence: "append-only"}
			traffic: redirect: calls: [{to: "edge", calls: [{to: "api", calls: ["links"]}]}]
			consistency: redirect: {require: "strong", partition: "CP"}
		`},
		{"QUEUE001 on a payment authorisation that must be inline", "QUEUE001", `
			components: abuse: {kind: "external", p50: "400ms", p99: "2s", availability: "99.95%"}
			traffic: create: {slowWork: ["payment"], calls: [{to: "edge", calls: [{to: "api", timeout: "3s", calls: [{to: "abuse", timeout: "2500ms"}, "db"]}]}]}
			slo: p99: create: "3s"
		`},
		{"CACHE005 counting a database's rows as the cache's catalogue", "CACHE005", `
			components: db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "automatic", storage: "2TB", data: {objects: "20B", objectSize: "500B", retention: "5y"}}
		`},
	} {
		r, ok := Lookup(tc.rule)
		if !ok {
			t.Fatalf("no rule %s", tc.rule)
		}
		if fs := reviewExample(t, r, "case", Example{Graph: true, Overlay: tc.overlay}); len(fs) != 0 {
			t.Errorf("%s: %v", tc.name, messages(fs))
		}
	}
}

// TestGraphNoSLOStillFires: the CDN exemption is only for the CDN alone.
func TestGraphNoSLOStillFires(t *testing.T) {
	fs := reviewExample(t, latNoSLO, "case", Example{Graph: true, Overlay: `
		components: assets: {kind: "cdn", cacheableShare: "90%"}
		traffic: logo: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "300B", responseSize: "20KB", public: true,
			calls: [{to: "assets", miss: [{to: "edge", calls: ["api"]}]}]}
		consistency: logo: {require: "eventual", partition: "AP"}
	`})
	if len(fs) != 1 || fs[0].ID != "LAT002@logo" {
		t.Errorf("want LAT002@logo for an operation whose CDN misses to the origin, got %v", messages(fs))
	}
}

// TestGraphCacheRules: the cache family on cache components, by name; a
// cache of per-user keys (no hot key stated) is not a stampede risk.
func TestGraphCacheRules(t *testing.T) {
	for _, tc := range []struct {
		rule, overlay, want string
	}{
		{"CACHE001", `components: links: {kind: "redis", memory: "13GiB", replicas: 1, zones: 3, ttl: "24h", stampede: "none", invalidation: "immutable", hitRatio: "60%", hotKeyShare: "5%"}`, "CACHE001@links"},
		{"CACHE001", `components: links: {kind: "redis", memory: "13GiB", replicas: 1, zones: 3, ttl: "24h", stampede: "none", invalidation: "immutable", hitRatio: "60%"}`, ""},
		{"CACHE002", `components: links: {kind: "redis", memory: "13GiB", replicas: 1, zones: 3, ttl: "24h", stampede: "coalesce", invalidation: "immutable", hitRatio: "60%", bulkLoaded: true, ttlJitter: 0}`, "CACHE002@links"},
		{"CACHE003", `components: links: {kind: "redis", memory: "13GiB", replicas: 1, zones: 3, ttl: "24h", stampede: "coalesce", invalidation: "ttl-only", hitRatio: "60%"}`, "CACHE003@links"},
		{"CACHE003", `components: links: {kind: "redis", memory: "13GiB", replicas: 1, zones: 3, ttl: "10m", stampede: "coalesce", invalidation: "ttl-only", hitRatio: "60%"}`, ""},
	} {
		r, _ := Lookup(tc.rule)
		fs := reviewExample(t, r, "case", Example{Graph: true, Overlay: tc.overlay})
		var got string
		if len(fs) > 0 {
			got = fs[0].ID
		}
		if got != tc.want || len(fs) > 1 {
			t.Errorf("%s on %s: %v, want %q", tc.rule, tc.overlay, messages(fs), tc.want)
		}
	}
}

// TestOneFindingPerComponent: a rule about a kind fires once for each
// component of that kind — two sharded stores with a hot shard, two
// findings, each named after its store.
func TestOneFindingPerComponent(t *testing.T) {
	fs := reviewExample(t, dbHotShardKey, "case", Example{Graph: true, Overlay: `
		components: {
			db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "automatic", storage: "2TB", shards: 4, shardKey: "code", hotShardShare: "60%"}
			stats: {kind: "postgres", replicas: 1, failover: "automatic", storage: "100GB", shards: 8, shardKey: "day", shardKeyCardinality: 30}
		}
		traffic: create: calls: [{to: "edge", calls: [{to: "api", timeout: "1s", calls: ["db", "stats"]}]}]
	`})
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	if got := strings.Join(ids, " "); got != "DB002@db DB002@stats" {
		t.Errorf("findings %s, want DB002@db DB002@stats", got)
	}
	for _, f := range fs {
		if f.ID == "DB002@db" && !strings.Contains(f.Message, "at peak against one shard's") {
			t.Errorf("DB002@db does not say what the hot shard takes at peak: %s", f.Message)
		}
	}
}

// TestGraphAvailabilityRules: AVAIL001, AVAIL003 and DB004 on the
// components they are about, silent on the base design.
func TestGraphAvailabilityRules(t *testing.T) {
	for _, tc := range []struct {
		rule    *Rule
		overlay string
		want    string
	}{
		{avSingleProxy, `components: edge: {kind: "haproxy", instances: 1, need: "custom-routing"}`, "AVAIL001@edge"},
		{avSingleProxy, `components: edge: {kind: "haproxy", instances: 2, need: "custom-routing"}`, ""},
		{avOneZone, `components: api: {kind: "service", instances: 3, zones: 1, concurrency: 256}`, "AVAIL003@api"},
		{avOneZone, `components: api: {kind: "service", instances: 3, zones: 3, concurrency: 256}`, ""},
		{dbNoFailover, `components: db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "none", storage: "2TB"}`, "DB004@db"},
		{dbNoFailover, `components: db: {kind: "postgres", size: "4x16", replicas: 2, readFromReplicas: true, failover: "automatic", storage: "2TB"}`, ""},
	} {
		fs := reviewExample(t, tc.rule, "case", Example{Graph: true, Overlay: tc.overlay})
		got := ""
		if len(fs) > 0 {
			got = fs[0].ID
		}
		if got != tc.want || len(fs) > 1 {
			t.Errorf("%s on %s: %v, want %q", tc.rule.ID, tc.overlay, messages(fs), tc.want)
		}
	}
}
