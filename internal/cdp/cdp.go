// Package cdp drives a headless Chromium over the DevTools protocol, for
// tests that must see a page the way a reader does: that it loads without
// console errors, what it measures like, and a screenshot. It is a small
// client (commands, replies and events over one websocket), not a browser
// automation library, and it is used only by tests.
package cdp

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/net/websocket"
)

// Flags start Chromium quietly: headless, without a GPU, without the
// sandbox (CI containers run as root), and without any traffic of its own
// (updates, sync, safe browsing, first-run pages).
var Flags = []string{
	"--headless",
	"--no-sandbox",
	"--disable-gpu",
	"--disable-background-networking",
	"--no-first-run",
	"--disable-component-update",
	"--disable-sync",
	"--disable-default-apps",
	"--disable-extensions",
	"--hide-scrollbars",
	"--mute-audio",
}

// Find returns the Chromium executable: $CHROMIUM when set, else the
// first of the usual names on PATH.
func Find() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found on PATH (apt-get install chromium, or set $CHROMIUM)")
}

// Browser is one Chromium process and the connection to it.
type Browser struct {
	cmd  *exec.Cmd
	ws   *websocket.Conn
	done chan struct{}

	mu      sync.Mutex
	nextID  int64
	pending map[int64]chan reply
	events  []Event
	waiters []*waiter
	readErr error
	stderr  strings.Builder
}

// Event is a message the browser sent on its own.
type Event struct {
	Method    string          `json:"method"`
	Params    json.RawMessage `json:"params"`
	SessionID string          `json:"sessionId"`
}

type reply struct {
	Result json.RawMessage
	Err    error
}

type waiter struct {
	match func(Event) bool
	ch    chan Event
}

var devtoolsURL = regexp.MustCompile(`DevTools listening on (ws://\S+)`)

// Launch starts Chromium with a fresh profile in userDataDir and connects
// to it. The process runs in its own process group, so Close can end it
// and every helper process it started.
func Launch(ctx context.Context, bin, userDataDir string) (*Browser, error) {
	args := append([]string{}, Flags...)
	args = append(args, "--user-data-dir="+userDataDir, "--remote-debugging-port=0",
		"--remote-allow-origins=http://localhost", "about:blank")
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	b := &Browser{cmd: cmd, pending: map[int64]chan reply{}, done: make(chan struct{})}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			b.mu.Lock()
			b.stderr.WriteString(line + "\n")
			b.mu.Unlock()
			if m := devtoolsURL.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	var url string
	select {
	case url = <-found:
	case <-ctx.Done():
		b.kill()
		return nil, fmt.Errorf("chromium did not print its DevTools address: %w\n%s", ctx.Err(), b.Stderr())
	case <-time.After(30 * time.Second):
		b.kill()
		return nil, fmt.Errorf("chromium did not print its DevTools address within 30s\n%s", b.Stderr())
	}
	ws, err := websocket.Dial(url, "", "http://localhost")
	if err != nil {
		b.kill()
		return nil, fmt.Errorf("connecting to %s: %w", url, err)
	}
	ws.MaxPayloadBytes = 256 << 20
	b.ws = ws
	go b.read()
	return b, nil
}

// Stderr is what Chromium has written to its standard error so far.
func (b *Browser) Stderr() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stderr.String()
}

func (b *Browser) read() {
	defer close(b.done)
	for {
		var msg []byte
		if err := websocket.Message.Receive(b.ws, &msg); err != nil {
			b.mu.Lock()
			b.readErr = err
			for id, ch := range b.pending {
				ch <- reply{Err: fmt.Errorf("connection closed: %w", err)}
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m struct {
			ID     int64           `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
			Event
		}
		if err := json.Unmarshal(msg, &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				r := reply{Result: m.Result}
				if m.Error != nil {
					r.Err = fmt.Errorf("%s (code %d)", m.Error.Message, m.Error.Code)
				}
				ch <- r
			}
		} else if m.Method != "" {
			b.events = append(b.events, m.Event)
			kept := b.waiters[:0]
			for _, w := range b.waiters {
				if w.match(m.Event) {
					w.ch <- m.Event
				} else {
					kept = append(kept, w)
				}
			}
			b.waiters = kept
		}
		b.mu.Unlock()
	}
}

// Call sends one command (to a page's session when sessionID is set) and
// decodes its result into result, which may be nil.
func (b *Browser) Call(ctx context.Context, sessionID, method string, params, result any) error {
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return b.readErr
	}
	b.nextID++
	id := b.nextID
	ch := make(chan reply, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if sessionID != "" {
		msg["sessionId"] = sessionID
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if err := websocket.Message.Send(b.ws, string(data)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case r := <-ch:
		if r.Err != nil {
			return fmt.Errorf("%s: %w", method, r.Err)
		}
		if result != nil {
			return json.Unmarshal(r.Result, result)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

// Mark is a point in the event stream, for waiting on what comes after it.
func (b *Browser) Mark() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.events)
}

// Wait returns the first event since mark (see Mark) for which match is
// true, waiting for it if it has not come yet.
func (b *Browser) Wait(ctx context.Context, mark int, match func(Event) bool) (Event, error) {
	b.mu.Lock()
	for _, e := range b.events[min(mark, len(b.events)):] {
		if match(e) {
			b.mu.Unlock()
			return e, nil
		}
	}
	w := &waiter{match: match, ch: make(chan Event, 1)}
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()
	select {
	case e := <-w.ch:
		return e, nil
	case <-ctx.Done():
		return Event{}, ctx.Err()
	}
}

// Events returns every event received so far.
func (b *Browser) Events() []Event {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Event(nil), b.events...)
}

// Close asks Chromium to quit, then ends its process group if it has not
// within a few seconds.
func (b *Browser) Close() error {
	if b.ws != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		b.Call(ctx, "", "Browser.close", nil, nil)
		cancel()
		b.ws.Close()
	}
	exited := make(chan error, 1)
	go func() { exited <- b.cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	// Helpers (the zygote, renderers) may outlive the browser process.
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	return nil
}

// kill ends the browser's process group after a failed start and reaps
// the browser.
func (b *Browser) kill() {
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	b.cmd.Wait()
}
