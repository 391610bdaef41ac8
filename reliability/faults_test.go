package reliability

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/reliability/shortid"
	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// Each fault test runs the same fixed load (redirectRate redirects and
// createRate creates a second) for about half a minute, breaks one backing
// server at a fixed moment, brings it back at another, and cuts the results
// into phases at those moments. Figures are logged with t.Logf under
// "figure:" so `go test -v` shows what RELIABILITY.md reports.

func runID(t *testing.T) string {
	return fmt.Sprintf("%s-%d", strings.ToLower(t.Name()), time.Now().UnixNano())
}

func figure(t *testing.T, format string, args ...any) {
	t.Helper()
	t.Logf("figure: "+format, args...)
}

// readyStatus is the status of GET /readyz, or 0 if it did not answer.
func readyStatus(base string) int { return getStatus(base + "/readyz") }

// getStatus is the status of GET url within 2 s, or 0 if it did not answer.
func getStatus(url string) int {
	resp, err := noRedirect(2 * time.Second).Get(url)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestRedisStoppedMidRun: with the cache server gone, redirects fall
// through to the database (at most 0.1% errors), and once Redis is back the
// cache is used again.
func TestRedisStoppedMidRun(t *testing.T) {
	requireEnabled(t)
	g := faultService(t)
	pg := startPostgres(t)
	rd, rdCtl := startRedis(t), startRedis(t)
	svc := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url(), "LOCAL_CACHE_SIZE=0")
	// The control instance's Redis stays up: its p99 in the same seconds
	// tells the outage's cost from the machine's noise.
	ctl := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rdCtl.url(), "LOCAL_CACHE_SIZE=0")
	id := runID(t)
	targets := seedLinks(t, svc.base, id, 200)

	const stopAt, backAt, settle, end = 8 * time.Second, 18 * time.Second, 24 * time.Second, 30 * time.Second
	spec := loadSpec{duration: end, redirect: redirectRate, create: createRate, targets: targets, runID: id}
	l, lc := startLoadWithControl(svc.base, ctl.base, spec)
	l.sleepUntil(stopAt)
	before := scrape(t, svc.base+"/metrics")
	l.mark("redis stopped")
	rd.stop()
	l.sleepUntil(stopAt + 2*time.Second)
	readyDuring := readyStatus(svc.base)
	l.sleepUntil(backAt)
	during := scrape(t, svc.base+"/metrics")
	rd.start()
	l.mark("redis back")
	l.sleepUntil(settle)
	settled := scrape(t, svc.base+"/metrics")
	rs, rsCtl := l.wait(), lc.wait()
	after := scrape(t, svc.base+"/metrics")

	all := summarize(pick(rs, redirectOp, 0, end))
	base := summarize(pick(rs, redirectOp, 0, stopAt))
	out := summarize(pick(rs, redirectOp, stopAt, backAt))
	rec := summarize(pick(rs, redirectOp, backAt, end))
	ctlOut := summarize(pick(rsCtl, redirectOp, stopAt, backAt))
	// From a second after the stop: the breaker is open and every
	// redirect goes to the database. The stop's own second also holds the
	// calls that were on the dying connections.
	steady := summarize(pick(rs, redirectOp, stopAt+time.Second, backAt))
	ctlSteady := summarize(pick(rsCtl, redirectOp, stopAt+time.Second, backAt))
	creates := summarize(pick(rs, createOp, 0, end))
	t.Log("redirects, " + timeline(rs, redirectOp, end))
	t.Log("control redirects, " + timeline(rsCtl, redirectOp, end))
	figure(t, "redirects, whole run: %v", all)
	figure(t, "redirects, before (0-%v): %v", stopAt, base)
	figure(t, "redirects, Redis down (%v-%v): %v", stopAt, backAt, out)
	figure(t, "redirects, Redis back (%v-%v): %v", backAt, end, rec)
	figure(t, "control instance (Redis up), same window (%v-%v): %v", stopAt, backAt, ctlOut)
	figure(t, "redirect p99 with Redis down: %.2f× the control's in the same seconds", float64(out.p99)/float64(ctlOut.p99))
	steadyRatio := float64(steady.p99) / float64(ctlSteady.p99)
	figure(t, "redirect p99 from 1s after the stop until Redis was back: %v vs the control's %v, %.2f×", ms(steady.p99), ms(ctlSteady.p99), steadyRatio)
	figure(t, "creates, whole run: %v", creates)

	delta := func(a, b promSample, result string) float64 {
		return b.get(mCache, "layer", "shared", "result", result) - a.get(mCache, "layer", "shared", "result", result)
	}
	ratio := func(a, b promSample) float64 {
		h, m, e := delta(a, b, "hit"), delta(a, b, "miss"), delta(a, b, "error")
		if h+m+e == 0 {
			return 0
		}
		return h / (h + m + e)
	}
	figure(t, "shared-cache lookups while Redis was down: %.0f hits, %.0f misses, %.0f errors (breaker included)",
		delta(before, during, "hit"), delta(before, during, "miss"), delta(before, during, "error"))
	figure(t, "shared-cache hit ratio: before %.3f, Redis down %.3f, last %v after it came back %.3f",
		ratio(scrapeZero(), before), ratio(before, during), end-settle, ratio(settled, after))
	figure(t, "GET /readyz while Redis was down: %d", readyDuring)

	if all.errorRate() > 0.001 {
		t.Errorf("redirect error rate %.3f%% over the run, want at most 0.1%%: %v", 100*all.errorRate(), all)
	}
	if creates.errors() > 0 {
		t.Errorf("creates failed while only the cache was down: %v", creates)
	}
	// A dead cache must cost a redirect no more than a miss: the client
	// fails fast and the breaker skips it. Judged on the typical second
	// (the median of the per-second p99s) rather than the window's p99,
	// which two noisy seconds on a shared machine decide: before the
	// client failed fast, every second of the outage was 135-850 ms
	// against the control's 5-13 ms.
	typical, ctlTypical := medianSecondP99(rs, redirectOp, stopAt+time.Second, backAt), medianSecondP99(rsCtl, redirectOp, stopAt+time.Second, backAt)
	typicalRatio := float64(typical) / float64(ctlTypical)
	figure(t, "median of the per-second redirect p99s from 1s after the stop until Redis was back: %v vs the control's %v, %.2f×", ms(typical), ms(ctlTypical), typicalRatio)
	if typicalRatio > 2 {
		t.Errorf("a typical second's redirect p99 with Redis down is %.2f× the control instance's in the same seconds (%v vs %v), want at most 2×: the dead cache still costs time",
			typicalRatio, ms(typical), ms(ctlTypical))
	}
	if delta(before, during, "error") < float64(out.n)/2 {
		t.Errorf("only %.0f shared-cache errors for %d redirects while Redis was down: the outage did not reach the service",
			delta(before, during, "error"), out.n)
	}
	if r := ratio(settled, after); r < 0.9 {
		t.Errorf("shared-cache hit ratio %.3f in the last %v, want at least 0.9: the cache is not used again after Redis returned", r, end-settle)
	}
	if readyDuring != http.StatusOK {
		t.Errorf("GET /readyz = %d while only Redis was down, want 200: a cache outage must not take the instance out of rotation", readyDuring)
	}
}

