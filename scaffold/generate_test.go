package scaffold

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/tradeoff-dev/tradeoff/internal/safewrite"
)

// sample is a design with every feature the templates react to.
func sample() Params {
	return Params{
		DesignName: "Link shortener", DesignHash: "sha256:0123456789abcdef",
		Module: "example.com/team/shortener",
		DB:     DBPostgres, Cache: CacheRedis, Queue: QueueKafka, LB: LBNginx,
		LBAlgorithm: AlgLeastConn, Instances: 3, RedirectStatus: 302,
		CacheTTL: time.Hour, CacheTTLJitter: 5 * time.Minute, Stampede: StampedeCoalesce,
		LocalCacheSize: 50_000, DBPoolSize: 16, CachePoolSize: 32,
		SLOs: []SLO{
			{Name: "redirect", Route: RouteRedirect, P99: 50 * time.Millisecond, Availability: 0.9995},
			{Name: "shorten", Route: RouteCreate, P99: 200 * time.Millisecond, Availability: 0.999},
		},
		PeakReadRPS: 12000, PeakWriteRPS: 120,
	}
}

func generateOffline(t *testing.T, p Params) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	if _, err := Generate(context.Background(), p, dir, Options{Offline: true}); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestValidateRejectsBadParams(t *testing.T) {
	for _, tt := range []struct {
		name  string
		edit  func(*Params)
		field string
	}{
		{"an unknown database", func(p *Params) { p.DB = "oracle" }, "db"},
		{"dynamodb, not generated yet", func(p *Params) { p.DB = DBDynamoDB }, "db"},
		{"an unknown queue", func(p *Params) { p.Queue = "kinesis" }, "queue"},
		{"an unknown algorithm", func(p *Params) { p.LBAlgorithm = "fastest" }, "lb algorithm"},
		{"a module path with spaces", func(p *Params) { p.Module = "my module" }, "module"},
		{"a module path with ..", func(p *Params) { p.Module = "example.com/../x" }, "module"},
		{"redirect status 303", func(p *Params) { p.RedirectStatus = 303 }, "redirect status"},
		{"jitter above the ttl", func(p *Params) { p.CacheTTLJitter = 2 * time.Hour }, "cache ttl jitter"},
		{"no instances", func(p *Params) { p.Instances = -1 }, "instances"},
		{"an infinite rate", func(p *Params) { p.PeakReadRPS = math.Inf(1) }, "peak rates"},
		{"availability 1", func(p *Params) { p.SLOs[0].Availability = 1 }, "slo[0] availability"},
		{"two SLOs for a route", func(p *Params) { p.SLOs[1].Route = RouteRedirect }, "slo[1]"},
		{"an SLO on an unknown route", func(p *Params) { p.SLOs[0].Route = "GET /admin" }, "slo[0] route"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := sample()
			tt.edit(&p)
			err := p.Defaults().Validate()
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Field != tt.field {
				t.Fatalf("err = %v, want a ParamError on %q", err, tt.field)
			}
		})
	}
	if err := sample().Defaults().Validate(); err != nil {
		t.Fatalf("the sample is invalid: %v", err)
	}
}

func TestGenerateRefusesANonEmptyDirectoryWithoutForce(t *testing.T) {
	dir := t.TempDir()
	mine := filepath.Join(dir, "notes.txt")
	os.WriteFile(mine, []byte("mine"), 0o644)
	_, err := Generate(context.Background(), sample(), dir, Options{Offline: true})
	if !errors.Is(err, ErrNotEmpty) || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v, want ErrNotEmpty with a --force hint", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("the directory was touched: %d entries", len(entries))
	}
	if _, err := Generate(context.Background(), sample(), dir, Options{Offline: true, Force: true}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(mine); string(b) != "mine" {
		t.Fatal("--force removed or changed a file the scaffold does not generate")
	}
	if _, err := os.Stat(filepath.Join(dir, "cmd", "server", "main.go")); err != nil {
		t.Fatal(err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(dir), ".*")); len(leftovers) > 0 {
		t.Fatalf("staging directories left behind: %v", leftovers)
	}
}

func TestGenerateRefusesAFileAsOutput(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Generate(context.Background(), sample(), f, Options{Offline: true, Force: true}); err == nil {
		t.Fatal("generated over a file")
	}
}

func TestForceNeverWritesThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644)
	if err := os.Symlink(outside, filepath.Join(dir, "cmd")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	_, err := Generate(context.Background(), sample(), dir, Options{Offline: true, Force: true})
	var pe *PathError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want a PathError", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) > 0 {
		t.Fatal("files were written through the symlink")
	}
}

