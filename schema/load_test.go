package schema

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyCUE = `system: {name: "tiny", footprint: "single-node"}
traffic: get: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "200B", responseSize: "1KiB", path: ["services", "database"]}
slo: availability: "99%"
services: {instances: 1, zones: 1}
loadBalancer: kind: "none"
database: kind: "postgres"
`

const tinyYAML = `system: {name: tiny, footprint: single-node}
traffic:
  get: {kind: read, rate: 10/s, peakFactor: 2, requestSize: 200B, responseSize: 1KiB, path: [services, database]}
slo: {availability: "99%"}
services: {instances: 1, zones: 1}
loadBalancer: {kind: none}
database: {kind: postgres}
`

const tinyJSON = `{"system": {"name": "tiny", "footprint": "single-node"},
 "traffic": {"get": {"kind": "read", "rate": "10/s", "peakFactor": 2, "requestSize": "200B", "responseSize": "1KiB", "path": ["services", "database"]}},
 "slo": {"availability": "99%"}, "services": {"instances": 1, "zones": 1},
 "loadBalancer": {"kind": "none"}, "database": {"kind": "postgres"}}
`

// TestLoad covers each way a design arrives — a file of each format, a
// directory package, standard input — and each way the input itself can be
// wrong before the schema is even consulted.
func TestLoad(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // written into a temporary directory
		path  string            // relative to it; "-" reads stdin
		stdin string
		want  string // the first error line ("" for success), "dir" replaced by the directory
	}{
		{name: "a CUE file", files: map[string]string{"d.cue": tinyCUE}, path: "d.cue"},
		{name: "a YAML file", files: map[string]string{"d.yaml": tinyYAML}, path: "d.yaml"},
		{name: "a .yml file", files: map[string]string{"d.yml": tinyYAML}, path: "d.yml"},
		{name: "a JSON file", files: map[string]string{"d.json": tinyJSON}, path: "d.json"},
		{name: "a directory package", files: map[string]string{"p/a.cue": "package d\n" + tinyCUE[:strings.Index(tinyCUE, "slo:")], "p/b.cue": "package d\n" + tinyCUE[strings.Index(tinyCUE, "slo:"):]}, path: "p"},
		{name: "a directory without package clauses", files: map[string]string{"p/a.cue": tinyCUE}, path: "p"},
		{name: "a directory ignores _ and . files", files: map[string]string{"p/a.cue": tinyCUE, "p/_draft.cue": "x: 1", "p/.hidden.cue": "x: 1"}, path: "p"},
		{name: "a directory with two packages", files: map[string]string{"p/a.cue": "package a\n" + tinyCUE, "p/b.cue": "package b\nx: 1\n"}, path: "p",
			want: `p/b.cue:1:9: p/b.cue is package "b" but p/a.cue is package "a": a directory holds one design, in one CUE package`},
		{name: "a directory with no CUE files", files: map[string]string{"p/readme.txt": "x"}, path: "p",
			want: "p: no .cue files in the directory"},
		{name: "a directory whose file imports", files: map[string]string{"p/a.cue": "import \"list\"\n" + tinyCUE + "x: list.Repeat([1], 3)\n"}, path: "p",
			want: `p/a.cue:1:8: import "list" is not supported`},
		{name: "standard input, CUE", path: "-", stdin: tinyCUE},
		{name: "standard input, YAML", path: "-", stdin: tinyYAML},
		{name: "standard input, JSON", path: "-", stdin: tinyJSON},
		{name: "standard input, broken CUE is reported as CUE", path: "-", stdin: "system: {name: \"x\"\n",
			want: "<stdin>:1:20: syntax error: expected '}', found 'EOF'"},
		{name: "an empty file", files: map[string]string{"e.cue": ""}, path: "e.cue", want: "e.cue:1:1: design is empty"},
		{name: "an empty YAML file of blank lines", files: map[string]string{"e.yaml": "\n  \n"}, path: "e.yaml", want: "e.yaml:1:1: design is empty"},
		{name: "binary garbage", files: map[string]string{"b.cue": "\x00\x01\x02\xff"}, path: "b.cue", want: "b.cue:1:1: not a text file"},
		{name: "invalid UTF-8", files: map[string]string{"b.yaml": "system: \xff\xfe\n"}, path: "b.yaml", want: "b.yaml:1:1: not a text file"},
		{name: "a file over the size limit", files: map[string]string{"big.cue": tinyCUE + strings.Repeat("// padding\n", MaxFileSize/10)}, path: "big.cue",
			want: "big.cue:1:1: file is larger than 8 MiB"},
		{name: "a YAML stream", files: map[string]string{"s.yaml": "system: {name: a}\n---\nsystem: {name: b}\n"}, path: "s.yaml",
			want: "s.yaml:1:1: file holds several YAML documents"},
		{name: "a YAML syntax error at its line", files: map[string]string{"y.yaml": "system:\n  name: x\n cloud: aws\n"}, path: "y.yaml",
			want: "y.yaml:2:1: YAML syntax error: did not find expected key"},
		{name: "a YAML carriage return without a line feed (CUE's decoder panicked)", files: map[string]string{"y.yaml": "system:\n  name: x\r\r000\"0"}, path: "y.yaml",
			want: "y.yaml:2:10: YAML syntax error: a carriage return without a line feed"},
		{name: "YAML with CRLF line endings", files: map[string]string{"d.yaml": strings.ReplaceAll(tinyYAML, "\n", "\r\n")}, path: "d.yaml"},
		{name: "a YAML tab", files: map[string]string{"y.yaml": "system:\n\tname: x\n"}, path: "y.yaml",
			want: "y.yaml:2:1: YAML syntax error: found character that cannot start any token"},
		{name: "a JSON syntax error at its column", files: map[string]string{"j.json": `{"system": {"name": "x",}}`}, path: "j.json",
			want: `j.json:1:25: syntax error: invalid JSON for file`},
		{name: "an unsupported extension", files: map[string]string{"d.toml": "x = 1"}, path: "d.toml",
			want: `d.toml: unsupported file type ".toml"`},
		{name: "a missing file", path: "nope.cue", want: "nope.cue: no such file or directory"},
		{name: "a list, not a struct", files: map[string]string{"l.json": "[1, 2]"}, path: "l.json",
			want: "l.json:1:1: a design is a struct of fields (system, traffic, slo, ...), not a list"},
		{name: "an import in a design file", files: map[string]string{"i.cue": "import \"strings\"\n" + tinyCUE}, path: "i.cue",
			want: `i.cue:1:8: import "strings" is not supported`},
		{name: "a million requests in flight on one instance", files: map[string]string{"f.cue": tinyCUE + "services: throughputPerInstance: \"1000000000/s\"\nservices: serviceTime: \"60s\"\n"}, path: "f.cue",
			want: "f.cue:7:34: services.throughputPerInstance: 6e+10 requests in flight on one instance (throughputPerInstance × serviceTime) is beyond any real server"},
		{name: "references that double, line by line", files: map[string]string{"x.cue": tinyCUE + "x0: {x: 1}\n" + func() string {
			var b strings.Builder
			for i := 1; i < 25; i++ {
				fmt.Fprintf(&b, "x%d: {l: x%d, r: x%d}\n", i, i-1, i-1)
			}
			return b.String()
		}()}, path: "x.cue", want: "x.cue:25:1: this value stands for 2.1e+06 values once its references are followed"},
		{name: "a value referred to many times once each is data", files: map[string]string{"x.cue": tinyCUE + "_p: [\"services\", \"database\"]\n" + strings.Repeat("traffic: get: path: _p\n", 2000)}, path: "x.cue"},
		{name: "nested for loops", files: map[string]string{"n.cue": tinyCUE + "l: [1, 2]\nx: [for a in l {[for b in l {a + b}]}]\n"}, path: "n.cue",
			want: "n.cue:8:18: nested for loops are not supported in a design"},
		{name: "one for loop with an if inside is data", files: map[string]string{"n.cue": tinyCUE + "l: [1, 2]\nx: [for a in l if a > 1 {a}]\n"}, path: "n.cue",
			want: "n.cue:7:5: l[0]: field not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			for name, text := range tt.files {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			d, err := Load(tt.path, strings.NewReader(tt.stdin))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error:\n%v", err)
				}
				if d.System.Name != "tiny" {
					t.Fatalf("loaded design %q", d.System.Name)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			first := strings.SplitN(err.Error(), "\n", 2)[0]
			if !strings.HasPrefix(first, tt.want) {
				t.Errorf("first error\n  %s\nwant it to start with\n  %s", first, tt.want)
			}
		})
	}
}

// TestLoadSniffsStdin: standard input has no extension; its format is
// guessed from its content.
func TestLoadSniffsStdin(t *testing.T) {
	for in, want := range map[string]string{
		tinyCUE:                  "cue",
		tinyYAML:                 "yaml",
		tinyJSON:                 "json",
		"  \n{\"a\": 1}":         "json",
		"a: b: c\n":              "cue",
		"- 1\n- 2\n":             "yaml",
		"system: {name: \"x\"\n": "cue", // neither parses: reported as CUE
	} {
		if got := sniff([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestErrorsAreSortedAndComplete: a design with many independent errors
// reports each, in file order.
func TestErrorsAreSortedAndComplete(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(tinyCUE)
	for i := 0; i < 50; i++ {
		b.WriteString("services: instancez" + strings.Repeat("x", i) + ": 1\n")
	}
	_, err := LoadBytes("many.cue", b.Bytes(), "cue")
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("got %v", err)
	}
	if len(es) != 50 {
		t.Fatalf("got %d errors, want 50:\n%v", len(es), err)
	}
	for i := 1; i < len(es); i++ {
		if es[i].Pos.Line < es[i-1].Pos.Line {
			t.Fatalf("errors out of order: %v before %v", es[i-1], es[i])
		}
	}
}
