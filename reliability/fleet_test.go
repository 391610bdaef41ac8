package reliability

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// The talk's load-balancer slide: "the balancer health-checks the fleet and
// routes around the dead node — clients never notice". These tests hold the
// generated fleet to it on the real stack: three instances of the generated
// server behind the design's own balancer (nginx or HAProxy from Debian,
// configured by the generated cmd/fleet from the generated config), on a
// PostgreSQL and a Redis of their own.

// fleetSize is the instances behind the balancer: enough that one down
// leaves two, few enough for the CI machine's two cores.
const fleetSize = 3

func fleetStack(lb string) scaffold.Params {
	p := faultStack()
	p.Queue = scaffold.QueueNone // clicks are not what these tests are about
	p.LB = lb
	p.Instances = fleetSize
	return p
}

func fleetService(t *testing.T, lb string) *generated {
	return generate(t, "postgres+redis behind "+lb, fleetStack(lb), "./cmd/server", "./cmd/fleet")
}

// backInRotationBound is how long after an instance is ready again its
// balancer may take to send it traffic: HAProxy's rise count × interval,
// plus the interval of the check under way; open-source nginx tries a
// failed server again once its fail_timeout has passed, with the next
// request after that (its workers share the count, so one that left the
// server out waits the whole timeout), seen within a second here.
func backInRotationBound(p scaffold.Params) time.Duration {
	if p.LB == scaffold.LBNginx {
		return p.PassiveFailTimeout() + time.Second
	}
	return time.Duration(p.CheckRise()+1) * p.CheckInterval()
}

// writeFleetConfig has the generated cmd/fleet write the balancer's
// configuration for listen and the instances at ports, and returns its path.
func writeFleetConfig(t *testing.T, g *generated, p scaffold.Params, dir, listen string, ports []int) string {
	t.Helper()
	ups := make([]string, len(ports))
	for i, port := range ports {
		ups[i] = "127.0.0.1:" + strconv.Itoa(port)
	}
	cmd := exec.Command(filepath.Join(g.bin, "fleet"), "-config-only", "-listen", listen, "-upstreams", strings.Join(ups, ","), "-dir", dir)
	cmd.Dir = g.dir
	cmd.Env = childEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fleet -config-only: %v\n%s", err, out)
	}
	conf := strings.TrimSpace(string(out))
	raw, err := os.ReadFile(conf)
	if err != nil {
		t.Fatal(err)
	}
	data := string(raw)
	// The bounds come from these settings: the file must still say them.
	want := fmt.Sprintf("max_fails=%d fail_timeout=%ds", p.PassiveFails(), int(p.PassiveFailTimeout()/time.Second))
	if p.FleetLB() == scaffold.LBHAProxy {
		want = fmt.Sprintf("inter %ds fall %d rise %d", int(p.CheckInterval()/time.Second), p.CheckFall(), p.CheckRise())
	}
	if !strings.Contains(data, want) {
		t.Fatalf("%s has no %q: the test's bounds no longer match the generated balancer", conf, want)
	}
	for _, u := range ups {
		if !strings.Contains(data, u) {
			t.Fatalf("%s does not send to %s", conf, u)
		}
	}
	return conf
}

// startBalancer runs the design's balancer on conf in the foreground and
// waits until it answers through to an instance.
func startBalancer(t *testing.T, p scaffold.Params, dir, conf, base string) *proc {
	t.Helper()
	var lb *proc
	switch p.FleetLB() {
	case scaffold.LBNginx:
		bin := need(t, "nginx", "scripts/ci-tools.sh installs it")
		lb = startProc(t, "nginx", procOptions{dir: dir, stopSignal: syscall.SIGQUIT}, bin, "-p", dir, "-c", conf, "-g", "daemon off;")
	default:
		bin := need(t, "haproxy", "scripts/ci-tools.sh installs it")
		lb = startProc(t, "haproxy", procOptions{dir: dir}, bin, "-db", "-f", conf)
	}
	waitFor(t, "the balancer to reach an instance", 30*time.Second, func() bool {
		if lb.exited() {
			t.Fatalf("%s exited: %v\n%s", lb.name, lb.err, tail(lb.out.String(), 20))
		}
		return readyStatus(base) == http.StatusOK
	})
	return lb
}

