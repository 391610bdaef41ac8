// Package scaffold renders a runnable Go URL-shortener service for the stack a
// design chose. It sits at the end of the pipeline: it reads Params (built from
// a design and its estimate) and writes files; it never reaches back into the
// rules or the renderers.
package scaffold

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Stack choices the templates know how to generate.
const (
	DBPostgres = "postgres"
	DBMySQL    = "mysql"
	DBDynamoDB = "dynamodb"

	CacheRedis     = "redis"
	CacheMemcached = "memcached"
	CacheNone      = "none"

	QueueKafka    = "kafka"
	QueueRabbitMQ = "rabbitmq"
	QueueNATS     = "nats"
	QueueSQS      = "sqs"
	QueueNone     = "none"

	LBNginx   = "nginx"
	LBHAProxy = "haproxy"
	LBManaged = "managed"

	StampedeCoalesce     = "coalesce"
	StampedeLock         = "lock"
	StampedeNone         = "none"
	StampedeEarlyRefresh = "early-refresh"
)

// Load-balancing algorithms, named as in the design vocabulary.
const (
	AlgRoundRobin     = "round-robin"
	AlgLeastConn      = "least-connections"
	AlgIPHash         = "ip-hash"
	AlgConsistentHash = "consistent-hash"
	AlgRandom         = "random"
)

var (
	dbChoices       = []string{DBPostgres, DBMySQL, DBDynamoDB}
	cacheChoices    = []string{CacheRedis, CacheMemcached, CacheNone}
	queueChoices    = []string{QueueKafka, QueueRabbitMQ, QueueNATS, QueueSQS, QueueNone}
	lbChoices       = []string{LBNginx, LBHAProxy, LBManaged}
	stampedeChoices = []string{StampedeCoalesce, StampedeLock, StampedeNone, StampedeEarlyRefresh}
	algChoices      = []string{AlgRoundRobin, AlgLeastConn, AlgIPHash, AlgConsistentHash, AlgRandom}
)

// Routes of the generated service, as its ServeMux patterns (and so as the
// "route" label of its request-duration histogram).
const (
	RouteRedirect = "GET /{code}"
	RouteCreate   = "POST /api/links"
	RouteStats    = "GET /api/links/{code}/stats"
)

var routeChoices = []string{RouteRedirect, RouteCreate, RouteStats}

// SLO is one objective of the design, attached to a route of the service.
type SLO struct {
	// Name is the design's name for the operation (for alert names and docs).
	Name string
	// Route is one of RouteRedirect, RouteCreate, RouteStats.
	Route string
	// P99 is the latency 99% of requests must beat; 0 means no latency SLO.
	P99 time.Duration
	// Availability is the fraction of requests that must succeed, e.g. 0.999;
	// 0 means no availability SLO.
	Availability float64
}

// Params is everything the templates need. FromDesign builds it from a
// design; tests build it by hand.
type Params struct {
	DesignName string // shown in headers, README and dashboards
	DesignHash string // hash of the design the files came from
	Module     string // Go module path of the generated project

	DB    string
	Cache string
	Queue string
	LB    string

	LBAlgorithm string
	Instances   int // app instances behind the load balancer

	RedirectStatus int           // 301 or 302
	CacheTTL       time.Duration // shared-cache TTL
	CacheTTLJitter time.Duration // up to this much is added to each TTL
	Stampede       string
	LocalCacheSize int // entries in the in-process cache; 0 turns it off

	DBPoolSize    int
	CachePoolSize int
	ReadReplicas  int // replicas the design reads from; 0 reads the primary
	Shards        int // 1 means unsharded

	ClickBatch int           // clicks per published batch at most
	ClickFlush time.Duration // longest a click waits for its batch

	SLOs         []SLO
	PeakReadRPS  float64 // redirects per second at peak, for the load test
	PeakWriteRPS float64 // creates per second at peak, for the load test

	// The fleet, for the Kubernetes manifests: each instance's size (the
	// design's services.size), the zones it spreads over, the utilisation
	// it is planned at, and the instances the estimate needs at peak now
	// and at the growth horizon (0 when no estimate says).
	CPU, MemoryGiB            int
	Zones                     int
	Workers                   int // click workers (queue.consumers, or what the estimate sizes)
	TargetUtilization         float64
	NeededPeak, NeededHorizon int
}

// ShutdownTimeout is the generated service's default SHUTDOWN_TIMEOUT.
func (p Params) ShutdownTimeout() time.Duration { return 20 * time.Second }

