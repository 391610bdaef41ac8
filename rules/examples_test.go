package rules

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

func reviewFile(t *testing.T, name string) *Report {
	t.Helper()
	d, err := schema.Load(filepath.Join("..", "examples", name), nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	return Review(c, Options{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
}

// The shortener done right is quiet: nothing above low.
func TestShortenerHasNoFindingAboveLow(t *testing.T) {
	for _, name := range []string{"shortener.cue", "shortener.yaml"} {
		rep := reviewFile(t, name)
		for _, f := range rep.Findings {
			if f.Severity > Low {
				t.Errorf("%s: %s (%s): %s", name, f.ID, f.Severity, f.Message)
			}
		}
	}
}

// The deliberately flawed example trips at least one rule of each category.
func TestFlawedTripsEveryCategory(t *testing.T) {
	rep := reviewFile(t, "flawed.cue")
	seen := map[Category][]string{}
	for _, f := range rep.Findings {
		seen[f.Category] = append(seen[f.Category], f.ID)
	}
	for _, cat := range Categories() {
		if len(seen[cat]) == 0 {
			t.Errorf("flawed.cue trips no %s rule", cat)
		}
	}
	t.Logf("flawed.cue: %d findings", len(rep.Findings))
	for _, cat := range Categories() {
		t.Logf("  %-13s %s", cat, strings.Join(seen[cat], " "))
	}
}
