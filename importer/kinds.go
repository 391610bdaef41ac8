package importer

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/distribution/reference"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// imageKinds maps an image's repository (registry and tag dropped) to a
// component kind. A repository not listed runs the team's own code: a
// service. docs/import-export.md prints this table.
var imageKinds = []struct {
	repos []string
	kind  string
}{
	{[]string{"postgres", "postgis/postgis", "bitnami/postgresql", "timescale/timescaledb", "cloudnative-pg/postgresql"}, "postgres"},
	{[]string{"mysql", "mariadb", "bitnami/mysql", "bitnami/mariadb", "percona", "percona/percona-server"}, "mysql"},
	{[]string{"mongo", "bitnami/mongodb", "mongodb/mongodb-community-server"}, "mongodb"},
	{[]string{"cassandra", "bitnami/cassandra", "scylladb/scylla"}, "cassandra"},
	{[]string{"amazon/dynamodb-local"}, "dynamodb"},
	{[]string{"redis", "bitnami/redis", "redis/redis-stack", "redis/redis-stack-server", "valkey/valkey", "bitnami/valkey", "eqalpha/keydb"}, "redis"},
	{[]string{"memcached", "bitnami/memcached"}, "memcached"},
	{[]string{"confluentinc/cp-kafka", "bitnami/kafka", "apache/kafka", "apache/kafka-native", "wurstmeister/kafka", "redpandadata/redpanda", "vectorized/redpanda"}, "kafka"},
	{[]string{"rabbitmq", "bitnami/rabbitmq"}, "rabbitmq"},
	{[]string{"nats", "bitnami/nats"}, "nats"},
	{[]string{"softwaremill/elasticmq", "softwaremill/elasticmq-native"}, "sqs"},
	{[]string{"nginx", "bitnami/nginx", "nginxinc/nginx-unprivileged"}, "nginx"},
	{[]string{"haproxy", "haproxytech/haproxy-alpine", "haproxytech/haproxy-debian", "bitnami/haproxy"}, "haproxy"},
	{[]string{"elasticsearch", "elasticsearch/elasticsearch", "opensearchproject/opensearch", "bitnami/elasticsearch", "bitnami/opensearch"}, "search"},
	{[]string{"minio/minio", "bitnami/minio", "quay.io/minio/minio"}, "object-store"},
}

// gateways are proxies the schema has no kind for: they are written as a
// service (instances and a service time of their own), and said so.
var gateways = []string{"kong", "traefik", "envoyproxy/envoy", "tykio/tyk-gateway", "krakend", "devopsfaith/krakend"}

// offPath are images that are not on a request's path (coordination,
// monitoring, admin consoles, local mail): left out, and said so.
var offPath = []string{"zookeeper", "confluentinc/cp-zookeeper", "bitnami/zookeeper", "prom/prometheus", "grafana/grafana",
	"jaegertracing/all-in-one", "otel/opentelemetry-collector", "otel/opentelemetry-collector-contrib", "adminer",
	"dpage/pgadmin4", "mailhog/mailhog", "axllent/mailpit", "kibana", "elasticsearch/kibana", "opensearchproject/opensearch-dashboards",
	"provectuslabs/kafka-ui", "redis/redisinsight", "busybox", "alpine", "grafana/loki", "grafana/tempo"}

// repository is an image reference without registry host, tag or digest:
// "docker.io/library/postgres:16-alpine" is "postgres".
func repository(image string) string {
	ref := strings.ToLower(image)
	if i := strings.IndexByte(ref, '@'); i >= 0 {
		ref = ref[:i]
	}
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		ref = ref[:i]
	}
	parts := strings.Split(ref, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		// A registry host. quay.io/minio/minio keeps its full name too.
		full := ref
		parts = parts[1:]
		for _, e := range imageKinds {
			for _, r := range e.repos {
				if r == full {
					return full
				}
			}
		}
	}
	if len(parts) == 2 && parts[0] == "library" {
		parts = parts[1:]
	}
	return strings.Join(parts, "/")
}

// checkImage refuses an image reference a registry would not take: the
// kind is read from it, so a typo would become a wrong kind.
func checkImage(image string, at Source) error {
	if _, err := reference.ParseNormalizedNamed(image); err != nil {
		return &Error{File: at.File, Line: at.Line, Msg: fmt.Sprintf("image %q is not an image reference: %v", image, err),
			Hint: "write it as a registry would take it: name[:tag][@digest], lower case, such as postgres:16 or ghcr.io/acme/web:1.2"}
	}
	return nil
}

// kindOf tells an image's kind: the kind, whether the table knew it, and
// whether the image is off the request path.
func kindOf(image string) (kind string, known, skip bool) {
	repo := repository(image)
	for _, e := range imageKinds {
		for _, r := range e.repos {
			if r == repo {
				return e.kind, true, false
			}
		}
	}
	for _, r := range offPath {
		if r == repo {
			return "", true, true
		}
	}
	return "service", false, false
}

