//go:build unix

package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"syscall"
	"testing"

	"github.com/creack/pty"
)

// TestCommandsDoNotQueryTheTerminal runs commands that ask nothing on a
// terminal that never answers, as some CI terminals and `script` are. A
// command that asks the terminal something (its background colour, OSC
// 11, or the cursor's position) waits for an answer that never comes: huh
// v1's Bubble Tea asked in its package init, so every command of tradeoff
// stalled five seconds there. The test reads what the command wrote to the
// terminal and fails on any query, which is deterministic, rather than
// timing the command.
func TestCommandsDoNotQueryTheTerminal(t *testing.T) {
	bin := tradeoffBinary(t)
	for _, args := range [][]string{
		{"version"},
		{"--help"},
		{"validate", "../../examples/shortener.cue"},
		{"estimate", "../../examples/shortener.cue"},
		{"review", "../../examples/shortener.cue"},
	} {
		t.Run(args[0], func(t *testing.T) {
			out := runOnSilentTerminal(t, bin, args...)
			for _, query := range []string{"\x1b]11;?", "\x1b]10;?", "\x1b[6n", "\x1b[c"} {
				if bytes.Contains(out, []byte(query)) {
					t.Errorf("tradeoff %v asked the terminal %q; it wrote:\n%q", args, query, out)
				}
			}
			if len(out) == 0 {
				t.Errorf("tradeoff %v wrote nothing to the terminal", args)
			}
		})
	}
}

// runOnSilentTerminal runs bin with a new pseudo-terminal as its
// controlling terminal and standard streams, answers nothing, and returns
// everything it wrote once it has exited.
func runOnSilentTerminal(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	cmd := exec.Command(bin, args...)
	// termenv does not ask a terminal named screen, tmux or dumb; an
	// xterm is asked.
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "NO_COLOR=")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	// Its own session with the terminal as the controlling one, so that it
	// is in the terminal's foreground, as a command typed at a prompt is.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	tty.Close()
	// The read ends (EIO) when the command has exited and closed the
	// terminal.
	var out bytes.Buffer
	io.Copy(&out, ptmx)
	if err := cmd.Wait(); err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatal(err)
		}
	}
	return out.Bytes()
}