// KubeDrainDelay is DRAIN_DELAY on Kubernetes: the endpoints of a pod that
// is terminating are removed as its readiness fails (probed every
// KubeReadinessPeriod) and the change reaches every node's proxy soon
// after, so two periods.
func (p Params) KubeDrainDelay() time.Duration { return 2 * p.KubeReadinessPeriod() }

// KubeReadinessPeriod is how often Kubernetes asks /readyz.
func (p Params) KubeReadinessPeriod() time.Duration { return 5 * time.Second }

// TerminationGrace is the pod's terminationGracePeriodSeconds: the drain,
// the in-flight requests' shutdown and five seconds to flush the clicks,
// so the kubelet's SIGKILL never cuts a drain short.
func (p Params) TerminationGrace() int {
	return int((p.KubeDrainDelay() + p.ShutdownTimeout() + 5*time.Second) / time.Second)
}

// HPAMin is the autoscaler's floor: the instances the estimate needs at
// peak plus one, so that a node can be drained without going below them,
// and at least one per zone and two in all.
func (p Params) HPAMin() int { return max(p.NeededPeak+1, p.Zones, 2) }

// HPAMax is its ceiling: what the growth horizon needs plus the same
// spare, and never below the design's own count or the floor.
func (p Params) HPAMax() int { return max(p.HPAMin(), p.NeededHorizon+1, p.Instances) }

// PDBMinAvailable keeps the capacity the SLO needs at peak through a
// voluntary disruption (a node drain, an upgrade); never every instance,
// or no node could ever be drained.
func (p Params) PDBMinAvailable() int {
	return max(1, min(max(1, p.NeededPeak), p.Instances-1))
}

// TargetCPUPercent is the autoscaler's CPU target, the design's planned
// utilisation.
func (p Params) TargetCPUPercent() int { return int(math.Round(p.TargetUtilization * 100)) }

// Sharded reports whether the design splits links across databases.
func (p Params) Sharded() bool { return p.Shards > 1 }

// UsesReplicas reports whether cache misses are served by read replicas.
func (p Params) UsesReplicas() bool { return p.ReadReplicas > 0 }

// HasSharedCache reports whether a cache shared by all instances is used.
func (p Params) HasSharedCache() bool { return p.Cache != CacheNone }

// HasBroker reports whether clicks travel through a message broker.
func (p Params) HasBroker() bool { return p.Queue != QueueNone }

// UsesTimeIDs reports whether codes come from the time-ordered generator
// rather than a database sequence (sharded designs and DynamoDB have none).
func (p Params) UsesTimeIDs() bool { return p.Sharded() || p.DB == DBDynamoDB }

// CheckInterval and CheckFall are the generated load balancer's active
// health check of /readyz: how often it asks, and how many failures in a
// row take an instance out. The HAProxy configuration and the managed
// load balancer's instructions print them; DrainDelay is derived from them.
// (Open-source nginx checks passively and never asks /readyz.)
func (p Params) CheckInterval() time.Duration {
	if p.LB == LBHAProxy {
		return 2 * time.Second
	}
	return 5 * time.Second // a managed load balancer's checks are coarser
}

// FleetLB is the balancer cmd/fleet runs on one machine: the design's own,
// or HAProxy as the local stand-in for a managed one (it has the active
// /readyz checks a cloud balancer has; open-source nginx does not).
func (p Params) FleetLB() string {
	if p.LB == LBNginx {
		return LBNginx
	}
	return LBHAProxy
}

// FleetMaxInstances caps cmd/fleet on one machine; FleetInstances is how
// many it starts by default: the design's, capped.
func (p Params) FleetMaxInstances() int { return 8 }

func (p Params) FleetInstances() int { return min(p.Instances, p.FleetMaxInstances()) }

// CheckFall is the number of failed checks that take an instance out.
func (p Params) CheckFall() int { return 3 }

// CheckRise is the number of passed checks that bring it back (HAProxy).
func (p Params) CheckRise() int { return 2 }

// PassiveFails and PassiveFailTimeout are open-source nginx's passive
// check: an instance that fails PassiveFails requests within the timeout
// is left out for as long, then tried again.
func (p Params) PassiveFails() int { return 3 }

// PassiveFailTimeout: see PassiveFails.
func (p Params) PassiveFailTimeout() time.Duration { return 10 * time.Second }

