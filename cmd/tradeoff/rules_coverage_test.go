package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// TestEveryRuleHasAnEndToEndCase checks that each rule in the catalogue is
// asserted in the output of some review_*.txtar script, so no rule ships
// without being seen to fire through the real CLI.
func TestEveryRuleHasAnEndToEndCase(t *testing.T) {
	files, err := filepath.Glob("testdata/script/review_*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	asserted := regexp.MustCompile(`(?m)^stdout '.*?\b([A-Z]+[0-9]{3})@`)
	seen := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range asserted.FindAllSubmatch(b, -1) {
			seen[string(m[1])] = true
		}
	}
	for _, r := range rules.All() {
		if !seen[r.ID] {
			t.Errorf("%s has no end-to-end case: assert it in a testdata/script/review_*.txtar script", r.ID)
		}
	}
}
