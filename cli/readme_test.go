package cli

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEOutputIsReal runs the commands whose output README.md pastes
// and checks the pasted lines are what the tool prints today.
func TestREADMEOutputIsReal(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("..")
	run := func(stdin string, args ...string) (string, int) {
		var out bytes.Buffer
		app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
		code := app.Run(args)
		return out.String(), code
	}
	out, code := run("", "validate", "examples/shortener.cue")
	if code != ExitOK || !bytes.Contains(readme, []byte(out)) {
		t.Errorf("README does not show what validate prints for the shortener (exit %d):\n%s", code, out)
	}
	// The broken shortener: the README's sed edits, done here in Go.
	out, code = run("", "review", "examples/shortener.cue")
	if code != ExitOK || !bytes.Contains(readme, []byte(out)) {
		t.Errorf("README does not show what review prints for the shortener (exit %d):\n%s", code, out)
	}
	out, code = run("", "review", "examples/components/checkout.cue", "--today", "2026-12-07")
	if code != ExitFindings || !bytes.Contains(readme, []byte(out)) {
		t.Errorf("README does not show what review prints for the component checkout (exit %d):\n%s", code, out)
	}
	// The import and what validate then asks, with the output in a
	// temporary directory named as the README names it.
	tmp := t.TempDir()
	design := tmp + "/design.cue"
	out, code = run("", "import", "compose", "importer/testdata/compose/webapp.yml", "-o", design)
	if code != ExitOK || !bytes.Contains(readme, []byte(strings.ReplaceAll(out, tmp+"/", ""))) {
		t.Errorf("README does not show what import prints for the web app (exit %d):\n%s", code, out)
	}
	out, code = run("", "validate", design)
	if code != ExitInvalid || !bytes.Contains(readme, []byte(strings.ReplaceAll(out, tmp+"/", ""))) {
		t.Errorf("README does not show what validate prints for the imported web app (exit %d):\n%s", code, out)
	}
	out, _ = run("", "estimate", "examples/shortener.cue")
	headline := strings.Join(strings.SplitN(out, "\n", 6)[:5], "\n")
	if !bytes.Contains(readme, []byte(headline)) {
		t.Errorf("README does not show the estimate's headline for the shortener:\n%s", headline)
	}
	src, err := os.ReadFile("examples/shortener.cue")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(src), `"3B/month"`, `"3B/mnth"`, 1)
	broken = strings.ReplaceAll(broken, `"redis"`, `"memcache"`)
	broken = strings.ReplaceAll(broken, "zones:     2", "zone:      2")
	broken = regexp.MustCompile(`(?m)^\treplicas:         2`).ReplaceAllString(broken, "\treplicas:         0")
	out, code = run(broken, "validate", "-")
	if code != ExitInvalid {
		t.Errorf("the broken shortener exits %d, want %d", code, ExitInvalid)
	}
	if strings.Count(out, "\n") < 5 || !bytes.Contains(readme, []byte(out)) {
		t.Errorf("README does not show what validate prints for the broken shortener; it prints:\n%s", out)
	}
}
