// Package proctest starts and stops the processes that tests run against:
// servers on free ports of 127.0.0.1, waited for until they answer, and
// stopped by their own PID (never by name or process group) when the test
// ends, even when it fails. It is for tests only.
package proctest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Need returns the path of a binary the tests use. Tests call it once they
// have decided to run: a missing binary is then a failure, not a skip.
func Need(t testing.TB, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (%s): these tests need it (scripts/ci-tools.sh installs it in CI)", name, hint)
	}
	return p
}

// FreePort asks the kernel for a free TCP port on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Listening reports whether something accepts connections on addr.
func Listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// WaitFor polls ok every 50 ms until it holds, and fails the test if d
// passes first.
func WaitFor(t testing.TB, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Log keeps the last 64 KiB to 128 KiB a process wrote, for the test to
// read while it runs and for failure messages.
type Log struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Log) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if b.buf.Len() > 128<<10 {
		keep := append([]byte(nil), b.buf.Bytes()[b.buf.Len()-64<<10:]...)
		b.buf.Reset()
		b.buf.Write(keep)
	}
	return len(p), nil
}

func (b *Log) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Options say how Start runs a process.
type Options struct {
	Dir  string
	Env  []string // the whole environment; nil inherits the test's
	Cred *syscall.Credential
	// StopSignal asks the process to stop cleanly: SIGTERM unless set
	// (PostgreSQL's "fast" shutdown is SIGINT).
	StopSignal syscall.Signal
	// WaitDelay bounds how long Wait waits for the output once the
	// process has exited: children that outlive it (nginx's workers)
	// would otherwise hold the pipe open.
	WaitDelay time.Duration
}

// Proc is a process a test started. Tests signal it by its own PID only.
type Proc struct {
	Name string
	Cmd  *exec.Cmd
	Out  *Log
	done chan struct{}
	err  error // from Wait, once done is closed
	stop syscall.Signal
}

// Start starts bin in its own process group (a ^C in the terminal reaches
// the test, which then stops the process itself, in order) and registers
// a cleanup that stops it by PID, and logs its last output if the test
// failed.
func Start(t testing.TB, name string, o Options, bin string, args ...string) *Proc {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = o.Dir
	cmd.Env = o.Env
	cmd.WaitDelay = o.WaitDelay
	out := &Log{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: o.Cred}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &Proc{Name: name, Cmd: cmd, Out: out, done: make(chan struct{}), stop: o.StopSignal}
	if p.stop == 0 {
		p.stop = syscall.SIGTERM
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.Stop(10 * time.Second)
		if t.Failed() {
			t.Logf("last output of %s (pid %d):\n%s", p.Name, p.PID(), Tail(p.Out.String(), 30))
		}
	})
	return p
}

// PID is the process's own ID.
func (p *Proc) PID() int { return p.Cmd.Process.Pid }

// Exited reports whether the process has exited.
func (p *Proc) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Signal sends sig to this process only (never its group or a name).
func (p *Proc) Signal(sig syscall.Signal) error {
	if p.Exited() {
		return errors.New(p.Name + " has already exited")
	}
	return p.Cmd.Process.Signal(sig)
}

// Wait waits up to d for the process to exit.
func (p *Proc) Wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// Err is what waiting for the process returned; nil before it exits.
func (p *Proc) Err() error {
	if !p.Exited() {
		return nil
	}
	return p.err
}

// Stop asks the process to stop with its stop signal, and kills it if it
// has not within d.
func (p *Proc) Stop(d time.Duration) {
	if p.Exited() {
		return
	}
	_ = p.Signal(p.stop)
	if !p.Wait(d) {
		_ = p.Cmd.Process.Kill()
		<-p.done
	}
}

// ExitCode waits for the process and returns its exit status, or -1 if a
// signal ended it.
func (p *Proc) ExitCode() int {
	<-p.done
	return p.Cmd.ProcessState.ExitCode()
}

func (p *Proc) String() string { return fmt.Sprintf("%s (pid %d)", p.Name, p.PID()) }
