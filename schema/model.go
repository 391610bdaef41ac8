package schema

// The Go model mirrors design.cue field for field (TestModelMatchesSchema
// proves it). Values arrive here already unified with the schema, so every
// default is filled in and every choice is one the schema allows. Optional
// fields the schema leaves without a default are pointers or zero values
// with a Has… helper; nothing here invents a number the design did not give.

// Design is one system design.
type Design struct {
	System        System                 `json:"system"`
	Traffic       map[string]*Operation  `json:"traffic"`
	SLO           SLO                    `json:"slo"`
	Budget        *Budget                `json:"budget,omitempty"`
	LoadBalancer  LoadBalancer           `json:"loadBalancer"`
	Services      Services               `json:"services"`
	CDN           CDN                    `json:"cdn"`
	Cache         Cache                  `json:"cache"`
	Database      Database               `json:"database"`
	Queue         Queue                  `json:"queue"`
	Consistency   map[string]Consistency `json:"consistency"`
	Observability Observability          `json:"observability"`
	Security      Security               `json:"security"`
	Waivers       []Waiver               `json:"waivers"`
	Overrides     map[string]Override    `json:"overrides"`
	// Components are the named parts of a design written in the component
	// form; nil for the shorthand.
	Components map[string]*Component `json:"components,omitempty"`

	// Source locates the design's fields in the files it came from.
	Source *Source `json:"-"`
}

// System names the design and says where it runs.
type System struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Cloud       string `json:"cloud"`
	Region      string `json:"region,omitempty"`
	Footprint   string `json:"footprint"`
	Regions     int    `json:"regions"`
	// RegionFailover is "automatic" or "manual"; PeerRegions the other
	// regions by name; CrossRegionRTT the stated round trip between them.
	RegionFailover string    `json:"regionFailover"`
	PeerRegions    []string  `json:"peerRegions,omitempty"`
	CrossRegionRTT *Duration `json:"crossRegionRTT,omitempty"`
}

// Footprints.
const (
	SingleNode  = "single-node"
	MultiZone   = "multi-zone"
	MultiRegion = "multi-region"
)

// Operation is one kind of request: a read or a write, with its rate, its
// sizes and the tiers it passes through.
type Operation struct {
	Name         string   `json:"-"`
	Kind         string   `json:"kind"`
	Rate         Rate     `json:"rate"`
	PeakFactor   float64  `json:"peakFactor"`
	Async        bool     `json:"async"`
	RequestSize  Bytes    `json:"requestSize"`
	ResponseSize Bytes    `json:"responseSize"`
	Path         []string `json:"path,omitempty"`
	// Calls is the operation's call tree in the component form.
	Calls []Step `json:"calls,omitempty"`
	// From is the component that raises the operation while serving other
	// requests (component form); its calls are that component's.
	From     string   `json:"from,omitempty"`
	Growth   float64  `json:"growth"`
	SlowWork []string `json:"slowWork"`
	Needs    []string `json:"needs"`
	Public   bool     `json:"public"`
	Data     *Data    `json:"data,omitempty"`
}

// Published reports whether the application raises the shorthand
// operation itself while serving other requests: an asynchronous path
// that starts at the services (the click a redirect records).
func (o *Operation) Published() bool {
	return o.Async && len(o.Path) > 0 && o.Path[0] == "services"
}

// IsRead reports whether the operation only reads.
func (o *Operation) IsRead() bool { return o.Kind == "read" }

// Passes reports whether the operation's path includes the component.
func (o *Operation) Passes(component string) bool {
	for _, c := range o.Path {
		if c == component {
			return true
		}
	}
	return false
}

// Data is what an operation stores.
type Data struct {
	Objects    Count    `json:"objects"`
	ObjectSize Bytes    `json:"objectSize"`
	Retention  Duration `json:"retention"`
	Mutable    bool     `json:"mutable"`
	// NewPerWrite is how many new objects one write stores.
	NewPerWrite float64 `json:"newPerWrite"`
}

// SLO is what users are promised.
type SLO struct {
	P99          map[string]Duration `json:"p99"`
	Completion   map[string]Duration `json:"completion"`
	Availability Ratio               `json:"availability"`
	Durability   string              `json:"durability"`
}

// Budget is the monthly spend the design may not exceed.
type Budget struct {
	MonthlyUSD float64 `json:"monthlyUSD"`
}

// LoadBalancer is the traffic cop in front of the fleet.
type LoadBalancer struct {
	Kind            string `json:"kind"`
	Algorithm       string `json:"algorithm"`
	HealthChecks    bool   `json:"healthChecks"`
	HealthCheckPath string `json:"healthCheckPath"`
	Instances       int    `json:"instances"`
	Need            string `json:"need,omitempty"`
}

// SelfRun reports whether the team runs the proxy itself.
func (lb LoadBalancer) SelfRun() bool { return lb.Kind == "nginx" || lb.Kind == "haproxy" }

// Services is the application tier.
type Services struct {
	Instances              int       `json:"instances"`
	Size                   string    `json:"size"`
	Zones                  int       `json:"zones"`
	ThroughputPerInstance  *Rate     `json:"throughputPerInstance,omitempty"`
	ServiceTime            *Duration `json:"serviceTime,omitempty"`
	ServiceTimeCV          *float64  `json:"serviceTimeCV,omitempty"`
	TargetUtilization      float64   `json:"targetUtilization"`
	ConnectionsPerInstance int       `json:"connectionsPerInstance"`
}

