package reliability

import (
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/internal/proctest"
)

// enabled reports whether the fault tests run: in CI, or when asked.
func enabled() bool {
	return os.Getenv("CI") == "true" || os.Getenv("RELIABILITY_TESTS") == "1"
}

// requireEnabled skips the test on a developer machine that did not ask for
// the fault tests; in CI it never skips.
func requireEnabled(t *testing.T) {
	t.Helper()
	if !enabled() {
		t.Skip("fault tests need redis-server, nats-server, PostgreSQL and gosec; set RELIABILITY_TESTS=1 (CI=true does) to run them")
	}
}

// The helpers below are internal/proctest's, under the names the fault
// tests use.

// need returns the path of a binary the tests use. Once the tests are
// enabled, a missing binary is a failure: CI must install it.
func need(t *testing.T, name, hint string) string {
	t.Helper()
	return proctest.Need(t, name, hint)
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	return proctest.FreePort(t)
}

// listening reports whether something accepts connections on addr.
func listening(addr string) bool { return proctest.Listening(addr) }

// waitFor polls ok every 50ms until it holds or d has passed.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	proctest.WaitFor(t, what, d, ok)
}

// tail returns the last n lines of s.
func tail(s string, n int) string { return proctest.Tail(s, n) }

// proc is a process a test started (a proctest.Proc). Tests signal it by
// its own PID only, and its cleanup stops it even when the test fails.
type proc struct {
	*proctest.Proc
	name string
	out  *proctest.Log
	err  error // from Wait, once exited, wait or exitCode has seen it exit
}

type procOptions struct {
	dir        string
	env        []string // the whole environment; nil inherits the test's
	cred       *syscall.Credential
	stopSignal syscall.Signal
}

// startProc starts bin and registers a cleanup that stops it by PID.
func startProc(t *testing.T, name string, o procOptions, bin string, args ...string) *proc {
	t.Helper()
	p := proctest.Start(t, name, proctest.Options{Dir: o.dir, Env: o.env, Cred: o.cred, StopSignal: o.stopSignal}, bin, args...)
	return &proc{Proc: p, name: name, out: p.Out}
}

func (p *proc) pid() int { return p.PID() }

func (p *proc) exited() bool { return p.seen(p.Exited()) }

// seen records Wait's error once the process is known to have exited.
func (p *proc) seen(exited bool) bool {
	if exited {
		p.err = p.Err()
	}
	return exited
}

// signal sends sig to this process only (never its group or a name).
func (p *proc) signal(sig syscall.Signal) error { return p.Signal(sig) }

// wait waits up to d for the process to exit.
func (p *proc) wait(d time.Duration) bool { return p.seen(p.Wait(d)) }

// stop asks the process to stop, and kills it if it has not within d.
func (p *proc) stop(d time.Duration) {
	p.Stop(d)
	p.seen(true)
}

// exitCode is the process's exit status, or -1 if a signal ended it.
func (p *proc) exitCode() int {
	code := p.ExitCode()
	p.seen(true)
	return code
}
