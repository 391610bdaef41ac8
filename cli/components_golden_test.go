package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestComponentGolden compares `tradeoff estimate --explain`, `tradeoff
// review`, the zone-down estimate and its failure view on every design
// written with components (examples/components) with its golden text: the
// published architectures' numbers and findings change only on purpose. UPDATE_GOLDEN=1 rewrites them.
func TestComponentGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "examples", "components", "*.cue"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no component examples: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		for _, run := range []struct {
			ext  string
			args []string
		}{
			{".estimate.txt", []string{"estimate", path, "--explain"}},
			{".review.txt", []string{"review", path, "--today", "2026-12-07", "--fail-on", "critical"}},
			{".zone-down.txt", []string{"estimate", path, "--scenario", "zone-down"}},
			{".failure.dot", []string{"diagram", path, "--view", "failure", "-f", "dot"}},
		} {
			t.Run(name+run.ext, func(t *testing.T) {
				out, errOut, code := runCLI(run.args...)
				if code != 0 {
					t.Fatalf("exit %d: %s", code, errOut)
				}
				golden := filepath.Join("testdata", "components", name+run.ext)
				if os.Getenv("UPDATE_GOLDEN") != "" {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run UPDATE_GOLDEN=1 go test ./cli to create it)", err)
				}
				if out != string(want) {
					t.Errorf("output differs from %s (UPDATE_GOLDEN=1 rewrites it)\n--- got\n%s", golden, out)
				}
			})
		}
	}
}
