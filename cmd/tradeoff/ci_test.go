package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The GitHub Actions workflow in docs/ci is run here, step by step, the
// way a runner would: in a git repository with a base branch and a pull
// request, with tradeoff built from this checkout standing in for `go
// install`, `gh` replaced by a stub that records the comment, and the
// actions (`uses:`) left out. What the workflow promises — SARIF for code
// scanning, the diff as a comment, the review document, a failed job when
// the change brings a high finding — is checked on the files it leaves.

type workflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

type step struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	If   string            `yaml:"if"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	Env  map[string]string `yaml:"env"`
}

// expressions are the ${{ }} values the workflow may use, as a pull request
// event would set them.
var expressions = map[string]string{
	"github.token":                     "test-token",
	"github.event.pull_request.number": "42",
}

func readWorkflow(t *testing.T) (workflow, []byte) {
	t.Helper()
	data, err := os.ReadFile("../../docs/ci/tradeoff.yml")
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("docs/ci/tradeoff.yml: %v", err)
	}
	if len(wf.Jobs) != 1 {
		t.Fatalf("the workflow has %d jobs, want one", len(wf.Jobs))
	}
	return wf, data
}

// TestCIDocShowsTheWorkflow keeps docs/ci.md and the workflow file the
// same text.
func TestCIDocShowsTheWorkflow(t *testing.T) {
	_, data := readWorkflow(t)
	doc, err := os.ReadFile("../../docs/ci.md")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, []byte("```yaml\n"+string(data)+"```")) {
		t.Error("docs/ci.md does not show docs/ci/tradeoff.yml verbatim in a ```yaml block")
	}
	hooks, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(doc, hooks) {
		t.Error("docs/ci.md does not show .pre-commit-hooks.yaml verbatim")
	}
}

// buildTools builds tradeoff and tradeoff-render into a directory, as the
// workflow's install step would.
func buildTools(t *testing.T) string {
	t.Helper()
	bin := t.TempDir()
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/tradeoff", "../../cmd/tradeoff-render")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building tradeoff: %v\n%s", err, out)
	}
	return bin
}

// ghStub records each call and its body file; `--edit-last` fails as it
// does on a pull request with no comment yet, so the fallback runs too.
const ghStub = `#!/usr/bin/env bash
echo "$*" >> "$GH_LOG"
while [ $# -gt 0 ]; do
	case "$1" in
	--edit-last) edit=1 ;;
	--body-file) cp "$2" "$GH_LOG.body"; shift ;;
	esac
	shift
done
if [ -n "$edit" ]; then echo "no comment to edit" >&2; exit 1; fi
`

func TestCIWorkflowRunsLocally(t *testing.T) {
	for _, tool := range []string{"git", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI is set but %s is not installed", tool)
			}
			t.Skipf("%s is not installed", tool)
		}
	}
	wf, _ := readWorkflow(t)
	bin := buildTools(t)
	if err := os.WriteFile(filepath.Join(bin, "gh"), []byte(ghStub), 0o755); err != nil {
		t.Fatal(err)
	}
	base, err := os.ReadFile("../../examples/shortener.cue")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		change   func(string) string
		jobFails bool
		diffSays string
	}{
		{
			name: "a change that brings a high finding fails the job",
			change: func(s string) string {
				return strings.Replace(s, `create: {require: "strong", partition: "CP"}`, `create: {require: "eventual", partition: "AP"}`, 1)
			},
			jobFails: true,
			diffSays: "+1 high finding (CAP003@create)",
		},
		{
			name:     "a harmless change passes",
			change:   func(s string) string { return strings.Replace(s, "\tinstances: 4\n", "\tinstances: 5\n", 1) },
			diffSays: "services instances 4 → 5",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			repo := t.TempDir()
			git := func(args ...string) {
				t.Helper()
				cmd := exec.Command("git", args...)
				cmd.Dir = repo
				cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("git %v: %v\n%s", args, err, out)
				}
			}
			design := wf.Env["DESIGN"]
			git("init", "-q", "-b", "main")
			write(t, filepath.Join(repo, design), string(base))
			git("add", design)
			git("commit", "-q", "-m", "design")
			git("update-ref", "refs/remotes/origin/main", "HEAD")
			git("checkout", "-q", "-b", "change")
			write(t, filepath.Join(repo, design), tc.change(string(base)))
			git("commit", "-q", "-am", "change")

			ghLog := filepath.Join(t.TempDir(), "gh.log")
			env := append(os.Environ(),
				"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"GITHUB_BASE_REF=main", "GITHUB_EVENT_NAME=pull_request", "GH_LOG="+ghLog, "NO_COLOR=1", "TRADEOFF_RENDER=")
			for k, v := range wf.Env {
				env = append(env, k+"="+v)
			}
			failed := runJob(t, wf, repo, env)
			if failed != tc.jobFails {
				t.Errorf("job failed = %v, want %v", failed, tc.jobFails)
			}

			var sarif struct {
				Version string `json:"version"`
				Runs    []struct {
					Tool struct {
						Driver struct{ Name string } `json:"driver"`
					} `json:"tool"`
				} `json:"runs"`
			}
			if err := json.Unmarshal(read(t, filepath.Join(repo, "tradeoff.sarif")), &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
				t.Errorf("tradeoff.sarif is not a SARIF 2.1.0 log: %v %+v", err, sarif)
			}
			diff := string(read(t, filepath.Join(repo, "tradeoff-diff.md")))
			if !strings.HasPrefix(diff, "### tradeoff diff: `shortener`") || !strings.Contains(diff, tc.diffSays) {
				t.Errorf("the diff comment does not say %q:\n%s", tc.diffSays, diff)
			}
			calls := string(read(t, ghLog))
			if want := "pr comment 42 --edit-last --body-file tradeoff-diff.md\npr comment 42 --body-file tradeoff-diff.md\n"; calls != want {
				t.Errorf("gh was called as\n%s\nwant\n%s", calls, want)
			}
			if body := string(read(t, ghLog+".body")); body != diff {
				t.Error("the comment's body is not the diff")
			}
			if html := string(read(t, filepath.Join(repo, "review.html"))); !strings.Contains(html, `id="verdict"`) || !strings.Contains(html, `class="diagram"`) {
				t.Error("review.html is not the review document")
			}
		})
	}
}