func scrapeZero() promSample { return promSample{} }

// TestRedisFrozenMidRun: a cache server that hangs instead of dying
// (SIGSTOP: connections open, no answers) is the harder case, since every
// call waits out CACHE_TIMEOUT until the breaker opens. Redirects must
// still succeed (at most 0.1% errors) and the cache be used again after
// SIGCONT.
func TestRedisFrozenMidRun(t *testing.T) {
	requireEnabled(t)
	g := faultService(t)
	pg := startPostgres(t)
	rd := startRedis(t)
	// Runs before the process's own cleanup (cleanups run last first): a
	// stopped process would not act on the SIGTERM that stops it.
	t.Cleanup(func() { _ = rd.p.signal(syscall.SIGCONT) })
	const cacheTimeout = 100 * time.Millisecond
	svc := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url(), "LOCAL_CACHE_SIZE=0",
		"CACHE_TIMEOUT="+cacheTimeout.String())
	id := runID(t)
	targets := seedLinks(t, svc.base, id, 200)

	const freezeAt, thawAt, settle, end = 6 * time.Second, 14 * time.Second, 18 * time.Second, 22 * time.Second
	l := startLoad(svc.base, loadSpec{duration: end, redirect: redirectRate, create: createRate, targets: targets, runID: id})
	l.sleepUntil(freezeAt)
	before := scrape(t, svc.base+"/metrics")
	l.mark("redis frozen")
	if err := rd.p.signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	l.sleepUntil(thawAt)
	during := scrape(t, svc.base+"/metrics")
	if err := rd.p.signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	l.mark("redis thawed")
	l.sleepUntil(settle)
	settled := scrape(t, svc.base+"/metrics")
	rs := l.wait()
	after := scrape(t, svc.base+"/metrics")

	all := summarize(pick(rs, redirectOp, 0, end))
	base := summarize(pick(rs, redirectOp, 0, freezeAt))
	frozen := summarize(pick(rs, redirectOp, freezeAt, thawAt))
	t.Log("redirects, " + timeline(rs, redirectOp, end))
	figure(t, "redirects, whole run: %v", all)
	figure(t, "redirects, before (0-%v): %v", freezeAt, base)
	figure(t, "redirects, Redis frozen (%v-%v): %v", freezeAt, thawAt, frozen)
	figure(t, "redirects, thawed (%v-%v): %v", thawAt, end, summarize(pick(rs, redirectOp, thawAt, end)))
	h := func(a, b promSample, result string) float64 {
		return b.get(mCache, "layer", "shared", "result", result) - a.get(mCache, "layer", "shared", "result", result)
	}
	hitRatio := h(settled, after, "hit") / max(1, h(settled, after, "hit")+h(settled, after, "miss")+h(settled, after, "error"))
	figure(t, "shared-cache lookups while frozen: %.0f errors (timeouts and breaker skips); hit ratio in the last %v after SIGCONT %.3f",
		h(before, during, "error"), end-settle, hitRatio)

	if all.errorRate() > 0.001 {
		t.Errorf("redirect error rate %.3f%% over the run, want at most 0.1%%: %v", 100*all.errorRate(), all)
	}
	if h(before, during, "error") < float64(frozen.n)/2 {
		t.Errorf("only %.0f shared-cache errors for %d redirects while Redis was frozen: the fault did not reach the service", h(before, during, "error"), frozen.n)
	}
	if hitRatio < 0.9 {
		t.Errorf("shared-cache hit ratio %.3f after SIGCONT, want at least 0.9", hitRatio)
	}
}

