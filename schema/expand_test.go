package schema

import (
	"path/filepath"
	"reflect"
	"testing"
)

// TestExpandKeepsTheGraph: every example written with the sections expands
// to a component design that validates and has the same graph — the same
// components with the same fields, the same call trees — so a team can
// grow out of the shorthand without changing what it describes.
func TestExpandKeepsTheGraph(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.cue")
	yamls, _ := filepath.Glob("../examples/*.yaml")
	for _, f := range append(files, yamls...) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := Load(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Expand(d)
			if err != nil {
				t.Fatal(err)
			}
			e, err := LoadBytes("expanded.cue", out, "cue")
			if err != nil {
				t.Fatalf("the expanded design does not validate: %v\n%s", err, out)
			}
			if len(e.Components) == 0 {
				t.Fatalf("no components in:\n%s", out)
			}
			want, got := comparable(d.Graph()), comparable(e.Graph())
			if !reflect.DeepEqual(want, got) {
				t.Errorf("graphs differ:\nshorthand: %+v\nexpanded:  %+v", want, got)
			}
			// Expanding the component form prints it as it is.
			again, err := Expand(e)
			if err != nil {
				t.Fatal(err)
			}
			if e2, err := LoadBytes("again.cue", again, "cue"); err != nil || !reflect.DeepEqual(comparable(e2.Graph()), got) {
				t.Errorf("expanding the component form changed it: %v", err)
			}
		})
	}
}

// comparable is a graph without what only the shorthand derives: where
// steps were written, and the data the database holds for the operations
// (in the component form the operations still say what they store).
func comparable(g *Graph) map[string]any {
	comps := map[string]Component{}
	for _, c := range g.Components {
		cc := *c
		cc.Data = nil
		comps[c.Name] = cc
	}
	calls := map[string][]Step{}
	for op, steps := range g.Calls {
		calls[op] = stripPaths(steps)
	}
	return map[string]any{"components": comps, "calls": calls}
}

func stripPaths(steps []Step) []Step {
	if steps == nil {
		return nil
	}
	out := make([]Step, len(steps))
	for i, s := range steps {
		s.Path = ""
		s.Calls, s.Miss, s.Parallel = stripPaths(s.Calls), stripPaths(s.Miss), stripPaths(s.Parallel)
		out[i] = s
	}
	return out
}

// TestComponentExamples: the examples written with components validate,
// and expand prints them as they are.
func TestComponentExamples(t *testing.T) {
	files, _ := filepath.Glob("../examples/components/*.cue")
	if len(files) < 2 {
		t.Fatalf("want the component examples, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := Load(f, nil)
			if err != nil {
				t.Fatal(err)
			}
			g := d.Graph()
			if g.Shorthand || len(g.Components) < 5 {
				t.Fatalf("not a component design: %d components", len(g.Components))
			}
			for op, steps := range g.Calls {
				if len(steps) == 0 {
					t.Errorf("%s calls nothing", op)
				}
			}
			out, err := Expand(d)
			if err != nil {
				t.Fatal(err)
			}
			e, err := LoadBytes("again.cue", out, "cue")
			if err != nil {
				t.Fatalf("expanded: %v\n%s", err, out)
			}
			if !reflect.DeepEqual(comparable(e.Graph()), comparable(g)) {
				t.Errorf("expand changed the design")
			}
		})
	}
}
