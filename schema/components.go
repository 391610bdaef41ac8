package schema

import (
	"fmt"

	"cuelang.org/go/cue"
)

// Component kinds, by family. A kind names a technology; its family says
// what the component does in a call tree.
const (
	FamilyService  = "service"
	FamilyDatabase = "database"
	FamilyCache    = "cache" // redis, memcached, managed-redis (role cache or store)
	FamilyQueue    = "queue"
	FamilyLB       = "loadBalancer"
	FamilyCDN      = "cdn"
	FamilyObject   = "object-store"
	FamilySearch   = "search"
	FamilyExternal = "external"
)

// kinds is the table of component kinds (design.cue's #Kind): each
// kind's family, and the trade-offs the estimator and the rules read off
// the technology rather than the design, so each is said once, here:
//   - regional: the provider runs it across a region's zones (a zone lost
//     is its own concern, not the design's);
//   - managed: the provider runs it in the design's zones (its SLA and
//     failover are the provider's, not its nodes');
//   - primary: one primary commits every write; read replicas answer
//     reads, and a standby is promoted on failover (PostgreSQL, MySQL);
//   - cluster: the team runs it as nodes that each hold replicas of their
//     keys (Cassandra, MongoDB): its SLA is its nodes', and replicas in
//     other zones keep it serving.
var kinds = map[string]struct {
	family                              string
	regional, managed, primary, cluster bool
}{
	"service": {family: FamilyService}, "worker": {family: FamilyService},
	"postgres": {family: FamilyDatabase, primary: true}, "mysql": {family: FamilyDatabase, primary: true},
	"dynamodb":  {family: FamilyDatabase, regional: true},
	"cassandra": {family: FamilyDatabase, cluster: true}, "mongodb": {family: FamilyDatabase, cluster: true},
	"redis": {family: FamilyCache}, "memcached": {family: FamilyCache}, "managed-redis": {family: FamilyCache, managed: true},
	"kafka": {family: FamilyQueue}, "rabbitmq": {family: FamilyQueue}, "sqs": {family: FamilyQueue, regional: true}, "nats": {family: FamilyQueue},
	"managed-lb": {family: FamilyLB, regional: true}, "nginx": {family: FamilyLB}, "haproxy": {family: FamilyLB},
	"cdn": {family: FamilyCDN, regional: true}, "object-store": {family: FamilyObject, regional: true},
	"search": {family: FamilySearch}, "external": {family: FamilyExternal, regional: true},
}

// Primary reports whether a store of the kind has one primary that
// commits every write, read replicas and failover to a standby
// (PostgreSQL, MySQL).
func Primary(kind string) bool { return kinds[kind].primary }

// Sizes are the instance sizes design.cue allows, vCPU x GiB, smallest
// first.
var Sizes = []string{"2x8", "4x16", "8x32", "16x64"}

// SizeOf parses a "vCPU x GiB" size; ok is false for anything else.
func SizeOf(size string) (vcpu, gib float64, ok bool) {
	if _, err := fmt.Sscanf(size, "%gx%g", &vcpu, &gib); err != nil || vcpu <= 0 || gib <= 0 {
		return 0, 0, false
	}
	return vcpu, gib, true
}

// Family is the family of a component kind ("" for an unknown kind).
func Family(kind string) string { return kinds[kind].family }

