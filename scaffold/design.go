package scaffold

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Assumptions the scaffold makes where a design says nothing; each is also
// an environment variable of the generated service.
const (
	// A 302 sends every click through the service, so the counts the
	// design asks for are complete; a 301 would let browsers skip it.
	assumedRedirectStatus = 302
	// Without a TTL in the design, a day: mappings never change, so the TTL
	// only bounds memory.
	assumedCacheTTL = 24 * time.Hour
	// The in-process cache holds at most this many links (about 50 MB at
	// 500 B a link), or fewer when the shared cache itself is smaller.
	assumedLocalCacheMax = 100_000
	// Shared-cache connections per instance.
	assumedCachePool = 16
	// Without queue.batchSize and queue.batchWait in the design, clicks are
	// recorded in batches of up to 512, each waiting at most 50 ms: a click
	// counter's freshness for one commit per batch instead of per click.
	assumedClickBatch = 512
	assumedClickFlush = 50 * time.Millisecond
	// maxClickBatch is the generated service's click buffer: a batch
	// cannot be larger.
	maxClickBatch = 65536
)

// Mapping notes what FromDesign decided and why: printed by the CLI so the
// user sees which numbers came from the design, the estimate or a default.
type Mapping struct {
	Notes []string
}

func (m *Mapping) note(format string, args ...any) {
	m.Notes = append(m.Notes, fmt.Sprintf(format, args...))
}

// UnsupportedError says which design choice has no generated code. Path is
// the field's dotted path, for the CLI to point at.
type UnsupportedError struct{ Path, Msg, Hint string }

func (e *UnsupportedError) Error() string { return e.Path + ": " + e.Msg + "; " + e.Hint }

// FromDesign maps a design (and, if given, its estimate) onto Params. The
// estimate supplies peak rates and the shared cache's capacity; without it
// the design's own rates × peak factors are used.
func FromDesign(d *schema.Design, est *estimator.Result) (Params, *Mapping, error) {
	m := &Mapping{}
	p := Params{DesignName: d.System.Name, DesignHash: DesignHash(d)}

	switch d.Database.Kind {
	case "postgres", "mysql":
		p.DB = d.Database.Kind
	case "dynamodb":
		return p, m, &UnsupportedError{
			Path: "database.kind",
			Msg:  "the scaffold does not generate a DynamoDB store yet",
			Hint: "the DynamoDB-compatible server that can be installed here (npm dynalite) lacks the transactions that apply a click batch exactly once, so the code could not be tested; see docs/scaffold.md",
		}
	default:
		return p, m, &UnsupportedError{
			Path: "database.kind",
			Msg:  fmt.Sprintf("the scaffold generates PostgreSQL and MySQL stores, not %s", d.Database.Kind),
			Hint: "scaffold a postgres variant of the design to start from",
		}
	}
	switch d.Cache.Kind {
	case "managed-redis":
		p.Cache = CacheRedis
		m.note("cache: managed-redis is generated as redis (the same protocol)")
	default:
		p.Cache = d.Cache.Kind
	}
	p.Queue = d.Queue.Kind
	switch d.LoadBalancer.Kind {
	case "none":
		p.LB = LBManaged
		m.note("load balancer: none in the design; deploy/LOAD_BALANCER.md says what to put in front")
	default:
		p.LB = d.LoadBalancer.Kind
	}
	p.LBAlgorithm = d.LoadBalancer.Algorithm
	p.Instances = max(1, min(d.Services.Instances, 64))
	if p.Instances != d.Services.Instances {
		m.note("instances: %d in the design; the LB config lists %d", d.Services.Instances, p.Instances)
	}

	p.RedirectStatus = assumedRedirectStatus
	m.note("redirect status: 302 (assumption: every click reaches the service and is counted)")
	if d.Cache.TTL != nil {
		p.CacheTTL = time.Duration(*d.Cache.TTL)
	} else {
		p.CacheTTL = assumedCacheTTL
		m.note("cache ttl: 24h (assumption: the design sets none)")
	}
	p.CacheTTLJitter = time.Duration(float64(p.CacheTTL) * float64(d.Cache.TTLJitter)).Round(time.Second)
	p.Stampede = d.Cache.Stampede

	// The in-process cache is only safe when mappings never change.
	immutable := d.Cache.Invalidation == "immutable" || d.Cache.Invalidation == ""
	for _, op := range d.Operations() {
		if op.Data != nil && op.Data.Mutable {
			immutable = false
		}
	}
	switch {
	case !immutable:
		m.note("in-process cache: off, because the design's data is mutable (a local copy could go stale)")
	default:
		p.LocalCacheSize = assumedLocalCacheMax
		if c := cacheCapacity(est); c > 0 && c < float64(assumedLocalCacheMax) {
			p.LocalCacheSize = int(c)
		}
		m.note("in-process cache: %d links (mappings are immutable, so hot codes are served from memory)", p.LocalCacheSize)
	}

	p.DBPoolSize = max(1, min(d.Services.ConnectionsPerInstance, 1000))
	p.CachePoolSize = assumedCachePool
	p.Shards = max(1, min(d.Database.Shards, 1024))
	if d.Database.ReadFromReplicas {
		p.ReadReplicas = min(d.Database.Replicas, 64)
	}

	p.ClickBatch, p.ClickFlush = clickBatching(d.Queue.Kind, d.Queue.BatchSize, d.Queue.BatchWait, m)
	p.SLOs, p.PeakReadRPS, p.PeakWriteRPS = mapOperations(d, est, m)
	p.CPU, p.MemoryGiB = sizeOf(d.Services.Size)
	p.Zones, p.TargetUtilization = d.Services.Zones, d.Services.TargetUtilization
	p.Workers = d.Queue.Consumers
	if est != nil {
		p.NeededPeak = neededIn(est, estimator.ScenarioPeak)
		p.NeededHorizon = neededIn(est, estimator.ScenarioHorizon)
	}
	return p, m, nil
}

