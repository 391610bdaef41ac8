package diagram

import (
	"bytes"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// componentCharts draws every design written with components in
// examples/components, with the estimate's numbers and one hand-made
// finding per design (so badges are covered without the rules).
func componentCharts(t *testing.T) map[string]*Graph {
	t.Helper()
	files, err := filepath.Glob("../examples/components/*.cue")
	if err != nil || len(files) == 0 {
		t.Fatalf("no component examples: %v", err)
	}
	out := map[string]*Graph{}
	for _, f := range files {
		d, err := schema.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		est, err := estimator.EstimateGraph(d, estimator.Options{})
		if err != nil {
			t.Fatal(err)
		}
		first := d.Graph().Components[0].Name
		g, err := BuildComponents(ComponentInput{Design: d, Estimate: est,
			Findings: []Finding{{Rule: "TEST001", Component: first, Severity: SevHigh}}})
		if err != nil {
			t.Fatal(err)
		}
		base := "components-" + strings.TrimSuffix(filepath.Base(f), ".cue")
		out[base] = g
		for _, by := range Groupings {
			in := ComponentInput{Design: d, Estimate: est, Group: by}
			if by == "zone" {
				if in.ZoneLoss, err = estimator.EstimateGraph(d, estimator.Options{Scenario: estimator.ScenarioZoneDown}); err != nil {
					t.Fatal(err)
				}
			}
			gg, err := BuildComponents(in)
			if err != nil {
				t.Fatal(err)
			}
			out[base+"-by-"+by] = gg
		}
		for _, op := range est.Operations {
			og, err := BuildOperation(ComponentInput{Design: d, Estimate: est}, op.Name)
			if err != nil {
				t.Fatal(err)
			}
			out[base+"-op-"+op.Name] = og
		}
	}
	return out
}

func TestComponentGolden(t *testing.T) {
	for name, g := range componentCharts(t) {
		var dot, mmd bytes.Buffer
		if err := WriteDOT(&dot, g); err != nil {
			t.Fatal(err)
		}
		if err := WriteMermaid(&mmd, g); err != nil {
			t.Fatal(err)
		}
		golden(t, name+".dot", dot.Bytes())
		golden(t, name+".mmd", mmd.Bytes())
		// Every component is a node, every call an edge.
		for _, n := range g.Nodes {
			if !strings.Contains(dot.String(), "<B>"+n.Title+"</B>") {
				t.Errorf("%s: the DOT lacks %s", name, n.Title)
			}
		}
	}
}

func TestComponentIDsAreSafe(t *testing.T) {
	d, err := schema.LoadBytes("x.cue", []byte(`
system: {name: "x", cloud: "aws"}
components: {"a-b": {kind: "service", instances: 2}, "a_b": {kind: "service", instances: 2}}
traffic: t: {kind: "read", rate: "1/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", calls: [{to: "a-b", calls: ["a_b"]}]}
slo: availability: "99%"
`), "cue")
	if err != nil {
		t.Fatal(err)
	}
	ids := nodeIDs(d.Graph())
	if ids["a-b"] == ids["a_b"] || strings.ContainsAny(ids["a-b"]+ids["a_b"], "-") {
		t.Errorf("ids %v: want distinct IDs of letters, digits and underscores", ids)
	}
}

// TestOperationViewNumbersTheCalls: the checkout's view holds only what
// it calls, every call numbered once, the provider's own p99 its tail.
func TestOperationViewNumbersTheCalls(t *testing.T) {
	g := componentCharts(t)["components-checkout-op-checkout"]
	var nodes []string
	for _, n := range g.Nodes {
		nodes = append(nodes, n.Title)
	}
	if got, want := strings.Join(nodes, " "), "clients edge storefront carts orders orders-db payments events"; got != want {
		t.Errorf("nodes %s, want %s", got, want)
	}
	for i, e := range g.Edges {
		if !strings.HasPrefix(e.Label[0], strconv.Itoa(i+1)+" · own p99 ") {
			t.Errorf("edge %d is labelled %q", i+1, e.Label[0])
		}
	}
	if !strings.Contains(strings.Join(g.Notes, " "), "The slowest call of its own is 6, payments: p99 2 s") {
		t.Errorf("notes %v", g.Notes)
	}
}

// TestGroupsHoldEveryComponentOnce: grouped by kind or region, every
// component node is in exactly one box and the clients in none; the chat's
// externals-free regions and the checkout's provider outside the system.
func TestGroupsHoldEveryComponentOnce(t *testing.T) {
	charts := componentCharts(t)
	for name, g := range charts {
		if !strings.Contains(name, "-by-") {
			continue
		}
		seen := map[string]int{}
		for _, gr := range g.Groups {
			for _, id := range gr.Nodes {
				seen[id]++
			}
		}
		for _, n := range g.Nodes {
			want := 1
			if n.ID == idClients {
				want = 0
			}
			if seen[n.ID] != want {
				t.Errorf("%s: %s is in %d groups, want %d", name, n.ID, seen[n.ID], want)
			}
		}
	}
	var labels []string
	for _, gr := range charts["components-checkout-by-region"].Groups {
		labels = append(labels, gr.Label)
	}
	if got := strings.Join(labels, "; "); got != "region us-east-1; outside the system" {
		t.Errorf("checkout by region: %s", got)
	}
}
