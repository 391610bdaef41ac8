package rules

import (
	"strings"
	"testing"
	"time"
)

// reviewExample loads an example through the real loader and reviews it
// with one rule.
func reviewExample(t *testing.T, r *Rule, which string, ex Example) []Finding {
	t.Helper()
	d, err := ex.Design(r.ID + "-" + which + ".json")
	if err != nil {
		t.Fatalf("%s %s example does not load:\n%v\noverlay:\n%s", r.ID, which, err, ex.Text())
	}
	c, err := NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	return Review(c, Options{Rules: []*Rule{r}, Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}).Findings
}

func TestEveryRuleFiresOnItsBadExampleAndNotOnItsGoodOne(t *testing.T) {
	for _, r := range All() {
		t.Run(r.ID, func(t *testing.T) {
			if fs := reviewExample(t, r, "bad", r.Bad); len(fs) == 0 {
				t.Errorf("%s stays silent on its bad example:\n%s", r.ID, r.Bad.Text())
			} else {
				for _, f := range fs {
					if f.Message == "" || f.Component == "" || f.Path == "" {
						t.Errorf("%s finding lacks message, component or path: %+v", r.ID, f)
					}
					if !f.Pos.IsValid() || f.Pos.Line == 0 {
						t.Errorf("%s finding has no position: %+v", r.ID, f)
					}
				}
			}
			if fs := reviewExample(t, r, "good", r.Good); len(fs) != 0 {
				t.Errorf("%s fires on its good example:\n%s\nfindings: %v", r.ID, r.Good.Text(), messages(fs))
			}
		})
	}
}

func TestBaseDesignIsClean(t *testing.T) {
	for _, ex := range []Example{{}, {Graph: true}} {
		d, err := ex.Design("base.json")
		if err != nil {
			t.Fatal(err)
		}
		c, err := NewContext(d)
		if err != nil {
			t.Fatal(err)
		}
		if fs := Review(c, Options{}).Findings; len(fs) != 0 {
			t.Errorf("the base design (graph %v) should trigger no rule, got:\n%s", ex.Graph, strings.Join(messages(fs), "\n"))
		}
	}
}

func TestCatalogue(t *testing.T) {
	all := All()
	if len(all) < 35 {
		t.Errorf("the catalogue has %d rules, want at least 35", len(all))
	}
	seen := map[string]bool{}
	cats := map[Category]bool{}
	for _, c := range Categories() {
		cats[c] = true
	}
	for _, r := range all {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %s", r.ID)
		}
		seen[r.ID] = true
		if !cats[r.Category] {
			t.Errorf("%s: unknown category %q", r.ID, r.Category)
		}
		for field, v := range map[string]string{"title": r.Title, "why": r.Why, "detection": r.Detection,
			"false positives": r.FalsePositives, "remediation": r.Remediation, "bad example": r.Bad.Overlay, "good example": r.Good.Overlay} {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s has no %s", r.ID, field)
			}
		}
		if len(r.References) == 0 {
			t.Errorf("%s has no references", r.ID)
		}
		if r.Check == nil && r.GraphCheck == nil {
			t.Errorf("%s has no check", r.ID)
		}
		if strings.ContainsAny(r.Title, "<>*`") {
			t.Errorf("%s: keep markup out of titles: %q", r.ID, r.Title)
		}
	}
}

func messages(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.ID+": "+f.Message)
	}
	return out
}