// imageKind checks a component's image and tells its kind, listing the
// guess; skip is true for an image off the request path.
func (s *Skeleton) imageKind(name, image string, at Source) (kind string, skip bool, err error) {
	if err := checkImage(image, at); err != nil {
		return "", false, err
	}
	kind, known, skip := kindOf(image)
	repo := repository(image)
	switch {
	case skip:
		s.guess(at, "%s: image %s is not on a request's path (coordination, monitoring or tooling) → left out", name, repo)
	case isGateway(image):
		s.guess(at, "%s: image %s is an API gateway; the schema has no gateway kind → a service", name, repo)
	case known:
		s.guess(at, "%s: image %s → kind %s", name, repo, kind)
	default:
		s.guess(at, "%s: image %s is none the importer knows → kind service (the team's own code)", name, repo)
	}
	return kind, skip, nil
}

func isGateway(image string) bool {
	repo := repository(image)
	for _, g := range gateways {
		if g == repo {
			return true
		}
	}
	return false
}

// sizeFor is the smallest of the schema's sizes that holds cpus and
// memory (either may be 0: not given); "" when neither is given.
func sizeFor(cpus float64, memBytes int64) (size string, note string) {
	if cpus <= 0 && memBytes <= 0 {
		return "", ""
	}
	gib := float64(memBytes) / (1 << 30)
	for _, size := range schema.Sizes {
		if c, g, _ := schema.SizeOf(size); cpus <= c && gib <= g {
			return size, fmt.Sprintf("%s vCPU, %s memory → size %s, the smallest of the schema's sizes that holds it", trimFloat(cpus), bytesText(memBytes), size)
		}
	}
	largest := schema.Sizes[len(schema.Sizes)-1]
	return largest, fmt.Sprintf("%s vCPU, %s memory is more than the schema's largest size: written as %s", trimFloat(cpus), bytesText(memBytes), largest)
}

func trimFloat(f float64) string {
	if f <= 0 {
		return "no"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")
}

func bytesText(n int64) string {
	switch {
	case n <= 0:
		return "no"
	case n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%dB", n)
}

// connectionVar: environment variables whose names say they point at
// another component. A value with a scheme (postgres://...) is read
// whatever its variable is called.
var connectionVar = regexp.MustCompile(`(?i)(URL|URI|DSN|HOST|HOSTS|HOSTNAME|ADDR|ADDRS|ADDRESS|BROKERS?|BOOTSTRAP_SERVERS|SERVERS|ENDPOINT|NODES|SEEDS|CONTACT_POINTS)$`)

var tokenSep = regexp.MustCompile(`[\s,;()@/=]+`)

// connections reads one environment variable for the components it names:
// hosts maps every name a component answers to (service name, alias,
// hostname) to the component. It returns the components found and any
// outside https hosts. Nothing of the value is kept: not the user, the
// password, the path or the query.
func connections(name, value string, hosts map[string]string) (found []string, outside []string) {
	if !strings.Contains(value, "://") && !connectionVar.MatchString(name) {
		return nil, nil
	}
	seen := map[string]bool{}
	add := func(h string) {
		h = strings.ToLower(strings.TrimSpace(h))
		if c, ok := hosts[h]; ok && !seen[c] {
			seen[c] = true
			found = append(found, c)
		}
	}
	for _, part := range strings.Split(value, ",") {
		part = strings.TrimSpace(part)
		if strings.Contains(part, "://") {
			u, err := url.Parse(part)
			if err != nil {
				continue
			}
			h := u.Hostname()
			if _, ok := hosts[strings.ToLower(h)]; ok {
				add(h)
			} else if (u.Scheme == "https" || u.Scheme == "http") && strings.Contains(h, ".") && !isLocal(h) {
				outside = append(outside, strings.ToLower(h))
			}
			continue
		}
		// host:port lists and DSNs like user:pass@tcp(db:3306)/app: any
		// token that is a component's name, without its port.
		for _, tok := range tokenSep.Split(part, -1) {
			if i := strings.LastIndexByte(tok, ':'); i >= 0 {
				tok = tok[:i]
			}
			add(tok)
		}
	}
	return found, outside
}

func isLocal(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || strings.HasSuffix(host, ".local") ||
		strings.HasSuffix(host, ".internal") || strings.HasSuffix(host, ".svc") || strings.Contains(host, ".svc.")
}

// externalName names a third-party API after its host: api.stripe.com is
// stripe, hooks.slack.com is slack.
func externalName(host string) string {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	name := labels[0]
	if len(labels) >= 2 {
		name = labels[len(labels)-2]
		// co.uk, com.au: the label before the two-letter suffix pair.
		if len(labels) >= 3 && len(labels[len(labels)-1]) == 2 && (name == "co" || name == "com") {
			name = labels[len(labels)-3]
		}
	}
	return componentName(name)
}

var nameBad = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// componentName makes a schema #Name of a deployment's name: lower-case
// first letter, no dots.
func componentName(s string) string {
	s = nameBad.ReplaceAllString(s, "-")
	s = strings.Trim(s, "-_")
	if s == "" {
		return "component"
	}
	if c := s[0]; c < 'a' || c > 'z' {
		if c >= 'A' && c <= 'Z' {
			s = strings.ToLower(s[:1]) + s[1:]
		} else {
			s = "c-" + s
		}
	}
	if len(s) > 63 {
		s = s[:63]
	}
	return s
}
