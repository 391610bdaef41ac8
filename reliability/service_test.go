package reliability

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// cleanups run after every test of the binary (shared temp directories).
var cleanups []func()

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(cleanups) - 1; i >= 0; i-- {
		cleanups[i]()
	}
	os.Exit(code)
}

// faultStack is the design the fault tests generate: the talk's shortener
// on PostgreSQL, a Redis cache-aside and clicks through NATS JetStream. The
// in-process LRU is off (LocalCacheSize 0), so every redirect really asks
// Redis and then the database: with it on, a Redis outage would be hidden
// behind process memory and prove nothing.
func faultStack() scaffold.Params {
	return scaffold.Params{
		DesignName: "reliability", DesignHash: "reliability-test", Module: "example.com/reliability/shortener",
		DB: scaffold.DBPostgres, Cache: scaffold.CacheRedis, Queue: scaffold.QueueNATS, LB: scaffold.LBManaged,
		RedirectStatus: 302, CacheTTL: time.Hour, CacheTTLJitter: time.Minute, Stampede: scaffold.StampedeCoalesce,
		LocalCacheSize: 0, DBPoolSize: 16, CachePoolSize: 32,
		PeakReadRPS: redirectRate, PeakWriteRPS: createRate,
	}
}

// generated is a generated and built service.
type generated struct {
	dir string // the generated project
	bin string // its built binaries (server, worker)
	err error
}

var builds struct {
	mu   sync.Mutex
	byID map[string]*generated
}

// serviceVars are cleared from every child's environment, so a developer's
// own settings cannot point a test at their services.
var serviceVars = []string{"DATABASE_URL", "DATABASE_REPLICA_URLS", "DATABASE_SHARD_URLS", "REDIS_URL",
	"MEMCACHED_ADDRS", "KAFKA_BROKERS", "AMQP_URL", "NATS_URL", "SQS_QUEUE_URL", "LISTEN_ADDR", "BASE_URL",
	"OTEL_EXPORTER_OTLP_ENDPOINT", "LOCAL_CACHE_SIZE", "DRAIN_DELAY", "SHUTDOWN_TIMEOUT", "DB_TIMEOUT", "CACHE_TIMEOUT", "LOG_LEVEL"}

func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		drop := false
		for _, v := range serviceVars {
			drop = drop || name == v
		}
		if !drop {
			env = append(env, kv)
		}
	}
	return append(append(env, "GOWORK=off"), extra...)
}

// generate renders p with scaffold.Generate (including its go mod tidy) and
// builds what it needs, once per test binary; later callers share it.
func generate(t *testing.T, id string, p scaffold.Params, build ...string) *generated {
	t.Helper()
	builds.mu.Lock()
	defer builds.mu.Unlock()
	if builds.byID == nil {
		builds.byID = map[string]*generated{}
	}
	if g, ok := builds.byID[id]; ok {
		if g.err != nil {
			t.Fatal(g.err)
		}
		return g
	}
	g := &generated{}
	builds.byID[id] = g
	root, err := os.MkdirTemp("", "reliability-svc-")
	if err != nil {
		g.err = err
		t.Fatal(err)
	}
	cleanups = append(cleanups, func() { os.RemoveAll(root) })
	g.dir = filepath.Join(root, "svc")
	g.bin = filepath.Join(root, "bin")
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if _, err := scaffold.Generate(ctx, p, g.dir, scaffold.Options{}); err != nil {
		g.err = fmt.Errorf("generate %s: %w", id, err)
		t.Fatal(g.err)
	}
	if len(build) > 0 {
		args := append([]string{"build", "-o", g.bin + "/"}, build...)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = g.dir
		cmd.Env = childEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			g.err = fmt.Errorf("build the generated %s service: %v\n%s", id, err, out)
			t.Fatal(g.err)
		}
	}
	t.Logf("generated (and built %v) the %s service in %v", build, id, time.Since(start).Round(time.Millisecond))
	return g
}

// faultService is the fault tests' service, built once.
func faultService(t *testing.T) *generated {
	return generate(t, "postgres+redis+nats", faultStack(), "./cmd/server", "./cmd/worker")
}

// service is a running instance of the generated server.
type service struct {
	p    *proc
	base string
	port int
}

// noRedirect is a client that reports redirects instead of following them.
func noRedirect(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// startServer runs the generated server with env (NAME=value pairs) on a
// free port and waits until /readyz answers 200.
func startServer(t *testing.T, g *generated, env ...string) *service {
	t.Helper()
	return startServerAt(t, g, freePort(t), env...)
}

// startServerAt is startServer on a given port: an instance restarted
// where its load balancer expects it.
func startServerAt(t *testing.T, g *generated, port int, env ...string) *service {
	t.Helper()
	s := &service{port: port, base: fmt.Sprintf("http://127.0.0.1:%d", port)}
	// No drain by default (nothing here balances load over the instance, and
	// every cleanup would wait it out); the SIGTERM test sets its own.
	env = append([]string{fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port), "BASE_URL=https://sho.rt", "LOG_LEVEL=warn", "DRAIN_DELAY=0"}, env...)
	s.p = startProc(t, "server", procOptions{dir: g.dir, env: childEnv(env...)}, filepath.Join(g.bin, "server"))
	waitFor(t, "the server's /readyz", 30*time.Second, func() bool {
		if s.p.exited() {
			t.Fatalf("server exited: %v\n%s", s.p.err, tail(s.p.out.String(), 20))
		}
		return readyStatus(s.base) == http.StatusOK
	})
	return s
}

// startWorker runs the generated click worker; it returns the address of
// its /metrics.
func startWorker(t *testing.T, g *generated, env ...string) (*proc, string) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	env = append([]string{"WORKER_METRICS_ADDR=" + addr, "LOG_LEVEL=warn"}, env...)
	p := startProc(t, "worker", procOptions{dir: g.dir, env: childEnv(env...)}, filepath.Join(g.bin, "worker"))
	waitFor(t, "the worker's /metrics", 30*time.Second, func() bool {
		if p.exited() {
			t.Fatalf("worker exited: %v\n%s", p.err, tail(p.out.String(), 20))
		}
		return listening(addr)
	})
	return p, "http://" + addr
}
