package optimize

import (
	"path/filepath"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// TestDefaultSearchOnExamples runs optimize as a user first does, with no
// flag, on every shipped example: it searches every count and size the
// design writes, keeps the cloud, and answers a configuration that meets
// every constraint and costs no more than the design as written, or, when
// none does, a design that did not meet them either.
func TestDefaultSearchOnExamples(t *testing.T) {
	files, err := filepath.Glob("../examples/*.cue")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := schema.Load(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			knobs, err := Knobs(d, Tuning{})
			if err != nil {
				t.Fatal(err)
			}
			written := 0
			for _, k := range knobs {
				if k.Path == "system.cloud" {
					t.Errorf("the default search moves the cloud")
				}
				if k.Why == "written" {
					written++
				}
			}
			if written == 0 {
				t.Fatalf("no written count or size searched: %v", knobs)
			}
			o, err := Search(d, knobs, Options{Today: today})
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case o.Best == nil && o.Baseline.Meets:
				t.Fatalf("the design as written meets every constraint, and the search found nothing")
			case o.Best == nil:
				return
			case !o.Best.Meets:
				t.Fatalf("the answer misses %v", o.Best.Violations)
			case o.Best.Cloud != d.System.Cloud:
				t.Errorf("the answer moves the design from %s to %s", d.System.Cloud, o.Best.Cloud)
			}
			if o.Baseline.Meets && o.Best.MonthlyUSD > o.Baseline.MonthlyUSD {
				t.Errorf("the answer costs $%.2f, more than the design's $%.2f", o.Best.MonthlyUSD, o.Baseline.MonthlyUSD)
			}
		})
	}
}

// TestNamingKnobsNarrowsTheSearch: --tune or @tune names what may change.
func TestNamingKnobsNarrowsTheSearch(t *testing.T) {
	d, err := schema.Load("../examples/shortener.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tuning Tuning
		want   map[string]bool // must be searched
		not    []string        // must not be
	}{
		{"default", Tuning{}, map[string]bool{"services.instances": true, "database.replicas": true, "cache.memory": true}, []string{"system.cloud"}},
		{"--tune", Tuning{Flags: []string{"services.instances"}}, map[string]bool{"services.instances": true}, []string{"database.replicas", "system.cloud"}},
		{"--tune all", Tuning{Flags: []string{"all"}}, map[string]bool{"system.cloud": true, "database.shards": true}, nil},
		{"@tune", Tuning{Marks: map[string]Mark{"database.replicas": {}}}, map[string]bool{"database.replicas": true}, []string{"services.instances"}},
		{"--fix", Tuning{Fixed: []string{"database.shards"}}, map[string]bool{"database.replicas": true}, []string{"database.shards"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			knobs, err := Knobs(d, tc.tuning)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, k := range knobs {
				got[k.Path] = true
			}
			for p := range tc.want {
				if !got[p] {
					t.Errorf("%s not searched: %v", p, got)
				}
			}
			for _, p := range tc.not {
				if got[p] {
					t.Errorf("%s searched: %v", p, got)
				}
			}
		})
	}
}
