package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSchemaWorksWithStockCue checks the promise `tradeoff schema` makes:
// the printed schema, and the JSON Schema export, check designs with the
// stock cue tool. It needs cue on PATH; CI installs it (scripts/ci-tools.sh)
// and there the test fails rather than skip when it is missing.
func TestSchemaWorksWithStockCue(t *testing.T) {
	cue, err := exec.LookPath("cue")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("cue is not on PATH; scripts/ci-tools.sh installs it")
		}
		t.Skip("cue is not on PATH")
	}
	examples, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		app := &App{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }}
		if code := app.Run(args); code != ExitOK {
			t.Fatalf("tradeoff %v: exit %d: %s", args, code, stderr.String())
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, stdout.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(cue, args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	schemaCUE := write("schema.cue", "schema")
	schemaJSON := write("schema.json", "schema", "--json-schema")
	if out, err := run("import", "-f", "-o", "jsonschema.cue", "jsonschema:", schemaJSON); err != nil {
		t.Fatalf("cue import of the JSON Schema: %v\n%s", err, out)
	}

	// Every valid example, as YAML (a CUE design goes through cue export).
	designs, _ := filepath.Glob(filepath.Join(examples, "*.cue"))
	components, _ := filepath.Glob(filepath.Join(examples, "components", "*.cue"))
	designs = append(designs, components...)
	designs = append(designs, filepath.Join(examples, "shortener.yaml"))
	for _, d := range designs {
		yamlFile := d
		if filepath.Ext(d) == ".cue" {
			out, err := run("export", d, "--out", "yaml")
			if err != nil {
				t.Fatalf("cue export %s: %v\n%s", d, err, out)
			}
			yamlFile = filepath.Join(dir, strings.TrimSuffix(filepath.Base(d), ".cue")+".yaml")
			if err := os.WriteFile(yamlFile, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := run("vet", "-c", "-d", "#Design", schemaCUE, yamlFile); err != nil {
			t.Errorf("cue vet with `tradeoff schema` rejects %s: %v\n%s", filepath.Base(d), err, out)
		}
		if out, err := run("vet", "-c", "jsonschema.cue", yamlFile); err != nil {
			t.Errorf("cue vet with `tradeoff schema --json-schema` rejects %s: %v\n%s", filepath.Base(d), err, out)
		}
	}

	// A broken design is rejected by both, for the reasons tradeoff gives.
	broken := filepath.Join(examples, "invalid", "yaml-errors.yaml")
	out, err := run("vet", "-c", "-d", "#Design", schemaCUE, broken)
	if err == nil || !strings.Contains(out, "services.zone: field not allowed") {
		t.Errorf("cue vet with the CUE schema accepted %s or missed the misspelled field: %v\n%s", broken, err, out)
	}
	out, err = run("vet", "-c", "jsonschema.cue", broken)
	if err == nil || !strings.Contains(out, "services.zone: field not allowed") {
		t.Errorf("cue vet with the JSON Schema accepted %s or missed the misspelled field: %v\n%s", broken, err, out)
	}
}
