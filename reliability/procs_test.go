package reliability

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
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

// need returns the path of a binary the tests use. Once the tests are
// enabled, a missing binary is a failure: CI must install it.
func need(t *testing.T, name, hint string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (%s); the reliability tests need it (scripts/ci-tools.sh installs it in CI)", name, hint)
	}
	return p
}

// freePort asks the kernel for a free TCP port on 127.0.0.1.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// listening reports whether something accepts connections on addr.
func listening(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err == nil {
		c.Close()
	}
	return err == nil
}

// waitFor polls ok every 50ms until it holds or d has passed.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logBuffer keeps the last 64 KiB a process wrote, for failure messages.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
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

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// proc is a process a test started. Tests signal it by its own PID only,
// and its cleanup stops it even when the test fails.
type proc struct {
	name string
	cmd  *exec.Cmd
	out  *logBuffer
	done chan struct{}
	err  error // from Wait, once done is closed
	// stopSignal asks the process to stop cleanly (SIGTERM for most;
	// PostgreSQL's "fast" shutdown is SIGINT).
	stopSignal syscall.Signal
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
	cmd := exec.Command(bin, args...)
	cmd.Dir = o.dir
	cmd.Env = o.env
	out := &logBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own process group: a ^C in the terminal reaches the test, which
	// then stops the process itself, in order.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: o.cred}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	p := &proc{name: name, cmd: cmd, out: out, done: make(chan struct{}), stopSignal: o.stopSignal}
	if p.stopSignal == 0 {
		p.stopSignal = syscall.SIGTERM
	}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(10 * time.Second)
		if t.Failed() {
			t.Logf("last output of %s (pid %d):\n%s", p.name, p.pid(), tail(p.out.String(), 25))
		}
	})
	return p
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to this process only (never its group or a name).
func (p *proc) signal(sig syscall.Signal) error {
	if p.exited() {
		return errors.New(p.name + " has already exited")
	}
	return p.cmd.Process.Signal(sig)
}

// wait waits up to d for the process to exit.
func (p *proc) wait(d time.Duration) bool {
	select {
	case <-p.done:
		return true
	case <-time.After(d):
		return false
	}
}

// stop asks the process to stop, and kills it if it has not within d.
func (p *proc) stop(d time.Duration) {
	if p.exited() {
		return
	}
	_ = p.signal(p.stopSignal)
	if !p.wait(d) {
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// exitCode is the process's exit status, or -1 if a signal ended it.
func (p *proc) exitCode() int {
	<-p.done
	return p.cmd.ProcessState.ExitCode()
}

func (p *proc) String() string { return fmt.Sprintf("%s (pid %d)", p.name, p.pid()) }
