package importer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/internal/golden"
)

// corpus is the real-shaped inputs the importer is held to: a web app
// with PostgreSQL and Redis, a Kafka pipeline, a microservice set behind
// an API gateway (Compose), and a shop on Kubernetes.
var corpus = []struct {
	name  string
	kube  bool
	paths []string
}{
	{"webapp", false, []string{"testdata/compose/webapp.yml"}},
	{"pipeline", false, []string{"testdata/compose/pipeline.yml"}},
	{"microservices", false, []string{"testdata/compose/microservices.yml"}},
	{"kubernetes-shop", true, []string{"testdata/kubernetes/shop"}},
}

// secrets are every password, token and key in the corpus: none may
// reach the output, not even in a comment.
var secrets = []string{"s3cret-pass", "hunter2", "sk_live_donotcopy", "etl-password", "correct-horse-battery", "guest:guest", "orders:pw", "checkout-v2"}

func importCorpus(t *testing.T, kube bool, paths []string) *Skeleton {
	t.Helper()
	var s *Skeleton
	var err error
	if kube {
		s, err = Kubernetes(paths)
	} else {
		s, err = Compose(context.Background(), paths, ComposeOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestGolden compares each import with testdata/golden/NAME.cue;
// UPDATE_GOLDEN=1 rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			out, err := importCorpus(t, c.kube, c.paths).CUE()
			if err != nil {
				t.Fatal(err)
			}
			again, _ := importCorpus(t, c.kube, c.paths).CUE()
			if string(out) != string(again) {
				t.Fatal("two imports of the same input differ")
			}
			for _, s := range secrets {
				if strings.Contains(string(out), s) {
					t.Errorf("the output contains the secret %q", s)
				}
			}
			if strings.Contains(string(out), "://") {
				t.Errorf("the output contains a URL; only host names may be named:\n%s", out)
			}
			golden.Check(t, filepath.Join("testdata", "golden", c.name+".cue"), out)
		})
	}
}

// TestGraph checks the calls and kinds each corpus import must find.
func TestGraph(t *testing.T) {
	tests := []struct {
		name  string
		kinds map[string]string
		calls []Call
		entry []string
	}{
		{"webapp", map[string]string{"proxy": "nginx", "web": "service", "db": "postgres", "cache": "redis", "stripe": "external"},
			[]Call{{"proxy", "web"}, {"web", "db"}, {"web", "cache"}, {"web", "stripe"}}, []string{"proxy"}},
		{"pipeline", map[string]string{"ingest": "service", "kafka": "kafka", "enricher": "worker", "warehouse": "postgres"},
			[]Call{{"ingest", "kafka"}, {"enricher", "kafka"}, {"enricher", "warehouse"}}, []string{"ingest"}},
		{"microservices", map[string]string{"gateway": "service", "users": "service", "orders": "service", "catalog": "service",
			"notifier": "worker", "users-db": "mysql", "orders-db": "postgres", "search": "search", "broker": "rabbitmq", "sendgrid": "external"},
			[]Call{{"gateway", "users"}, {"gateway", "orders"}, {"gateway", "catalog"}, {"users", "users-db"}, {"orders", "orders-db"},
				{"orders", "broker"}, {"orders", "users"}, {"catalog", "search"}, {"notifier", "broker"}, {"notifier", "sendgrid"}}, []string{"gateway"}},
		{"kubernetes-shop", map[string]string{"web": "service", "postgres": "postgres", "redis": "redis", "adyen": "external"},
			[]Call{{"web", "postgres"}, {"web", "redis"}, {"web", "adyen"}}, []string{"web"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := importCorpus(t, corpus[i].kube, corpus[i].paths)
			if len(s.Components) != len(tt.kinds) {
				t.Errorf("components %v, want %d", s.names(), len(tt.kinds))
			}
			for n, k := range tt.kinds {
				if c := s.Components[n]; c == nil || c.Kind != k {
					t.Errorf("component %s: %+v, want kind %s", n, c, k)
				}
			}
			if len(s.Calls) != len(tt.calls) {
				t.Errorf("calls %v, want %v", s.Calls, tt.calls)
			}
			for _, c := range tt.calls {
				if !s.Calls[c] {
					t.Errorf("no call %s → %s", c.From, c.To)
				}
			}
			if got := s.operations(); strings.Join(got, ",") != strings.Join(tt.entry, ",") {
				t.Errorf("entry points %v, want %v", got, tt.entry)
			}
		})
	}
}

