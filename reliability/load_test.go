package reliability

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The fixed load of every fault test: redirects and creates at these rates,
// open loop (a request is sent when it is due, whether or not earlier ones
// have answered), on 127.0.0.1 only. Modest on purpose: the load generator,
// the service and three servers share the CI machine's two cores, and a
// saturated machine would measure itself rather than the fault.
const (
	redirectRate = 200.0 // per second
	createRate   = 20.0  // per second
	// maxInFlight bounds the goroutines a stalled service can pile up; a
	// request that finds no slot is counted as an error ("client: overloaded").
	maxInFlight = 400
)

type opKind int

const (
	redirectOp opKind = iota
	createOp
)

func (k opKind) String() string { return [...]string{"redirect", "create"}[k] }

// link is a code and the URL it must redirect to.
type link struct{ code, url string }

// result is one request of the load.
type result struct {
	op     opKind
	at     time.Duration // when it was due, since the load started
	lat    time.Duration // until the whole response was read
	status int           // 0 if no response
	err    error         // transport error, if any
	ok     bool          // the answer the API promises (302 to the right URL; 201 with a code)
	// rerouted: not sent, because the load balancer had already taken the
	// instance out of rotation (see loadSpec.inRotation).
	rerouted bool
	link     link   // redirect: what was asked; create: what was acknowledged
	key      string // create: the Idempotency-Key sent, if any
}

// loadSpec is what to send.
type loadSpec struct {
	duration time.Duration
	redirect float64 // per second
	create   float64 // per second
	targets  []link  // codes to redirect to, visited round robin
	runID    string  // makes created URLs unique to the run
	// inRotation, if set, models a load balancer: while it is false, due
	// requests go to another instance (recorded as rerouted, not sent).
	inRotation *atomic.Bool
	// idempotencyKeys sends each create with an Idempotency-Key of its own,
	// so a create answered 503 can be retried safely.
	idempotencyKeys bool
}

// loadRun is a load in progress. Tests mark the moments they inject and
// remove faults, then cut the results into phases at those marks.
type loadRun struct {
	spec     loadSpec
	base     string
	client   *http.Client
	t0       time.Time
	mu       sync.Mutex
	results  []result
	marks    map[string]time.Duration
	inflight chan struct{}
	wg       sync.WaitGroup
	done     chan struct{}
	ended    atomic.Bool // end was called: no more requests are sent
}

// loadClient is a plain keep-alive client, as a load balancer or a
// browser would use, that does not follow redirects.
func loadClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = 256
	tr.MaxIdleConnsPerHost = 256
	c := noRedirect(5 * time.Second)
	c.Transport = tr
	return c
}

// startLoadWithControl sends the same load to the instance under a fault
// and to a control instance whose services stay up: the control's figures
// in the same seconds tell the fault's cost from the machine's noise.
func startLoadWithControl(base, controlBase string, spec loadSpec) (l, control *loadRun) {
	l = startLoad(base, spec)
	spec.runID += "-control"
	return l, startLoad(controlBase, spec)
}

func startLoad(base string, spec loadSpec) *loadRun {
	l := &loadRun{spec: spec, base: base, client: loadClient(), t0: time.Now(),
		marks: map[string]time.Duration{}, inflight: make(chan struct{}, maxInFlight), done: make(chan struct{})}
	var dispatchers sync.WaitGroup
	for _, d := range []struct {
		kind opKind
		rate float64
	}{{redirectOp, spec.redirect}, {createOp, spec.create}} {
		if d.rate <= 0 || (d.kind == redirectOp && len(spec.targets) == 0) {
			continue
		}
		dispatchers.Add(1)
		go func() {
			defer dispatchers.Done()
			l.dispatch(d.kind, d.rate)
		}()
	}
	go func() {
		dispatchers.Wait()
		l.wg.Wait()
		l.client.CloseIdleConnections()
		close(l.done)
	}()
	return l
}

// dispatch sends rate requests a second for the load's duration: a bounded
// count, each at its due time.
func (l *loadRun) dispatch(kind opKind, rate float64) {
	interval := time.Duration(float64(time.Second) / rate)
	n := int(l.spec.duration / interval)
	for i := 0; i < n; i++ {
		at := time.Duration(i) * interval
		if d := time.Until(l.t0.Add(at)); d > 0 {
			time.Sleep(d)
		}
		if l.ended.Load() {
			return
		}
		if l.spec.inRotation != nil && !l.spec.inRotation.Load() {
			l.record(result{op: kind, at: at, rerouted: true})
			continue
		}
		select {
		case l.inflight <- struct{}{}:
		default:
			l.record(result{op: kind, at: at, err: errors.New("client: overloaded")})
			continue
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer func() { <-l.inflight }()
			l.record(l.do(kind, i, at))
		}()
	}
}

