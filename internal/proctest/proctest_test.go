package proctest

import (
	"net"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestStartStopsByPID(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script string
		stop   syscall.Signal
		code   int // -1: ended by a signal
	}{
		{"a process that exits by itself", "echo hello; exit 3", 0, 3},
		{"a process stopped by SIGTERM", "echo hello; exec sleep 60", 0, -1},
		{"a process stopped by its own signal", "echo hello; exec sleep 60", syscall.SIGINT, -1},
		{"a process that ignores its stop signal is killed", "trap '' TERM; echo hello; while :; do sleep 0.1; done", 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Start(t, "sh", Options{StopSignal: tc.stop}, "/bin/sh", "-c", tc.script)
			WaitFor(t, "its output", 10*time.Second, func() bool { return strings.Contains(p.Out.String(), "hello") })
			if tc.code >= 0 {
				if got := p.ExitCode(); got != tc.code {
					t.Fatalf("exit code %d, want %d", got, tc.code)
				}
				if p.Err() == nil {
					t.Error("a failed exit has no error")
				}
				return
			}
			if p.Exited() {
				t.Fatal("exited before it was stopped")
			}
			p.Stop(500 * time.Millisecond)
			if !p.Exited() || p.ExitCode() != -1 {
				t.Fatalf("after Stop: exited %v, code %d", p.Exited(), p.ExitCode())
			}
			if err := p.Signal(syscall.SIGTERM); err == nil {
				t.Error("a signal to an exited process was sent")
			}
		})
	}
}

func TestFreePortIsListenable(t *testing.T) {
	port := FreePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if Listening(addr) {
		t.Fatalf("something already listens on %s", addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if !Listening(addr) {
		t.Fatalf("Listening(%s) is false while a listener is open", addr)
	}
}

func TestLogKeepsTheEnd(t *testing.T) {
	var l Log
	line := strings.Repeat("x", 1023) + "\n"
	for i := 0; i < 200; i++ {
		l.Write([]byte(line))
	}
	l.Write([]byte("last\n"))
	s := l.String()
	if len(s) > 128<<10 || len(s) < 64<<10 {
		t.Errorf("kept %d bytes, want 64 to 128 KiB", len(s))
	}
	if Tail(s, 1) != "last" {
		t.Errorf("the last line is %q", Tail(s, 1))
	}
}