// DrainDelay is the generated service's default DRAIN_DELAY: how long an
// instance keeps serving after SIGTERM, with /readyz failing, before it
// stops accepting connections. A load balancer with active checks stops
// sending after at most CheckFall failed checks, and the check that is
// under way when SIGTERM arrives may already have passed, so one interval
// more: (CheckFall + 1) × CheckInterval, 8 s behind the generated HAProxy
// and 20 s behind a managed one. Open-source nginx never asks /readyz; it
// retries a refused request on another instance (proxy_next_upstream
// error), and the delay only has to retire its keep-alive connections,
// which the draining instance closes after their next response: 2 s.
func (p Params) DrainDelay() time.Duration {
	if p.LB == LBNginx {
		return 2 * time.Second
	}
	return time.Duration(p.CheckFall()+1) * p.CheckInterval()
}

// Defaults fills zero values with the defaults documented in docs/scaffold.md.
// Every one is an assumption the user can override through the environment.
func (p Params) Defaults() Params {
	if p.DesignName == "" {
		p.DesignName = "shortener"
	}
	if p.Module == "" {
		p.Module = "example.com/" + Slug(p.DesignName)
	}
	if p.DB == "" {
		p.DB = DBPostgres
	}
	if p.Cache == "" {
		p.Cache = CacheNone
	}
	if p.Queue == "" {
		p.Queue = QueueNone
	}
	if p.LB == "" {
		p.LB = LBManaged
	}
	if p.LBAlgorithm == "" {
		p.LBAlgorithm = AlgRoundRobin
	}
	if p.Instances == 0 {
		p.Instances = 2
	}
	if p.RedirectStatus == 0 {
		p.RedirectStatus = 302
	}
	if p.CacheTTL == 0 {
		p.CacheTTL = 24 * time.Hour
	}
	if p.Stampede == "" {
		p.Stampede = StampedeCoalesce
	}
	if p.DBPoolSize == 0 {
		p.DBPoolSize = 8 // baselines.md: a pool of 4-32 gave the same throughput here
	}
	if p.CachePoolSize == 0 {
		p.CachePoolSize = 16
	}
	if p.Shards == 0 {
		p.Shards = 1
	}
	if p.ClickBatch == 0 {
		p.ClickBatch = assumedClickBatch
	}
	if p.ClickFlush == 0 {
		p.ClickFlush = assumedClickFlush
	}
	if p.PeakReadRPS == 0 {
		p.PeakReadRPS = 100
	}
	if p.PeakWriteRPS == 0 {
		p.PeakWriteRPS = 10
	}
	if p.CPU == 0 {
		p.CPU, p.MemoryGiB = 2, 8 // the schema's default size, 2x8
	}
	if p.Zones == 0 {
		p.Zones = 1
	}
	if p.Workers == 0 {
		p.Workers = 2
	}
	if p.TargetUtilization == 0 {
		p.TargetUtilization = 0.6 // the schema's default
	}
	return p
}

// ParamError says which parameter is wrong and how to fix it.
type ParamError struct {
	Field string
	Msg   string
	Hint  string
}

func (e *ParamError) Error() string {
	s := "scaffold: " + e.Field + ": " + e.Msg
	if e.Hint != "" {
		s += " (hint: " + e.Hint + ")"
	}
	return s
}

var modulePathRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)