// runJob runs the job's steps in order as a runner would: `uses:` steps
// and the install step are left out, a failed step skips the rest except
// those whose `if:` says otherwise, and step outputs go through
// $GITHUB_OUTPUT. It reports whether the job failed.
func runJob(t *testing.T, wf workflow, dir string, env []string) bool {
	t.Helper()
	outputs := map[string]map[string]string{}
	failed := false
	for _, job := range wf.Jobs {
		for i, st := range job.Steps {
			name := st.Name
			if name == "" {
				name = fmt.Sprintf("step %d (%s)", i+1, st.Uses)
			}
			run, why := shouldRun(t, st.If, failed, outputs)
			switch {
			case run && st.Uses != "":
				why = "an action, not run locally"
			case run && st.ID == "install":
				why = "tradeoff is built from this checkout instead"
			}
			if !run || st.Uses != "" || st.ID == "install" {
				t.Logf("skip %s (%s)", name, why)
				continue
			}
			outFile := filepath.Join(t.TempDir(), "output")
			write(t, outFile, "")
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", st.Run)
			cmd.Dir = dir
			cmd.Env = append(append([]string(nil), env...), "GITHUB_OUTPUT="+outFile)
			for k, v := range st.Env {
				cmd.Env = append(cmd.Env, k+"="+substitute(t, v))
			}
			out, err := cmd.CombinedOutput()
			t.Logf("run %s: %v\n%s", name, err, out)
			if err != nil {
				failed = true
			}
			if st.ID != "" {
				outputs[st.ID] = map[string]string{}
				for _, line := range strings.Split(string(read(t, outFile)), "\n") {
					if k, v, ok := strings.Cut(line, "="); ok {
						outputs[st.ID][k] = v
					}
				}
			}
		}
	}
	return failed
}

var (
	exprRe = regexp.MustCompile(`\$\{\{\s*([^}]+?)\s*\}\}`)
	condRe = regexp.MustCompile(`^steps\.([\w-]+)\.outputs\.(\w+) == '([^']*)'$`)
)

// substitute replaces ${{ expr }} with the value a pull request event
// gives it; an expression the test does not know fails it, so the
// workflow cannot grow one that this test skips over.
func substitute(t *testing.T, s string) string {
	return exprRe.ReplaceAllStringFunc(s, func(m string) string {
		expr := exprRe.FindStringSubmatch(m)[1]
		v, ok := expressions[expr]
		if !ok {
			t.Fatalf("the workflow uses ${{ %s }}, which this test does not know", expr)
		}
		return v
	})
}

// shouldRun evaluates a step's if: the forms the workflow uses are
// always() and step-output comparisons joined by ||.
func shouldRun(t *testing.T, cond string, failed bool, outputs map[string]map[string]string) (bool, string) {
	cond = strings.TrimSpace(cond)
	switch {
	case cond == "":
		return !failed, "an earlier step failed"
	case cond == "always()":
		return true, ""
	}
	for _, part := range strings.Split(cond, "||") {
		m := condRe.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			t.Fatalf("the workflow's condition %q is not one this test evaluates", cond)
		}
		if outputs[m[1]][m[2]] == m[3] {
			return !failed, "an earlier step failed"
		}
	}
	return false, "its condition is false"
}

func write(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
