package compare

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

const base = `
system: {name: "svc", cloud: "aws"}
traffic: {
	get: {kind: "read", rate: "500/s", peakFactor: 2, requestSize: "1KB", responseSize: "2KB", path: ["loadBalancer", "services", "database"], growth: 2}
	put: {kind: "write", rate: "50/s", peakFactor: 2, requestSize: "1KB", responseSize: "100B", path: ["loadBalancer", "services", "database"], growth: 2, needs: ["uniqueness"]}
}
slo: {p99: {get: "50ms", put: "100ms"}, availability: "99.9%"}
budget: monthlyUSD: 3000
services: {instances: 3, zones: 3}
database: {kind: "postgres", replicas: 1, failover: "automatic", storage: "100GB"}
consistency: {get: {require: "strong", partition: "CP"}, put: {require: "strong", partition: "CP"}}
observability: {metrics: true, percentiles: true, logs: "structured", traces: true, uptimeProbe: true, alertsOn: "symptoms"}
security: {tls: "load-balancer", rateLimit: "10/s", encryptionAtRest: true}
`

func side(t *testing.T, name, src string) Side {
	t.Helper()
	d, err := schema.LoadBytes(name, []byte(src), "cue")
	if err != nil {
		t.Fatal(err)
	}
	est, err := estimator.Estimate(d, estimator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	rep := rules.Review(ctx, rules.Options{Today: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	return Side{Name: name, Design: d, Estimate: est, Review: rep}
}

func TestChoicesNameEveryChangedField(t *testing.T) {
	old := side(t, "old.cue", base)
	new := side(t, "new.cue", strings.NewReplacer(
		`put: {require: "strong", partition: "CP"}`, `put: {require: "eventual", partition: "AP"}`,
		`instances: 3`, `instances: 5`,
	).Replace(base)+"\ncache: {kind: \"redis\", ttl: \"1h\", invalidation: \"delete-on-write\", memory: \"1GiB\", hitRatio: \"80%\"}\n")
	got := map[string]Choice{}
	for _, c := range Choices(old.Design, new.Design) {
		got[c.Path] = c
	}
	for path, want := range map[string][2]string{
		"consistency.put.require":   {"strong", "eventual"},
		"consistency.put.partition": {"CP", "AP"},
		"services.instances":        {"3", "5"},
		"cache.kind":                {"none", "redis"},
		"cache.ttl":                 {"", "1h"},
	} {
		c, ok := got[path]
		if !ok {
			t.Errorf("%s: no change reported", path)
			continue
		}
		if c.Old != want[0] || c.New != want[1] {
			t.Errorf("%s: %q → %q, want %q → %q", path, c.Old, c.New, want[0], want[1])
		}
		if !c.Pos.IsValid() || c.Pos.File != "new.cue" {
			t.Errorf("%s: position %v is not in the new design", path, c.Pos)
		}
	}
	if _, ok := got["services.zones"]; ok {
		t.Error("an unchanged field is reported")
	}
	if c := got["consistency.put.require"]; c.Label != "put consistency" {
		t.Errorf("label %q", c.Label)
	}
}

func TestWaiverOrderIsNoChange(t *testing.T) {
	w := "\nwaivers: [{rule: \"OBS004\", reason: \"a\"}, {rule: \"SEC002\", component: \"database\", reason: \"b\"}]\n"
	rw := "\nwaivers: [{rule: \"SEC002\", component: \"database\", reason: \"b\"}, {rule: \"OBS004\", reason: \"a\"}]\n"
	a, b := side(t, "a.cue", base+w), side(t, "b.cue", base+rw)
	if cs := Choices(a.Design, b.Design); len(cs) != 0 {
		t.Errorf("reordered waivers reported as %+v", cs)
	}
}

func TestDiffFindingsAndNumbers(t *testing.T) {
	old := side(t, "old.cue", base)
	// AP with uniqueness: a new high finding (CAP003); one instance: the
	// availability finding and a cheaper bill.
	new := side(t, "new.cue", strings.NewReplacer(
		`put: {require: "strong", partition: "CP"}`, `put: {require: "eventual", partition: "AP"}`,
	).Replace(base))
	d := Compare(old, new)
	var found bool
	for _, f := range d.Findings {
		if f.ID == "CAP003@put" {
			found = true
			if f.Change != Appeared || !f.Introduced || f.NewSeverity != "high" {
				t.Errorf("CAP003@put: %+v", f)
			}
		}
	}
	if !found {
		t.Fatalf("CAP003@put did not appear: %+v", d.Findings)
	}
	if d.Failing(rules.High) < 1 || d.Failing(rules.Critical) != 0 {
		t.Errorf("failing at high = %d, at critical = %d", d.Failing(rules.High), d.Failing(rules.Critical))
	}
	for _, want := range []string{"put consistency strong → eventual", "+1 high finding (CAP003@put)"} {
		if !strings.Contains(d.Summary, want) {
			t.Errorf("summary %q lacks %q", d.Summary, want)
		}
	}
	// The reverse change removes it and introduces nothing.
	back := Compare(new, old)
	if back.Failing(rules.Info) != 0 {
		t.Errorf("undoing the change introduces %d findings", back.Failing(rules.Info))
	}
	if !strings.Contains(back.Summary, "−1 high finding (CAP003@put)") {
		t.Errorf("reverse summary %q", back.Summary)
	}
}

func TestDiffCost(t *testing.T) {
	old := side(t, "old.cue", base)
	new := side(t, "new.cue", strings.Replace(base, "instances: 3", "instances: 6", 1))
	d := Compare(old, new)
	aws := d.Cost[0]
	if aws.Cloud != "aws" || aws.Delta <= 0 || math.Abs(aws.New-aws.Old-aws.Delta) > 0.011 {
		t.Errorf("aws cost change %+v", aws)
	}
	if want := "AWS " + signedUSD(aws.Delta) + "/month"; !strings.Contains(d.Summary, want) {
		t.Errorf("summary %q lacks %q", d.Summary, want)
	}
	same := Compare(old, old)
	if same.Summary != "no change to the design's choices, findings or numbers" {
		t.Errorf("a design against itself: %q", same.Summary)
	}
}

func TestLatencyText(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	for _, tc := range []struct {
		l    LatencyDelta
		want string
	}{
		{LatencyDelta{Old: f(41), New: f(28)}, "41 → 28 ms"},
		{LatencyDelta{Old: f(41), New: f(41)}, ""},
		{LatencyDelta{Old: f(41), Unbounded: [2]bool{false, true}}, "41 ms → unbounded"},
		{LatencyDelta{New: f(3), Unbounded: [2]bool{true, false}}, "unbounded → 3 ms"},
		{LatencyDelta{New: f(3)}, "— → 3 ms"},
	} {
		if got := tc.l.text(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.l, got, tc.want)
		}
	}
}

func TestWords(t *testing.T) {
	for in, want := range map[string]string{"loadBalancer": "load balancer", "monthlyUSD": "monthly USD", "cache": "cache", "readFromReplicas": "read from replicas"} {
		if got := words(in); got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}
