package optimize

import (
	"strings"
	"testing"
)

func TestEdit(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     string
		changes []Change
		want    string
		err     string
	}{
		{
			name: "a value is replaced where it stands, comments and attributes kept",
			src: `// the fleet
services: {
	instances: 4 @tune() // four for now
	size:      "2x8"
}
`,
			changes: []Change{{Path: "services.instances", New: "2"}, {Path: "services.size", New: "4x16"}},
			want: `// the fleet
services: {
	instances: 2 @tune() // four for now
	size:      "4x16"
}
`,
		},
		{
			name: "a missing field joins its struct, aligned as cue fmt would",
			src: `database: {
	kind: "postgres"
	// a comment
	size: "2x8"
}
`,
			changes: []Change{{Path: "database.replicas", New: "2"}},
			want: `database: {
	kind: "postgres"
	// a comment
	size:     "2x8"
	replicas: 2
}
`,
		},
		{
			name:    "a one-line struct grows on its line",
			src:     "services: {instances: 3, zones: 3}\n",
			changes: []Change{{Path: "services.size", New: "4x16"}},
			want:    "services: {instances: 3, zones: 3, size: \"4x16\"}\n",
		},
		{
			name:    "a shorthand struct gets a line of its own, which CUE unifies",
			src:     "loadBalancer: kind: \"nginx\"\nservices: {instances: 3, zones: 3}\n",
			changes: []Change{{Path: "cache.replicas", New: "1"}},
			want:    "loadBalancer: kind: \"nginx\"\nservices: {instances: 3, zones: 3}\ncache: replicas: 1\n",
		},
		{
			name:    "a file that is not cue fmt clean is not reformatted",
			src:     "services: {\n  instances:   4\n   zones: 2\n}\n",
			changes: []Change{{Path: "services.instances", New: "6"}},
			want:    "services: {\n  instances:   6\n   zones: 2\n}\n",
		},
		{
			name:    "an expression is left to the author",
			src:     "n: 4\nservices: {instances: n, zones: 2}\n",
			changes: []Change{{Path: "services.instances", New: "6"}},
			err:     "d.cue:2:23: services.instances is an expression, not a plain value: change it by hand to 6",
		},
		{
			name:    "a field written twice is left to the author",
			src:     "services: instances: 4\nservices: instances: 4\n",
			changes: []Change{{Path: "services.instances", New: "6"}},
			err:     "d.cue:2:11: services.instances is written more than once",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Edit("d.cue", []byte(tc.src), tc.changes)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestMarks(t *testing.T) {
	src := `system: {name: "x", cloud: "aws" @tune(aws, gcp)}
services: {
	instances: 4 @tune(min=2, max=12)
	size: "2x8" @tune()
	zones: 2 @other(x)
}
`
	m, err := Marks("d.cue", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if got := m["system.cloud"].Values; strings.Join(got, ",") != "aws,gcp" {
		t.Errorf("cloud values %v", got)
	}
	if i := m["services.instances"]; i.Min == nil || *i.Min != 2 || i.Max == nil || *i.Max != 12 {
		t.Errorf("instances bounds %+v", i)
	}
	if _, ok := m["services.size"]; !ok {
		t.Error("@tune() not read")
	}
	if _, ok := m["services.zones"]; ok {
		t.Error("another attribute read as @tune")
	}
	if m["services.instances"].Pos.Line != 3 {
		t.Errorf("position %v", m["services.instances"].Pos)
	}
	if _, err := Marks("d.cue", []byte("services: instances: 4 @tune(min=two)\n")); err == nil || !strings.Contains(err.Error(), "d.cue:1:24") {
		t.Errorf("a bad bound: %v", err)
	}
}

// TestUnifiedDiff compares with what GNU diff -u prints for the same
// texts: changes six lines apart share a hunk, seven apart do not.
func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{
			"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n",
			"a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n",
			"@@ -1,10 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n j\n+k\n",
		},
		{
			"a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\nm\n",
			"a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\nl\nM\n",
			"@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n@@ -10,4 +10,4 @@\n j\n k\n l\n-m\n+M\n",
		},
	} {
		want := "--- old\n+++ new\n" + tc.want
		if got := UnifiedDiff("old", "new", tc.a, tc.b); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	}
	if UnifiedDiff("old", "new", "a\n", "a\n") != "" {
		t.Error("equal texts have a diff")
	}
}
