package diagram

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"oss.terrastruct.com/d2/d2compiler"
)

// exports writes every component example's overview (and one grouped
// chart, for D2's containers) in the three model formats.
func exports(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for name, g := range componentCharts(t) {
		if strings.Contains(name, "-op-") || strings.Contains(name, "-by-kind") {
			continue
		}
		for ext, write := range map[string]func(*bytes.Buffer, *Graph) error{
			".d2":  func(b *bytes.Buffer, g *Graph) error { return WriteD2(b, g) },
			".dsl": func(b *bytes.Buffer, g *Graph) error { return WriteStructurizr(b, g) },
			".c4":  func(b *bytes.Buffer, g *Graph) error { return WriteLikeC4(b, g) },
		} {
			if ext != ".d2" && strings.Contains(name, "-by-") {
				continue // groups are D2's only
			}
			var b bytes.Buffer
			if err := write(&b, g); err != nil {
				t.Fatal(err)
			}
			out[name+ext] = b.Bytes()
		}
	}
	return out
}

func TestExportGolden(t *testing.T) {
	for name, data := range exports(t) {
		golden(t, name, data)
	}
	// Deterministic: the same graph gives the same bytes.
	a, b := exports(t), exports(t)
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestD2Compiles compiles every D2 export with D2's own compiler: a
// parse error or an edge to an unknown node fails it.
func TestD2Compiles(t *testing.T) {
	charts := componentCharts(t)
	for name, data := range exports(t) {
		if filepath.Ext(name) != ".d2" {
			continue
		}
		g, _, err := d2compiler.Compile(name, bytes.NewReader(data), nil)
		if err != nil {
			t.Errorf("%s: D2 does not compile it: %v\n%s", name, err, data)
			continue
		}
		src := charts[strings.TrimSuffix(name, ".d2")]
		// Every node an object (the title is one more), every call an edge.
		objects := 0
		labels := map[string]string{}
		for _, o := range g.Objects {
			if o.ID != "diagram_title" && len(o.ChildrenArray) == 0 {
				objects++
				labels[o.ID] = o.Label.Value
			}
		}
		// The label D2 reads is the one written: figures with "$" survive.
		for _, n := range src.Nodes {
			want := strings.Join(append([]string{n.Title}, describe(n)...), "\n")
			if n.Kind == KindClients {
				want = n.Title
			}
			if labels[n.ID] != want {
				t.Errorf("%s: D2 reads %s's label as %q, want %q", name, n.ID, labels[n.ID], want)
			}
		}
		if objects != len(src.Nodes) || len(g.Edges) != len(src.Edges) {
			t.Errorf("%s: D2 has %d objects and %d edges, the graph %d nodes and %d edges", name, objects, len(g.Edges), len(src.Nodes), len(src.Edges))
		}
	}
}

// structurizrLine is every statement the export writes, by the DSL's
// grammar (docs.structurizr.com/dsl/language): comments, the workspace,
// model and views blocks, elements with their quoted arguments,
// relationships, views and style properties.
var structurizrLine = regexp.MustCompile(`^(` +
	`//.*|` +
	`workspace "[^"]*" "[^"]*" \{|` +
	`model \{|views \{|styles \{|\}|` +
	`[A-Za-z_][\w-]* = person "[^"]*" "[^"]*" "[^"]*"|` +
	`[A-Za-z_][\w-]* = softwareSystem "[^"]*" "[^"]*"( "[^"]*")?( \{)?|` +
	`[A-Za-z_][\w-]* = container "[^"]*" "[^"]*" "[^"]*" "[^"]*"|` +
	`[A-Za-z_][\w-]* -> [A-Za-z_][\w-]* "[^"]*" "[^"]*" "[^"]*"|` +
	`(systemContext|container) sys "[^"]*" \{|include \*|autolayout tb|` +
	`(element|relationship) "[^"]*" \{|` +
	`(shape (Person|Cylinder|Pipe|Folder|Hexagon|Box|RoundedBox)|background #[0-9a-f]{6}|color #[0-9a-f]{6}|stroke #[0-9a-f]{6}|strokeWidth \d+|dashed (true|false))` +
	`)$`)

// TestStructurizrGrammar checks every line of each export against the
// DSL's statements, the braces balance, and every relationship joins
// identifiers the model defines. (No Structurizr parser is on this
// machine's registries: the DSL's parser is Java.)
func TestStructurizrGrammar(t *testing.T) {
	ident := regexp.MustCompile(`^([A-Za-z_][\w-]*) = `)
	rel := regexp.MustCompile(`^([A-Za-z_][\w-]*) -> ([A-Za-z_][\w-]*) `)
	for name, data := range exports(t) {
		if filepath.Ext(name) != ".dsl" {
			continue
		}
		depth, defined := 0, map[string]bool{}
		var rels [][]string
		for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
			l := strings.TrimSpace(line)
			if l == "" {
				continue
			}
			if !structurizrLine.MatchString(l) {
				t.Errorf("%s:%d: not a Structurizr DSL statement: %q", name, i+1, l)
			}
			depth += strings.Count(l, "{") - strings.Count(l, "}")
			if depth < 0 {
				t.Errorf("%s:%d: a } closes nothing", name, i+1)
			}
			if m := ident.FindStringSubmatch(l); m != nil {
				if defined[m[1]] {
					t.Errorf("%s:%d: %s defined twice", name, i+1, m[1])
				}
				defined[m[1]] = true
			}
			if m := rel.FindStringSubmatch(l); m != nil {
				rels = append(rels, m[1:])
			}
		}
		if depth != 0 {
			t.Errorf("%s: braces do not balance (%d open)", name, depth)
		}
		for _, r := range rels {
			if !defined[r[0]] || !defined[r[1]] {
				t.Errorf("%s: relationship %s -> %s joins an undefined element", name, r[0], r[1])
			}
		}
	}
}

// TestLikeC4Validates runs the likec4 CLI's validate on every LikeC4
// export. CI installs it (scripts/ci-tools.sh); elsewhere it skips unless
// CI=true, where a missing CLI fails.
func TestLikeC4Validates(t *testing.T) {
	bin := os.Getenv("LIKEC4")
	if bin == "" {
		bin, _ = exec.LookPath("likec4")
	}
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("likec4 is not installed: scripts/ci-tools.sh installs it (npm likec4)")
		}
		t.Skip("likec4 not installed (npm install -g likec4; CI=true requires it)")
	}
	dir := t.TempDir()
	n := 0
	for name, data := range exports(t) {
		if filepath.Ext(name) != ".c4" {
			continue
		}
		// One workspace per model: each defines sys and its views.
		sub := filepath.Join(dir, strings.TrimSuffix(name, ".c4"))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(sub, "model.c4"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		n++
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		out, err := exec.CommandContext(context.Background(), bin, "validate", filepath.Join(dir, e.Name())).CombinedOutput()
		if err != nil {
			t.Errorf("likec4 validate %s: %v\n%s", e.Name(), err, out)
		}
	}
	if n == 0 {
		t.Fatal("no LikeC4 export to validate")
	}
}