func (l *loadRun) do(kind opKind, i int, at time.Duration) result {
	r := result{op: kind, at: at}
	var req *http.Request
	switch kind {
	case redirectOp:
		r.link = l.spec.targets[i%len(l.spec.targets)]
		req, _ = http.NewRequest(http.MethodGet, l.base+"/"+r.link.code, nil)
	case createOp:
		r.link.url = fmt.Sprintf("https://example.com/%s/%d?q=reliability", l.spec.runID, i)
		body, _ := json.Marshal(map[string]string{"url": r.link.url})
		req, _ = http.NewRequest(http.MethodPost, l.base+"/api/links", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if l.spec.idempotencyKeys {
			r.key = fmt.Sprintf("%s-%d", l.spec.runID, i)
			req.Header.Set("Idempotency-Key", r.key)
		}
	}
	start := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		r.lat, r.err = time.Since(start), err
		return r
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r.lat, r.status, r.err = time.Since(start), resp.StatusCode, err
	if err != nil {
		return r
	}
	switch kind {
	case redirectOp:
		r.ok = resp.StatusCode == http.StatusFound && resp.Header.Get("Location") == r.link.url
	case createOp:
		var out struct{ Code, URL string }
		if resp.StatusCode == http.StatusCreated && json.Unmarshal(data, &out) == nil && out.Code != "" && out.URL == r.link.url {
			r.ok, r.link.code = true, out.Code
		}
	}
	return r
}

func (l *loadRun) record(r result) {
	l.mu.Lock()
	l.results = append(l.results, r)
	l.mu.Unlock()
}

// mark notes that something happened now.
func (l *loadRun) mark(name string) time.Duration {
	at := time.Since(l.t0)
	l.mu.Lock()
	l.marks[name] = at
	l.mu.Unlock()
	return at
}

// end stops sending before the load's duration is up, for a test whose
// phases last as long as the system under test takes (a rolling restart).
func (l *loadRun) end() { l.ended.Store(true) }

// sleepUntil sleeps until the load has run for d.
func (l *loadRun) sleepUntil(d time.Duration) {
	if w := time.Until(l.t0.Add(d)); w > 0 {
		time.Sleep(w)
	}
}

// wait returns every result, in due order, once all requests are answered.
func (l *loadRun) wait() []result {
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	sort.SliceStable(l.results, func(i, j int) bool { return l.results[i].at < l.results[j].at })
	return l.results
}

// pick returns the results of kind due in [from, to).
func pick(rs []result, kind opKind, from, to time.Duration) []result {
	var out []result
	for _, r := range rs {
		if r.op == kind && r.at >= from && r.at < to {
			out = append(out, r)
		}
	}
	return out
}

// summary condenses a phase of the load.
type summary struct {
	n, ok         int
	rerouted      int            // not sent: the instance was out of rotation
	failures      map[string]int // by status or error kind
	p50, p99, max time.Duration  // over every request, answered or not
}

func summarize(rs []result) summary {
	s := summary{n: len(rs), failures: map[string]int{}}
	lats := make([]time.Duration, 0, len(rs))
	for _, r := range rs {
		if r.rerouted {
			s.n--
			s.rerouted++
			continue
		}
		lats = append(lats, r.lat)
		if r.ok {
			s.ok++
			continue
		}
		s.failures[failureKind(r)]++
	}
	slices.Sort(lats)
	s.p50, s.p99 = quantile(lats, 0.50), quantile(lats, 0.99)
	if len(lats) > 0 {
		s.max = lats[len(lats)-1]
	}
	return s
}

// quantile is the nearest-rank quantile of sorted values.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func (s summary) errors() int { return s.n - s.ok }

func (s summary) errorRate() float64 {
	if s.n == 0 {
		return 0
	}
	return float64(s.errors()) / float64(s.n)
}

func (s summary) String() string {
	var f []string
	for _, k := range slices.Sorted(maps.Keys(s.failures)) {
		f = append(f, fmt.Sprintf("%s×%d", k, s.failures[k]))
	}
	fails := "none"
	if len(f) > 0 {
		fails = strings.Join(f, ", ")
	}
	out := fmt.Sprintf("%d requests, %d errors (%.3f%%; %s), p50 %v, p99 %v, max %v",
		s.n, s.errors(), 100*s.errorRate(), fails, ms(s.p50), ms(s.p99), ms(s.max))
	if s.rerouted > 0 {
		out += fmt.Sprintf("; %d not sent (out of rotation)", s.rerouted)
	}
	return out
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

// failureKind names why a request did not get the promised answer.
func failureKind(r result) string {
	if r.err == nil {
		if r.status == 0 {
			return "no answer"
		}
		return fmt.Sprintf("HTTP %d", r.status)
	}
	return errorKind(r.err)
}

// errorKind sorts transport errors into the kinds the tests tell apart: a
// refused connection (nobody listening: never an accepted request) and
// everything that breaks a request already under way.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "server closed idle connection"):
		return "closed mid-request"
	case errors.As(err, &ne) && ne.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		return "timeout"
	case strings.Contains(err.Error(), "client: overloaded"):
		return "client overloaded"
	}
	return "error: " + err.Error()
}