// CDN caches public responses at the edge.
type CDN struct {
	Enabled        bool   `json:"enabled"`
	CacheableShare *Ratio `json:"cacheableShare,omitempty"`
	Provider       string `json:"provider,omitempty"`
}

// Cache is the shared cache between the application and the database.
type Cache struct {
	Kind               string    `json:"kind"`
	Placement          string    `json:"placement"`
	Pattern            string    `json:"pattern"`
	TTL                *Duration `json:"ttl,omitempty"`
	TTLJitter          Ratio     `json:"ttlJitter"`
	Stampede           string    `json:"stampede"`
	Invalidation       string    `json:"invalidation,omitempty"`
	Memory             *Bytes    `json:"memory,omitempty"`
	Nodes              int       `json:"nodes"`
	Replicas           int       `json:"replicas"`
	Persistence        string    `json:"persistence"`
	Zipf               *float64  `json:"zipf,omitempty"`
	HotKeyShare        *Ratio    `json:"hotKeyShare,omitempty"`
	HitRatio           *Ratio    `json:"hitRatio,omitempty"`
	BulkLoaded         bool      `json:"bulkLoaded"`
	MustSurviveRestart bool      `json:"mustSurviveRestart"`
}

// Enabled reports whether the design has a shared cache.
func (c Cache) Enabled() bool { return c.Kind != "none" }

// Database is the source of truth.
type Database struct {
	Kind                string `json:"kind"`
	Size                string `json:"size"`
	Replicas            int    `json:"replicas"`
	Replication         string `json:"replication"`
	ReadFromReplicas    bool   `json:"readFromReplicas"`
	Failover            string `json:"failover"`
	Shards              int    `json:"shards"`
	ShardKey            string `json:"shardKey,omitempty"`
	ShardStrategy       string `json:"shardStrategy"`
	ShardKeyCardinality *Count `json:"shardKeyCardinality,omitempty"`
	HotShardShare       *Ratio `json:"hotShardShare,omitempty"`
	Storage             *Bytes `json:"storage,omitempty"`
	AccessPattern       string `json:"accessPattern,omitempty"`
	ConditionalWrites   bool   `json:"conditionalWrites"`
	MaxConnections      *int   `json:"maxConnections,omitempty"`
}

// Relational reports whether the database is a SQL database.
func (db Database) Relational() bool { return Primary(db.Kind) }

// Queue accepts work now so it can be done soon.
type Queue struct {
	Kind                string    `json:"kind"`
	Carries             []string  `json:"carries"`
	Partitions          int       `json:"partitions"`
	Consumers           int       `json:"consumers,omitempty"`
	WorkTime            *Duration `json:"workTime,omitempty"`
	Retention           *Duration `json:"retention,omitempty"`
	Replay              bool      `json:"replay"`
	ConsumerGroups      int       `json:"consumerGroups"`
	DeadLetter          bool      `json:"deadLetter"`
	Delivery            string    `json:"delivery"`
	IdempotentConsumers bool      `json:"idempotentConsumers"`
	MessageSize         *Bytes    `json:"messageSize,omitempty"`
	BatchSize           int       `json:"batchSize"`
	BatchWait           *Duration `json:"batchWait,omitempty"`
}

// Enabled reports whether the design has a queue.
func (q Queue) Enabled() bool { return q.Kind != "none" }

// Consistency is the guarantee one operation needs.
type Consistency struct {
	Require   string `json:"require"`
	Partition string `json:"partition,omitempty"`
}

// Observability is what the design can see of itself in production.
type Observability struct {
	Metrics     bool   `json:"metrics"`
	Percentiles bool   `json:"percentiles"`
	Logs        string `json:"logs"`
	Traces      bool   `json:"traces"`
	UptimeProbe bool   `json:"uptimeProbe"`
	AlertsOn    string `json:"alertsOn"`
}

// Security is what stands between the design and the internet.
type Security struct {
	TLS              string `json:"tls"`
	RateLimit        *Rate  `json:"rateLimit,omitempty"`
	EncryptionAtRest bool   `json:"encryptionAtRest"`
	PublicDatabase   bool   `json:"publicDatabase"`
}

// Waiver is an accepted risk.
type Waiver struct {
	Rule      string `json:"rule"`
	Component string `json:"component,omitempty"`
	Reason    string `json:"reason"`
	Owner     string `json:"owner,omitempty"`
	Expires   string `json:"expires,omitempty"`
	// Index is the waiver's place in the design's list, for positions.
	Index int `json:"-"`
}

// Override replaces one estimator default: a plain number, a duration or a
// rate, as the default it replaces is written.
type Override struct {
	Value float64
	// Unit is "", "duration" (Value in seconds) or "rate" (per second).
	Unit string
}

// OperationNames returns the design's operations in a stable order.
func (d *Design) OperationNames() []string {
	names := make([]string, 0, len(d.Traffic))
	for n := range d.Traffic {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}

// Operations returns the design's operations sorted by name.
func (d *Design) Operations() []*Operation {
	ops := make([]*Operation, 0, len(d.Traffic))
	for _, n := range d.OperationNames() {
		ops = append(ops, d.Traffic[n])
	}
	return ops
}
