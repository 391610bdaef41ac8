package estimator

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// TestOperationMemoIsExact: every scenario of every component example,
// estimated after the peak (so the operations it does not change come
// from the memo), is byte for byte the scenario estimated from cold, and so
// is the peak estimated again after the scenarios and after a resized
// component.
func TestOperationMemoIsExact(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "components", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no component examples: %v", err)
	}
	for _, file := range files {
		d, err := schema.Load(file, nil)
		if err != nil {
			t.Fatal(err)
		}
		scenarios := []string{"", ScenarioZoneDown}
		for name := range d.Components {
			scenarios = append(scenarios, "down:"+name, "slow:"+name)
		}
		cold := func(s string) string {
			ResetMemos()
			return estimateJSON(t, d, s)
		}
		want := map[string]string{}
		for _, s := range scenarios {
			want[s] = cold(s)
		}
		ResetMemos()
		estimateJSON(t, d, "")
		hits := 0
		for _, s := range scenarios {
			before := opMemoLen()
			if got := estimateJSON(t, d, s); got != want[s] {
				t.Errorf("%s %q: the estimate with the memo warm differs from the cold one", filepath.Base(file), s)
			}
			if opMemoLen() == before {
				hits++
			}
		}
		if got := estimateJSON(t, d, ""); got != want[""] {
			t.Errorf("%s: the peak estimated again differs", filepath.Base(file))
		}
		if hits == 0 {
			t.Errorf("%s: no scenario took all its operations from the memo", filepath.Base(file))
		}
	}
}

func opMemoLen() int {
	opMemo.mu.Lock()
	defer opMemo.mu.Unlock()
	return len(opMemo.m)
}

func estimateJSON(t *testing.T, d *schema.Design, scenario string) string {
	t.Helper()
	r, err := EstimateGraph(d, Options{Scenario: scenario})
	if err != nil {
		t.Fatalf("%s: %v", scenario, err)
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