// seedLinks creates n links before the load starts (so redirects have
// targets) and returns them.
func seedLinks(t *testing.T, base, runID string, n int) []link {
	t.Helper()
	c := noRedirect(5 * time.Second)
	links := make([]link, 0, n)
	for i := 0; i < n; i++ {
		l := link{url: fmt.Sprintf("https://example.org/%s/seed/%d", runID, i)}
		code, status, err := createLink(c, base, l.url)
		if err != nil || status != http.StatusCreated {
			t.Fatalf("seed link %d: status %d, %v", i, status, err)
		}
		l.code = code
		links = append(links, l)
	}
	return links
}

// createAndResolve creates a link to url at base and follows its code
// back: the one create and one redirect a smoke test asks for.
func createAndResolve(t *testing.T, base, url, logs string) {
	t.Helper()
	c := noRedirect(5 * time.Second)
	code, status, err := createLink(c, base, url)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("create at %s: %d %v\n%s", base, status, err, logs)
	}
	resp, err := c.Get(base + "/" + code)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != url {
		t.Fatalf("redirect at %s: %d to %q, want 302 to %q", base, resp.StatusCode, resp.Header.Get("Location"), url)
	}
}

// createLink posts one URL and returns the code it got.
func createLink(c *http.Client, base, url string) (code string, status int, err error) {
	body, _ := json.Marshal(map[string]string{"url": url})
	resp, err := c.Post(base+"/api/links", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	var out struct{ Code string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", resp.StatusCode, err
	}
	return out.Code, resp.StatusCode, nil
}

// healthCheck polls GET /readyz every interval, as a load balancer's
// health check does, and takes the instance out of rotation (for good: it
// is shutting down) after two answers in a row that are not 200 (the
// "unhealthy threshold" of common load balancers). It returns a function
// that stops the checks.
func healthCheck(base string, interval time.Duration, inRotation *atomic.Bool) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		failed := 0
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if readyStatus(base) == http.StatusOK {
				failed = 0
			} else if failed++; failed >= 2 {
				inRotation.Store(false)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// timeline is the p99 of kind in each second of the run, for the log: it
// shows whether a slow phase was the fault or a burst of machine noise.
func timeline(rs []result, kind opKind, end time.Duration) string {
	var parts []string
	for i, sum := range perSecond(rs, kind, 0, end) {
		parts = append(parts, fmt.Sprintf("%ds:%s/%d", i, strings.TrimSuffix(ms(sum.p99), "ms"), sum.errors()))
	}
	return "p99 ms/errors by second: " + strings.Join(parts, " ")
}

// perSecond summarises kind in each second from from to to.
func perSecond(rs []result, kind opKind, from, to time.Duration) []summary {
	var out []summary
	for s := from; s < to; s += time.Second {
		out = append(out, summarize(pick(rs, kind, s, s+time.Second)))
	}
	return out
}

// medianSecondP99 is the median of the per-second p99s of kind from from
// to to, over the seconds that had requests.
func medianSecondP99(rs []result, kind opKind, from, to time.Duration) time.Duration {
	var p99s []time.Duration
	for _, sum := range perSecond(rs, kind, from, to) {
		if sum.n > 0 {
			p99s = append(p99s, sum.p99)
		}
	}
	if len(p99s) == 0 {
		return 0
	}
	slices.Sort(p99s)
	return p99s[len(p99s)/2]
}