// clickPoller samples the click counters every 100ms, to tell when clicks
// flow again after the broker returns.
type clickPoller struct {
	mu      sync.Mutex
	samples []clickSample
	stop    chan struct{}
	done    chan struct{}
}

type clickSample struct {
	at                 time.Time
	published, applied float64
}

func pollClicks(serverMetrics, workerMetrics string) *clickPoller {
	p := &clickPoller{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-p.stop:
				return
			case <-tick.C:
			}
			s, err1 := tryScrape(serverMetrics)
			w, err2 := tryScrape(workerMetrics)
			if err1 != nil || err2 != nil {
				continue
			}
			p.mu.Lock()
			p.samples = append(p.samples, clickSample{time.Now(), s.get(mClicksPub), w.get(mClicksApplied)})
			p.mu.Unlock()
		}
	}()
	return p
}

func (p *clickPoller) close() {
	close(p.stop)
	<-p.done
}

// firstRise returns how long after since the counter chosen by f first
// exceeded its value at since, or -1 if it never did.
func (p *clickPoller) firstRise(since time.Time, f func(clickSample) float64) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	var base float64 = -1
	for _, s := range p.samples {
		if s.at.Before(since) {
			base = f(s)
			continue
		}
		if base >= 0 && f(s) > base {
			return s.at.Sub(since)
		}
		if base < 0 {
			base = f(s)
		}
	}
	return -1
}

// TestBrokerStoppedMidRun: with NATS gone, redirects are unaffected (no
// errors, p99 at most twice that of the same instance before, and of an
// identical control instance whose NATS stays up, in the same seconds),
// clicks are dropped and counted in shortener_clicks_dropped_total, and
// they flow again once NATS is back. The metric must be truthful: a click
// counted as dropped is never applied later (those the broker may still
// deliver are counted as unconfirmed instead).
//
// The control instance is there because the CI machine is shared: its two
// cores also build and test other packages, and that noise moves a p99 more
// than a broker outage should. The control sees the same noise at the same
// moment; a before/after ratio alone would measure the neighbours.
func TestBrokerStoppedMidRun(t *testing.T) {
	requireEnabled(t)
	g := faultService(t)
	brokerStoppedMidRun(t, g, startNATS(t), startNATS(t))
}

