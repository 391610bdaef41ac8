package diagram

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// TestEveryFindingIsShownOnce draws every example in every view with its
// real review: each finding is on exactly one badge or counted in exactly
// one note, so the picture's counts add up to tradeoff review's.
func TestEveryFindingIsShownOnce(t *testing.T) {
	counted := regexp.MustCompile(`^(\d+) open findings? [a-z ]+(?: \(worst: [a-z]+\))?(?:, (\d+) waived)?:`)
	for name, d := range examples(t) {
		ctx, err := rules.NewContext(d)
		if err != nil {
			t.Fatal(err)
		}
		findings := FromReview(rules.Review(ctx, rules.Options{}))
		for _, view := range Views {
			g := build(t, Input{Design: d, Findings: findings}, view)
			shown := 0
			for _, n := range g.Nodes {
				if n.Badge != nil {
					shown += n.Badge.Open + n.Badge.Waived
				}
			}
			for _, note := range g.Notes {
				if m := counted.FindStringSubmatch(note); m != nil {
					open, _ := strconv.Atoi(m[1])
					shown += open
					if m[2] != "" {
						waived, _ := strconv.Atoi(m[2])
						shown += waived
					}
				}
			}
			if len(findings) == 0 {
				continue
			}
			if shown != len(findings) {
				t.Errorf("%s %s: the picture shows %d findings, the review has %d", name, view, shown, len(findings))
			}
		}
	}
}
