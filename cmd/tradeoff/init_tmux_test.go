package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// These tests run the real full-screen form in a terminal: tmux types the
// answers (send-keys) and reads the screen (capture-pane). They need
// Debian's tmux, which scripts/ci-tools.sh installs; they run when CI=true
// or TMUX_TESTS=1, and then fail, rather than skip, if tmux is missing.

func needTmux(t *testing.T) string {
	t.Helper()
	if os.Getenv("CI") != "true" && os.Getenv("TMUX_TESTS") == "" {
		t.Skip("runs the form in tmux when CI=true or TMUX_TESTS=1")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatal("tmux is not installed (scripts/ci-tools.sh installs it): ", err)
	}
	return tmux
}

// terminal is one tmux session, on a server of its own, running a command.
type terminal struct {
	t      *testing.T
	tmux   string
	socket string
}

func startTerminal(t *testing.T, tmux, dir string, command string) *terminal {
	t.Helper()
	// A server of its own, whose socket goes with the test's directory.
	term := &terminal{t: t, tmux: tmux, socket: filepath.Join(t.TempDir(), "tmux")}
	// The pane stays for a while after the command, so that its last
	// screen can be read; the server is killed when the test ends.
	shell := fmt.Sprintf("%s; echo EXIT=$?; sleep 60", command)
	term.cmd("-f", "/dev/null", "new-session", "-d", "-s", "init", "-x", "100", "-y", "40", "-c", dir, shell)
	t.Cleanup(func() { exec.Command(tmux, "-S", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) cmd(args ...string) string {
	term.t.Helper()
	out, err := exec.Command(term.tmux, append([]string{"-S", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (term *terminal) screen() string { return term.cmd("capture-pane", "-p", "-t", "init") }

// waitFor waits until the screen shows text.
func (term *terminal) waitFor(text string) {
	term.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := term.screen()
		if strings.Contains(s, text) {
			return
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q; it shows:\n%s", text, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keys types into the pane: text literally, and named keys such as Enter.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if k == "" {
			continue
		}
		switch k {
		case "Enter", "Down", "Up", "C-c", "C-u":
			term.cmd("send-keys", "-t", "init", k)
		default:
			term.cmd("send-keys", "-t", "init", "-l", k)
		}
	}
}

// prompt is one prompt and what is typed once it shows.
type prompt struct {
	text string
	keys []string
}

// answer waits for each prompt, then types its keys.
func (term *terminal) answer(prompts ...prompt) {
	term.t.Helper()
	for _, p := range prompts {
		term.waitFor(p.text)
		term.keys(p.keys...)
	}
}

// interruptAfterName runs init with args in an empty directory, names the
// system, presses Ctrl-C once next shows, and checks that init says so and
// leaves nothing behind.
func interruptAfterName(t *testing.T, tmux, args, name, next string) {
	t.Helper()
	dir := t.TempDir()
	term := startTerminal(t, tmux, dir, tradeoffBinary(t)+" init "+args)
	term.answer(prompt{name, []string{"halfway", "Enter"}}, prompt{next, []string{"C-c"}})
	term.waitFor("EXIT=2")
	if s := term.screen(); !strings.Contains(s, "init cancelled: nothing written") {
		t.Errorf("no word of the cancel:\n%s", s)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("ctrl+c left %v behind", entries)
	}
}

func tradeoffBinary(t *testing.T) string {
	t.Helper()
	// testscript.Main put a copy of this test binary, run as tradeoff, on
	// PATH.
	bin, err := exec.LookPath("tradeoff")
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestInitInATerminal answers the "links" design in the real form, one
// field at a time, waiting for each field to take the focus (the form
// marks it with ┃) before typing: keys typed ahead of a focus change would
// land in the wrong field. The file written must validate and be the very
// file the same answers make by flags or piped to accessible mode.
func TestInitInATerminal(t *testing.T) {
	tmux := needTmux(t)
	dir := t.TempDir()
	term := startTerminal(t, tmux, dir, tradeoffBinary(t)+" init links.cue")
	term.answer(
		prompt{"┃ Name of the system", []string{"links", "Enter"}},
		prompt{"┃ Cloud", []string{"Down", "Enter"}},
		prompt{"┃ Footprint", []string{"Enter"}},
		prompt{"┃ Name the read users do most", []string{"get-link", "Enter"}},
		prompt{"┃ Average rate of get-link", []string{"5k/s", "Enter"}},
		prompt{"┃ Name the main write", []string{"shorten", "Enter"}},
		prompt{"┃ Average rate of shorten", []string{"2M/day", "Enter"}},
		prompt{"┃ Is there slow or follow-up work", []string{"Enter"}},
		prompt{"┃ Peak factor", []string{"2", "Enter"}},
		prompt{"┃ Growth per year", []string{"Enter"}},
		prompt{"┃ Name the background work", []string{"count-click", "Enter"}},
		prompt{"┃ Average rate of count-click", []string{"5k/s", "Enter"}},
		prompt{"┃ p99 latency for get-link", []string{"30ms", "Enter"}},
		prompt{"┃ p99 latency for shorten", []string{"Enter"}},
		prompt{"┃ Availability", []string{"99.9%", "Enter"}},
		prompt{"┃ Monthly budget in USD", []string{"none", "Enter"}},
		prompt{"┃ Load balancer", []string{"Down", "Down", "Enter"}},
		prompt{"┃ Cache", []string{"Enter"}},
		prompt{"┃ Database", []string{"Enter"}},
		prompt{"┃ Queue for count-click", []string{"Up", "Enter"}},
		prompt{"┃ Application instances", []string{"6", "Enter"}},
		prompt{"┃ Database replicas", []string{"Enter"}},
		prompt{"┃ Why run your own proxy", []string{"Down", "Enter"}},
		prompt{"┃ Cache memory per node", []string{"4GiB", "Enter"}},
		prompt{"┃ Cache hit ratio", []string{"Enter"}},
		prompt{"┃ Can a stored object change", []string{"y"}},
		prompt{"┃ get-link: what must a reader see", []string{"Up", "Enter"}},
		prompt{"┃ shorten: what must a reader see", []string{"Enter"}},
		prompt{"┃ count-click: what must a reader see", []string{"Enter"}},
		prompt{"┃ What will you see in production?", []string{"Down", "Down", "Down", "Down", "x", "Enter"}},
		prompt{"┃ Page on", []string{"Enter"}},
		prompt{"┃ Add a component the shortener does not have?", []string{"Enter"}},
	)
	term.waitFor("EXIT=0")
	if s := term.screen(); !strings.Contains(s, `wrote links.cue: ok (design "links", 3 operations on gcp, multi-zone)`) {
		t.Errorf("no summary on the screen:\n%s", s)
	}
	path := filepath.Join(dir, "links.cue")
	if _, err := schema.Load(path, nil); err != nil {
		t.Fatalf("the design written does not validate: %v", err)
	}
	got, _ := os.ReadFile(path)
	want, err := os.ReadFile("../../wizard/testdata/links.golden.cue")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("the terminal form wrote a different design from the golden one:\n%s", got)
	}
}

// TestInitInATerminalCtrlCLeavesNothing interrupts the form halfway.
func TestInitInATerminalCtrlCLeavesNothing(t *testing.T) {
	interruptAfterName(t, needTmux(t), "halfway.cue", "┃ Name of the system", "┃ Cloud")
}

// TestInitAccessibleInATerminal answers the accessible prompts typed at a
// terminal, then interrupts a second run: Ctrl-C must end a prompt that
// is waiting for a line, and leave nothing behind.
func TestInitAccessibleInATerminal(t *testing.T) {
	tmux := needTmux(t)
	dir := t.TempDir()
	term := startTerminal(t, tmux, dir, tradeoffBinary(t)+" init --accessible --name typed --cloud azure --footprint single-node --background=false --lb none --cache none --db mysql --read-rate 20/s acc.cue")
	// The questions no flag answered, each with its answer: an empty one
	// keeps the example. A terminal holds lines typed ahead, so waiting
	// for each title is for the transcript's sake, not the answer's.
	var prompts []prompt
	for _, qa := range [][2]string{
		{"Name the read users do most", ""},
		{"Name the main write", ""},
		{"Average rate of create", ""},
		{"Peak factor", ""},
		{"Growth per year", ""},
		{"p99 latency for redirect", ""},
		{"p99 latency for create", ""},
		{"Availability", "99.9%"},
		{"Monthly budget in USD", "none"},
		{"redirect: what must a reader see", ""},
		{"create: what must a reader see", ""},
		{"What will you see in production?", "0"},
		{"Page on", ""},
		// The loop, typed at a terminal: a search service called by
		// the read, then no more.
		{"Add a component the shortener does not have?", "2"},
		{"Name of the new component", "search"},
		{"Which operation calls it?", ""},
		{"Instances of the new service", "3"},
		{"Another component (2 of up to 3)", ""},
	} {
		prompts = append(prompts, prompt{qa[0], []string{qa[1], "Enter"}})
	}
	term.answer(prompts...)
	term.waitFor("EXIT=0")
	d, err := schema.Load(filepath.Join(dir, "acc.cue"), nil)
	if err != nil {
		t.Fatalf("the design written does not validate: %v\n%s", err, term.screen())
	}
	if c := d.Components["search"]; c == nil || c.Kind != "service" || c.Instances != 3 {
		t.Errorf("the service added at the terminal is not in the design: %+v", c)
	}

	interruptAfterName(t, tmux, "--accessible halfway.cue", "Name of the system", "Enter a number between 1 and 3")
}

// TestInitInATerminalWithStderrRedirected: the form draws on standard
// error; with it redirected init must refuse at once, not wait for answers
// to questions nobody can see.
func TestInitInATerminalWithStderrRedirected(t *testing.T) {
	tmux := needTmux(t)
	dir := t.TempDir()
	term := startTerminal(t, tmux, dir, tradeoffBinary(t)+" init x.cue 2>err.txt")
	term.waitFor("EXIT=2")
	b, _ := os.ReadFile(filepath.Join(dir, "err.txt"))
	if !strings.Contains(string(b), "init draws its form on standard error, which is not a terminal") {
		t.Errorf("stderr: %s", b)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.cue")); err == nil {
		t.Error("a design was written")
	}
}
