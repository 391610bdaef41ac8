package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// answers are what a user writes for each question an import leaves: the
// test answers them all, then the design must validate and be reviewed.
var reLine = regexp.MustCompile(`^[^:]+:(\d+):\d+: `)

var answers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`kind: "read" \| "write"`), `kind: "read"`},
	{regexp.MustCompile(`(?m)^(\s+)rate: string$`), `${1}rate: "300/s"`},
	{regexp.MustCompile(`peakFactor: number`), `peakFactor: 3`},
	{regexp.MustCompile(`requestSize:\s+string`), `requestSize: "1KB"`},
	{regexp.MustCompile(`responseSize: string`), `responseSize: "8KB"`},
	{regexp.MustCompile(`ttl: string`), `ttl: "10m"`},
	{regexp.MustCompile(`invalidation: "delete-on-write" \| .*`), `invalidation: "delete-on-write"`},
	{regexp.MustCompile(`memory: string`), `memory: "1GiB"`},
	{regexp.MustCompile(`data: \{objects: string, objectSize: string\}`), `data: {objects: "10M", objectSize: "2KB"}`},
	{regexp.MustCompile(`shards: int`), `shards: 3`},
	{regexp.MustCompile(`zones: int & >=2`), `zones: 3`},
	{regexp.MustCompile(`p50:\s+string`), `p50: "300ms"`},
	{regexp.MustCompile(`p99:\s+string`), `p99: "1.5s"`},
	{regexp.MustCompile(`availability: string`), `availability: "99.9%"`},
	{regexp.MustCompile(`(?m)^(\s+)("?[a-z][\w-]*"?): string$`), `${1}${2}: "3s"`}, // the SLO's p99 per operation
	{regexp.MustCompile(`monthlyUSD: number`), `monthlyUSD: 20000`},
}

// TestImportThenValidateThenReview is the workflow the import exists for:
// import a deployment, see validate list exactly the questions (each at
// its line), answer them, and get a review.
func TestImportThenValidateThenReview(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"webapp", []string{"compose", "../importer/testdata/compose/webapp.yml"}},
		{"pipeline", []string{"compose", "../importer/testdata/compose/pipeline.yml"}},
		{"microservices", []string{"compose", "../importer/testdata/compose/microservices.yml"}},
		{"kubernetes", []string{"kubernetes", "../importer/testdata/kubernetes/shop"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			design := filepath.Join(t.TempDir(), "design.cue")
			_, stderr, code := runCLI(append([]string{"import"}, append(c.args, "-o", design)...)...)
			if code != ExitOK {
				t.Fatalf("import exit %d: %s", code, stderr)
			}
			if !strings.Contains(stderr, "questions to answer") {
				t.Errorf("import did not say what is left: %s", stderr)
			}
			// Importing again over the file needs --force.
			if _, stderr, code := runCLI(append([]string{"import"}, append(c.args, "-o", design)...)...); code != ExitInvalid || !strings.Contains(stderr, "already exists") {
				t.Errorf("second import without --force: exit %d %s", code, stderr)
			}
			text, err := os.ReadFile(design)
			if err != nil {
				t.Fatal(err)
			}
			questions := strings.Count(string(text), "QUESTION:")
			_, stderr, code = runCLI("validate", design)
			if code != ExitInvalid {
				t.Fatalf("validate of the unanswered import: exit %d, want 2\n%s", code, stderr)
			}
			// Every problem validate lists is a question the import asked,
			// just above the open field.
			src := strings.Split(string(text), "\n")
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			for _, l := range lines {
				m := reLine.FindStringSubmatch(l)
				if m == nil || !strings.Contains(l, "missing value") {
					t.Errorf("validate line is not a positioned missing value: %q", l)
					continue
				}
				n, _ := strconv.Atoi(m[1])
				asked := false
				for i := max(0, n-4); i < n && i < len(src); i++ {
					asked = asked || strings.Contains(src[i], "QUESTION:")
				}
				if !asked {
					t.Errorf("validate reports line %d, which no QUESTION asks about: %q", n, l)
				}
			}
			if len(lines) < questions/2 {
				t.Errorf("validate listed %d problems for %d questions:\n%s", len(lines), questions, stderr)
			}
			answered := string(text)
			for _, a := range answers {
				answered = a.re.ReplaceAllString(answered, a.with)
			}
			if err := os.WriteFile(design, []byte(answered), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, stderr, code := runCLI("validate", design); code != ExitOK {
				t.Fatalf("validate of the answered import: exit %d\n%s\n%s", code, stderr, answered)
			}
			out, stderr, code := runCLI("review", "--fail-on", "critical", design)
			if code == ExitInvalid || !strings.Contains(out, "PASS:") && !strings.Contains(out, "FAIL:") {
				t.Fatalf("review of the answered import: exit %d\n%s%s", code, out, stderr)
			}
		})
	}
}
