package estimator

import (
	"encoding/json"
	"math"
)

// Result is everything `tradeoff estimate` computed for one design. It is
// consumed by the rules (issue 4), the diagrams (issue 5) and the report
// (issue 10), and marshals to the documented JSON shape (docs/estimator.md).
//
// The top-level Operations and Components describe the selected scenario
// (Options.Scenario, peak by default); Scenarios holds every scenario's
// summary. Every figure carries the steps that produced it.
type Result struct {
	Design string `json:"design"`
	// Cloud is the design's own cloud: its SLAs drive availability and its
	// cost is the one compared with the budget.
	Cloud         string `json:"cloud"`
	Scenario      string `json:"scenario"`
	HorizonMonths int    `json:"horizon_months"`

	Operations []Operation `json:"operations"`
	Components []Component `json:"components"`

	Cost      Costs    `json:"cost"`
	BudgetUSD *float64 `json:"budget_usd"`

	Availability Availability `json:"availability"`

	// RunwayMonths is the earliest month in which a tier that cannot simply
	// scale out saturates at the stated growth (null: never, no growth).
	RunwayMonths Months   `json:"runway_months"`
	Runway       []Runway `json:"runway"`

	Scenarios []Scenario `json:"scenarios"`

	// Keyspaces is the code length each creating operation that needs
	// uniqueness must use for the objects at the horizon.
	Keyspaces []Keyspace `json:"keyspaces,omitempty"`

	Verdict Verdict `json:"verdict"`

	// Assumptions lists every figure used that is unsourced or secondary,
	// or a default standing in for something the design did not state.
	Assumptions []Assumption `json:"assumptions"`
	// PricesAsOf is each data file's as_of date.
	PricesAsOf map[string]string `json:"prices_as_of"`
}

// Operation is one operation's load and latency in a scenario.
type Operation struct {
	Name  string `json:"name"`
	Kind  string `json:"kind"`
	Async bool   `json:"async"`
	// AvgRPS is the design's average rate; PeakRPS the scenario's rate
	// (average × peak factor, × growth at the horizon).
	AvgRPS  float64 `json:"avg_rps"`
	PeakRPS float64 `json:"peak_rps"`
	// P50Ms and P99Ms are server-side, from the load balancer onwards;
	// null when a tier on the path is saturated (the queue grows without
	// bound).
	P50Ms    Millis   `json:"p50_ms"`
	P99Ms    Millis   `json:"p99_ms"`
	SLOP99Ms *float64 `json:"slo_p99_ms"`
	// MeetsSLO is true when there is no SLO or p99 ≤ SLO.
	MeetsSLO bool `json:"meets_slo"`
	// HitRatio is the cache hit ratio on this operation's path (nil when
	// it passes no cache).
	HitRatio *float64 `json:"hit_ratio,omitempty"`
	// Availability of the operation's path on the design's cloud.
	Availability float64  `json:"availability"`
	Path         []string `json:"path"`
	Bottleneck   string   `json:"bottleneck,omitempty"`
	Derivation   []string `json:"derivation"`
	Assumed      bool     `json:"assumed"`
}

// Component is one tier: how many instances it has, how busy it is in the
// scenario, and what it costs per month on each cloud.
type Component struct {
	Name string `json:"name"`
	// Kind is the technology: "managed", "nginx", "app", "redis", "postgres",
	// "kafka", "workers", "cdn", "network" ...
	Kind string `json:"kind"`
	// Instances is the planned count (the design's, or the estimate's where
	// the design leaves it open); Needed is what the scenario requires at
	// the target utilisation, with zone redundancy.
	Instances int `json:"instances"`
	Needed    int `json:"needed"`
	// Serving is how many of the planned instances still serve in the
	// scenario: all of them except in zone-down (for the database and
	// the queue, all or none: a failover keeps every shard serving).
	Serving int `json:"serving"`
	Zones   int `json:"zones,omitempty"`
	// LoadRPS and CapacityRPS are per-second operations on this tier;
	// Utilization = LoadRPS / CapacityRPS (of the planned instances). A
	// managed tier that scales itself has zero capacity and utilisation.
	LoadRPS     float64 `json:"load_rps"`
	CapacityRPS float64 `json:"capacity_rps"`
	Utilization Util    `json:"utilization"`
	// MonthlyUSD per cloud for the planned instances.
	MonthlyUSD map[string]float64 `json:"monthly_usd"`
	// SPOF is true when losing one instance or zone takes the tier down.
	SPOF bool `json:"spof"`

	Cache *CacheDetail `json:"cache,omitempty"`
	DB    *DBDetail    `json:"database,omitempty"`
	Queue *QueueDetail `json:"queue,omitempty"`

	Derivation []string `json:"derivation"`
	Assumed    bool     `json:"assumed"`
}

