package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInvalidExamples runs `tradeoff validate` on each broken design in
// examples/invalid (a file, or a directory for package errors) and
// compares what it prints with NAME.golden beside it. Each must exit 2 and
// print nothing on standard output. UPDATE_GOLDEN=1 rewrites the goldens.
func TestInvalidExamples(t *testing.T) {
	t.Chdir("..") // positions in the goldens read examples/invalid/NAME
	entries, err := os.ReadDir("examples/invalid")
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, ".golden") {
			continue
		}
		inputs[strings.TrimSuffix(name, filepath.Ext(name))] = true
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("examples", "invalid", name)
			var stdout, stderr bytes.Buffer
			app := &App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
			if code := app.Run([]string{"validate", path}); code != ExitInvalid {
				t.Errorf("exit status %d, want %d", code, ExitInvalid)
			}
			if stdout.Len() > 0 {
				t.Errorf("printed on standard output:\n%s", stdout.String())
			}
			golden := strings.TrimSuffix(path, filepath.Ext(path)) + ".golden"
			if os.Getenv("UPDATE_GOLDEN") != "" {
				if err := os.WriteFile(golden, stderr.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
			}
			if got := stderr.String(); got != string(want) {
				t.Errorf("output differs from %s (UPDATE_GOLDEN=1 rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
			for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				if !rePositioned.MatchString(line) {
					t.Errorf("line without a file:line:col position: %q", line)
				}
			}
		})
	}
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), ".golden"); ok && !inputs[base] {
			t.Errorf("examples/invalid/%s has no design beside it", e.Name())
		}
	}
	if len(inputs) < 10 {
		t.Errorf("found %d invalid examples, want at least 10", len(inputs))
	}
}
