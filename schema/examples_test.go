package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestExamplesAreValid: every design in examples/ (not examples/invalid)
// loads without an error. They are what newcomers copy.
func TestExamplesAreValid(t *testing.T) {
	files, err := filepath.Glob("../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		if fi, err := os.Stat(f); err != nil || fi.IsDir() {
			continue
		}
		switch filepath.Ext(f) {
		case ".cue", ".yaml", ".yml", ".json":
		default:
			continue
		}
		n++
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := Load(f, nil)
			if err != nil {
				t.Fatalf("%s does not validate:\n%v", f, err)
			}
			if d.System.Name == "" || len(d.Traffic) == 0 {
				t.Fatalf("%s loaded an empty design", f)
			}
		})
	}
	if n < 7 {
		t.Fatalf("found %d example designs, want at least 7 (five shapes, the YAML and JSON shorteners)", n)
	}
}

// TestExampleShapes: the examples cover the shapes the talk discusses, so
// each must stay the shape it claims to be.
func TestExampleShapes(t *testing.T) {
	load := func(name string) *Design {
		t.Helper()
		d, err := Load("../examples/"+name, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	if d := load("startup.cue"); d.System.Footprint != SingleNode || d.LoadBalancer.Kind != "none" || d.Services.Instances != 1 {
		t.Errorf("startup.cue is not a single box: footprint %s, balancer %s, %d instances", d.System.Footprint, d.LoadBalancer.Kind, d.Services.Instances)
	}
	if d := load("event-ingest.cue"); d.Queue.Kind != "kafka" || writeShare(d) < 0.9 {
		t.Errorf("event-ingest.cue is not a write-heavy Kafka pipeline: queue %s, write share %.2f", d.Queue.Kind, writeShare(d))
	}
	d := load("global-store.cue")
	if d.System.Footprint != MultiRegion {
		t.Errorf("global-store.cue footprint = %s", d.System.Footprint)
	}
	ap := false
	for _, c := range d.Consistency {
		ap = ap || c.Partition == "AP"
	}
	if !ap {
		t.Error("global-store.cue chooses AP for no operation")
	}
	if d := load("shortener.cue"); writeShare(d) > 0.6 || !d.Cache.Enabled() || d.Database.Replicas == 0 {
		t.Errorf("shortener.cue is not read-heavy with a cache and replicas")
	}
}

func writeShare(d *Design) float64 {
	var w, all float64
	for _, op := range d.Traffic {
		all += op.Rate.PerSecond()
		if !op.IsRead() {
			w += op.Rate.PerSecond()
		}
	}
	return w / all
}

// TestShortenerYAMLMatchesCUE: the YAML and JSON shorteners are the same
// design as the CUE one, field for field, once loaded.
func TestShortenerYAMLMatchesCUE(t *testing.T) {
	c, err := Load("../examples/shortener.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Source = nil
	for _, other := range []string{"shortener.yaml", "shortener.json"} {
		y, err := Load("../examples/"+other, nil)
		if err != nil {
			t.Fatal(err)
		}
		y.Source = nil
		if !reflect.DeepEqual(c, y) {
			t.Errorf("%s and shortener.cue load to different designs:\n%s", other, diffDesigns(c, y))
		}
	}
}

// diffDesigns names the top-level sections that differ.
func diffDesigns(a, b *Design) string {
	va, vb := reflect.ValueOf(*a), reflect.ValueOf(*b)
	var out []string
	for i := 0; i < va.NumField(); i++ {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			out = append(out, va.Type().Field(i).Name)
		}
	}
	return "differing sections: " + strings.Join(out, ", ")
}