// Validate checks p after Defaults; the first problem found is returned.
func (p Params) Validate() error {
	oneOf := func(field, v string, allowed []string) error {
		if slices.Contains(allowed, v) {
			return nil
		}
		return &ParamError{Field: field, Msg: fmt.Sprintf("%q is not supported", v),
			Hint: "use one of " + strings.Join(allowed, ", ")}
	}
	for _, c := range []struct {
		field, v string
		allowed  []string
	}{
		{"db", p.DB, dbChoices},
		{"cache", p.Cache, cacheChoices},
		{"queue", p.Queue, queueChoices},
		{"lb", p.LB, lbChoices},
		{"lb algorithm", p.LBAlgorithm, algChoices},
		{"stampede", p.Stampede, stampedeChoices},
	} {
		if err := oneOf(c.field, c.v, c.allowed); err != nil {
			return err
		}
	}
	if p.DB == DBDynamoDB {
		return &ParamError{Field: "db", Msg: "dynamodb is not generated yet",
			Hint: "no local DynamoDB-compatible server here supports the transactions the click counter needs; see docs/scaffold.md"}
	}
	if !modulePathRE.MatchString(p.Module) || strings.Contains(p.Module, "..") {
		return &ParamError{Field: "module", Msg: fmt.Sprintf("%q is not a valid Go module path", p.Module),
			Hint: "use a path like example.com/team/shortener"}
	}
	if strings.ContainsAny(p.DesignHash, " \t\r\n") {
		return &ParamError{Field: "design hash", Msg: "must not contain spaces"}
	}
	switch {
	case p.RedirectStatus != 301 && p.RedirectStatus != 302:
		return &ParamError{Field: "redirect status", Msg: strconv.Itoa(p.RedirectStatus) + " is not a redirect the service uses",
			Hint: "301 lets browsers cache the redirect (fewer clicks counted), 302 sends every click to the service"}
	case p.Instances < 1 || p.Instances > 64:
		return &ParamError{Field: "instances", Msg: fmt.Sprintf("%d is out of range", p.Instances), Hint: "use 1 to 64"}
	case p.CacheTTL < time.Second:
		return &ParamError{Field: "cache ttl", Msg: p.CacheTTL.String() + " is shorter than a second"}
	case p.CacheTTLJitter < 0 || p.CacheTTLJitter > p.CacheTTL:
		return &ParamError{Field: "cache ttl jitter", Msg: p.CacheTTLJitter.String() + " must be between 0 and the TTL"}
	case p.LocalCacheSize < 0 || p.LocalCacheSize > 100_000_000:
		return &ParamError{Field: "local cache size", Msg: strconv.Itoa(p.LocalCacheSize) + " is out of range", Hint: "use 0 (off) to 100000000 entries"}
	case p.DBPoolSize < 1 || p.DBPoolSize > 1000:
		return &ParamError{Field: "db pool size", Msg: strconv.Itoa(p.DBPoolSize) + " is out of range", Hint: "use 1 to 1000"}
	case p.CachePoolSize < 1 || p.CachePoolSize > 10000:
		return &ParamError{Field: "cache pool size", Msg: strconv.Itoa(p.CachePoolSize) + " is out of range", Hint: "use 1 to 10000"}
	case p.ReadReplicas < 0 || p.ReadReplicas > 64:
		return &ParamError{Field: "read replicas", Msg: strconv.Itoa(p.ReadReplicas) + " is out of range", Hint: "use 0 to 64"}
	case p.Shards < 1 || p.Shards > 1024:
		return &ParamError{Field: "shards", Msg: strconv.Itoa(p.Shards) + " is out of range", Hint: "use 1 to 1024"}
	case p.ClickBatch < 1 || p.ClickBatch > maxClickBatch:
		return &ParamError{Field: "click batch", Msg: strconv.Itoa(p.ClickBatch) + " is out of range", Hint: "use 1 to " + strconv.Itoa(maxClickBatch)}
	case p.ClickFlush <= 0 || p.ClickFlush > time.Hour:
		return &ParamError{Field: "click flush", Msg: p.ClickFlush.String() + " is out of range", Hint: "use more than 0 and at most an hour"}
	case !finitePositive(p.PeakReadRPS) || !finitePositive(p.PeakWriteRPS):
		return &ParamError{Field: "peak rates", Msg: "must be positive, finite numbers"}
	}
	seen := map[string]bool{}
	for i, s := range p.SLOs {
		field := fmt.Sprintf("slo[%d]", i)
		if err := oneOf(field+" route", s.Route, routeChoices); err != nil {
			return err
		}
		if seen[s.Route] {
			return &ParamError{Field: field, Msg: "a second SLO for " + s.Route, Hint: "keep one objective per route"}
		}
		seen[s.Route] = true
		if s.P99 < 0 || s.P99 > time.Hour {
			return &ParamError{Field: field + " p99", Msg: s.P99.String() + " is out of range"}
		}
		if s.Availability != 0 && (!(s.Availability > 0.5) || !(s.Availability < 1)) {
			return &ParamError{Field: field + " availability", Msg: fmt.Sprint(s.Availability) + " is out of range",
				Hint: "use a fraction such as 0.999; 1 leaves no error budget to alert on"}
		}
	}
	return nil
}

func finitePositive(f float64) bool { return f > 0 && !math.IsInf(f, 0) && !math.IsNaN(f) }

// Slug turns a design name into something safe for file names, metric
// labels and module paths: lowercase letters, digits and dashes.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 40 {
		s = strings.TrimSuffix(s[:40], "-")
	}
	if s == "" {
		return "shortener"
	}
	return s
}

// LatencyBuckets returns histogram bucket bounds in seconds: a fixed spread
// plus every SLO threshold, so each SLO can be checked exactly from the
// histogram (a threshold between two buckets could only be interpolated).
func (p Params) LatencyBuckets() []float64 {
	b := []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}
	for _, s := range p.SLOs {
		if s.P99 > 0 {
			b = append(b, s.P99.Seconds())
		}
	}
	sort.Float64s(b)
	return slices.Compact(b)
}