// neededIn is the application instances a scenario of the estimate needs.
func neededIn(est *estimator.Result, scenario string) int {
	for _, s := range est.Scenarios {
		if s.Name != scenario {
			continue
		}
		for _, t := range s.Components {
			if t.Name == "services" {
				return t.Needed
			}
		}
	}
	return 0
}

// sizeOf reads a size "CxM": C vCPU and M GiB of memory.
func sizeOf(size string) (int, int) {
	var cpu, mem int
	if _, err := fmt.Sscanf(size, "%dx%d", &cpu, &mem); err != nil || cpu < 1 || mem < 1 {
		return 2, 8
	}
	return cpu, mem
}

// clickBatching takes the click recorder's batch size and longest wait
// from the queue, so the service batches as the estimate assumed.
// A design with no queue (kind "" or "none") takes the assumed batching.
func clickBatching(kind string, batchSize int, batchWait *schema.Duration, m *Mapping) (int, time.Duration) {
	if kind == "" || kind == "none" {
		m.note("click batches: up to %d clicks, %s at most (assumption: the design has no queue to say)", assumedClickBatch, assumedClickFlush)
		return assumedClickBatch, assumedClickFlush
	}
	batch := max(1, min(batchSize, maxClickBatch))
	if batch != batchSize {
		m.note("click batches: queue.batchSize is %d; the service's click buffer holds %d", batchSize, maxClickBatch)
	}
	flush := assumedClickFlush
	switch {
	case batchWait != nil && *batchWait > 0:
		flush = time.Duration(*batchWait)
		m.note("click batches: up to %d clicks, %s at most (queue.batchSize, queue.batchWait)", batch, flush)
	case batch == 1:
		m.note("click batches: one click a message (queue.batchSize is 1; set it to batch)")
	default:
		m.note("click batches: up to %d clicks (queue.batchSize), %s at most (assumption: the design sets no queue.batchWait)", batch, flush)
	}
	return batch, flush
}

// DesignHash is a short, stable hash of the design's content: the same
// design gives the same hash however its files are formatted.
func DesignHash(d *schema.Design) string {
	b, err := json.Marshal(d) // map keys are sorted: deterministic
	if err != nil {
		return "unknown"
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:8])
}

func cacheCapacity(est *estimator.Result) float64 {
	if est == nil {
		return 0
	}
	for _, c := range est.Components {
		if c.Cache != nil {
			return c.Cache.CapacityObjects
		}
	}
	return 0
}

// mapOperations assigns the design's synchronous operations to the
// service's routes: the busiest read is the redirect, the busiest write the
// create, an operation named like "stats" the stats route. Their SLOs
// become alert rules; their peak rates the load test's defaults.
func mapOperations(d *schema.Design, est *estimator.Result, m *Mapping) ([]SLO, float64, float64) {
	peak := map[string]float64{}
	if est != nil {
		for _, op := range est.Operations {
			peak[op.Name] = op.PeakRPS
		}
	}
	type cand struct {
		name string
		rps  float64
	}
	var reads, writes, stats []cand
	for _, name := range d.OperationNames() {
		op := d.Traffic[name]
		if op.Async {
			continue // clicks and other queued work: the worker's, not a route's
		}
		rps, ok := peak[name]
		if !ok {
			rps = op.Rate.PerSecond() * math.Max(op.PeakFactor, 1)
		}
		c := cand{name, rps}
		switch {
		case strings.Contains(strings.ToLower(name), "stat"):
			stats = append(stats, c)
		case op.IsRead():
			reads = append(reads, c)
		default:
			writes = append(writes, c)
		}
	}
	busiest := func(cs []cand) (cand, bool) {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].rps > cs[j].rps })
		if len(cs) == 0 {
			return cand{}, false
		}
		return cs[0], true
	}
	var slos []SLO
	var readRPS, writeRPS float64
	for _, r := range []struct {
		cs    []cand
		route string
	}{{reads, RouteRedirect}, {writes, RouteCreate}, {stats, RouteStats}} {
		c, ok := busiest(r.cs)
		if !ok {
			continue
		}
		switch r.route {
		case RouteRedirect:
			readRPS = c.rps
		case RouteCreate:
			writeRPS = c.rps
		}
		s := SLO{Name: c.name, Route: r.route, Availability: float64(d.SLO.Availability)}
		if s.Availability >= 1 || s.Availability <= 0.5 {
			s.Availability = 0
		}
		if p99, ok := d.SLO.P99[c.name]; ok {
			s.P99 = time.Duration(p99)
		}
		if s.P99 > 0 || s.Availability > 0 {
			slos = append(slos, s)
		}
		m.note("route %s: operation %q (peak %.0f/s)", r.route, c.name, c.rps)
		for _, other := range r.cs[1:] {
			m.note("operation %q: no route of its own in the generated service", other.name)
		}
	}
	if readRPS == 0 {
		readRPS = 1
	}
	if writeRPS == 0 {
		writeRPS = 1
	}
	return slos, readRPS, writeRPS
}
