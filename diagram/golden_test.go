package diagram

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// update rewrites golden files instead of comparing with them.
var update = os.Getenv("UPDATE_GOLDEN") != ""

// examples loads every example design the repository ships.
func examples(t *testing.T) map[string]*schema.Design {
	t.Helper()
	files, err := filepath.Glob("../examples/*.cue")
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	out := map[string]*schema.Design{}
	for _, f := range files {
		d, err := schema.Load(f, nil)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".cue")] = d
	}
	return out
}

// annotated is the shortener with estimator figures and findings filled in
// by hand, so the golden files cover badges, waivers and numbers without
// depending on the estimator's or the rules' current output.
func annotated(t *testing.T) Input {
	t.Helper()
	d, err := schema.Load("../examples/shortener.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	hit, zoneHit := 0.88, 0.44
	return Input{
		Design: d,
		Numbers: &Numbers{
			Cloud:    "aws",
			HitRatio: &hit,
			Components: map[string]Load{
				"loadBalancer": {Instances: 1, Utilisation: -1, MonthlyUSD: 40.2},
				"services":     {Instances: 4, Utilisation: 0.41, MonthlyUSD: 294.3},
				"cache":        {Instances: 2, Utilisation: 0.12, MonthlyUSD: 319.7, Assumed: true},
				"database":     {Instances: 1, Utilisation: 0.55, MonthlyUSD: 420},
				"replicas":     {Instances: 2, Utilisation: 0.08, MonthlyUSD: 840},
				"queue":        {Instances: 3, Utilisation: 0.2, MonthlyUSD: 1353.1},
				"workers":      {Instances: 6, Utilisation: 0.7, MonthlyUSD: 441.5},
			},
			OpHitRatio: map[string]float64{"redirect": 0.86},
			Unpriced:   []string{"aws.example.unpriced"},
			ZoneDown: &ZoneDown{
				Components: map[string]Survivors{
					"loadBalancer": {Instances: 1, Serving: 1, Utilisation: -1},
					"services":     {Instances: 4, Serving: 2, Utilisation: 0.82},
					"cache":        {Instances: 2, Serving: 1, Utilisation: 0.24},
					"database":     {Instances: 1, Serving: 1, Utilisation: 0.55},
					"replicas":     {Instances: 2, Serving: 1, Utilisation: 0.16},
					"queue":        {Instances: 3, Serving: 3, Utilisation: 0.2},
					"workers":      {Instances: 12, Serving: 6, Utilisation: 1.4},
				},
				HitRatio:   &zoneHit,
				OpHitRatio: map[string]float64{"redirect": 0.43},
			},
		},
		Findings: []Finding{
			{Rule: "DB3", Component: "database", Severity: SevHigh},
			{Rule: "DB7", Component: "database", Severity: SevMedium},
			{Rule: "Q2", Component: "queue", Severity: SevLow},
			{Rule: "C4", Component: "cache", Severity: SevHigh, Waived: true},
			{Rule: "B1", Component: "budget", Severity: SevMedium},
		},
	}
}

func TestGolden(t *testing.T) {
	type fixture struct {
		name string
		in   Input
		opts Options
	}
	var fixtures []fixture
	for name, d := range examples(t) {
		fixtures = append(fixtures, fixture{name: name, in: Input{Design: d}})
	}
	fixtures = append(fixtures, fixture{name: "shortener-annotated", in: annotated(t)})
	for _, fx := range fixtures {
		for _, view := range Views {
			base := fx.name + "-" + string(view)
			t.Run(base, func(t *testing.T) {
				g, err := Build(fx.in, view, fx.opts)
				if err != nil {
					t.Fatal(err)
				}
				var dot, mmd bytes.Buffer
				if err := WriteDOT(&dot, g); err != nil {
					t.Fatal(err)
				}
				if err := WriteMermaid(&mmd, g); err != nil {
					t.Fatal(err)
				}
				golden(t, base+".dot", dot.Bytes())
				golden(t, base+".mmd", mmd.Bytes())
			})
		}
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run with UPDATE_GOLDEN=1 if the change is intended\n%s", path, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant: " + w + "\ngot:  " + g
		}
	}
	return ""
}

// TestDeterministic builds every view twice and expects identical bytes:
// nothing may depend on map order.
func TestDeterministic(t *testing.T) {
	in := annotated(t)
	for _, view := range Views {
		var first []byte
		for i := 0; i < 5; i++ {
			g, err := Build(in, view, Options{ExpandShards: true})
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			WriteDOT(&buf, g)
			WriteMermaid(&buf, g)
			if i == 0 {
				first = buf.Bytes()
			} else if !bytes.Equal(first, buf.Bytes()) {
				t.Fatalf("%s: output changed between runs", view)
			}
		}
	}
}

// TestGraphvizAcceptsDOT feeds every golden DOT file to Graphviz's own
// dot. With CI set the dot binary must be installed (scripts/ci-tools.sh
// does it); elsewhere the test skips without it.
func TestGraphvizAcceptsDOT(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but Graphviz's dot is not installed (apt-get install graphviz)")
		}
		t.Skip("Graphviz's dot is not installed")
	}
	files, _ := filepath.Glob("testdata/golden/*.dot")
	if len(files) == 0 {
		t.Fatal("no golden DOT files")
	}
	for _, f := range files {
		cmd := exec.Command(dot, "-Tsvg", "-o", os.DevNull, f)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Errorf("dot rejected %s: %v\n%s", f, err, stderr.String())
			continue
		}
		if s := strings.TrimSpace(stderr.String()); s != "" {
			t.Errorf("dot warned on %s:\n%s", f, s)
		}
	}
}
