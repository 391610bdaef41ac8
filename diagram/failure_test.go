package diagram

import (
	"math"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// estimated is the input the CLI builds for the failure view: the peak
// estimate, the zone-down scenario and no findings.
func estimated(t *testing.T, d *schema.Design) Input {
	t.Helper()
	peak, err := estimator.Estimate(d, estimator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	zd, err := estimator.Estimate(d, estimator.Options{Scenario: estimator.ScenarioZoneDown})
	if err != nil {
		t.Fatal(err)
	}
	return Input{Design: d, Numbers: FromEstimates(peak, zd)}
}

func TestFailureView(t *testing.T) {
	tests := []struct {
		name   string
		change func(d *schema.Design)
		node   string
		status Status
		text   string
	}{
		{"half the app survives two zones", nil, "app", StatusDegraded, "2 of 4 instances left, 9.7% busy"},
		{"automatic failover keeps the primary", nil, "db", StatusDegraded, "fails over automatically"},
		{"async replication loses recent writes", nil, "db", StatusDegraded, "writes not yet replicated are lost"},
		{"replicas lose the zone's share", nil, "replicas", StatusDegraded, "8 of 16 left"},
		{"survivors past 100% are overloaded", unbatchedClicks, "workers", StatusDown, "6 of 12 consumers left, 285% busy; overloaded: the backlog grows"},
		{"a lone consumer's zone takes it", nil, "workers", StatusDown, "all 1 consumers were in zone a"},
		{"a cache replica takes over", nil, "cache", StatusDegraded, "a replica in another zone takes over"},
		{"a managed balancer survives", nil, "lb", StatusUp, "runs in every zone"},
		{"kafka is replicated across zones", nil, "queue", StatusUp, "replicated across zones"},
		{"SQS is regional", func(d *schema.Design) { d.Queue.Kind = "sqs" }, "queue", StatusUp, "regional"},
		{"no failover means the primary is gone", func(d *schema.Design) { d.Database.Failover = "none" }, "db", StatusDown, "failover is none"},
		{"manual failover stops writes", func(d *schema.Design) { d.Database.Failover = "manual" }, "db", StatusDown, "until someone promotes"},
		{"a cache without replicas is lost", func(d *schema.Design) { d.Cache.Replicas = 0 }, "cache", StatusDown, "every read misses"},
		{"a single zone loses everything", func(d *schema.Design) { d.Services.Zones = 1 }, "app", StatusDown, "only zone"},
		{"a single zone loses the collector too", func(d *schema.Design) { d.Services.Zones = 1 }, "collector", StatusDown, "only zone"},
		{"a single self-run proxy is lost", func(d *schema.Design) { d.LoadBalancer.Kind = "nginx"; d.LoadBalancer.Instances = 1 }, "lb", StatusDown, "all 1 nginx instances were in zone a"},
		{"one replica per shard is lost", func(d *schema.Design) { d.Database.Replicas = 1 }, "replicas", StatusDown, "reads fall on the primary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := shortener(t)
			if tt.change != nil {
				tt.change(d)
			}
			g := build(t, estimated(t, d), Failure)
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

// TestFailureViewFollowsTheEstimator draws every example's failure view and
// checks it against the zone-down scenario it was drawn from: a tier the
// estimator has nothing left of is down, a tier that lost instances is not
// drawn unharmed, and survivors are as busy as the estimate says.
func TestFailureViewFollowsTheEstimator(t *testing.T) {
	for name, d := range examples(t) {
		t.Run(name, func(t *testing.T) {
			in := estimated(t, d)
			zd := in.Numbers.ZoneDown
			g := build(t, in, Failure)
			down := map[string]bool{}
			for _, tier := range zd.Down {
				down[tier] = true
			}
			for tier, s := range zd.Components {
				id, ok := componentIDs[tier]
				n := g.node(id)
				if !ok || n == nil {
					continue
				}
				switch {
				case down[tier] || (s.Serving == 0 && s.Instances > 0):
					if n.Status != StatusDown {
						t.Errorf("%s: the estimator has nothing left serving, the picture says %d %q", tier, n.Status, n.StatusText)
					}
				case s.Serving < s.Instances && n.Status == StatusUp:
					t.Errorf("%s: %d of %d left, drawn unharmed", tier, s.Serving, s.Instances)
				}
				if s.Utilisation >= 0 && !math.IsInf(s.Utilisation, 1) && s.Serving > 0 && s.Serving < s.Instances {
					if want := formatPercent(s.Utilisation) + " busy"; !strings.Contains(n.StatusText, want) {
						t.Errorf("%s: status %q, want the estimate's %q", tier, n.StatusText, want)
					}
				}
			}
		})
	}
}

func TestFailureReroutesReadsAndLosesTheCache(t *testing.T) {
	d := shortener(t)
	d.Cache.Replicas = 0
	d.Database.Replicas = 1
	g := build(t, estimated(t, d), Failure)
	// The cache is gone, so every redirect misses; the only replica per
	// shard is gone, so the misses land on the primary.
	found := false
	for _, ed := range g.Edges {
		if ed.From == "app" && ed.To == "db" && ed.Style == StyleMiss && ed.Label[0] == "miss 3.4k rps" {
			found = true
		}
	}
	if !found {
		t.Errorf("want every redirect (3.4k rps) to miss onto the primary; edges: %+v", g.Edges)
	}
	if e := edge(g, "app", "cache"); e == nil || !e.Lost {
		t.Error("the edge into the lost cache should be marked lost")
	}
	if !strings.Contains(strings.Join(g.Notes, "\n"), "reads that went to the replicas now go to the primary") {
		t.Errorf("notes = %q", g.Notes)
	}
}

// unbatchedClicks publishes every click as its own message to twelve
// consumers: half of them cannot keep up after a zone is lost.
func unbatchedClicks(d *schema.Design) {
	d.Queue.BatchSize, d.Queue.BatchWait, d.Queue.Consumers = 1, nil, 12
}

func TestOverloadedSurvivorsKeepTheirTraffic(t *testing.T) {
	d := shortener(t)
	unbatchedClicks(d)
	g := build(t, estimated(t, d), Failure)
	// The workers are overloaded, not gone: messages wait in the queue.
	if e := edge(g, "queue", "workers"); e == nil || e.Lost {
		t.Errorf("queue -> workers = %+v, want drawn and not lost", e)
	}
}

func TestFailureWithoutTheZoneDownScenario(t *testing.T) {
	g := build(t, Input{Design: shortener(t)}, Failure)
	for _, n := range g.Nodes {
		if n.Status != StatusUp || n.StatusText != "" {
			t.Errorf("%s: status %d %q without zone-down figures", n.ID, n.Status, n.StatusText)
		}
	}
	if !strings.Contains(strings.Join(g.Notes, "\n"), "without the estimator's zone-down scenario") {
		t.Errorf("notes = %q", g.Notes)
	}
}

// TestExpandedShardsSayTheirOwnShare: with every shard drawn, a shard's
// replicas say what one zone down leaves of them and cost their share.
func TestExpandedShardsSayTheirOwnShare(t *testing.T) {
	d := shortener(t)
	in := estimated(t, d)
	g, err := Build(in, Failure, Options{ExpandShards: true})
	if err != nil {
		t.Fatal(err)
	}
	r := g.node("replicas_3")
	if r == nil {
		t.Fatal("no replicas_3")
	}
	if !strings.Contains(r.StatusText, "1 of 2 left") {
		t.Errorf("shard 3's replicas: %q, want 1 of 2 left", r.StatusText)
	}
	tier := in.Numbers.Components["replicas"].MonthlyUSD
	want := formatUSD(tier/float64(d.Database.Shards)) + "/mo"
	if !strings.Contains(strings.Join(r.Numbers, " "), want) {
		t.Errorf("shard 3's replicas: %q, want %s", r.Numbers, want)
	}
	var dot strings.Builder
	if err := WriteDOT(&dot, g); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dot.String(), "{rank=same; db_1 -> db_2 -> db_3") {
		t.Error("shard primaries are not kept in shard order")
	}
}