// Component is one named part of the system. The fields a kind has are
// set; the others stay zero (design.cue's #Part says which belong to which
// kind, and the loader refuses the rest).
type Component struct {
	Name        string `json:"-"`
	Kind        string `json:"kind"`
	Description string `json:"description,omitempty"`
	Region      string `json:"region,omitempty"`

	// Services and workers.
	Instances              int       `json:"instances,omitempty"`
	Size                   string    `json:"size,omitempty"`
	Zones                  int       `json:"zones,omitempty"`
	Concurrency            int       `json:"concurrency,omitempty"`
	ServiceTime            *Duration `json:"serviceTime,omitempty"`
	ServiceTimeCV          *float64  `json:"serviceTimeCV,omitempty"`
	ThroughputPerInstance  *Rate     `json:"throughputPerInstance,omitempty"`
	TargetUtilization      float64   `json:"targetUtilization,omitempty"`
	ConnectionsPerInstance int       `json:"connectionsPerInstance,omitempty"`
	Consumes               string    `json:"consumes,omitempty"`

	// Databases (and search clusters: shards, replicas).
	Replicas            int    `json:"replicas,omitempty"`
	Replication         string `json:"replication,omitempty"`
	ReadFromReplicas    bool   `json:"readFromReplicas,omitempty"`
	Failover            string `json:"failover,omitempty"`
	Shards              int    `json:"shards,omitempty"`
	ShardKey            string `json:"shardKey,omitempty"`
	ShardKeyCardinality *Count `json:"shardKeyCardinality,omitempty"`
	Storage             *Bytes `json:"storage,omitempty"`
	Consistency         string `json:"consistency,omitempty"`
	ShardStrategy       string `json:"shardStrategy,omitempty"`
	HotShardShare       *Ratio `json:"hotShardShare,omitempty"`
	AccessPattern       string `json:"accessPattern,omitempty"`
	ConditionalWrites   bool   `json:"conditionalWrites,omitempty"`
	MaxConnections      *int   `json:"maxConnections,omitempty"`

	// Caches and key-value stores.
	Role               string    `json:"role,omitempty"`
	Memory             *Bytes    `json:"memory,omitempty"`
	Nodes              int       `json:"nodes,omitempty"`
	Persistence        string    `json:"persistence,omitempty"`
	TTL                *Duration `json:"ttl,omitempty"`
	TTLJitter          Ratio     `json:"ttlJitter,omitempty"`
	Stampede           string    `json:"stampede,omitempty"`
	Invalidation       string    `json:"invalidation,omitempty"`
	Zipf               *float64  `json:"zipf,omitempty"`
	HitRatio           *Ratio    `json:"hitRatio,omitempty"`
	Pattern            string    `json:"pattern,omitempty"`
	Placement          string    `json:"placement,omitempty"`
	HotKeyShare        *Ratio    `json:"hotKeyShare,omitempty"`
	BulkLoaded         bool      `json:"bulkLoaded,omitempty"`
	MustSurviveRestart bool      `json:"mustSurviveRestart,omitempty"`
	Catalogue          *Count    `json:"catalogue,omitempty"`
	ItemSize           *Bytes    `json:"itemSize,omitempty"`

	// Queues.
	Partitions          int       `json:"partitions,omitempty"`
	Retention           *Duration `json:"retention,omitempty"`
	Delivery            string    `json:"delivery,omitempty"`
	DeadLetter          bool      `json:"deadLetter,omitempty"`
	MessageSize         *Bytes    `json:"messageSize,omitempty"`
	Replay              bool      `json:"replay,omitempty"`
	ConsumerGroups      int       `json:"consumerGroups,omitempty"`
	IdempotentConsumers bool      `json:"idempotentConsumers,omitempty"`
	BatchSize           int       `json:"batchSize,omitempty"`
	BatchWait           *Duration `json:"batchWait,omitempty"`

	// Load balancers.
	Algorithm       string `json:"algorithm,omitempty"`
	HealthChecks    *bool  `json:"healthChecks,omitempty"`
	HealthCheckPath string `json:"healthCheckPath,omitempty"`
	Need            string `json:"need,omitempty"`

	// CDN.
	CacheableShare *Ratio    `json:"cacheableShare,omitempty"`
	Provider       string    `json:"provider,omitempty"`
	StorageClass   string    `json:"storageClass,omitempty"`
	P50            *Duration `json:"p50,omitempty"`
	P99            *Duration `json:"p99,omitempty"`
	Availability   *Ratio    `json:"availability,omitempty"`
	RateLimit      *Rate     `json:"rateLimit,omitempty"`
	PricePerCall   *float64  `json:"pricePerCall,omitempty"`

	// Prices the design states for what the reference cannot source
	// (object storage, DynamoDB), in USD.
	PricePerGBMonth         *float64 `json:"pricePerGBMonth,omitempty"`
	PricePerMillionRequests *float64 `json:"pricePerMillionRequests,omitempty"`
	PricePerMillionReads    *float64 `json:"pricePerMillionReads,omitempty"`
	PricePerMillionWrites   *float64 `json:"pricePerMillionWrites,omitempty"`

	// Data is what a store holds: its rows belong to it.
	Data *Data `json:"data,omitempty"`
}

// Family is the component's family.
func (c *Component) Family() string { return Family(c.Kind) }

// Regional reports whether the provider runs the component across a
// region's zones: a managed balancer, a CDN, SQS, DynamoDB, an object
// store, a third party. Losing one zone does not take it down.
func (c *Component) Regional() bool { return kinds[c.Kind].regional }

// Managed reports whether the provider runs the component in the
// design's zones (managed Redis): its SLA and failover are the
// provider's, not its nodes'.
func (c *Component) Managed() bool { return kinds[c.Kind].managed }