func TestComposeReadsLikeDockerCompose(t *testing.T) {
	// Interpolation from the environment, defaults when unset, profiles.
	s, err := Compose(context.Background(), []string{"testdata/compose/microservices.yml"},
		ComposeOptions{Env: []string{"ORDERS_REPLICAS=7"}, Profiles: []string{"debug"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Components["orders"].Instances; got != 7 {
		t.Errorf("orders instances = %d, want 7 from ${ORDERS_REPLICAS}", got)
	}
	found := false
	for _, g := range s.Guesses {
		found = found || strings.Contains(g.Text, "adminer: image adminer is not on a request's path")
	}
	if !found {
		t.Errorf("the debug profile's adminer was not read (and left out): %v", s.Guesses)
	}
	s, _ = Compose(context.Background(), []string{"testdata/compose/microservices.yml"}, ComposeOptions{})
	if got := s.Components["orders"].Instances; got != 3 {
		t.Errorf("orders instances = %d, want the default 3", got)
	}
	// catalog extends users but clears DB_DSN: it does not call users-db.
	if s.Calls[Call{"catalog", "users-db"}] {
		t.Error("catalog calls users-db though its own environment clears DB_DSN")
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name string
		kube bool
		file string
		line int
		msg  string
	}{
		{"yaml error", false, write("broken.yml", "services:\n  web: [\n"), 2, "not valid YAML"},
		{"no services", false, write("nothing.yml", "version: '3'\nvolumes: {}\n"), 1, "no services section"},
		{"manifest given to compose", false, write("deploy.yml", "apiVersion: apps/v1\nkind: Deployment\n"), 2, "like a Kubernetes manifest"},
		{"unknown compose field", false, write("typo.yml", "services:\n  web:\n    imagee: nginx\n"), 3, "not a field Compose knows"},
		{"bad image", false, write("image.yml", "services:\n  web:\n    image: Acme/Web\n"), 3, "not an image reference"},
		{"compose given to kubernetes", true, write("compose.yml", "services:\n  web:\n    image: nginx\n"), 1, "like a Compose file"},
		{"no kind", true, write("nokind.yml", "apiVersion: v1\nmetadata: {name: x}\n"), 1, "no apiVersion or kind"},
		{"no workloads", true, write("svc.yml", "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"), 0, "no Deployment or StatefulSet"},
		{"bad manifest", true, write("badspec.yml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: many}\n"), 1, "not a valid Deployment"},
		{"bad image in a pod", true, write("podimage.yml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: \"a b\"\n"), 9, "not an image reference"},
		{"missing file", false, filepath.Join(dir, "absent.yml"), 0, "cannot read it"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.kube {
				_, err = Kubernetes([]string{tt.file})
			} else {
				_, err = Compose(context.Background(), []string{tt.file}, ComposeOptions{})
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v, want an *Error", err)
			}
			if e.File != tt.file || e.Line != tt.line || !strings.Contains(e.Msg, tt.msg) || e.Hint == "" {
				t.Errorf("got %s (line %d), want %s:%d %q with a hint", e, e.Line, tt.file, tt.line, tt.msg)
			}
		})
	}
}

func TestConnections(t *testing.T) {
	hosts := map[string]string{"db": "db", "cache": "cache", "kafka": "kafka", "users-db": "users-db", "orders-db.shop.svc.cluster.local": "orders"}
	tests := []struct {
		name, value string
		found       string
		outside     string
	}{
		{"DATABASE_URL", "postgres://u:secret@db:5432/app?sslmode=disable", "db", ""},
		{"REDIS_URL", "redis://:pw@cache:6379/0", "cache", ""},
		{"KAFKA_BROKERS", "kafka:9092,kafka:9093", "kafka", ""},
		{"DB_DSN", "user:pass@tcp(users-db:3306)/users", "users-db", ""},
		{"DB_HOST", "db", "db", ""},
		{"ORDERS_URL", "http://orders-db.shop.svc.cluster.local:8080", "orders", ""},
		{"PAYMENTS_URL", "https://api.stripe.com/v1", "", "api.stripe.com"},
		{"CALLBACK", "http://localhost:9000", "", ""},
		// Not a connection by name or by scheme: a password that happens
		// to be a component's name is not a call.
		{"ADMIN_PASSWORD", "db", "", ""},
		{"GREETING", "hello cache", "", ""},
	}
	for _, tt := range tests {
		found, outside := connections(tt.name, tt.value, hosts)
		if strings.Join(found, ",") != tt.found || strings.Join(outside, ",") != tt.outside {
			t.Errorf("%s=%s: found %v outside %v, want %q %q", tt.name, tt.value, found, outside, tt.found, tt.outside)
		}
	}
}

func TestKinds(t *testing.T) {
	tests := []struct {
		image, repo, kind string
		known, skip       bool
	}{
		{"postgres:16-alpine", "postgres", "postgres", true, false},
		{"docker.io/library/redis:7", "redis", "redis", true, false},
		{"mariadb:11", "mariadb", "mysql", true, false},
		{"bitnami/kafka:3.7", "bitnami/kafka", "kafka", true, false},
		{"docker.elastic.co/elasticsearch/elasticsearch:8.14.1", "elasticsearch/elasticsearch", "search", true, false},
		{"quay.io/minio/minio:latest", "quay.io/minio/minio", "object-store", true, false},
		{"opensearchproject/opensearch:2", "opensearchproject/opensearch", "search", true, false},
		{"localhost:5000/team/api:dev", "team/api", "service", false, false},
		{"ghcr.io/acme/web@sha256:0123", "acme/web", "service", false, false},
		{"confluentinc/cp-zookeeper:7.6.1", "confluentinc/cp-zookeeper", "", true, true},
		{"nats:2.10", "nats", "nats", true, false},
	}
	for _, tt := range tests {
		kind, known, skip := kindOf(tt.image)
		if r := repository(tt.image); r != tt.repo || kind != tt.kind || known != tt.known || skip != tt.skip {
			t.Errorf("%s: repository %q kind %q known %v skip %v, want %q %q %v %v", tt.image, r, kind, known, skip, tt.repo, tt.kind, tt.known, tt.skip)
		}
	}
}

func TestSizesAndMemory(t *testing.T) {
	sizesCases := []struct {
		cpu  float64
		mem  int64
		want string
	}{
		{0, 0, ""}, {1.5, 2 << 30, "2x8"}, {2, 8 << 30, "2x8"}, {2.5, 1 << 30, "4x16"}, {0, 20 << 30, "8x32"}, {32, 0, "16x64"},
	}
	for _, c := range sizesCases {
		if got, _ := sizeFor(c.cpu, c.mem); got != c.want {
			t.Errorf("sizeFor(%v, %d) = %q, want %q", c.cpu, c.mem, got, c.want)
		}
	}
	memCases := []struct {
		cmd  []string
		want string
	}{
		{[]string{"redis-server", "--maxmemory", "512mb"}, "512MiB"},
		{[]string{"--maxmemory=2gb"}, "2GiB"},
		{[]string{"--maxmemory", "100m"}, "100MB"},
		{[]string{"--maxmemory", "lots"}, ""},
		{[]string{"redis-server"}, ""},
	}
	for _, c := range memCases {
		if got := maxMemory(c.cmd); got != c.want {
			t.Errorf("maxMemory(%v) = %q, want %q", c.cmd, got, c.want)
		}
	}
	for host, want := range map[string]string{"api.stripe.com": "stripe", "hooks.slack.com": "slack", "api.example.co.uk": "example", "localhost": "localhost"} {
		if got := externalName(host); got != want {
			t.Errorf("externalName(%s) = %s, want %s", host, got, want)
		}
	}
}

// TestDocListsEveryImage keeps docs/import-export.md true to the table the
// importer uses.
func TestDocListsEveryImage(t *testing.T) {
	doc, err := os.ReadFile("../docs/import-export.md")
	if err != nil {
		t.Fatal(err)
	}
	var repos []string
	for _, e := range imageKinds {
		repos = append(repos, e.repos...)
	}
	for _, r := range append(append(repos, gateways...), offPath...) {
		if !strings.Contains(string(doc), "`"+r+"`") {
			t.Errorf("docs/import-export.md does not list image %s", r)
		}
	}
}