// TestKafkaBrokerStoppedMidRun is the same test on the Kafka stack, with
// the generated project's devkafka (franz-go's kfake, keeping its log in a
// directory across the restart) as the broker: no Kafka server can be
// installed here.
func TestKafkaBrokerStoppedMidRun(t *testing.T) {
	requireEnabled(t)
	p := faultStack()
	p.Queue = scaffold.QueueKafka
	g := generate(t, "postgres+redis+kafka", p, "./cmd/server", "./cmd/worker", "./cmd/devkafka")
	brokerStoppedMidRun(t, g, startDevKafka(t, g), startDevKafka(t, g))
}

// broker is a message broker a fault test started and can stop and start
// again by its PID.
type broker interface {
	name() string
	env() string // the service's variable pointing at it
	// stop and start act on the broker's own process, by PID; what it
	// holds survives the restart, as a broker's log does.
	stop()
	start()
}

func (n *natsServer) name() string { return "NATS" }
func (n *natsServer) env() string  { return "NATS_URL=" + n.url() }

func brokerStoppedMidRun(t *testing.T, g *generated, nt, ntCtl broker) {
	pg := startPostgres(t)
	rd := startRedis(t)
	env := []string{"DATABASE_URL=" + pg.url(), "REDIS_URL=" + rd.url(), "LOCAL_CACHE_SIZE=0"}
	svc := startServer(t, g, append(env, nt.env())...)
	ctl := startServer(t, g, append(env, ntCtl.env())...)
	_, workerBase := startWorker(t, g, append(env, nt.env())...)
	id := runID(t)
	targets := seedLinks(t, svc.base, id, 200)

	const warm, stopAt, backAt, end = 2 * time.Second, 10 * time.Second, 18 * time.Second, 28 * time.Second
	poll := pollClicks(svc.base+"/metrics", workerBase+"/metrics")
	defer poll.close()
	spec := loadSpec{duration: end, redirect: redirectRate, create: createRate, targets: targets, runID: id}
	l, lc := startLoadWithControl(svc.base, ctl.base, spec)
	l.sleepUntil(stopAt)
	before := scrape(t, svc.base+"/metrics")
	l.mark("broker stopped")
	nt.stop()
	// What the broker held unconsumed when it stopped: acknowledged to the
	// service, not yet applied by the worker; it must be applied after the
	// restart.
	atStop, workerAtStop := scrape(t, svc.base+"/metrics"), scrape(t, workerBase+"/metrics")
	heldAtStop := max(0, atStop.get(mClicksPub)-workerAtStop.get(mClicksApplied))
	l.sleepUntil(backAt)
	during := scrape(t, svc.base+"/metrics")
	nt.start()
	back := time.Now()
	l.mark("broker back")
	rs, rsCtl := l.wait(), lc.wait()

	// The buffered clicks drain after the load: wait for the worker to
	// apply everything published.
	var after, worker promSample
	deadline := time.Now().Add(20 * time.Second)
	for {
		after, worker = scrape(t, svc.base+"/metrics"), scrape(t, workerBase+"/metrics")
		if after.get(mClicksRecorded) == after.get(mClicksPub)+dropped(after)+after.get(mClicksUnconf) &&
			worker.get(mClicksApplied) >= after.get(mClicksPub) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	dbClicks, _ := strconv.ParseFloat(pg.mustQuery("SELECT COALESCE(sum(clicks), 0) FROM links"), 64)

	all := summarize(pick(rs, redirectOp, 0, end))
	base := summarize(pick(rs, redirectOp, warm, stopAt))
	out := summarize(pick(rs, redirectOp, stopAt, backAt))
	rec := summarize(pick(rs, redirectOp, backAt, end))
	ctlOut := summarize(pick(rsCtl, redirectOp, stopAt, backAt))
	vsBefore := float64(out.p99) / float64(base.p99)
	vsControl := float64(out.p99) / float64(ctlOut.p99)
	t.Log("redirects, " + timeline(rs, redirectOp, end))
	t.Log("control redirects, " + timeline(rsCtl, redirectOp, end))
	figure(t, "redirects, whole run: %v", all)
	figure(t, "redirects, before (%v-%v): %v", warm, stopAt, base)
	figure(t, "redirects, %s down (%v-%v): %v", nt.name(), stopAt, backAt, out)
	figure(t, "redirects, broker back (%v-%v): %v", backAt, end, rec)
	figure(t, "control instance (its broker up), same window (%v-%v): %v", stopAt, backAt, ctlOut)
	figure(t, "redirect p99 with the broker down: %.2f× the p99 before, %.2f× the control's in the same seconds", vsBefore, vsControl)
	figure(t, "creates, whole run: %v", summarize(pick(rs, createOp, 0, end)))
	droppedOut := dropped(during) - dropped(before)
	figure(t, "clicks while the broker was down: %.0f recorded, %.0f dropped (publish_failed %.0f, buffer_full %.0f), %.0f unconfirmed, %.0f published",
		during.get(mClicksRecorded)-before.get(mClicksRecorded), droppedOut,
		during.get(mClicksDropped, "reason", "publish_failed")-before.get(mClicksDropped, "reason", "publish_failed"),
		during.get(mClicksDropped, "reason", "buffer_full")-before.get(mClicksDropped, "reason", "buffer_full"),
		during.get(mClicksUnconf)-before.get(mClicksUnconf), during.get(mClicksPub)-before.get(mClicksPub))
	figure(t, "clicks, whole run: %.0f recorded = %.0f published + %.0f dropped + %.0f unconfirmed; worker applied %.0f; database counts %.0f",
		after.get(mClicksRecorded), after.get(mClicksPub), dropped(after), after.get(mClicksUnconf), worker.get(mClicksApplied), dbClicks)
	figure(t, "clicks the broker held unconsumed when it stopped: %.0f", heldAtStop)
	pubRise := poll.firstRise(back, func(s clickSample) float64 { return s.published })
	appRise := poll.firstRise(back, func(s clickSample) float64 { return s.applied })
	figure(t, "after the broker came back: clicks published again after %v, applied by the worker after %v", pubRise.Round(time.Millisecond), appRise.Round(time.Millisecond))

	if all.errors() > 0 {
		t.Errorf("redirects failed while only the broker was down: %v", all)
	}
	if vsControl > 2 {
		t.Errorf("redirect p99 with the broker down is %.2f× the control instance's in the same seconds (%v vs %v), want at most 2×",
			vsControl, ms(out.p99), ms(ctlOut.p99))
	}
	// The outage must show: clicks stop being published (NATS drops them at
	// once and counts them; Kafka's producer holds them until the broker
	// returns, and the metrics must then not call them dropped).
	if recOut, pubOut := during.get(mClicksRecorded)-before.get(mClicksRecorded), during.get(mClicksPub)-before.get(mClicksPub); pubOut > recOut/2 {
		t.Errorf("%.0f of the %.0f clicks recorded while the broker was down were published: the outage did not reach the service", pubOut, recOut)
	}
	if pubRise < 0 {
		t.Errorf("no click was published after the broker came back")
	}
	if appRise < 0 {
		t.Errorf("the worker applied no click after the broker came back")
	}
	if got, want := after.get(mClicksRecorded), after.get(mClicksPub)+dropped(after)+after.get(mClicksUnconf); got != want {
		t.Errorf("clicks recorded %.0f != published + dropped + unconfirmed %.0f: some clicks are neither delivered nor counted", got, want)
	}
	if dbClicks < after.get(mClicksPub) {
		t.Errorf("the database counts %.0f clicks but %.0f were published (acknowledged by the broker): published clicks were lost", dbClicks, after.get(mClicksPub))
	}
	if dbClicks > after.get(mClicksRecorded) {
		t.Errorf("the database counts %.0f clicks for %.0f recorded: a redelivered batch was applied twice", dbClicks, after.get(mClicksRecorded))
	}
	// The dropped metric's truth: what it counts never arrives. Only
	// unconfirmed clicks may be applied beyond those published.
	if late := dbClicks - after.get(mClicksPub); late > after.get(mClicksUnconf) {
		t.Errorf("the database counts %.0f clicks beyond the %.0f published, more than the %.0f unconfirmed: %.0f clicks counted as dropped were delivered after all",
			late, after.get(mClicksPub), after.get(mClicksUnconf), late-after.get(mClicksUnconf))
	}
}

func dropped(s promSample) float64 {
	return s.get(mClicksDropped, "reason", "publish_failed") + s.get(mClicksDropped, "reason", "buffer_full")
}

// TestPostgresRestartedMidRun: PostgreSQL crashes (immediate shutdown) and
// restarts under load. Creates fail fast with 503 while it is down, and
// afterwards every code that got a 201 still resolves, both through the
// service and in the database itself.
func TestPostgresRestartedMidRun(t *testing.T) {
	requireEnabled(t)
	g := faultService(t)
	pg := startPostgres(t)
	rd := startRedis(t)
	const dbTimeout = 2 * time.Second
	svc := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url(), "LOCAL_CACHE_SIZE=0",
		"DB_TIMEOUT="+dbTimeout.String())
	id := runID(t)
	targets := seedLinks(t, svc.base, id, 200)

	const crashAt, restartAt, end = 8 * time.Second, 14 * time.Second, 28 * time.Second
	l := startLoad(svc.base, loadSpec{duration: end, redirect: redirectRate, create: createRate, targets: targets, runID: id, idempotencyKeys: true})
	l.sleepUntil(crashAt)
	l.mark("postgres crashed")
	pg.crash()
	down := l.mark("postgres down")
	l.sleepUntil(crashAt + 2*time.Second)
	readyDuring := readyStatus(svc.base)
	l.sleepUntil(restartAt)
	l.mark("postgres restarting")
	pg.start()
	up := l.mark("postgres accepting")
	rs := l.wait()
	readyAfter := readyStatus(svc.base)

	creates := pick(rs, createOp, 0, end)
	var acked []link
	var outage503, other []result
	for _, r := range creates {
		switch {
		case r.ok:
			acked = append(acked, r.link)
		case r.err == nil && r.status == http.StatusServiceUnavailable:
			outage503 = append(outage503, r)
		default:
			other = append(other, r)
		}
	}
	fail := summarize(outage503)
	figure(t, "postgres down from %v to %v (immediate shutdown, then crash recovery)", down.Round(time.Millisecond), up.Round(time.Millisecond))
	figure(t, "creates, before (0-%v): %v", crashAt, summarize(pick(rs, createOp, 0, crashAt)))
	figure(t, "creates, outage and recovery (%v-%v): %v", crashAt, up.Round(time.Millisecond), summarize(pick(rs, createOp, crashAt, up)))
	figure(t, "creates, after (%v-%v): %v", up.Round(time.Millisecond), end, summarize(pick(rs, createOp, up, end)))
	figure(t, "creates answered 503: %d, latency p50 %v, p99 %v, max %v (DB_TIMEOUT %v)", fail.n, ms(fail.p50), ms(fail.p99), ms(fail.max), dbTimeout)
	figure(t, "redirects, outage (%v-%v): %v", crashAt, up.Round(time.Millisecond), summarize(pick(rs, redirectOp, crashAt, up)))
	figure(t, "redirects, whole run: %v", summarize(pick(rs, redirectOp, 0, end)))
	figure(t, "GET /readyz during the outage %d, after %d", readyDuring, readyAfter)

	if len(other) > 0 {
		t.Errorf("%d creates got neither 201 nor 503, e.g. %s", len(other), failureKind(other[0]))
	}
	if len(outage503) == 0 {
		t.Errorf("no create failed while PostgreSQL was down: the outage did not reach the service")
	}
	if fail.max > dbTimeout+500*time.Millisecond {
		t.Errorf("a 503 took %v; creates must fail fast (within DB_TIMEOUT %v)", ms(fail.max), dbTimeout)
	}
	if after := summarize(pick(rs, createOp, up+2*time.Second, end)); after.n == 0 || after.errors() > 0 {
		t.Errorf("creates did not recover 2s after PostgreSQL accepted connections again: %v", after)
	}
	if readyDuring != http.StatusServiceUnavailable || readyAfter != http.StatusOK {
		t.Errorf("GET /readyz = %d during the outage and %d after, want 503 then 200", readyDuring, readyAfter)
	}

	// No acknowledged mapping lost: every 201 (and every seed) is in the
	// database with its URL, and the service resolves it.
	acked = append(acked, targets...)
	rows := map[uint64]string{}
	for _, line := range strings.Split(pg.mustQuery("SELECT id, url FROM links"), "\n") {
		idText, url, ok := strings.Cut(line, "|")
		n, err := strconv.ParseUint(idText, 10, 64)
		if ok && err == nil {
			rows[n] = url
		}
	}
	lost, unresolved := 0, 0
	c := noRedirect(5 * time.Second)
	for _, a := range acked {
		n, ok := shortid.Decode(a.code)
		if !ok || rows[n] != a.url {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged code %q (%s) is not in the database after the restart", a.code, a.url)
			}
		}
		resp, err := c.Get(svc.base + "/" + a.code)
		if err != nil || resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != a.url {
			unresolved++
			if unresolved <= 5 {
				t.Errorf("acknowledged code %q does not resolve to %s after the restart: %v %v", a.code, a.url, err, resp)
			}
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	figure(t, "acknowledged mappings (201s and seeds) %d: %d missing from the database, %d not resolving; database rows %d",
		len(acked), lost, unresolved, len(rows))

	// Every create answered 503 is retried with its Idempotency-Key, as a
	// careful client would: each must now get a 201, the same code if its
	// first attempt had committed after all, and no key may hold two rows.
	replayed, fresh := 0, 0
	for _, r := range outage503 {
		body, _ := json.Marshal(map[string]string{"url": r.link.url})
		req, _ := http.NewRequest(http.MethodPost, svc.base+"/api/links", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", r.key)
		resp, err := c.Do(req)
		if err != nil {
			t.Errorf("retrying create %s: %v", r.key, err)
			continue
		}
		var out struct{ Code, URL string }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated || out.URL != r.link.url {
			t.Errorf("retrying create %s after the outage: %d %+v, want 201", r.key, resp.StatusCode, out)
			continue
		}
		if resp.Header.Get("Idempotent-Replayed") == "true" {
			replayed++
		} else {
			fresh++
		}
	}
	keyed := pg.mustQuery(fmt.Sprintf("SELECT count(*), count(DISTINCT idempotency_key) FROM links WHERE idempotency_key LIKE '%s-%%'", id))
	wantRows := fmt.Sprintf("%d|%d", len(acked)-len(targets)+replayed+fresh, len(acked)-len(targets)+replayed+fresh)
	figure(t, "creates answered 503 retried with their Idempotency-Key: %d of %d got 201, %d with the code their first attempt had stored (committed despite the 503), %d stored now; rows with a key of this run (count|distinct) %s, want %s",
		replayed+fresh, len(outage503), replayed, fresh, keyed, wantRows)
	if keyed != wantRows {
		t.Errorf("rows with an Idempotency-Key of this run (count|distinct) = %s, want %s: a retried create was stored twice, or an acknowledged one is missing", keyed, wantRows)
	}
}

// slowCreate sends one create whose body trickles in over d, on a
// connection of its own, and returns the status (0 on a transport error)
// and the error kind.
func slowCreate(addr, url string, d time.Duration) (int, string) {
	body := fmt.Sprintf(`{"url": %q}`, url)
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return 0, errorKind(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(d + 15*time.Second))
	head := fmt.Sprintf("POST /api/links HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", addr, len(body))
	if _, err := conn.Write([]byte(head)); err != nil {
		return 0, errorKind(err)
	}
	step := d / time.Duration(len(body))
	for i := 0; i < len(body); i++ {
		time.Sleep(step)
		if _, err := conn.Write([]byte{body[i]}); err != nil {
			return 0, errorKind(err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return 0, errorKind(err)
	}
	resp.Body.Close()
	return resp.StatusCode, ""
}

// TestSIGTERMDuringLoad: SIGTERM while requests are in flight. The server
// fails /readyz, keeps serving for DRAIN_DELAY, then stops accepting and
// finishes what it accepted; creates whose bodies are still arriving when it
// shuts down complete with 201, and it exits 0.
//
// "behind a load balancer": the load stops sending once a health check
// (every 250ms, out after two failures) sees /readyz fail, as a load
// balancer would; then no request may fail at all. DRAIN_DELAY (2s) must
// outlast that (at most 750ms).
//
// "client ignoring readiness": the load keeps sending until the process is
// gone. New connections are then refused (never a request the server
// took), and the only other failures allowed are requests written on an idle
// keep-alive connection in the instant the server closes it — a race of
// HTTP/1.1 itself, which the load balancer's drain exists to avoid.
func TestSIGTERMDuringLoad(t *testing.T) {
	requireEnabled(t)
	t.Run("behind a load balancer", func(t *testing.T) { sigtermUnderLoad(t, true) })
	t.Run("client ignoring readiness", func(t *testing.T) { sigtermUnderLoad(t, false) })
}

func sigtermUnderLoad(t *testing.T, behindLB bool) {
	g := faultService(t)
	pg := startPostgres(t)
	rd := startRedis(t)
	const drain = 2 * time.Second
	svc := startServer(t, g, "DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url(), "LOCAL_CACHE_SIZE=0",
		"DRAIN_DELAY="+drain.String(), "SHUTDOWN_TIMEOUT=20s")
	id := runID(t)
	targets := seedLinks(t, svc.base, id, 200)

	// SIGTERM falls between two health checks, not on one.
	const slowAt, termAt, end = 4 * time.Second, 5100 * time.Millisecond, 14 * time.Second
	const slowN, slowFor = 10, 6 * time.Second // bodies arrive until 10s, after the drain ends at 7s
	spec := loadSpec{duration: end, redirect: redirectRate, create: createRate, targets: targets, runID: id}
	var inRotation atomic.Bool
	inRotation.Store(true)
	if behindLB {
		spec.inRotation = &inRotation
		stop := healthCheck(svc.base, 250*time.Millisecond, &inRotation)
		defer stop()
	}
	l := startLoad(svc.base, spec)
	l.sleepUntil(slowAt)
	type slowResult struct {
		status int
		kind   string
	}
	slow := make(chan slowResult, slowN)
	addr := strings.TrimPrefix(svc.base, "http://")
	for i := 0; i < slowN; i++ {
		go func() {
			st, kind := slowCreate(addr, fmt.Sprintf("https://example.com/%s/slow/%d", id, i), slowFor)
			slow <- slowResult{st, kind}
		}()
	}
	l.sleepUntil(termAt)
	term := l.mark("SIGTERM")
	if err := svc.p.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	l.sleepUntil(termAt + drain/2)
	readyDraining := readyStatus(svc.base)
	if !svc.p.wait(25 * time.Second) {
		t.Fatalf("the server did not exit within 25s of SIGTERM")
	}
	exited := l.mark("exited")
	rs := l.wait()

	slowOK, slowFail := 0, map[string]int{}
	for i := 0; i < slowN; i++ {
		r := <-slow
		if r.status == http.StatusCreated {
			slowOK++
		} else {
			slowFail[fmt.Sprintf("%d %s", r.status, r.kind)]++
		}
	}
	var accepted, refused []result
	closedAt := time.Duration(-1) // due time of the first refused request: the listener was closed
	for _, r := range rs {
		if r.err != nil && errorKind(r.err) == "refused" {
			refused = append(refused, r)
			if closedAt < 0 {
				closedAt = r.at
			}
		} else {
			accepted = append(accepted, r)
		}
	}
	acc := summarize(accepted)
	afterTerm := summarize(append(pick(accepted, redirectOp, term, end), pick(accepted, createOp, term, end)...))
	figure(t, "SIGTERM at %v, server exited at %v with status %d (DRAIN_DELAY %v)", term.Round(time.Millisecond), exited.Round(time.Millisecond), svc.p.exitCode(), drain)
	figure(t, "requests before SIGTERM: %v", summarize(append(pick(rs, redirectOp, 0, term), pick(rs, createOp, 0, term)...)))
	figure(t, "requests due after SIGTERM that were sent: %v", afterTerm)
	figure(t, "requests refused (listener closed; never accepted): %d", len(refused))
	figure(t, "creates with bodies still arriving at shutdown: %d of %d got 201 %v", slowOK, slowN, slowFail)
	figure(t, "GET /readyz while draining: %d", readyDraining)

	if slowOK != slowN {
		t.Errorf("in-flight slow creates: %d of %d got 201, failures %v", slowOK, slowN, slowFail)
	}
	if code := svc.p.exitCode(); code != 0 {
		t.Errorf("server exit status %d after SIGTERM, want 0", code)
	}
	if readyDraining != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz = %d while draining, want 503 so a load balancer stops sending", readyDraining)
	}
	if behindLB {
		if acc.errors() > 0 || len(refused) > 0 {
			t.Errorf("behind a load balancer every request sent must complete: %v; %d refused", acc, len(refused))
		}
		if afterTerm.n == 0 || afterTerm.rerouted == 0 {
			t.Errorf("the load did not span the drain (sent after SIGTERM: %d, rerouted: %d): the test proved nothing", afterTerm.n, afterTerm.rerouted)
		}
		return
	}
	if len(refused) == 0 {
		t.Fatalf("no request was refused after shutdown: the load did not outlast the server, so the test proved nothing")
	}
	// Only the keep-alive race at the instant the listener and idle
	// connections close may fail; an aborted request elsewhere is a bug.
	raced := 0
	for _, r := range accepted {
		if r.ok {
			continue
		}
		if k := failureKind(r); (k == "closed mid-request" || k == "reset") && r.at >= closedAt-time.Second && r.at <= closedAt+100*time.Millisecond {
			raced++
			continue
		}
		t.Errorf("%s due at %v failed with %s (the listener closed at about %v)", r.op, r.at.Round(time.Millisecond), failureKind(r), closedAt.Round(time.Millisecond))
	}
	figure(t, "requests on idle keep-alive connections closed at shutdown (HTTP/1.1 race): %d of %d sent", raced, acc.n)
}
