package scaffold

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// TestBothFormsScaffoldTheSameService: the talk's shortener written with
// the sections and written with components gives the same generated
// service (the same parameters, the design's name and hash aside).
func TestBothFormsScaffoldTheSameService(t *testing.T) {
	sections, err := schema.Load(filepath.Join("..", "examples", "shortener.cue"), nil)
	if err != nil {
		t.Fatal(err)
	}
	est, err := estimator.Estimate(sections, estimator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want, _, err := FromDesign(sections, est)
	if err != nil {
		t.Fatal(err)
	}
	comps, err := schema.Load(filepath.Join("..", "examples", "components", "shortener.cue"), nil)
	if err != nil {
		t.Fatal(err)
	}
	gest, err := estimator.EstimateGraph(comps, estimator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := FromGraph(comps, gest)
	if err != nil {
		t.Fatal(err)
	}
	got.DesignHash, want.DesignHash = "", ""
	// The instances needed at the growth horizon come from each form's
	// estimator, which do not yet agree on the shortener's load (the
	// component form counts the click at the services as well: 6,884
	// against 3,539 requests/s at peak, BENCHMARKS.md and issue 17's
	// closing note): the autoscaler's ceiling differs, the rest is equal.
	if got.NeededHorizon < want.NeededHorizon {
		t.Errorf("the component form needs %d instances at the horizon, fewer than the sections' %d", got.NeededHorizon, want.NeededHorizon)
	}
	got.NeededHorizon = want.NeededHorizon
	if !reflect.DeepEqual(got.Defaults(), want.Defaults()) {
		t.Errorf("the component shortener scaffolds\n%+v\nthe sections' one\n%+v", got.Defaults(), want.Defaults())
	}
}

// TestFromGraphRefuses: what the scaffold does not generate is refused at
// the component's path, with what it needs.
func TestFromGraphRefuses(t *testing.T) {
	for _, tc := range []struct {
		file, path, msg string
	}{
		{"checkout.cue", "components.carts", "one store, and the operations call two (products and carts)"},
		{"timeline.cue", "components.timeline-service", "one service, and the operations call two (api and timeline-service)"},
		{"video.cue", "traffic", "it needs a synchronous read (the redirect) and a synchronous write (the create)"},
		{"chat.cue", "components.data-services", "one service, and the operations call two (api and data-services)"},
	} {
		d, err := schema.Load(filepath.Join("..", "examples", "components", tc.file), nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = FromGraph(d, nil)
		ue, ok := err.(*UnsupportedError)
		if !ok || ue.Path != tc.path || !strings.Contains(ue.Msg, tc.msg) {
			t.Errorf("%s: %v, want a refusal at %s saying %q", tc.file, err, tc.path, tc.msg)
		}
	}
}

// TestFromGraphRefusesAnExternal: a third-party call on the create's tree.
func TestFromGraphRefusesAnExternal(t *testing.T) {
	d, err := schema.LoadBytes("x.cue", []byte(`
system: {name: "x", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	db: {kind: "postgres"}
	check: {kind: "external", p50: "40ms", p99: "150ms", availability: "99.9%"}
}
traffic: {
	redirect: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "300B", responseSize: "300B", calls: [{to: "api", calls: ["db"]}]}
	create: {kind: "write", rate: "1/s", peakFactor: 2, requestSize: "300B", responseSize: "300B", calls: [{to: "api", calls: [{to: "check", timeout: "300ms"}, "db"]}]}
}
slo: availability: "99%"
`), "cue")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = FromGraph(d, nil)
	if ue, ok := err.(*UnsupportedError); !ok || ue.Path != "components.check.kind" || !strings.Contains(ue.Msg, "not external (check)") {
		t.Errorf("%v, want a refusal of the external at components.check.kind", err)
	}
}
