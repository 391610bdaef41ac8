package diagram

import (
	"math"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

func shortener(t *testing.T) *schema.Design {
	t.Helper()
	d, err := schema.Load("../examples/shortener.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func edge(g *Graph, from, to string) *Edge {
	for _, e := range g.Edges {
		if e.From == from && e.To == to {
			return e
		}
	}
	return nil
}

func build(t *testing.T, in Input, v View) *Graph {
	t.Helper()
	g, err := Build(in, v, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestEdgesCarryPeakRates(t *testing.T) {
	tests := []struct {
		name      string
		change    func(d *schema.Design)
		from, to  string
		wantLabel string
	}{
		{"clients send every synchronous operation at peak", nil, "clients", "lb", "3.5k rps"},
		{"client edges carry bytes in and out", nil, "clients", "lb", "in 1 MB/s · out 1.4 MB/s"},
		{"cache-aside misses go from the app to the replicas", nil, "app", "replicas", "miss 1.2k rps"},
		{"the cache lookup shows the hit ratio", nil, "app", "cache", "3.4k rps · 65% hit"},
		{"the queue edge carries message bytes", nil, "app", "queue", "685 kB/s"},
		{"replication carries every write that reaches the primary", nil, "db", "replicas", "≤ 3.5k writes/s"},
		{"read-through misses go from the cache", func(d *schema.Design) { d.Cache.Pattern = "read-through" }, "cache", "replicas", "miss 1.2k rps"},
		{"without a hit ratio the miss rate is unknown", func(d *schema.Design) { d.Cache.HitRatio = nil }, "app", "replicas", "miss ? rps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shortener(t)
			if tt.change != nil {
				tt.change(d)
			}
			g := build(t, Input{Design: d}, Overview)
			e := edge(g, tt.from, tt.to)
			if e == nil {
				t.Fatalf("no edge %s -> %s", tt.from, tt.to)
			}
			if !strings.Contains(strings.Join(e.Label, "\n"), tt.wantLabel) {
				t.Errorf("label %q does not contain %q", e.Label, tt.wantLabel)
			}
		})
	}
}

func TestEstimateOverridesDesignRates(t *testing.T) {
	d := shortener(t)
	hit := 0.5
	g := build(t, Input{Design: d, Numbers: &Numbers{PeakRPS: map[string]float64{"redirect": 1000}, HitRatio: &hit}}, Read)
	if e := edge(g, "app", "replicas"); e == nil || e.Label[0] != "miss 500 rps" {
		t.Errorf("miss edge = %v, want 500 rps from the estimate's rate and hit ratio", e)
	}
}

func TestViewsDrawTheirOperations(t *testing.T) {
	d := shortener(t)
	tests := []struct {
		view       View
		has, lacks []string
	}{
		{Read, []string{"cache", "replicas"}, []string{"queue", "workers", "collector", "probe"}},
		{Write, []string{"db", "replicas", "queue", "workers"}, []string{"cache", "collector"}},
		{Async, []string{"queue", "workers", "db"}, []string{"cache", "lb", "clients"}},
		{Overview, []string{"clients", "probe", "lb", "app", "cache", "queue", "db", "replicas", "workers", "collector"}, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.view), func(t *testing.T) {
			g := build(t, Input{Design: d}, tt.view)
			for _, id := range tt.has {
				if g.node(id) == nil {
					t.Errorf("view lacks %s", id)
				}
			}
			for _, id := range tt.lacks {
				if g.node(id) != nil {
					t.Errorf("view draws %s", id)
				}
			}
		})
	}
}

func TestEmptyViewSaysWhy(t *testing.T) {
	d := shortener(t)
	d.Queue.Kind = "none"
	delete(d.Traffic, "click")
	g := build(t, Input{Design: d}, Async)
	if !strings.Contains(strings.Join(g.Notes, "\n"), "no asynchronous operations") {
		t.Errorf("notes = %q", g.Notes)
	}
}

func TestFailureView(t *testing.T) {
	tests := []struct {
		name    string
		change  func(d *schema.Design)
		numbers *Numbers
		node    string
		status  Status
		text    string
	}{
		{"half the app survives two zones", nil, nil, "app", StatusDegraded, "2 of 4 instances left"},
		{"automatic failover promotes a replica", nil, nil, "db", StatusDegraded, "promoted automatically"},
		{"async replication loses recent writes", nil, nil, "db", StatusDegraded, "writes not yet replicated are lost"},
		{"the promoted replica leaves none for reads", nil, nil, "replicas", StatusDown, "reads fall on the primary"},
		{"no failover means the primary is gone", func(d *schema.Design) { d.Database.Failover = "none" }, nil, "db", StatusDown, "failover is none"},
		{"manual failover stops writes", func(d *schema.Design) { d.Database.Failover = "manual" }, nil, "db", StatusDown, "until someone promotes"},
		{"a cache without replicas is lost", func(d *schema.Design) { d.Cache.Replicas = 0 }, nil, "cache", StatusDown, "every read misses"},
		{"a single zone loses everything", func(d *schema.Design) { d.Services.Zones = 1 }, nil, "app", StatusDown, "only zone"},
		{"a managed balancer survives", nil, nil, "lb", StatusUp, "runs in every zone"},
		{"a single self-run proxy is lost", func(d *schema.Design) { d.LoadBalancer.Kind = "nginx"; d.LoadBalancer.Instances = 1 }, nil, "lb", StatusDown, "all 1 nginx instances were in zone a"},
		{"survivors that pass 100% are overloaded", nil, &Numbers{Components: map[string]Load{"services": {Utilisation: 0.6}}}, "app", StatusDown, "120% busy: overloaded"},
		{"survivors under 100% are degraded", nil, &Numbers{Components: map[string]Load{"services": {Utilisation: 0.4}}}, "app", StatusDegraded, "80% busy"},
		{"SQS is regional", func(d *schema.Design) { d.Queue.Kind = "sqs" }, nil, "queue", StatusUp, "regional"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shortener(t)
			if tt.change != nil {
				tt.change(d)
			}
			g := build(t, Input{Design: d, Numbers: tt.numbers}, Failure)
			n := g.node(tt.node)
			if n == nil {
				t.Fatalf("no node %s", tt.node)
			}
			if n.Status != tt.status || !strings.Contains(n.StatusText, tt.text) {
				t.Errorf("%s: status %d %q, want %d containing %q", tt.node, n.Status, n.StatusText, tt.status, tt.text)
			}
		})
	}
}

func TestFailureReroutesReadsAndLosesTheCache(t *testing.T) {
	d := shortener(t)
	d.Cache.Replicas = 0
	g := build(t, Input{Design: d}, Failure)
	// The cache is gone, so every redirect misses; the replicas are gone,
	// so the misses land on the promoted primary.
	e := edge(g, "app", "db")
	if e == nil {
		t.Fatal("no app -> db edge")
	}
	found := false
	for _, ed := range g.Edges {
		if ed.From == "app" && ed.To == "db" && ed.Style == StyleMiss && ed.Label[0] == "miss 3.4k rps" {
			found = true
		}
	}
	if !found {
		t.Errorf("want every redirect (3.4k rps) to miss onto the primary; edges: %+v", g.Edges)
	}
	if edge(g, "app", "cache").Lost != true {
		t.Error("the edge into the lost cache should be marked lost")
	}
}

func TestBadges(t *testing.T) {
	d := shortener(t)
	g := build(t, Input{Design: d, Findings: []Finding{
		{Rule: "DB1", Component: "database", Severity: SevMedium},
		{Rule: "DB2", Component: "database", Severity: SevCritical},
		{Rule: "DB3", Component: "database", Severity: SevHigh, Waived: true},
		{Rule: "C1", Component: "cache", Severity: SevHigh, Waived: true},
		{Rule: "S1", Component: "slo", Severity: SevLow},
	}}, Overview)
	db := g.node("db").Badge
	if db == nil || db.Open != 2 || db.Waived != 1 || db.Worst != SevCritical {
		t.Errorf("db badge = %+v, want 2 open (worst critical), 1 waived", db)
	}
	if got := strings.Join(db.Rules, ","); got != "DB1,DB2,DB3 (waived)" {
		t.Errorf("rules = %s", got)
	}
	c := g.node("cache").Badge
	if c == nil || c.Open != 0 || c.Waived != 1 {
		t.Errorf("cache badge = %+v, want only a waived finding", c)
	}
	if !strings.Contains(strings.Join(g.Notes, "\n"), "1 open finding about the design as a whole (worst: low): S1") {
		t.Errorf("notes = %q", g.Notes)
	}
	if len(g.Legend.Severities) != 1 || g.Legend.Severities[0] != SevCritical || !g.Legend.Waived {
		t.Errorf("legend = %+v, want critical and waived", g.Legend)
	}
}

func TestExpandShards(t *testing.T) {
	d := shortener(t)
	d.Database.Shards = 4
	d.Database.ShardKey = "code"
	hot := schema.Ratio(0.4)
	d.Database.HotShardShare = &hot
	g, err := Build(Input{Design: d}, Overview, Options{ExpandShards: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"db_1", "db_4", "replicas_1", "replicas_4"} {
		if g.node(id) == nil {
			t.Errorf("no node %s", id)
		}
	}
	if g.node("db") != nil {
		t.Error("the collapsed database node is still drawn")
	}
	// create is 34 rps: the hot shard takes 40% of it, the others 20% each.
	if e := edge(g, "app", "db_1"); e == nil || e.Label[0] != "14 rps" {
		t.Errorf("hot shard edge = %+v", e)
	}
	if e := edge(g, "app", "db_2"); e == nil || e.Label[0] != "6.8 rps" {
		t.Errorf("cold shard edge = %+v", e)
	}
}

func TestParseView(t *testing.T) {
	if _, err := ParseView("side"); err == nil || !strings.Contains(err.Error(), "overview, read, write, async, failure") {
		t.Errorf("err = %v", err)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{formatNumber(3424.6), "3.4k"},
		{formatNumber(34.2), "34"},
		{formatNumber(1.26), "1.3"},
		{formatNumber(0.25), "0.25"},
		{formatNumber(0), "0"},
		{formatNumber(math.NaN()), "?"},
		{formatNumber(123456), "123k"},
		{formatNumber(2.5e6), "2.5M"},
		{formatPercent(0.9), "90%"},
		{formatPercent(0.9995), "99.95%"},
		{formatPercent(0.123), "12%"},
		{formatUSD(1353.1), "$1,353"},
		{formatUSD(40.2), "$40"},
		{formatBytesRate(685000), "685 kB/s"},
		{formatBytesRate(1.37e6), "1.4 MB/s"},
		{formatBytes(13 * (1 << 30)), "13 GiB"},
		{formatBytes(500e9), "500 GB"},
		{formatBytes(1.5 * (1 << 40)), "1.5 TiB"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]Severity{"critical": SevCritical, "HIGH": SevHigh, "error": SevHigh, "warning": SevMedium, "low": SevLow, "info": SevInfo, "odd": SevMedium} {
		if got := ParseSeverity(in); got != want {
			t.Errorf("ParseSeverity(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestMermaidEscapesText(t *testing.T) {
	if got := mmd(`a "b" <c> #d |e`); got != "a #34;b#34; #60;c#62; #35;d #124;e" {
		t.Errorf("mmd = %q", got)
	}
	if got := html(`a & <b> "c"`); got != "a &amp; &lt;b&gt; &quot;c&quot;" {
		t.Errorf("html = %q", got)
	}
}