// CacheDetail is the cache sizing.
type CacheDetail struct {
	Objects          float64  `json:"objects"`
	ObjectsHorizon   float64  `json:"objects_at_horizon"`
	ItemBytes        float64  `json:"item_bytes"`
	CapacityObjects  float64  `json:"capacity_objects"`
	MemoryBytes      float64  `json:"memory_bytes"`
	WorkingSetBytes  *float64 `json:"working_set_bytes"`
	Zipf             float64  `json:"zipf"`
	HitRatio         float64  `json:"hit_ratio"`
	AssumedHitRatio  *float64 `json:"assumed_hit_ratio"`
	OpsPerSecond     float64  `json:"ops_per_second"`
	NodesByMemory    int      `json:"nodes_by_memory"`
	NodesByOps       int      `json:"nodes_by_ops"`
	Replicas         int      `json:"replicas"`
	ColdMissesPerSec float64  `json:"cold_misses_per_second"`
}

// DBDetail is the database sizing.
type DBDetail struct {
	ReadsPerSec        float64 `json:"reads_per_second"`
	WritesPerSec       float64 `json:"writes_per_second"`
	ReadCapacity       float64 `json:"read_capacity_per_second"`
	WriteCapacity      float64 `json:"write_capacity_per_second"`
	Objects            float64 `json:"objects"`
	ObjectsHorizon     float64 `json:"objects_at_horizon"`
	StorageBytes       float64 `json:"storage_bytes"`
	StorageHorizon     float64 `json:"storage_bytes_at_horizon"`
	StorageCapacity    float64 `json:"storage_capacity_bytes"`
	ReplicasForReads   int     `json:"replicas_for_reads"`
	ShardsForWrites    int     `json:"shards_for_writes"`
	ShardsForSize      int     `json:"shards_for_size"`
	Shards             int     `json:"shards"`
	Replicas           int     `json:"replicas"`
	ConnectionsPool    int     `json:"connections_pool"`
	ConnectionsBusy    float64 `json:"connections_busy"`
	ConnectionsMax     *int    `json:"connections_max"`
	WriteHeadroom      float64 `json:"write_headroom"`
	ColdCacheReadsUtil float64 `json:"cold_cache_read_utilization"`
}

// QueueDetail is the queue and consumer sizing.
type QueueDetail struct {
	MessagesPerSec   float64 `json:"messages_per_second"`
	BytesPerSec      float64 `json:"bytes_per_second"`
	Partitions       int     `json:"partitions"`
	PartitionsNeeded int     `json:"partitions_needed"`
	Brokers          int     `json:"brokers"`
	Consumers        int     `json:"consumers"`
	ConsumersNeeded  int     `json:"consumers_needed"`
	ConsumerCapacity float64 `json:"consumer_capacity_per_second"`
	BacklogGrowth    float64 `json:"backlog_growth_per_second"`
	OutageMinutes    float64 `json:"outage_minutes"`
	Backlog          float64 `json:"backlog_after_outage"`
	DrainSeconds     Seconds `json:"drain_seconds"`
	RetentionBytes   float64 `json:"retention_bytes"`
}

// Costs is the monthly cost on each cloud.
type Costs struct {
	AWS   CloudCost `json:"aws"`
	GCP   CloudCost `json:"gcp"`
	Azure CloudCost `json:"azure"`
}

// For returns one cloud's cost.
func (c *Costs) For(cloud string) *CloudCost {
	switch cloud {
	case "gcp":
		return &c.GCP
	case "azure":
		return &c.Azure
	}
	return &c.AWS
}

// CloudCost is one cloud's bill, itemised.
type CloudCost struct {
	MonthlyUSD float64    `json:"monthly_usd"`
	Items      []CostItem `json:"items"`
	// Unpriced lists price ids the reference could not source; the total
	// leaves them out until they are supplied with --prices.
	Unpriced []string `json:"unpriced"`
	Assumed  bool     `json:"assumed"`
}

// CostItem is one line of a bill.
type CostItem struct {
	Component  string  `json:"component"`
	PriceID    string  `json:"price_id"`
	SKU        string  `json:"sku"`
	Quantity   float64 `json:"quantity"`
	Unit       string  `json:"unit"`
	MonthlyUSD float64 `json:"monthly_usd"`
	Tag        Tag     `json:"tag"`
	Derivation string  `json:"derivation"`
}