func TestRenderedPathsCannotEscape(t *testing.T) {
	for _, name := range []string{"../../etc/evil", "/etc/evil", `..\evil`, "a/../../evil", "a/./b", "a//b"} {
		t.Run(name, func(t *testing.T) {
			tfs := fstest.MapFS{"base/{{.DesignName}}.tmpl": {Data: []byte("x")}}
			p := sample()
			p.DesignName = name
			dir := filepath.Join(t.TempDir(), "out")
			_, err := Generate(context.Background(), p, dir, Options{Offline: true, Templates: tfs})
			var pe *PathError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a PathError", err)
			}
			if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
				t.Fatal("the output directory was created")
			}
		})
	}
}

func TestABrokenTemplateLeavesNothingBehind(t *testing.T) {
	parent := t.TempDir()
	for name, tfs := range map[string]fstest.MapFS{
		"bad syntax":  {"base/a.txt.tmpl": {Data: []byte("{{.Nope")}},
		"unknown key": {"base/a.txt.tmpl": {Data: []byte("{{.Nope}}")}},
		"invalid Go":  {"base/a.go.tmpl": {Data: []byte("package x\nfunc {")}},
		"two sources": {"base/a.txt": {Data: []byte("1")}, "db/postgres/a.txt": {Data: []byte("2")}},
	} {
		dir := filepath.Join(parent, "out")
		if _, err := Generate(context.Background(), sample(), dir, Options{Offline: true, Templates: tfs}); err == nil {
			t.Errorf("%s: no error", name)
		}
		if entries, _ := os.ReadDir(parent); len(entries) > 0 {
			t.Fatalf("%s: left %v behind", name, entries)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := generateOffline(t, sample()), generateOffline(t, sample())
	filesA, _ := safewrite.List(a)
	filesB, _ := safewrite.List(b)
	if strings.Join(filesA, "\n") != strings.Join(filesB, "\n") {
		t.Fatal("different file lists")
	}
	for _, f := range filesA {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs", f)
		}
	}
}

func TestEveryFileNamesTheDesignAndItsHash(t *testing.T) {
	p := sample()
	p.DesignName = "evil */ \" name\n`x`"
	dir := generateOffline(t, p)
	files, _ := safewrite.List(dir)
	if len(files) < 30 {
		t.Fatalf("only %d files", len(files))
	}
	for _, f := range files {
		b, _ := os.ReadFile(filepath.Join(dir, f))
		if !bytes.Contains(b, []byte(p.DesignHash)) {
			t.Errorf("%s does not carry the design hash", f)
		}
	}
}

// goModRequires returns the module paths of go.mod's require block.
func goModRequires(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			in = true
		case line == ")":
			in = false
		case in && line != "":
			mods = append(mods, strings.Fields(line)[0])
		}
	}
	return mods
}

func TestGoModHasOnlyTheChosenStack(t *testing.T) {
	stackMods := map[string]string{
		"pgx": "github.com/jackc/pgx/v5", "mysql": "github.com/go-sql-driver/mysql",
		"redis": "github.com/redis/go-redis/v9", "memcache": "github.com/bradfitz/gomemcache",
		"kafka": "github.com/twmb/franz-go", "amqp": "github.com/rabbitmq/amqp091-go",
		"nats": "github.com/nats-io/nats.go", "sqs": "github.com/aws/aws-sdk-go-v2/service/sqs",
	}
	for _, tt := range []struct {
		db, cache, queue string
		want             []string
	}{
		{DBPostgres, CacheRedis, QueueKafka, []string{"pgx", "redis", "kafka"}},
		{DBPostgres, CacheRedis, QueueRabbitMQ, []string{"pgx", "redis", "amqp"}},
		{DBMySQL, CacheMemcached, QueueNATS, []string{"mysql", "memcache", "nats"}},
		{DBPostgres, CacheNone, QueueNone, []string{"pgx"}},
		{DBPostgres, CacheRedis, QueueSQS, []string{"pgx", "redis", "sqs"}},
	} {
		name := tt.db + "+" + tt.cache + "+" + tt.queue
		t.Run(name, func(t *testing.T) {
			p := sample()
			p.DB, p.Cache, p.Queue = tt.db, tt.cache, tt.queue
			dir := generateOffline(t, p)
			got := strings.Join(goModRequires(t, dir), " ")
			for key, mod := range stackMods {
				wanted := false
				for _, w := range tt.want {
					wanted = wanted || w == key
				}
				if has := strings.Contains(got, mod+" ") || strings.HasSuffix(got, mod); has != wanted {
					t.Errorf("go.mod has %s = %v, want %v", mod, has, wanted)
				}
			}
			for _, r := range p.Requires() {
				if r.Version == "" {
					t.Errorf("%s has no pinned version", r.Path)
				}
			}
		})
	}
}

