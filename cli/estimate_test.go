package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// exampleDesigns lists the valid example designs (examples/invalid holds
// broken ones).
func exampleDesigns(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.cue", "*.yaml", "*.yml", "*.json"} {
		m, err := filepath.Glob(filepath.Join("..", "examples", pat))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m...)
	}
	if len(out) == 0 {
		t.Fatal("no example designs found")
	}
	return out
}

func runCLI(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = app.Run(args)
	return out.String(), errb.String(), code
}

// TestEstimateGolden compares `tradeoff estimate` on every example with its
// golden text and JSON. UPDATE_GOLDEN=1 rewrites them.
func TestEstimateGolden(t *testing.T) {
	for _, path := range exampleDesigns(t) {
		name := filepath.Base(path)
		for _, form := range []struct {
			ext  string
			args []string
		}{
			{".txt", []string{"estimate", path, "--explain"}},
			{".json", []string{"estimate", path, "-o", "json"}},
			{".md", []string{"estimate", path, "-o", "markdown"}},
		} {
			t.Run(name+form.ext, func(t *testing.T) {
				out, errOut, code := runCLI(form.args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				golden := filepath.Join("testdata", "estimate", name+form.ext)
				if os.Getenv("UPDATE_GOLDEN") != "" {
					if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./cli to create it)", err)
				}
				if out != string(want) {
					t.Errorf("output differs from %s (UPDATE_GOLDEN=1 rewrites it)\n--- got\n%s", golden, out)
				}
			})
		}
	}
}

// TestEstimateJSONShape checks the keys issue 3 promises consumers.
func TestEstimateJSONShape(t *testing.T) {
	for _, path := range exampleDesigns(t) {
		out, errOut, code := runCLI("estimate", path, "-o", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", path, code, errOut)
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, k := range []string{"design", "operations", "components", "cost", "budget_usd", "availability", "runway_months", "scenarios"} {
			if _, ok := r[k]; !ok {
				t.Errorf("%s: key %q missing", path, k)
			}
		}
		for _, op := range r["operations"].([]any) {
			for _, k := range []string{"name", "peak_rps", "p99_ms", "slo_p99_ms", "meets_slo"} {
				if _, ok := op.(map[string]any)[k]; !ok {
					t.Errorf("%s: operations[].%s missing", path, k)
				}
			}
		}
		for _, c := range r["components"].([]any) {
			cm := c.(map[string]any)
			for _, k := range []string{"name", "kind", "instances", "utilization", "monthly_usd"} {
				if _, ok := cm[k]; !ok {
					t.Errorf("%s: components[].%s missing", path, k)
				}
			}
			for _, cloud := range []string{"aws", "gcp", "azure"} {
				if _, ok := cm["monthly_usd"].(map[string]any)[cloud]; !ok {
					t.Errorf("%s: components[].monthly_usd.%s missing", path, cloud)
				}
			}
		}
		cost := r["cost"].(map[string]any)
		for _, cloud := range []string{"aws", "gcp", "azure"} {
			if _, ok := cost[cloud].(map[string]any)["monthly_usd"]; !ok {
				t.Errorf("%s: cost.%s.monthly_usd missing", path, cloud)
			}
		}
		av := r["availability"].(map[string]any)
		for _, k := range []string{"estimated", "slo", "meets_slo"} {
			if _, ok := av[k]; !ok {
				t.Errorf("%s: availability.%s missing", path, k)
			}
		}
		if n := len(r["scenarios"].([]any)); n != 5 {
			t.Errorf("%s: %d scenarios, want 5", path, n)
		}
	}
}

func TestEstimateHonoursNoColor(t *testing.T) {
	out, _, code := runCLI("estimate", exampleDesigns(t)[0])
	if code != 0 || strings.Contains(out, "\x1b[") {
		t.Errorf("exit %d; output without a terminal must carry no escape codes", code)
	}
}