// Availability is the design's estimated availability against its SLO.
type Availability struct {
	// Estimated is the worst synchronous operation's path availability.
	Estimated float64 `json:"estimated"`
	SLO       float64 `json:"slo"`
	MeetsSLO  bool    `json:"meets_slo"`
	// WorstOperation names the operation whose path sets Estimated.
	WorstOperation string `json:"worst_operation"`
	// ErrorBudgetMinutes is (1 − SLO) × 43,800 minutes a month; Downtime
	// is the estimate's expected minutes down a month.
	ErrorBudgetMinutes float64  `json:"error_budget_minutes"`
	DowntimeMinutes    float64  `json:"downtime_minutes"`
	SinglePoints       []string `json:"single_points_of_failure"`
	Derivation         []string `json:"derivation"`
}

// Runway is when one tier's resource saturates at the stated growth.
type Runway struct {
	Component string  `json:"component"`
	Resource  string  `json:"resource"`
	Load      float64 `json:"load"`
	Capacity  float64 `json:"capacity"`
	Months    Months  `json:"months"`
	// ScalesOut is true when adding instances fixes it (the design bends);
	// false for ceilings that need a redesign (it snaps).
	ScalesOut  bool   `json:"scales_out"`
	Derivation string `json:"derivation"`
}

// Scenario summarises one scenario.
type Scenario struct {
	Name        string             `json:"name"`
	Description string             `json:"description"`
	Operations  []ScenarioOp       `json:"operations"`
	Components  []ScenarioTier     `json:"components"`
	MeetsSLO    bool               `json:"meets_slo"`
	MonthlyUSD  map[string]float64 `json:"monthly_usd"`
	// Availability is the worst synchronous path; zero when a tier is
	// down entirely (one zone down on a single-zone tier).
	Availability float64  `json:"availability"`
	Down         []string `json:"down,omitempty"`
}

// ScenarioOp is one operation's figures in a scenario.
type ScenarioOp struct {
	Name     string  `json:"name"`
	PeakRPS  float64 `json:"peak_rps"`
	P99Ms    Millis  `json:"p99_ms"`
	MeetsSLO bool    `json:"meets_slo"`
}

// ScenarioTier is one tier's figures in a scenario.
type ScenarioTier struct {
	Name        string `json:"name"`
	Instances   int    `json:"instances"`
	Needed      int    `json:"needed"`
	Utilization Util   `json:"utilization"`
}

// Verdict is the answer first: does the design meet its SLOs and budget?
type Verdict struct {
	MeetsSLO    bool     `json:"meets_slo"`
	MeetsBudget bool     `json:"meets_budget"`
	Summary     string   `json:"summary"`
	Reasons     []string `json:"reasons"`
}

// Assumption is a figure the estimate used without a primary source.
type Assumption struct {
	ID string `json:"id"`
	// Display is the figure as a reader writes it ("$0.1008 per hour",
	// "99.9%", "64 bytes per item"); empty for a design default.
	Display string  `json:"display"`
	Value   float64 `json:"value"`
	Unit    string  `json:"unit"`
	Tag     Tag     `json:"tag"`
	Source  string  `json:"source"`
	Note    string  `json:"note,omitempty"`
}

// Millis is a latency in milliseconds; +Inf (a saturated tier) is null in JSON.
type Millis float64

// MarshalJSON writes null for an unbounded latency.
func (m Millis) MarshalJSON() ([]byte, error) { return finiteJSON(float64(m), 3) }

// Util is a utilisation (load ÷ capacity); +Inf, a tier that is down while
// load still arrives, is null in JSON.
type Util float64

// MarshalJSON writes null for a tier with no capacity left.
func (u Util) MarshalJSON() ([]byte, error) { return finiteJSON(float64(u), 4) }

// Months is a runway in months; +Inf (no growth) is null in JSON.
type Months float64

// MarshalJSON writes null for an unbounded runway.
func (m Months) MarshalJSON() ([]byte, error) { return finiteJSON(float64(m), 1) }

// Seconds is a duration in seconds; +Inf (never) is null in JSON.
type Seconds float64

// MarshalJSON writes null for an unbounded duration.
func (s Seconds) MarshalJSON() ([]byte, error) { return finiteJSON(float64(s), 1) }

func finiteJSON(x float64, decimals int) ([]byte, error) {
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return []byte("null"), nil
	}
	p := math.Pow(10, float64(decimals))
	return json.Marshal(math.Round(x*p) / p)
}
