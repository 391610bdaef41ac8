package rules

import (
	"slices"
	"strings"
	"testing"
)

// TestComponentExamples pins what the review says of the designs written
// from published architectures: the findings an SRE would raise, and none
// of the sections' rules that read a shape these designs do not have.
func TestComponentExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []string
	}{
		{"components/checkout.cue", []string{"AVAIL007@checkout", "QUEUE005@events"}},
		{"components/chat.cue", []string{"AVAIL007@send", "LAT004@search", "QUEUE004@index-queue", "QUEUE005@index-queue"}},
		{"components/timeline.cue", []string{"AVAIL007@tweet", "LAT004@index", "QUEUE004@fanout", "QUEUE005@fanout"}},
		{"components/video.cue", []string{"QUEUE005@jobs"}},
	} {
		rep := reviewFile(t, tc.file)
		var got []string
		for _, f := range rep.Findings {
			got = append(got, f.ID)
			if f.Pos.Line == 0 {
				t.Errorf("%s: %s has no position", tc.file, f.ID)
			}
		}
		slices.Sort(got)
		slices.Sort(tc.want)
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%s: findings %v, want %v", tc.file, got, tc.want)
		}
	}
}

// TestSectionRulesSkipComponentDesigns: a rule with only a sections check
// never runs on a component design (it would read sections the design does
// not have), and every rule says which forms it reviews.
func TestSectionRulesSkipComponentDesigns(t *testing.T) {
	rep := reviewFile(t, "components/checkout.cue")
	for _, f := range rep.Findings {
		r, _ := Lookup(f.Rule)
		if r.GraphCheck == nil {
			t.Errorf("%s ran on a component design without a component check", f.ID)
		}
	}
	n := 0
	for _, r := range All() {
		if r.GraphCheck != nil && r.Check == nil {
			n++
		}
	}
	if n < 12 {
		t.Errorf("%d rules only a graph has, want at least 12", n)
	}
}
