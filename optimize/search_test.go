package optimize

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

var today = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// small is a design whose tunable space is small enough to try in full.
const small = `system: {name: "small", cloud: "aws"}
traffic: {
	get: {kind: "read", rate: "3000/s", peakFactor: 3, requestSize: "1KB", responseSize: "2KB", path: ["loadBalancer", "services", "database"], growth: 2}
	put: {kind: "write", rate: "300/s", peakFactor: 3, requestSize: "1KB", responseSize: "100B", path: ["loadBalancer", "services", "database"], growth: 2}
}
slo: {p99: {get: "50ms", put: "100ms"}, availability: "99.9%"}
budget: monthlyUSD: 20000
services: {
	instances: 8 @tune(min=1, max=8)
	size:      "4x16" @tune()
	zones:     2
}
database: {
	kind:     "postgres"
	size:     "8x32" @tune()
	replicas: 3 @tune(min=0, max=3)
	failover: "automatic"
	readFromReplicas: false
	storage:  "100GB"
}
consistency: {
	get: {require: "strong", partition: "CP"}
	put: {require: "strong", partition: "CP"}
}
observability: {metrics: true, percentiles: true, logs: "structured", traces: true, uptimeProbe: true, alertsOn: "symptoms"}
security: {tls: "load-balancer", rateLimit: "10/s", encryptionAtRest: true}
`

func load(t testing.TB, src string) (*schema.Design, []*Knob) {
	t.Helper()
	d, err := schema.LoadBytes("small.cue", []byte(src), "cue")
	if err != nil {
		t.Fatal(err)
	}
	marks, err := Marks("small.cue", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	knobs, err := Knobs(d, Tuning{Marks: marks})
	if err != nil {
		t.Fatal(err)
	}
	return d, knobs
}

// TestSearchFindsTheBruteForceOptimum tries every configuration of a small
// design and checks that the search lands on the cheapest that meets every
// constraint.
func TestSearchFindsTheBruteForceOptimum(t *testing.T) {
	d, knobs := load(t, small)
	o, err := Search(d, knobs, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if o.Best == nil {
		t.Fatalf("nothing meets: %+v", o.Clouds[0].Violations)
	}
	s := &searcher{base: d, knobs: knobs, today: today, workers: 2, memo: map[string]*Result{}}
	s.cat = mustCatalog(t)
	var best *Result
	var all [][]string
	var walk func(i int, vals []string)
	walk = func(i int, vals []string) {
		if i == len(knobs) {
			all = append(all, append([]string(nil), vals...))
			return
		}
		k := knobs[i]
		if k.def.kind == count {
			for n := k.Min; n <= k.Max; n++ {
				walk(i+1, append(vals, strconv.Itoa(n)))
			}
			return
		}
		for _, v := range k.Values {
			walk(i+1, append(vals, v))
		}
	}
	walk(0, nil)
	for _, r := range s.evalAll("aws", all) {
		if r.Meets && (best == nil || r.MonthlyUSD < best.MonthlyUSD-0.005) {
			best = r
		}
	}
	if best == nil {
		t.Fatal("brute force found nothing that meets every constraint")
	}
	if o.Best.MonthlyUSD > best.MonthlyUSD+0.005 {
		t.Errorf("search found %v at $%.2f; brute force %v at $%.2f (of %d configurations)", o.Best.Values, o.Best.MonthlyUSD, best.Values, best.MonthlyUSD, len(all))
	}
	t.Logf("search: %d evaluations, %v at $%.2f; brute force: %d configurations, %v at $%.2f", o.Evaluations, o.Best.Values, o.Best.MonthlyUSD, len(all), best.Values, best.MonthlyUSD)
	if o.Evaluations >= len(all) {
		t.Errorf("the search evaluated %d configurations, no fewer than trying all %d", o.Evaluations, len(all))
	}
	if len(o.Changes(o.Best)) == 0 || o.Best.MonthlyUSD >= o.Baseline.MonthlyUSD {
		t.Errorf("an over-provisioned design should get cheaper: %+v", o.Changes(o.Best))
	}
}

// TestSearchIsDeterministic runs the same search with one worker and with
// four: the outcome may not depend on scheduling.
func TestSearchIsDeterministic(t *testing.T) {
	d, knobs := load(t, small)
	a, err := Search(d, knobs, Options{Today: today, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Search(d, knobs, Options{Today: today, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(a.Best.Values, "|") != strings.Join(b.Best.Values, "|") || a.Best.MonthlyUSD != b.Best.MonthlyUSD {
		t.Errorf("1 worker: %v $%.2f; 4 workers: %v $%.2f", a.Best.Values, a.Best.MonthlyUSD, b.Best.Values, b.Best.MonthlyUSD)
	}
}

// TestSearchExplainsWhatBinds gives the design an SLO no size can meet.
func TestSearchExplainsWhatBinds(t *testing.T) {
	src := strings.Replace(small, `availability: "99.9%"`, `availability: "99.9999%"`, 1)
	d, knobs := load(t, src)
	o, err := Search(d, knobs, Options{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if o.Best != nil {
		t.Fatalf("a six-nines SLO was met: %+v", o.Best)
	}
	found := false
	for _, b := range o.Binding {
		if b.Kind == "availability" {
			found = true
			if !b.Unreachable {
				t.Errorf("six nines should be out of reach of every knob: %+v", b)
			}
		}
	}
	if !found {
		t.Errorf("the availability SLO is not named as binding: %+v", o.Binding)
	}
}

func TestKnobs(t *testing.T) {
	d, err := schema.LoadBytes("d.cue", []byte(small), "cue")
	if err != nil {
		t.Fatal(err)
	}
	paths := func(ks []*Knob) string {
		var out []string
		for _, k := range ks {
			out = append(out, k.Path+"="+k.Why)
		}
		return strings.Join(out, " ")
	}
	// Unmarked: every count and size the design writes, the cloud kept
	// (the database shards have no shard key, so they are not a knob).
	ks, err := Knobs(d, Tuning{})
	if err != nil {
		t.Fatal(err)
	}
	if got := paths(ks); got != "services.size=written services.instances=written database.size=written database.replicas=written" {
		t.Errorf("default knobs: %s", got)
	}
	ks, _ = Knobs(d, Tuning{Flags: []string{"services.instances"}})
	if got := paths(ks); got != "services.instances=--tune" {
		t.Errorf("--tune services.instances: %s", got)
	}
	ks, _ = Knobs(d, Tuning{Flags: []string{"all"}, Fixed: []string{"system.cloud"}})
	if got := paths(ks); strings.Contains(got, "system.cloud") || !strings.Contains(got, "database.replicas=--tune") || strings.Contains(got, "cache.") {
		t.Errorf("--tune all --fix system.cloud: %s", got)
	}
	if _, err := Knobs(d, Tuning{Flags: []string{"services.zones"}}); err == nil || !strings.Contains(err.Error(), `unknown knob "services.zones"`) {
		t.Errorf("unknown knob: %v", err)
	}
	two := 2
	if _, err := Knobs(d, Tuning{Marks: map[string]Mark{"services.instances": {Min: &two, Max: new(int)}}}); err == nil {
		t.Error("min above max was accepted")
	}
}

func mustCatalog(t testing.TB) *estimator.Catalog {
	t.Helper()
	c, err := estimator.DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
