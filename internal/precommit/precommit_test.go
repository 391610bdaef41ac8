// Package precommit tests the hook definitions in .pre-commit-hooks.yaml
// by running them through pre-commit itself, the way a team's repository
// would use them. It holds only this test: pre-commit builds tradeoff from
// the repository with the Go toolchain, which takes minutes, so the test
// has a package (and a test timeout) of its own.
package precommit

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestHooks runs both hooks with `pre-commit try-repo` on a design with
// findings at high and on a clean one. It runs when CI=true or
// PRECOMMIT_TESTS=1, and then fails if pre-commit is missing. pre-commit
// builds with its own GOPATH; pointing GOMODCACHE at the machine's module
// cache (GOPROXY=off) needs no network and keeps Go's build cache warm.
func TestHooks(t *testing.T) {
	if os.Getenv("CI") != "true" && os.Getenv("PRECOMMIT_TESTS") != "1" {
		t.Skip("set PRECOMMIT_TESTS=1 (or CI=true) to run the hooks through pre-commit")
	}
	for _, tool := range []string{"pre-commit", "git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the pre-commit test was asked for but %s is not installed (scripts/ci-tools.sh installs it)", tool)
		}
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	env := append(os.Environ(),
		"PRE_COMMIT_HOME="+filepath.Join(t.TempDir(), "pre-commit"),
		"GOMODCACHE="+strings.TrimSpace(string(modcache)),
		"GOPROXY=off",
		"GOSUMDB=off",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com",
	)
	run := func(args ...string) (string, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = repo, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	copyFile := func(from, to string) {
		data, err := os.ReadFile(filepath.Join(root, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, to), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("examples/flawed.cue", "design.cue")
	copyFile("examples/shortener.cue", "ok.design.cue")
	if err := os.WriteFile(filepath.Join(repo, "notes.cue"), []byte("this is not a design and the hooks must not read it\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"git", "init", "-q", "-b", "main"}, {"git", "add", "."}, {"git", "commit", "-q", "-m", "designs"}} {
		if out, err := run(args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}

	// Both hooks on the clean design: both pass; notes.cue is not matched.
	out, err := run("pre-commit", "try-repo", root, "--files", "ok.design.cue", "notes.cue")
	if err != nil {
		t.Fatalf("the hooks failed on a clean design: %v\n%s", err, out)
	}
	if !regexp.MustCompile(`tradeoff validate\.+Passed`).MatchString(out) || !regexp.MustCompile(`tradeoff review\.+Passed`).MatchString(out) {
		t.Errorf("both hooks should run and pass:\n%s", out)
	}

	// With the flawed design too: validate passes it (it is a valid design,
	// with bad trade-offs) and review stops the commit, saying why.
	out, err = run("pre-commit", "try-repo", root, "--files", "design.cue", "ok.design.cue", "notes.cue")
	if err == nil {
		t.Errorf("the hooks passed a design with high findings:\n%s", out)
	}
	if !regexp.MustCompile(`tradeoff validate\.+Passed`).MatchString(out) || !regexp.MustCompile(`tradeoff review\.+Failed`).MatchString(out) {
		t.Errorf("validate should pass and review fail:\n%s", out)
	}
	if !strings.Contains(out, "FAIL:") || !strings.Contains(out, "CAP001@create") {
		t.Errorf("the review hook does not say why it failed:\n%s", out)
	}
}
