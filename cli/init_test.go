package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/internal/golden"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// linksGolden is the design the "links" answers make. The wizard's test
// writes it by driving the full-screen form with keys; here the flags and
// the piped accessible answers must write exactly the same file.
const linksGolden = "../wizard/testdata/links.golden.cue"

// linksFlags answer as the wizard test's keys do; the questions it leaves
// to their examples (growth, the write's p99, database replicas, hit
// ratio) are left to --yes.
var linksFlags = []string{
	"--name", "links", "--cloud", "gcp", "--footprint", "multi-zone",
	"--read-op", "get-link", "--read-rate", "5k/s", "--write-op", "shorten", "--write-rate", "2M/day",
	"--background", "--peak-factor", "2",
	"--background-op", "count-click", "--background-rate", "5k/s",
	"--read-p99", "30ms", "--availability", "99.9%", "--budget", "none",
	"--lb", "haproxy", "--cache", "redis", "--db", "postgres", "--queue", "rabbitmq",
	"--instances", "6", "--lb-need", "portability", "--cache-memory", "4GiB", "--mutable",
	"--read-consistency", "read-your-writes", "--write-consistency", "strong", "--background-consistency", "eventual",
	"--observe", "metrics,percentiles,logs,traces", "--alerts", "symptoms",
}

// linksLines are the same answers piped to accessible mode, one line per
// prompt; an empty line keeps the example or the preselected option.
var linksLines = []string{
	// Screen 1: name, cloud (2 = gcp), footprint, read-op, read-rate,
	// write-op, write-rate, background, peak-factor, growth.
	"links", "2", "", "get-link", "5k/s", "shorten", "2M/day", "", "2", "",
	// Screen 2: background-op, background-rate, read-p99, write-p99,
	// availability, budget, lb (3 = haproxy), cache, db, queue (gcp
	// offers rabbitmq, kafka, nats: 1 = rabbitmq).
	"count-click", "5k/s", "30ms", "", "99.9%", "none", "3", "", "", "1",
	// Screen 3: instances, db-replicas, lb-need (2 = portability),
	// cache-memory, hit-ratio, mutable, read-consistency (2 =
	// read-your-writes), write-consistency, background-consistency,
	// observe (untick 5 = uptime probe, then 0 to confirm), alerts.
	"6", "", "2", "4GiB", "", "y", "2", "", "", "5", "0", "",
	// Screen 4: add a component (an empty line keeps none).
	"",
}

type initResult struct {
	code           int
	stdout, stderr string
}

func runInit(t *testing.T, stdin string, env map[string]string, args ...string) initResult {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return env[k] }}
	code := app.Run(append([]string{"init"}, args...))
	return initResult{code, out.String(), errb.String()}
}