// Primary reports whether the component is a store with one primary that
// commits every write (PostgreSQL, MySQL): read replicas answer reads, a
// standby is promoted on failover, and more instances do not lift the
// write ceiling.
func (c *Component) Primary() bool { return kinds[c.Kind].primary }

// Cluster reports whether the team runs the component as nodes that each
// hold replicas of their keys (Cassandra, MongoDB): its availability is
// its nodes', and replicas in other zones keep it serving.
func (c *Component) Cluster() bool { return kinds[c.Kind].cluster }

// IsCache reports whether the component is a cache (a copy of data that
// lives elsewhere), not a store of record.
func (c *Component) IsCache() bool { return c.Family() == FamilyCache && c.Role != "store" }

// UnmarshalCUE implements cue.Unmarshaler: the fields depend on the kind,
// so the model decodes the whole component at once (the schema has
// already checked which fields the kind has).
func (c *Component) UnmarshalCUE(v cue.Value) error {
	type plain Component
	var p plain
	if err := v.Decode(&p); err != nil {
		return err
	}
	*c = Component(p)
	return nil
}

// Step is one call of an operation's call tree.
type Step struct {
	// To is the component called; empty for a group of parallel steps.
	To       string    `json:"to,omitempty"`
	Calls    []Step    `json:"calls,omitempty"`
	Miss     []Step    `json:"miss,omitempty"`
	Parallel []Step    `json:"parallel,omitempty"`
	Fanout   *Fanout   `json:"fanout,omitempty"`
	Share    *Ratio    `json:"share,omitempty"`
	Async    bool      `json:"async,omitempty"`
	Timeout  *Duration `json:"timeout,omitempty"`
	Retries  int       `json:"retries,omitempty"`
	Optional bool      `json:"optional,omitempty"`
	Work     *Duration `json:"work,omitempty"`
	// Rows is the new objects one call stores (nil: one per write).
	Rows *float64 `json:"rows,omitempty"`
	// Path is where the step is in the design ("traffic.post.calls[1]"),
	// for positions; set by the loader.
	Path string `json:"-"`
}

// Fanout is a call sent to N targets at once.
type Fanout struct {
	N    int    `json:"n"`
	Wait string `json:"wait"` // all, first or quorum
	K    int    `json:"k,omitempty"`
	// Max is the widest call when N is a mean (0 when not stated).
	Max Count `json:"max,omitempty"`
}

// Needed is how many of the N answers the caller waits for.
func (f *Fanout) Needed() int {
	switch f.Wait {
	case "first":
		return max(1, f.K)
	case "quorum":
		if f.K > 0 {
			return f.K
		}
		return f.N/2 + 1
	}
	return f.N
}

// UnmarshalCUE implements cue.Unmarshaler: a step is a component's name or
// a call written out.
func (s *Step) UnmarshalCUE(v cue.Value) error {
	if v.Kind() == cue.StringKind {
		name, err := v.String()
		s.To = name
		return err
	}
	type plain struct {
		To       string    `json:"to"`
		Calls    []Step    `json:"calls"`
		Miss     []Step    `json:"miss"`
		Parallel []Step    `json:"parallel"`
		Share    *Ratio    `json:"share"`
		Async    bool      `json:"async"`
		Timeout  *Duration `json:"timeout"`
		Retries  int       `json:"retries"`
		Optional bool      `json:"optional"`
		Work     *Duration `json:"work"`
		Rows     *float64  `json:"rows"`
	}
	var p plain
	if err := v.Decode(&p); err != nil {
		return err
	}
	*s = Step{To: p.To, Calls: p.Calls, Miss: p.Miss, Parallel: p.Parallel, Share: p.Share, Async: p.Async,
		Timeout: p.Timeout, Retries: p.Retries, Optional: p.Optional, Work: p.Work, Rows: p.Rows}
	if f := v.LookupPath(cue.MakePath(cue.Str("fanout"))); f.Exists() {
		fo := &Fanout{Wait: "all"}
		if f.Kind() == cue.IntKind {
			n, err := f.Int64()
			if err != nil {
				return err
			}
			fo.N = int(n)
		} else if err := f.Decode(fo); err != nil {
			return err
		}
		s.Fanout = fo
	}
	return nil
}

// String names the step for messages: its target, or the parallel group.
func (s Step) String() string {
	if s.To != "" {
		return s.To
	}
	return fmt.Sprintf("parallel group of %d", len(s.Parallel))
}
