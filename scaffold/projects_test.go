package scaffold

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/internal/proctest"
)

// stack is one combination of the representative matrix (issue 6).
type stack struct {
	name string
	edit func(*Params)
}

var matrix = []stack{
	{"postgres+redis+kafka+nginx", func(p *Params) {}},
	{"postgres+redis+rabbitmq+haproxy", func(p *Params) { p.Queue, p.LB = QueueRabbitMQ, LBHAProxy }},
	{"mysql+memcached+nats+haproxy", func(p *Params) {
		p.DB, p.Cache, p.Queue, p.LB, p.Stampede = DBMySQL, CacheMemcached, QueueNATS, LBHAProxy, StampedeLock
	}},
	{"postgres+none+none+managed", func(p *Params) { p.Cache, p.Queue, p.LB = CacheNone, QueueNone, LBManaged }},
	{"postgres+redis+sqs+nginx", func(p *Params) { p.Queue, p.Stampede = QueueSQS, StampedeEarlyRefresh }},
	{"postgres+redis+none+nginx, 3 shards with a replica each", func(p *Params) {
		p.Queue, p.Shards, p.ReadReplicas, p.LBAlgorithm = QueueNone, 3, 1, AlgConsistentHash
	}},
	{"mysql+redis+rabbitmq+managed, 2 replicas, 301", func(p *Params) {
		p.DB, p.Queue, p.LB, p.ReadReplicas, p.RedirectStatus = DBMySQL, QueueRabbitMQ, LBManaged, 2, 301
	}},
}

// Which tests run:
//   - go test -short: none of these (generation itself is tested in generate_test.go);
//   - go test: the first stack is generated, tidied, vetted, built and its own unit
//     tests run on in-process defaults (needs the module proxy or a warm cache);
//   - CI=true or SCAFFOLD_MATRIX=1: every stack, and
//   - CI=true or SCAFFOLD_SERVICES=1: also each against the real services of this
//     machine (see scripts/ci-services.sh), failing when one is missing.
func fullMatrix() bool   { return os.Getenv("CI") == "true" || os.Getenv("SCAFFOLD_MATRIX") == "1" }
func withServices() bool { return os.Getenv("CI") == "true" || os.Getenv("SCAFFOLD_SERVICES") == "1" }

func TestGeneratedProjects(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: generated projects are not built")
	}
	stacks := matrix[:1]
	if fullMatrix() || withServices() {
		stacks = matrix
	}
	for _, s := range stacks {
		t.Run(s.name, func(t *testing.T) {
			p := sample()
			s.edit(&p)
			p = p.Defaults()
			dir := filepath.Join(t.TempDir(), "svc")
			if _, err := Generate(context.Background(), p, dir, Options{}); err != nil {
				t.Fatal(err)
			}
			if out := run(t, dir, nil, gofmtPath(t), "-l", "."); strings.TrimSpace(out) != "" {
				t.Fatalf("gofmt would change:\n%s", out)
			}
			run(t, dir, nil, "go", "vet", "./...")
			run(t, dir, nil, "go", "build", "./...")
			run(t, dir, nil, "go", "test", "-count=1", "./...")
			if fullMatrix() || withServices() {
				// Every exception in the generated code carries a #nosec
				// with its reason; anything else fails.
				run(t, dir, nil, gosecPath(t), "-quiet", "./...")
			}
			if withServices() {
				testAgainstServices(t, p, dir)
			}
		})
	}
}

// serviceVars are cleared for the unit-test run, so a developer's own
// environment cannot turn it into an integration run.
var serviceVars = []string{"DATABASE_URL", "DATABASE_REPLICA_URLS", "DATABASE_SHARD_URLS", "REDIS_URL", "MEMCACHED_ADDRS",
	"KAFKA_BROKERS", "AMQP_URL", "NATS_URL", "SQS_QUEUE_URL", "LISTEN_ADDR", "BASE_URL", "OTEL_EXPORTER_OTLP_ENDPOINT"}

func goEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, v := range serviceVars {
			if strings.HasPrefix(kv, v+"=") {
				keep = false
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	return append(append(env, "GOWORK=off"), extra...)
}

// run runs a command in dir and fails the test with its output if it fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = goEnv(env)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func gofmtPath(t *testing.T) string {
	if p, err := exec.LookPath("gofmt"); err == nil {
		return p
	}
	p := filepath.Join(runtime.GOROOT(), "bin", "gofmt")
	if _, err := os.Stat(p); err != nil {
		t.Fatal("gofmt not found")
	}
	return p
}

func gosecPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("gosec"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "gosec")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("gosec is not installed (go install github.com/securego/gosec/v2/cmd/gosec@v2.30.0; scripts/ci-tools.sh does it)")
	return ""
}

// start runs a long-lived process in dir with the project's environment
// plus env, and stops it (by its own PID) when the test ends.
func start(t *testing.T, dir string, env []string, name string, args ...string) *proctest.Proc {
	t.Helper()
	// Children that outlive the process (nginx's workers) must not keep
	// Wait waiting for the output pipe. SIGTERM stops it: nginx's master
	// then stops its workers too.
	return proctest.Start(t, filepath.Base(name), proctest.Options{Dir: dir, Env: goEnv(env), WaitDelay: 5 * time.Second}, name, args...)
}