func readGolden(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInitFlagsWriteTheSameDesignAsTheForm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.cue")
	r := runInit(t, "", nil, append(linksFlags, "--yes", path)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := readGolden(t, path)
	if want := readGolden(t, linksGolden); !bytes.Equal(got, want) {
		t.Errorf("the flags wrote a different design from the form's %s:\n%s", linksGolden, got)
	}
	if !strings.Contains(r.stdout, `ok (design "links", 3 operations on gcp, multi-zone)`) {
		t.Errorf("no validate summary in:\n%s", r.stdout)
	}
}

func TestInitFlagsAloneNeedNoTerminal(t *testing.T) {
	// Every question answered, or not asked, by a flag: no --yes needed.
	dir := t.TempDir()
	path := filepath.Join(dir, "all.cue")
	args := append([]string{}, linksFlags...)
	args = append(args, "--growth", "10", "--write-p99", "200ms", "--db-replicas", "2", "--hit-ratio", "90%", "--add1", "none", path)
	if r := runInit(t, "", nil, args...); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if _, err := schema.Load(path, nil); err != nil {
		t.Fatal(err)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestInitAccessibleWithPipedAnswers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.cue")
	r := runInit(t, strings.Join(linksLines, "\n")+"\n", nil, "--accessible", path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := readGolden(t, path)
	if want := readGolden(t, linksGolden); !bytes.Equal(got, want) {
		t.Errorf("piped accessible answers wrote a different design from %s:\n%s", linksGolden, got)
	}
	// The transcript: every prompt with its hint, for a screen reader.
	transcript := ansi.ReplaceAllString(r.stderr, "")
	golden.Check(t, "testdata/init_accessible.golden", []byte(transcript))
	for _, hint := range []string{
		"How to choose: on a cloud, start with the managed load balancer",
		"How to choose: reach for Redis by default",
		"Rule of thumb: start relational",
		"How to choose: for plain background jobs, a managed queue (SQS) or RabbitMQ is the least work",
	} {
		if !strings.Contains(transcript, hint) {
			t.Errorf("the transcript lacks the hint %q", hint)
		}
	}
}

func TestInitAccessibleAsksAgainAfterAnInvalidAnswer(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.cue")
	lines := append([]string{}, linksLines...)
	// A rate without a period, then a valid one; a select out of range,
	// then a valid one.
	lines = append(lines[:4], append([]string{"5000"}, lines[4:]...)...)
	lines = append(lines[:2], append([]string{"7"}, lines[2:]...)...)
	r := runInit(t, strings.Join(lines, "\n")+"\n", map[string]string{"ACCESSIBLE": "1"}, path)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !bytes.Equal(readGolden(t, path), readGolden(t, linksGolden)) {
		t.Errorf("a corrected answer wrote a different design")
	}
	for _, msg := range []string{"write a count per period", "Invalid: must be a number between 1 and 3"} {
		if !strings.Contains(r.stderr, msg) {
			t.Errorf("no %q in the transcript", msg)
		}
	}
}

func TestInitAccessibleInputThatEndsEarlyWritesNothing(t *testing.T) {
	for _, input := range []string{
		"",
		"links\n2\n",
		strings.Join(linksLines[:25], "\n") + "\n",
		// The last line invalid, then the end: huh would index its options
		// with it.
		"links\n9",
		"links\n2\n\nget\n5k/s\nput\n2M/day\n\n2\n\nclick\n5k/s\n30ms\n\n99.9%\nnone\n3\n\n\n9",
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "design.cue")
		r := runInit(t, input, nil, "--accessible", path)
		if r.code != ExitInvalid || !strings.Contains(r.stderr, "standard input ended before every question was answered: nothing written") {
			t.Errorf("input %q: exit %d, stderr:\n%s", input, r.code, r.stderr)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("input %q left %v behind", input, entries)
		}
	}
}

func TestInitWithoutATerminalFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	r := runInit(t, "links\n", nil, filepath.Join(dir, "design.cue"))
	if r.code != ExitInvalid {
		t.Fatalf("exit %d, want %d", r.code, ExitInvalid)
	}
	for _, hint := range []string{"standard input is not a terminal", "--yes", "--accessible"} {
		if !strings.Contains(r.stderr, hint) {
			t.Errorf("no %q in: %s", hint, r.stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("left %v behind", entries)
	}
}

func TestInitNeverOverwritesWithoutForce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "design.cue")
	if err := os.WriteFile(path, []byte("// mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runInit(t, "", nil, "--yes", path)
	if r.code != ExitInvalid || !strings.Contains(r.stderr, "already exists: pass --force") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(path); string(b) != "// mine\n" {
		t.Fatalf("the file was changed: %q", b)
	}
	// Even when the file appears while the questions are being answered.
	os.Remove(path)
	if err := writeNew(path, []byte("new\n"), false); err != nil {
		t.Fatal(err)
	}
	if err := writeNew(path, []byte("newer\n"), false); err == nil {
		t.Fatal("writeNew overwrote an existing file")
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Fatalf("the file was changed: %q", b)
	}
	if r := runInit(t, "", nil, "--yes", "--force", path); r.code != 0 {
		t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left behind: %v", entries)
	}
}

func TestInitFlagErrorsExitTwo(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--read-rate", "lots"}, `--read-rate "lots": write a count per period`},
		{[]string{"--cloud", "oracle"}, `--cloud "oracle": choose one of aws, gcp, azure`},
		{[]string{"--background=false", "--queue", "kafka"}, "--queue does not apply: there is no background work"},
		{[]string{"--cloud", "gcp", "--queue", "sqs"}, "sqs is AWS-only, but the cloud is gcp"},
		{[]string{"--availability", "100%"}, "no machine has 100% uptime"},
		{[]string{"design.yaml"}, "init writes CUE"},
	}
	for _, tt := range tests {
		dir := t.TempDir()
		args := append(append([]string{"--yes"}, tt.args...), filepath.Join(dir, "d.cue"))
		if tt.args[0] == "design.yaml" {
			args = []string{"--yes", filepath.Join(dir, "design.yaml")}
		}
		r := runInit(t, "", nil, args...)
		if r.code != ExitInvalid || !strings.Contains(r.stderr, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", tt.args, r.code, r.stderr, tt.want)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%v left %v behind", tt.args, entries)
		}
	}
}