func TestConfigFilesParse(t *testing.T) {
	p := sample()
	p.LB = LBHAProxy
	dir := generateOffline(t, p)
	for _, f := range []string{"deploy/prometheus/alerts.yml", "deploy/prometheus/prometheus.yml", "deploy/uptime/blackbox.yml", "docker-compose.yml"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := yaml.Unmarshal(b, &v); err != nil {
			t.Errorf("%s is not valid YAML: %v", f, err)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "deploy/grafana/dashboard.json"))
	var dash struct {
		Description string
		Panels      []struct{ Title string }
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	if len(dash.Panels) != 8 || !strings.Contains(dash.Description, p.DesignHash) {
		t.Fatalf("dashboard has %d panels, description %q", len(dash.Panels), dash.Description)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Record string }
		}
	}
	ab, _ := os.ReadFile(filepath.Join(dir, "deploy/prometheus/alerts.yml"))
	yaml.Unmarshal(ab, &rules)
	alerts := 0
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				alerts++
			}
		}
	}
	// ShortenerDown + 2 availability SLOs x 2 + 2 latency SLOs x 2.
	if alerts != 9 {
		t.Fatalf("%d alerts, want 9", alerts)
	}
}

func TestLoadBalancerAlgorithms(t *testing.T) {
	for _, tt := range []struct{ lb, alg, want string }{
		{LBNginx, AlgLeastConn, "least_conn;"},
		{LBNginx, AlgIPHash, "ip_hash;"},
		{LBNginx, AlgConsistentHash, "hash $request_uri consistent;"},
		{LBNginx, AlgRandom, "random two least_conn;"},
		{LBNginx, AlgRoundRobin, "round robin"},
		{LBHAProxy, AlgLeastConn, "balance leastconn"},
		{LBHAProxy, AlgIPHash, "balance source"},
		{LBHAProxy, AlgConsistentHash, "hash-type consistent"},
		{LBHAProxy, AlgRandom, "balance random(2)"},
		{LBHAProxy, AlgRoundRobin, "balance roundrobin"},
	} {
		p := sample()
		p.LB, p.LBAlgorithm = tt.lb, tt.alg
		files, err := render(templatesFS(), p.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		conf := map[string]string{LBNginx: "deploy/nginx/nginx.conf", LBHAProxy: "deploy/haproxy/haproxy.cfg"}[tt.lb]
		found := false
		for _, f := range files {
			if f.Path == conf {
				found = true
				if !bytes.Contains(f.Data, []byte(tt.want)) {
					t.Errorf("%s %s: %s lacks %q", tt.lb, tt.alg, conf, tt.want)
				}
				if n := bytes.Count(f.Data, []byte("127.0.0.1:808")); n != p.Instances {
					t.Errorf("%s lists %d instances, want %d", conf, n, p.Instances)
				}
			}
		}
		if !found {
			t.Errorf("%s not generated", conf)
		}
	}
}

func TestGolden(t *testing.T) {
	p := sample()
	files, err := render(templatesFS(), p.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	hp := sample()
	hp.LB, hp.LBAlgorithm, hp.Queue = LBHAProxy, AlgConsistentHash, QueueNone
	hfiles, err := render(templatesFS(), hp.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range []struct {
		files []File
		path  string
	}{
		{files, "go.mod"},
		{files, "deploy/nginx/nginx.conf"},
		{files, "deploy/prometheus/alerts.yml"},
		{files, "internal/config/config.go"},
		{hfiles, "deploy/haproxy/haproxy.cfg"},
	} {
		var got []byte
		for _, f := range g.files {
			if f.Path == g.path {
				got = f.Data
			}
		}
		golden := filepath.Join("testdata", "golden", strings.ReplaceAll(g.path, "/", "_"))
		if os.Getenv("UPDATE_GOLDEN") == "1" {
			if err := os.WriteFile(golden, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from %s (UPDATE_GOLDEN=1 rewrites it)", g.path, golden)
		}
	}
}

func TestHelpers(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0", time.Hour: "time.Hour", 90 * time.Second: "90 * time.Second", 1500 * time.Microsecond: "1500 * time.Microsecond"} {
		if got := goDuration(d); got != want {
			t.Errorf("goDuration(%v) = %q, want %q", d, got, want)
		}
	}
	for in, want := range map[string]string{"Link Shortener!": "link-shortener", "../../etc": "etc", "": "shortener", "Ünïcode ok": "n-code-ok"} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if got := title("get /{code}"); got != "GetCode" {
		t.Errorf("title = %q", got)
	}
}
