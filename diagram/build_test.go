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
		{"the queue edge carries message bytes", nil, "app", "queue", "81.9 kB/s"},
		{"a batched operation travels as batches", nil, "queue", "workers", "80 rps"},
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

// TestHitRatioPerOperation gives two reads through the cache different hit
// ratios: each misses by its own, and the lookup edge says both.
func TestHitRatioPerOperation(t *testing.T) {
	d := shortener(t)
	preview := *d.Traffic["redirect"]
	preview.Name = "preview"
	d.Traffic["preview"] = &preview
	tier := 0.8
	in := Input{Design: d, Numbers: &Numbers{
		PeakRPS:    map[string]float64{"redirect": 1000, "preview": 1000},
		HitRatio:   &tier,
		OpHitRatio: map[string]float64{"redirect": 0.9, "preview": 0.5},
	}}
	g := build(t, in, Read)
	hit := edge(g, "app", "cache")
	if hit == nil || hit.Label[0] != "2k rps · 70% hit" || hit.Label[1] != "preview 1k (50% hit) + redirect 1k (90% hit)" {
		t.Errorf("lookup edge = %q", hit.Label)
	}
	if miss := edge(g, "app", "replicas"); miss == nil || miss.Label[0] != "miss 600 rps" || miss.Label[1] != "preview 500 + redirect 100" {
		t.Errorf("miss edge = %v, want each operation's own misses", miss)
	}
}

// TestClientsCountWhatTheViewDraws: the read view's clients send the reads,
// not every request.
func TestClientsCountWhatTheViewDraws(t *testing.T) {
	d := shortener(t)
	in := Input{Design: d, Numbers: &Numbers{PeakRPS: map[string]float64{"redirect": 1000, "create": 10, "click": 1000}}}
	for view, want := range map[View]string{Overview: "peak 1k rps", Read: "peak 1k rps", Write: "peak 10 rps"} {
		if got := build(t, in, view).node("clients").Lines[0]; got != want {
			t.Errorf("%s: clients say %q, want %q", view, got, want)
		}
	}
}

// TestFindingsOffThePicture sorts findings no drawn node carries into
// notes: by operation, about the whole design, and on what a view of one
// path leaves out.
func TestFindingsOffThePicture(t *testing.T) {
	d := shortener(t)
	in := Input{Design: d, Findings: []Finding{
		{Rule: "LAT001", Component: "redirect", Severity: SevHigh},
		{Rule: "SEC004", Component: "create", Severity: SevMedium},
		{Rule: "COST001", Component: "budget", Severity: SevHigh},
		{Rule: "QUEUE005", Component: "queue", Severity: SevHigh},
	}}
	tests := []struct {
		view View
		want []string
	}{
		{Overview, []string{
			"2 open findings about operations (worst: high): create: SEC004; redirect: LAT001",
			"1 open finding about the design as a whole (worst: high): COST001"}},
		{Read, []string{
			"1 open finding about operations (worst: high): redirect: LAT001",
			"1 open finding about the design as a whole (worst: high): COST001",
			"2 open findings on what this view leaves out (worst: high): see the overview or tradeoff review"}},
	}
	for _, tt := range tests {
		notes := strings.Join(build(t, in, tt.view).Notes, "\n")
		for _, w := range tt.want {
			if !strings.Contains(notes, w) {
				t.Errorf("%s: notes %q lack %q", tt.view, notes, w)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	got := wrap("costs leave out what has no sourced price: see tradeoff estimate --prices", 44)
	want := []string{"costs leave out what has no sourced price:", "see tradeoff estimate --prices"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("wrap = %q, want %q", got, want)
	}
	for _, l := range wrap(strings.Repeat("word ", 100), 30) {
		if len(l) > 30 {
			t.Errorf("line %q longer than 30", l)
		}
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
		{formatRPS(3424.6), "3.4k rps"},
		{formatRPS(0.5), "0.5 rps"},
		{formatRPS(100.0 * 2 / 86400), "8.3/h"},
		{formatRPS(0.05), "3/min"},
		{formatRPS(1.0 / 86400), "1/day"},
		{formatRPS(0), "0 rps"},
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
