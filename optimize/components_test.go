package optimize

import (
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// graphShop is a design written with components, over-provisioned: twelve
// API instances and two database replicas where far fewer carry the load.
const graphShop = `system: {name: "shop", cloud: "aws"}
components: {
	edge: {kind: "managed-lb"}
	api: {kind: "service", instances: 12, zones: 3, concurrency: 256}
	db: {kind: "postgres", size: "4x16", replicas: 2, failover: "automatic", storage: "100GB"}
}
traffic: buy: {kind: "write", rate: "50/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "edge", calls: [{to: "api", calls: ["db"]}]}]}
slo: {p99: buy: "200ms", availability: "99.9%"}
observability: {metrics: true, percentiles: true, logs: "structured", traces: true, uptimeProbe: true, alertsOn: "symptoms"}
security: {tls: "load-balancer", encryptionAtRest: true}
`

func TestComponentKnobs(t *testing.T) {
	d, err := schema.LoadBytes("shop.cue", []byte(graphShop), "cue")
	if err != nil {
		t.Fatal(err)
	}
	knobs, err := Knobs(d, Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, k := range knobs {
		paths = append(paths, k.Path+" ("+k.Why+")")
	}
	want := "components.api.size (open) components.api.instances (written) components.db.size (written) components.db.replicas (written)"
	if got := strings.Join(paths, " "); got != want {
		t.Errorf("knobs %s, want %s", got, want)
	}
	if _, err := Knobs(d, Tuning{Flags: []string{"services.instances"}}); err == nil || !strings.Contains(err.Error(), "components.api.instances") {
		t.Errorf("a sections knob on a component design: %v, want the component knobs listed", err)
	}
}

func TestComponentSearch(t *testing.T) {
	for _, tc := range []struct {
		name     string
		src      string
		feasible bool
		want     map[string]string
	}{
		{"over-provisioned", graphShop, true, map[string]string{"components.api.instances": "2", "components.db.replicas": "0"}},
		// A provider below the SLO on the critical path: no size fixes it.
		{"a provider the SLO cannot afford", strings.NewReplacer(
			`	db: {`, `	pay: {kind: "external", p50: "100ms", p99: "500ms", availability: "99.5%"}
	db: {`, `calls: ["db"]`, `calls: ["db", {to: "pay", timeout: "1s"}]`).Replace(graphShop), false, nil},
	} {
		o := searchDesign(t, tc.src)
		if (o.Best != nil) != tc.feasible {
			t.Fatalf("%s: best %v, want feasible %v", tc.name, o.Best, tc.feasible)
		}
		if o.Best == nil {
			continue
		}
		got := map[string]string{}
		for _, c := range o.Changes(o.Best) {
			got[c.Path] = c.New
		}
		for path, v := range tc.want {
			if got[path] != v {
				t.Errorf("%s: %s → %q, want %q (changes %v)", tc.name, path, got[path], v, got)
			}
		}
		// The winner is cheaper and meets everything, checked again from
		// a copy of the design with its values.
		usd, _ := o.Saving()
		if usd <= 0 {
			t.Errorf("%s: saves $%.2f", tc.name, usd)
		}
	}
}

// TestSingleSteps: the single changes that buy what a design misses,
// most per dollar first. An API too small for its load is fixed by one
// more instance, the cheapest step; a design that meets every SLO, or
// one whose miss no size reaches (a provider's SLA below the SLO), has no
// step to offer.
func TestSingleSteps(t *testing.T) {
	small := strings.NewReplacer(`instances: 12, zones: 3, concurrency: 256}`, `instances: 2, zones: 2, concurrency: 256, serviceTime: "20ms"}`,
		`rate: "50/s"`, `rate: "100/s"`, `size: "4x16", replicas: 2,`, `size: "2x8",`).Replace(graphShop)
	for _, tc := range []struct {
		name  string
		src   string
		first string // the first step, "" for none
		fixes []string
	}{
		{"an API too small", small, "components.api.instances 2 → 3", []string{"p99|buy", "finding|CAPACITY005@api", "finding|LAT001@buy"}},
		{"meets every SLO", graphShop, "", nil},
		{"a provider below the SLO", strings.NewReplacer(
			`	db: {`, `	pay: {kind: "external", p50: "100ms", p99: "500ms", availability: "99.5%"}
	db: {`, `calls: ["db"]`, `calls: ["db", {to: "pay", timeout: "1s"}]`).Replace(graphShop), "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := searchDesign(t, tc.src)
			if tc.first == "" {
				if len(o.Steps) > 0 {
					t.Errorf("steps %v, want none", o.Steps)
				}
				return
			}
			if len(o.Steps) == 0 {
				t.Fatalf("no step, want %s first", tc.first)
			}
			st := o.Steps[0]
			if st.Change.String() != tc.first {
				t.Errorf("first step %s, want %s", st.Change, tc.first)
			}
			var fixes []string
			for _, v := range st.Fixes {
				fixes = append(fixes, v.Kind+"|"+v.Key)
			}
			if strings.Join(fixes, " ") != strings.Join(tc.fixes, " ") {
				t.Errorf("first step clears %v, want %v", fixes, tc.fixes)
			}
			if st.DeltaUSD <= 0 {
				t.Errorf("one more instance costs $%.2f a month", st.DeltaUSD)
			}
			for i := 1; i < len(o.Steps); i++ {
				if o.Steps[i].PerDollar > o.Steps[i-1].PerDollar {
					t.Errorf("step %d buys more per dollar than step %d: %v", i+1, i, o.Steps)
				}
			}
		})
	}
}

// searchDesign searches every knob of a component design.
func searchDesign(t *testing.T, src string) *Outcome {
	t.Helper()
	d, err := schema.LoadBytes("shop.cue", []byte(src), "cue")
	if err != nil {
		t.Fatal(err)
	}
	knobs, err := Knobs(d, Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	cat, _ := estimator.DefaultCatalog()
	o, err := Search(d, knobs, Options{Today: today, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	return o
}