// served is how many API requests (not probes or scrapes) an instance has
// answered, from its own http_request_duration_seconds_count: the
// balancer's traffic, as only the instance can tell it.
func served(base string) (float64, error) {
	s, err := tryScrape(base + "/metrics")
	if err != nil {
		return 0, err
	}
	n := 0.0
	for k, v := range s {
		name, labels, _ := parseSeries(k)
		if name != "http_request_duration_seconds_count" {
			continue
		}
		if r := labels["route"]; strings.Contains(r, "/readyz") || strings.Contains(r, "/healthz") || strings.Contains(r, "/metrics") {
			continue
		}
		n += v
	}
	return n, nil
}

// waitInRotation returns how long after now the instance at base first
// answers a request the balancer sent it, polling every 100 ms up to limit.
func waitInRotation(base string, limit time.Duration) (time.Duration, bool) {
	start := time.Now()
	first, err := served(base)
	for err != nil && time.Since(start) < limit {
		time.Sleep(100 * time.Millisecond)
		first, err = served(base)
	}
	for time.Since(start) < limit {
		if n, err := served(base); err == nil && n > first {
			return time.Since(start), true
		}
		time.Sleep(100 * time.Millisecond)
	}
	return limit, false
}

// TestFleetBehindBalancer loads the fleet through its balancer, SIGKILLs one
// instance (a crashed node: no drain) and starts it again, then restarts
// every instance in turn with SIGTERM, as a deploy does. What must hold:
// redirects ≤ 0.1% errors from the kill until the instance is back, no
// error at all through the rolling restart, the killed instance back in
// rotation within its balancer's bound, and every create acknowledged with
// 201 still resolving afterwards.
func TestFleetBehindBalancer(t *testing.T) {
	requireEnabled(t)
	for _, lb := range []string{scaffold.LBNginx, scaffold.LBHAProxy} {
		t.Run(lb, func(t *testing.T) { fleetUnderFaults(t, lb) })
	}
}

