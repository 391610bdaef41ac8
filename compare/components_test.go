package compare

import (
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

const graphBase = `
system: {name: "shop", cloud: "aws"}
components: {
	edge: {kind: "managed-lb"}
	api: {kind: "service", instances: 3, zones: 3}
	db: {kind: "postgres", replicas: 1, failover: "automatic", storage: "100GB"}
	pay: {kind: "external", p50: "300ms", p99: "2s", availability: "99.95%"}
}
traffic: buy: {kind: "write", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "edge", calls: [{to: "api", calls: ["db", {to: "pay", timeout: "3s"}]}]}]}
slo: {p99: buy: "3s", availability: "99.9%"}
`

func graphSide(t *testing.T, name, src string) Side {
	t.Helper()
	d, err := schema.LoadBytes(name, []byte(src), "cue")
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	rep := rules.Review(ctx, rules.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	return Side{Name: name, Design: d, Graph: ctx.Graph, Review: rep}
}

func TestComponentChanges(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit *strings.Replacer
		want []string // "change name (kind)"
	}{
		{"nothing", strings.NewReplacer(), nil},
		{"more instances", strings.NewReplacer(`instances: 3`, `instances: 5`), []string{"changed api (service): instances: 3 → 5"}},
		{"a component added", strings.NewReplacer(`	pay: {`, `	audit: {kind: "service", instances: 2}
	pay: {`), []string{"added audit (service)"}},
		{"a component removed", strings.NewReplacer(`, {to: "pay", timeout: "3s"}`, ``, `	pay: {kind: "external", p50: "300ms", p99: "2s", availability: "99.95%"}
`, ``), []string{"removed pay (external)"}},
		{"a component renamed", strings.NewReplacer(`pay: {`, `psp: {`, `to: "pay"`, `to: "psp"`), []string{"renamed psp (external) from pay"}},
		{"renamed and changed", strings.NewReplacer(`pay: {`, `psp: {`, `to: "pay"`, `to: "psp"`, `p99: "2s"`, `p99: "1s"`), []string{"renamed psp (external) from pay: p99: 2s → 1s"}},
	} {
		old := graphSide(t, "old.cue", graphBase)
		new := graphSide(t, "new.cue", tc.edit.Replace(graphBase))
		d := Compare(old, new)
		var got []string
		for _, c := range d.Components {
			s := c.Change + " " + c.Name + " (" + c.Kind + ")"
			if c.OldName != "" {
				s += " from " + c.OldName
			}
			if len(c.Fields) > 0 {
				s += ": " + strings.Join(c.Fields, ", ")
			}
			got = append(got, s)
		}
		if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
		if tc.name == "a component renamed" && len(d.Calls) != 0 {
			t.Errorf("a rename moved calls: %v", d.Calls)
		}
		if tc.name == "a component removed" && (len(d.Calls) != 1 || d.Calls[0].To != "pay" || d.Calls[0].Change != Removed) {
			t.Errorf("removing pay: calls %v, want the api → pay call removed", d.Calls)
		}
	}
}

// TestComponentCostDelta: the diff's numbers are the component estimate's:
// two more 2x8 instances cost 2 × 730 h × $0.1008 more on AWS.
func TestComponentCostDelta(t *testing.T) {
	old := graphSide(t, "old.cue", graphBase)
	new := graphSide(t, "new.cue", strings.Replace(graphBase, `instances: 3`, `instances: 5`, 1))
	d := Compare(old, new)
	if got, want := d.Cost[0].Delta, round2(2*730*0.1008); d.Cost[0].Cloud != "aws" || got != want {
		t.Errorf("aws delta %v, want %v", got, want)
	}
	if d.Components[0].USDDelta != round2(2*730*0.1008) {
		t.Errorf("api's own delta %v", d.Components[0].USDDelta)
	}
	if !strings.Contains(d.Summary, "1 component(s) changed") || !strings.Contains(d.Summary, "AWS +$147") {
		t.Errorf("summary %q", d.Summary)
	}
}