// testAgainstServices runs the generated project against the real stack:
// its own tests with the services' variables set (store, cache and queue
// suites and its end-to-end test), then its server and worker binaries
// driven over HTTP, then its LB and Prometheus configuration through the
// tools that read them.
func testAgainstServices(t *testing.T, p Params, dir string) {
	runID := fmt.Sprintf("%d", time.Now().UnixNano())
	env := serviceEnv(t, p, dir, runID)

	run(t, dir, env, "go", "test", "-count=1", "./...")

	bin := filepath.Join(dir, "bin")
	run(t, dir, nil, "go", "build", "-o", bin+"/", "./cmd/...")
	port := proctest.FreePort(t)
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	// A short drain: nothing balances load over this instance, and the
	// default (up to 20 s behind a managed load balancer) would only add
	// waiting to the SIGTERM check below.
	server := start(t, dir, append(env, fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port), "BASE_URL=https://sho.rt", "DRAIN_DELAY=1s"), filepath.Join(bin, "server"))
	var worker *proctest.Proc
	if p.HasBroker() {
		worker = start(t, dir, append(env, fmt.Sprintf("WORKER_METRICS_ADDR=127.0.0.1:%d", proctest.FreePort(t))), filepath.Join(bin, "worker"))
	}
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	proctest.WaitFor(t, "the server's /readyz", 30*time.Second, func() bool {
		resp, err := client.Get(base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	})

	clicks := map[string]int{}
	for i := 0; i < 5; i++ {
		target := fmt.Sprintf("https://example.com/%s/%d?q='x'", runID, i)
		body, _ := json.Marshal(map[string]string{"url": target})
		resp, err := client.Post(base+"/api/links", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Code     string `json:"code"`
			ShortURL string `json:"short_url"`
		}
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 201 || out.ShortURL != "https://sho.rt/"+out.Code {
			t.Fatalf("create: %d %+v", resp.StatusCode, out)
		}
		for n := 0; n <= i; n++ {
			resp, err := client.Get(base + "/" + out.Code)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != p.RedirectStatus || resp.Header.Get("Location") != target {
				t.Fatalf("GET /%s: %d to %q", out.Code, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		clicks[out.Code] = i + 1
	}
	// Clicks are delivered at least once: a batch a worker received but did
	// not apply (a timeout under load) comes back after the queue's
	// visibility timeout, 60 s for SQS. Wait past it, so the test checks
	// that guarantee instead of failing on the first delivery.
	for code, want := range clicks {
		proctest.WaitFor(t, fmt.Sprintf("%d clicks on %s in its stats", want, code), 90*time.Second, func() bool {
			resp, err := client.Get(base + "/api/links/" + code + "/stats")
			if err != nil {
				return false
			}
			defer resp.Body.Close()
			var s struct{ Clicks int }
			json.NewDecoder(resp.Body).Decode(&s)
			if s.Clicks > want {
				t.Fatalf("%s has %d clicks, more than the %d made", code, s.Clicks, want)
			}
			return s.Clicks == want
		})
	}
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`http_request_duration_seconds_count{route="POST /api/links",status="201"} 5`, "shortener_clicks_published_total 15"} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// SIGTERM: both stop cleanly.
	for _, c := range []*proctest.Proc{server, worker} {
		if c == nil {
			continue
		}
		c.Signal(syscall.SIGTERM)
		switch {
		case !c.Wait(30 * time.Second):
			t.Errorf("%s did not stop within 30s of SIGTERM", c.Name)
		case c.Err() != nil:
			t.Errorf("%s exited with %v after SIGTERM", c.Name, c.Err())
		}
	}
	if !strings.Contains(server.Out.String(), `"msg":"shutting down"`) {
		t.Errorf("the server did not log its shutdown:\n%s", lastLines(server.Out.String(), 10))
	}

	checkConfigs(t, p, dir)
	if p.LB != LBManaged {
		behindTheLoadBalancer(t, p, dir, env)
	}
}

// serviceEnv points the project at this machine's services, creating what
// belongs to this run (a database, a queue) and starting the stand-ins
// that have no server package here (Kafka, SQS).
func serviceEnv(t *testing.T, p Params, dir, runID string) []string {
	t.Helper()
	var env []string
	var primaries []string // the database URL of each shard (one if unsharded)
	dbName := "scaffold_" + runID
	switch p.DB {
	case DBPostgres:
		if !proctest.Listening("127.0.0.1:5432") {
			t.Fatal("PostgreSQL is not running on 127.0.0.1:5432 (scripts/ci-services.sh starts it)")
		}
		psql := proctest.Need(t, "psql", "Debian's postgresql-client")
		run(t, dir, nil, psql, "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "CREATE DATABASE "+dbName)
		t.Cleanup(func() {
			exec.Command(psql, "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)").Run()
		})
		primaries = []string{"postgres://postgres@127.0.0.1:5432/" + dbName}
		env = append(env, "DATABASE_URL="+primaries[0])
	case DBMySQL:
		if !proctest.Listening("127.0.0.1:3306") {
			t.Fatal("MariaDB is not running on 127.0.0.1:3306 (scripts/ci-services.sh starts it)")
		}
		mysql := proctest.Need(t, "mysql", "Debian's mariadb-client")
		run(t, dir, nil, mysql, "-h", "127.0.0.1", "-u", "root", "-e", "CREATE DATABASE "+dbName)
		t.Cleanup(func() {
			exec.Command(mysql, "-h", "127.0.0.1", "-u", "root", "-e", "DROP DATABASE IF EXISTS "+dbName).Run()
		})
		primaries = []string{"mysql://root@127.0.0.1:3306/" + dbName}
		env = append(env, "DATABASE_URL="+primaries[0])
	}
	if p.Sharded() {
		// Every shard in the same database would hide routing bugs behind
		// one table; one database per shard instead.
		var urls []string
		for i := 0; i < p.Shards; i++ {
			name := fmt.Sprintf("%s_s%d", dbName, i)
			run(t, dir, nil, "psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "CREATE DATABASE "+name)
			t.Cleanup(func() {
				exec.Command("psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "-c", "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)").Run()
			})
			urls = append(urls, "postgres://postgres@127.0.0.1:5432/"+name)
		}
		primaries = urls
		env = append(env, "DATABASE_URL=", "DATABASE_SHARD_URLS="+strings.Join(urls, ","))
	}
	if p.UsesReplicas() {
		// No streaming replica here: each primary stands in for its own
		// replicas, which exercises the replica read path and its fallback.
		var groups []string
		for _, u := range primaries {
			var group []string
			for i := 0; i < p.ReadReplicas; i++ {
				group = append(group, u)
			}
			groups = append(groups, strings.Join(group, ","))
		}
		env = append(env, "DATABASE_REPLICA_URLS="+strings.Join(groups, ";"))
	}
	switch p.Cache {
	case CacheRedis:
		if !proctest.Listening("127.0.0.1:6379") {
			t.Fatal("Redis is not running on 127.0.0.1:6379 (scripts/ci-services.sh starts it)")
		}
		// Each run's database issues ids from 1 again, so a cache that
		// outlived an earlier run would answer its codes with that run's
		// URLs: the runs use a Redis database of their own, emptied
		// before and after.
		cli := proctest.Need(t, "redis-cli", "Debian's redis-tools")
		flush := []string{"-h", "127.0.0.1", "-p", "6379", "-n", scaffoldRedisDB, "FLUSHDB"}
		run(t, dir, nil, cli, flush...)
		t.Cleanup(func() { exec.Command(cli, flush...).Run() })
		env = append(env, "REDIS_URL=redis://127.0.0.1:6379/"+scaffoldRedisDB)
	case CacheMemcached:
		if !proctest.Listening("127.0.0.1:11211") {
			t.Fatal("memcached is not running on 127.0.0.1:11211 (scripts/ci-services.sh starts it)")
		}
		// memcached has no databases: empty it, for the reason above (the
		// test suites are its only users here).
		if err := flushMemcached("127.0.0.1:11211"); err != nil {
			t.Fatalf("emptying memcached: %v", err)
		}
		t.Cleanup(func() { flushMemcached("127.0.0.1:11211") })
		env = append(env, "MEMCACHED_ADDRS=127.0.0.1:11211")
	}
	switch p.Queue {
	case QueueKafka:
		// No Kafka server can be installed here: the project's own devkafka
		// (franz-go's kfake, which speaks the Kafka protocol) stands in.
		port := proctest.FreePort(t)
		run(t, dir, nil, "go", "build", "-o", "bin/", "./cmd/devkafka")
		start(t, dir, nil, filepath.Join(dir, "bin", "devkafka"), "-port", fmt.Sprint(port))
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		proctest.WaitFor(t, "devkafka", 20*time.Second, func() bool { return proctest.Listening(addr) })
		env = append(env, "KAFKA_BROKERS="+addr)
	case QueueRabbitMQ:
		if !proctest.Listening("127.0.0.1:5672") {
			t.Fatal("RabbitMQ is not running on 127.0.0.1:5672 (scripts/ci-services.sh starts it)")
		}
		queue := "scaffold-clicks-" + runID
		rabbitmqctl := proctest.Need(t, "rabbitmqctl", "Debian's rabbitmq-server")
		// Runs after the server and worker are stopped (cleanups run last
		// first), so nothing declares the queue again.
		t.Cleanup(func() {
			if out, err := exec.Command(rabbitmqctl, "delete_queue", queue).CombinedOutput(); err != nil {
				t.Errorf("delete the run's RabbitMQ queue %s: %v\n%s", queue, err, out)
			}
		})
		env = append(env, "AMQP_URL=amqp://guest:guest@127.0.0.1:5672/", "AMQP_QUEUE="+queue)
	case QueueNATS:
		if !proctest.Listening("127.0.0.1:4222") {
			t.Fatal("NATS is not running on 127.0.0.1:4222 (scripts/ci-services.sh starts it)")
		}
		stream := "SCAFFOLD_" + runID
		t.Cleanup(func() {
			if err := deleteNATSStream("127.0.0.1:4222", stream); err != nil {
				t.Errorf("delete the run's NATS stream %s: %v", stream, err)
			}
		})
		env = append(env, "NATS_URL=nats://127.0.0.1:4222", "NATS_STREAM="+stream)
	case QueueSQS:
		env = append(env, sqsEnv(t, dir, runID)...)
	}
	return env
}

// sqsEnv starts fauxqs (an SQS emulator from npm that speaks the JSON
// protocol of current AWS SDKs) and creates a queue for this run.
func sqsEnv(t *testing.T, dir, runID string) []string {
	t.Helper()
	fauxqs := proctest.Need(t, "fauxqs", "npm install -g fauxqs@1.9.2; scripts/ci-tools.sh does it")
	port := proctest.FreePort(t)
	start(t, dir, []string{fmt.Sprintf("FAUXQS_PORT=%d", port), "FAUXQS_HOST=127.0.0.1", "FAUXQS_LOGGER=false"}, fauxqs)
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	var queueURL string
	proctest.WaitFor(t, "fauxqs to create the queue", 30*time.Second, func() bool {
		req, _ := http.NewRequest(http.MethodPost, endpoint+"/", strings.NewReader(`{"QueueName":"clicks-`+runID+`"}`))
		req.Header.Set("X-Amz-Target", "AmazonSQS.CreateQueue")
		req.Header.Set("Content-Type", "application/x-amz-json-1.0")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var out struct{ QueueUrl string }
		json.NewDecoder(resp.Body).Decode(&out)
		queueURL = out.QueueUrl
		return resp.StatusCode == 200 && queueURL != ""
	})
	return []string{"SQS_QUEUE_URL=" + queueURL, "AWS_ENDPOINT_URL=" + endpoint, "AWS_REGION=us-east-1",
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"}
}

// checkConfigs runs the generated LB and Prometheus files through the
// programs that will read them.
func checkConfigs(t *testing.T, p Params, dir string) {
	t.Helper()
	switch p.LB {
	case LBNginx:
		nginx := proctest.Need(t, "nginx", "Debian's nginx")
		prefix := t.TempDir()
		run(t, dir, nil, nginx, "-t", "-p", prefix, "-c", filepath.Join(dir, "deploy", "nginx", "nginx.conf"))
	case LBHAProxy:
		haproxy := proctest.Need(t, "haproxy", "Debian's haproxy")
		run(t, dir, nil, haproxy, "-c", "-f", filepath.Join(dir, "deploy", "haproxy", "haproxy.cfg"))
	}
	promtool := proctest.Need(t, "promtool", "Debian's prometheus")
	run(t, dir, nil, promtool, "check", "rules", "--lint-fatal", "deploy/prometheus/alerts.yml")
	run(t, dir, nil, promtool, "check", "config", "deploy/prometheus/prometheus.yml")
}

// behindTheLoadBalancer runs the generated nginx or HAProxy config in front
// of the service's instances (its ports moved to free ones: the config's own
// 8000 and 8081.. may be taken here), creates and follows links through it,
// then stops one instance and checks the balancer routes around it.
func behindTheLoadBalancer(t *testing.T, p Params, dir string, env []string) {
	t.Helper()
	lbPort := proctest.FreePort(t)
	var instances []*proctest.Proc
	var conf string
	switch p.LB {
	case LBNginx:
		b, _ := os.ReadFile(filepath.Join(dir, "deploy", "nginx", "nginx.conf"))
		conf = strings.Replace(string(b), "listen 8000;", fmt.Sprintf("listen 127.0.0.1:%d;", lbPort), 1)
	case LBHAProxy:
		b, _ := os.ReadFile(filepath.Join(dir, "deploy", "haproxy", "haproxy.cfg"))
		conf = strings.Replace(string(b), "bind :8000", fmt.Sprintf("bind 127.0.0.1:%d", lbPort), 1)
	}
	for i := 1; i <= p.Instances; i++ {
		port := proctest.FreePort(t)
		conf = strings.Replace(conf, fmt.Sprintf("127.0.0.1:%d ", 8080+i), fmt.Sprintf("127.0.0.1:%d ", port), 1)
		cmd := start(t, dir, append(env, fmt.Sprintf("LISTEN_ADDR=127.0.0.1:%d", port), "BASE_URL=https://sho.rt", "NODE_ID="+fmt.Sprint(i)),
			filepath.Join(dir, "bin", "server"))
		instances = append(instances, cmd)
		proctest.WaitFor(t, "an instance's /readyz", 30*time.Second, func() bool {
			resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/readyz", port))
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == 200
		})
	}
	if strings.Contains(conf, "127.0.0.1:808") {
		t.Fatalf("could not move every instance of the generated config to a free port:\n%s", conf)
	}
	work := t.TempDir()
	confPath := filepath.Join(work, "lb.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	switch p.LB {
	case LBNginx:
		start(t, work, nil, proctest.Need(t, "nginx", "Debian's nginx"), "-p", work, "-c", confPath, "-g", "daemon off;")
	case LBHAProxy:
		start(t, work, nil, proctest.Need(t, "haproxy", "Debian's haproxy"), "-f", confPath)
	}
	lb := fmt.Sprintf("http://127.0.0.1:%d", lbPort)
	client := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	proctest.WaitFor(t, p.LB+" to accept connections", 20*time.Second, func() bool { return proctest.Listening(fmt.Sprintf("127.0.0.1:%d", lbPort)) })

	roundTrip := func(i int) error {
		target := fmt.Sprintf("https://example.com/lb/%d", i)
		resp, err := client.Post(lb+"/api/links", "application/json", strings.NewReader(`{"url": "`+target+`"}`))
		if err != nil {
			return err
		}
		var out struct{ Code string }
		json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			return fmt.Errorf("create through %s: %d", p.LB, resp.StatusCode)
		}
		resp, err = client.Get(lb + "/" + out.Code)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != p.RedirectStatus || resp.Header.Get("Location") != target {
			return fmt.Errorf("redirect through %s: %d to %q", p.LB, resp.StatusCode, resp.Header.Get("Location"))
		}
		return nil
	}
	for i := 0; i < 20; i++ {
		if err := roundTrip(i); err != nil {
			t.Fatal(err)
		}
	}
	// One instance stops (SIGTERM: it drains and exits). Requests through
	// the balancer keep working once its health check or retry notices.
	instances[0].Signal(syscall.SIGTERM)
	if !instances[0].Wait(30 * time.Second) {
		t.Fatalf("an instance did not stop within 30s of SIGTERM")
	}
	var failures []error
	for i := 100; i < 140 && len(failures) <= 5; i++ {
		if err := roundTrip(i); err != nil {
			failures = append(failures, err)
			time.Sleep(200 * time.Millisecond)
		}
	}
	if len(failures) > 5 {
		t.Fatalf("requests kept failing through %s after one of %d instances stopped: %v", p.LB, p.Instances, failures)
	}
}

// scaffoldRedisDB is the Redis database the generated projects' tests
// use, so that emptying it touches no one else's keys.
const scaffoldRedisDB = "9"

// flushMemcached empties the memcached at addr (its text protocol's
// flush_all).
func flushMemcached(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		return err
	}
	if _, err := conn.Write([]byte("flush_all\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		return err
	}
	if strings.TrimSpace(line) != "OK" {
		return fmt.Errorf("flush_all answered %q", line)
	}
	return nil
}

// deleteNATSStream deletes a JetStream stream (and its consumers) through
// the JetStream API, speaking the NATS text protocol itself: the module
// has no NATS client, and the generated project's is not ours to import.
// A stream that does not exist (JetStream error 10059) counts as deleted.
func deleteNATSStream(addr, stream string) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		return err
	}
	r := bufio.NewReader(conn)
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "INFO ") {
		return fmt.Errorf("no INFO from the server: %q, %v", line, err)
	}
	const inbox = "_INBOX.scaffold_cleanup"
	if _, err := fmt.Fprintf(conn, "CONNECT {\"verbose\":false,\"pedantic\":false,\"headers\":false}\r\nSUB %s 1\r\nPUB $JS.API.STREAM.DELETE.%s %s 0\r\n\r\n",
		inbox, stream, inbox); err != nil {
		return err
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("waiting for JetStream's answer: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		switch {
		case line == "PING":
			if _, err := io.WriteString(conn, "PONG\r\n"); err != nil {
				return err
			}
		case strings.HasPrefix(line, "-ERR"):
			return errors.New(line)
		case strings.HasPrefix(line, "MSG "):
			fields := strings.Fields(line)
			n, err := strconv.Atoi(fields[len(fields)-1])
			if err != nil {
				return fmt.Errorf("bad MSG line %q", line)
			}
			payload := make([]byte, n+2)
			if _, err := io.ReadFull(r, payload); err != nil {
				return err
			}
			var answer struct {
				Success bool `json:"success"`
				Error   *struct {
					Code        int    `json:"err_code"`
					Description string `json:"description"`
				} `json:"error"`
			}
			if err := json.Unmarshal(payload[:n], &answer); err != nil {
				return fmt.Errorf("JetStream answered %q: %w", payload[:n], err)
			}
			if answer.Success || answer.Error != nil && answer.Error.Code == 10059 {
				return nil
			}
			return fmt.Errorf("JetStream answered %s", payload[:n])
		}
	}
}