func fleetUnderFaults(t *testing.T, lb string) {
	p := fleetStack(lb)
	g := fleetService(t, lb)
	pg := startPostgres(t)
	rd := startRedis(t)
	env := []string{"DATABASE_URL=" + pg.url(), "REDIS_URL=" + rd.url(), "LOCAL_CACHE_SIZE=0",
		"DRAIN_DELAY=" + p.DrainDelay().String(), "SHUTDOWN_TIMEOUT=20s"}
	ports := make([]int, fleetSize)
	inst := make([]*service, fleetSize)
	start := func(i int) *service {
		return startServerAt(t, g, ports[i], append(env, "NODE_ID="+strconv.Itoa(i+1))...)
	}
	for i := range ports {
		ports[i] = freePort(t)
		inst[i] = start(i)
	}
	listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	base := "http://" + listen
	dir := t.TempDir()
	conf := writeFleetConfig(t, g, p, dir, listen, ports)
	balancer := startBalancer(t, p, dir, conf, base)

	id := runID(t)
	targets := seedLinks(t, base, id, 200)
	bound := backInRotationBound(p)
	// The load runs until the scenario ends it; the cap only bounds a hang.
	l := startLoad(base, loadSpec{duration: 4 * time.Minute, redirect: redirectRate, create: createRate, targets: targets, runID: id})

	// A crash: SIGKILL at 5 s, the instance started again at 10 s.
	l.sleepUntil(5 * time.Second)
	kill := l.mark("SIGKILL")
	if err := inst[0].p.signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if !inst[0].p.wait(5 * time.Second) {
		t.Fatal("the killed instance did not exit")
	}
	l.sleepUntil(10 * time.Second)
	inst[0] = start(0)
	ready := l.mark("restarted")
	back, ok := waitInRotation(inst[0].base, bound+5*time.Second)
	backAt := ready + back
	if !ok {
		t.Errorf("the killed instance, ready again at %v, got no request from %s within %v", ready.Round(time.Millisecond), lb, bound+5*time.Second)
	} else if back > bound {
		t.Errorf("the killed instance was back in rotation %v after it was ready, want ≤ %v", back.Round(time.Millisecond), bound)
	}
	l.sleepUntil(backAt + 2*time.Second)

	// A deploy: every instance in turn gets SIGTERM, drains, exits, starts
	// again, and is back in rotation before the next one goes.
	roll := l.mark("rolling restart")
	var backs []string
	for i := range inst {
		if err := inst[i].p.signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if !inst[i].p.wait(p.DrainDelay() + 25*time.Second) {
			t.Fatalf("instance %d did not exit within %v of SIGTERM", i+1, p.DrainDelay()+25*time.Second)
		}
		if code := inst[i].p.exitCode(); code != 0 {
			t.Errorf("instance %d exited %d after SIGTERM, want 0", i+1, code)
		}
		inst[i] = start(i)
		d, ok := waitInRotation(inst[i].base, bound+5*time.Second)
		if !ok || d > bound {
			t.Errorf("instance %d back in rotation after %v (found: %v), want ≤ %v", i+1, d.Round(time.Millisecond), ok, bound)
		}
		backs = append(backs, d.Round(10*time.Millisecond).String())
		time.Sleep(time.Second)
	}
	rollEnd := l.mark("rolled")
	l.end()
	rs := l.wait()
	if balancer.exited() {
		t.Fatalf("%s exited during the run: %v\n%s", lb, balancer.err, tail(balancer.out.String(), 20))
	}

	// From the second before the kill (a request in flight on the instance
	// when it died counts) until it was back.
	crash := max(0, kill-time.Second)
	killed := summarize(pick(rs, redirectOp, crash, backAt))
	killedCreates := summarize(pick(rs, createOp, crash, backAt))
	var failed []string
	for _, r := range rs {
		if !r.ok && !r.rerouted && len(failed) < 10 {
			failed = append(failed, fmt.Sprintf("%s due at %v: %s", r.op, r.at.Round(time.Millisecond), failureKind(r)))
		}
	}
	rolling := summarize(append(pick(rs, redirectOp, roll, rollEnd), pick(rs, createOp, roll, rollEnd)...))
	// Every create acknowledged must resolve through the balancer.
	c := noRedirect(5 * time.Second)
	acked, lost := 0, 0
	for _, r := range rs {
		if r.op != createOp || !r.ok {
			continue
		}
		acked++
		resp, err := c.Get(base + "/" + r.link.code)
		if err != nil {
			lost++
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != r.link.url {
			lost++
		}
	}
	figure(t, "%s, %d instances; SIGKILL at %v, ready again at %v, back in rotation %v later (bound %v)", lb, fleetSize,
		kill.Round(time.Millisecond), ready.Round(time.Millisecond), back.Round(10*time.Millisecond), bound)
	figure(t, "redirects from 1 s before the kill until it was back: %v", killed)
	figure(t, "creates from 1 s before the kill until it was back (a create in flight on a crashed node may fail, never be acknowledged and lost): %v", killedCreates)
	figure(t, "rolling restart (SIGTERM, DRAIN_DELAY %v) from %v to %v, each back after %s: %v", p.DrainDelay(),
		roll.Round(time.Millisecond), rollEnd.Round(time.Millisecond), strings.Join(backs, ", "), rolling)
	figure(t, "whole run: redirects %v; creates %v", summarize(pick(rs, redirectOp, 0, rollEnd)), summarize(pick(rs, createOp, 0, rollEnd)))
	figure(t, "creates acknowledged: %d, of which resolve now: %d", acked, acked-lost)
	figure(t, "failed requests (first 10): %v", failed)

	if killed.n == 0 || killed.errorRate() > 0.001 {
		t.Errorf("redirects through the kill: %v, want ≤ 0.1%% errors", killed)
	}
	if rolling.n == 0 || rolling.errors() > 0 {
		t.Errorf("through the rolling restart: %v, want 0 errors", rolling)
	}
	if acked == 0 || lost > 0 {
		t.Errorf("%d of %d acknowledged creates do not resolve", lost, acked)
	}
}

// TestFleetCommand runs the generated cmd/fleet itself, as `make fleet`
// does: it must start the instances and the balancer, serve a create and
// its redirect through the balancer, and on SIGTERM stop everything it
// started and exit 0.
func TestFleetCommand(t *testing.T) {
	requireEnabled(t)
	for _, lb := range []string{scaffold.LBNginx, scaffold.LBHAProxy} {
		t.Run(lb, func(t *testing.T) {
			need(t, lb, "scripts/ci-tools.sh installs it")
			p := fleetStack(lb)
			g := fleetService(t, lb)
			pg := startPostgres(t)
			rd := startRedis(t)
			ups := []string{fmt.Sprintf("127.0.0.1:%d", freePort(t)), fmt.Sprintf("127.0.0.1:%d", freePort(t))}
			listen := fmt.Sprintf("127.0.0.1:%d", freePort(t))
			base := "http://" + listen
			f := startProc(t, "fleet", procOptions{dir: g.dir, env: childEnv("DATABASE_URL="+pg.url(), "REDIS_URL="+rd.url(),
				"LOG_LEVEL=warn", "BASE_URL=https://sho.rt")},
				filepath.Join(g.bin, "fleet"), "-listen", listen, "-upstreams", strings.Join(ups, ","), "-bin", g.bin, "-dir", t.TempDir())
			waitFor(t, "the fleet's balancer to reach an instance", 60*time.Second, func() bool {
				if f.exited() {
					t.Fatalf("fleet exited: %v\n%s", f.err, tail(f.out.String(), 30))
				}
				return readyStatus(base) == http.StatusOK
			})
			createAndResolve(t, base, "https://example.org/"+runID(t)+"/fleet", tail(f.out.String(), 20))
			pids := fleetPIDs(f.out.String())
			if len(pids) != len(ups)+1 {
				t.Fatalf("the fleet listed %d children, want %d instances and the balancer:\n%s", len(pids), len(ups)+1, f.out.String())
			}
			if err := f.signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if !f.wait(p.DrainDelay() + 30*time.Second) {
				t.Fatalf("the fleet did not exit within %v of SIGTERM", p.DrainDelay()+30*time.Second)
			}
			if code := f.exitCode(); code != 0 {
				t.Errorf("fleet exited %d after SIGTERM, want 0\n%s", code, tail(f.out.String(), 20))
			}
			for _, pid := range pids {
				// Signal 0 only asks whether the process exists.
				if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
					t.Errorf("child pid %d still exists after the fleet exited (%v)", pid, err)
				}
			}
			for _, a := range append(ups, listen) {
				if listening(a) {
					t.Errorf("%s still accepts connections after the fleet exited", a)
				}
			}
		})
	}
}

var fleetPIDLine = regexp.MustCompile(`(?m)^fleet: .* pid (\d+)$`)

// fleetPIDs reads the children's PIDs from the fleet's own listing.
func fleetPIDs(out string) []int {
	var pids []int
	for _, m := range fleetPIDLine.FindAllStringSubmatch(out, -1) {
		if n, err := strconv.Atoi(m[1]); err == nil {
			pids = append(pids, n)
		}
	}
	return pids
}
