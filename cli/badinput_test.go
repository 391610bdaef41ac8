package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputCorpus runs `tradeoff validate` on every broken design in
// testdata/bad, and on generated ones too large or too deep to commit.
// Each must exit 2 with every line of its output positioned at
// file:line:col, never panic, print nothing on standard output, and leave
// no file behind.
func TestBadInputCorpus(t *testing.T) {
	corpus, err := filepath.Abs("../testdata/bad")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 40 {
		t.Fatalf("the corpus holds %d designs, want at least 40", len(entries))
	}
	for _, e := range entries {
		t.Run(e.Name(), func(t *testing.T) {
			checkRejected(t, filepath.Join(corpus, e.Name()))
		})
	}
	gen := t.TempDir()
	for name, data := range generatedBadInputs() {
		path := filepath.Join(gen, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Run("generated/"+name, func(t *testing.T) { checkRejected(t, path) })
	}
}

// checkRejected validates path from an empty working directory and checks
// the rejection is clean.
func checkRejected(t *testing.T, path string) {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	code := func() (code int) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic: %v", r)
			}
		}()
		app := &App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		return app.Run([]string{"validate", path})
	}()
	if code != ExitInvalid {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, ExitInvalid, clip(stderr.String()))
	}
	if stdout.Len() > 0 {
		t.Errorf("printed on standard output: %q", clip(stdout.String()))
	}
	out := strings.TrimSpace(stderr.String())
	if out == "" {
		t.Fatal("no message")
	}
	for _, line := range strings.Split(out, "\n") {
		if !rePositioned.MatchString(line) {
			t.Errorf("line without a file:line:col position: %q", clip(line))
		}
		if strings.Contains(line, "goroutine ") || strings.Contains(line, "panic") {
			t.Errorf("a Go stack trace leaked: %q", clip(line))
		}
		if len(line) > 2000 {
			t.Errorf("a line of %d characters", len(line))
		}
	}
	if left, _ := os.ReadDir(dir); len(left) > 0 {
		t.Errorf("left files behind: %v", left)
	}
}

// generatedBadInputs are the inputs too large to commit: a file over the
// size limit, deep nesting in each format, a megabyte-long line, thousands
// of errors, absurd magnitudes in YAML and JSON.
func generatedBadInputs() map[string][]byte {
	const valid = `system: name: "big"
traffic: get: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB", path: ["services", "database"]}
slo: availability: "99.9%"
services: {instances: 2, zones: 2}
database: kind: "postgres"
`
	out := map[string][]byte{}
	// Over the 8 MiB limit: refused before parsing.
	out["too-large.cue"] = append([]byte(valid), bytes.Repeat([]byte("// padding padding padding padding padding padding padding\n"), 150_000)...)
	// Under the limit but large: 3 MiB of comments and one error at the end.
	out["large-with-error.cue"] = append(append([]byte(valid), bytes.Repeat([]byte("// a long design history, line after line after line\n"), 60_000)...), "services: zonez: 3\n"...)
	// Deep nesting under an unknown field, in each format.
	out["deep.cue"] = []byte(valid + "extra: " + strings.Repeat("{a: ", 5000) + "1" + strings.Repeat("}", 5000) + "\n")
	out["deep-list.cue"] = []byte(valid + "extra: " + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + "\n")
	out["deep.json"] = []byte(`{"extra": ` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "}\n")
	out["deep.yaml"] = []byte("extra: " + strings.Repeat("{a: ", 5000) + "1" + strings.Repeat("}", 5000) + "\n")
	out["deep-block.yaml"] = func() []byte {
		var b strings.Builder
		b.WriteString("extra:\n")
		for i := 1; i < 300; i++ {
			b.WriteString(strings.Repeat(" ", i) + "a:\n")
		}
		return []byte(b.String())
	}()
	// A one-megabyte name.
	out["long-line.cue"] = []byte(strings.Replace(valid, `"big"`, `"`+strings.Repeat("x", 1<<20)+`"`, 1))
	// Thousands of misspelled fields: every one is reported.
	out["many-errors.cue"] = func() []byte {
		var b strings.Builder
		b.WriteString(valid)
		for i := 0; i < 2000; i++ {
			fmt.Fprintf(&b, "services: instancez%d: %d\n", i, i)
		}
		return []byte(b.String())
	}()
	// Absurd magnitudes in the other formats.
	out["absurd.yaml"] = []byte("system: {name: absurd}\ntraffic:\n  get: {kind: read, rate: 1e15, peakFactor: 2, requestSize: 1KB, responseSize: 1KB, path: [services, database]}\nslo: {availability: \"99.9%\"}\nservices: {instances: 2, zones: 2}\ndatabase: {kind: postgres}\n")
	out["absurd.json"] = []byte(`{"system": {"name": "absurd"}, "traffic": {"get": {"kind": "read", "rate": "1000000T/s", "peakFactor": 2, "requestSize": "1KB", "responseSize": "1KB", "path": ["services", "database"]}}, "slo": {"availability": "99.9%"}, "services": {"instances": 2, "zones": 2}, "database": {"kind": "postgres"}}` + "\n")
	// A YAML stream of a hundred documents.
	out["stream.yaml"] = bytes.Repeat([]byte("system: {name: s}\n---\n"), 100)
	return out
}

// clip keeps a failure message readable when the output is huge.
func clip(s string) string {
	if len(s) > 500 {
		return s[:400] + fmt.Sprintf("… (%d bytes)", len(s))
	}
	return s
}
