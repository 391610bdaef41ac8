package estimator

import (
	"math"
	"strings"
	"testing"
)

// graphDesign is a service that calls an external provider and a store;
// {{...}} parts are filled per case.
const graphDesign = `
system: {name: "g", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2, serviceTime: "10ms", concurrency: CONC}
	pay: {kind: "external", p50: "300ms", p99: "2s", availability: "99.95%"}
	db: {kind: "postgres", failover: "automatic"}
	hot: {kind: "managed-redis", memory: "1GiB", ttl: "1h", invalidation: "ttl-only", hitRatio: "80%"}
}
traffic: t: {kind: "write", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "api", calls: CALLS}]}
slo: {p99: t: "10s", availability: "99%"}
`

func graphEstimateOf(t *testing.T, conc, calls string) *GraphResult {
	t.Helper()
	src := strings.NewReplacer("CONC", conc, "CALLS", calls).Replace(graphDesign)
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func graphComp(r *GraphResult, name string) GraphComponent {
	for _, c := range r.Components {
		if c.Name == name {
			return c
		}
	}
	return GraphComponent{}
}

// lognormal quantile of the provider: p50 300 ms, p99 2 s.
func payQuantile(p float64) float64 { return lognormalQuantile(0.3, 2, p) }

func TestGraphEstimateByHand(t *testing.T) {
	r := graphEstimateOf(t, "64", `[{to: "pay", optional: true}, "db"]`)
	op := r.Operations[0]
	api := graphComp(r, "api")
	// Load: 10/s × 2 peak = 20/s on api, pay and db.
	for _, name := range []string{"api", "pay", "db"} {
		if got := graphComp(r, name).LoadRPS; got != 20 {
			t.Errorf("%s load %v, want 20", name, got)
		}
	}
	// api: 2 vCPU × 1/10 ms = 200/s per instance, 400/s for two: 5% busy.
	if api.CapacityRPS == nil || *api.CapacityRPS != 400 || math.Abs(*api.Utilization-0.05) > 1e-9 {
		t.Errorf("api capacity %v, utilisation %v; want 400/s, 5%%", api.CapacityRPS, api.Utilization)
	}
	// p99: the provider's 2 s tail, plus the service's few milliseconds.
	if p99 := float64(op.P99Ms) / 1000; p99 < 2 || p99 > 2.05 {
		t.Errorf("p99 %.3f s, want the provider's 2 s plus a little", p99)
	}
	// In flight (Little's law): 20/s × mean time held (≈ 10.5 ms of its
	// own, the provider's lognormal mean e^{μ+σ²/2}, the store's round
	// trip) ÷ 2 instances.
	sigma := math.Log(2/0.3) / 2.3263478740408408
	held := 0.0105 + 0.3*math.Exp(sigma*sigma/2) + 0.0006
	if want := 20 * held / 2; math.Abs(*api.InFlight-want) > 0.05*want {
		t.Errorf("in flight %v per instance, want about %.2f", *api.InFlight, want)
	}
	// Availability: the optional provider does not count; api (two
	// instances in one zone: the single-instance SLA, 99.5%) × the
	// managed database (99.95%).
	if want := 0.995 * 0.9995; math.Abs(op.Availability-want) > 1e-6 {
		t.Errorf("availability %v, want %v", op.Availability, want)
	}
}

func TestGraphEstimateFanOutAndMiss(t *testing.T) {
	// A fan-out of 5 to the provider waits for the slowest: p99 is the
	// provider's quantile at 0.99^(1/5).
	r := graphEstimateOf(t, "64", `[{to: "pay", fanout: 5}]`)
	want := payQuantile(math.Pow(0.99, 0.2))
	if got := float64(r.Operations[0].P99Ms) / 1000; math.Abs(got-want) > 0.02*want {
		t.Errorf("fan-out p99 %.3f s, want %.3f s", got, want)
	}
	if got := graphComp(r, "pay").LoadRPS; got != 100 {
		t.Errorf("fan-out load %v, want 5 × 20 = 100", got)
	}
	// A cache with an 80% hit ratio sends a fifth of its calls on.
	r = graphEstimateOf(t, "64", `[{to: "hot", miss: ["db"]}]`)
	if got := graphComp(r, "db").LoadRPS; math.Abs(got-4) > 1e-9 {
		t.Errorf("db load behind the cache %v, want 20 × 20%% = 4", got)
	}
	// Cache-aside, and the store can take every read: up, the misses need
	// the store (80% + 20% × A(db)); down, every read does.
	a := r.Operations[0].Availability
	hot, db := *graphComp(r, "hot").Availability, *graphComp(r, "db").Availability
	api := *graphComp(r, "api").Availability
	if want := api * (hot*(0.8+0.2*db) + (1-hot)*db); math.Abs(a-want) > 1e-6 {
		t.Errorf("availability %v, want %v", a, want)
	}
}

// TestGraphCacheInSeries: a cache whose store could not take its hits is
// on every read's path: A(cache) × (h + (1 − h) × A(db)).
func TestGraphCacheInSeries(t *testing.T) {
	src := strings.NewReplacer("CONC", "64", "CALLS", `[{to: "hot", miss: ["db"]}]`, `rate: "10/s"`, `rate: "9000/s"`,
		`serviceTime: "10ms"`, `serviceTime: "1ms", throughputPerInstance: "20k/s"`).Replace(graphDesign)
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 18,000 reads/s at peak: 14,400 hits the store would also have to
	// take beside its 3,600 misses, past its capacity.
	hot, db := *graphComp(r, "hot").Availability, *graphComp(r, "db").Availability
	api := *graphComp(r, "api").Availability
	if a, want := r.Operations[0].Availability, api*hot*(0.8+0.2*db); math.Abs(a-want) > 1e-6 {
		t.Errorf("availability %v, want %v (the cache in series)", a, want)
	}
}

// A slow provider holds the caller's slots: with 4 slots per instance and
// about 4.3 requests in flight, the service saturates before the provider
// does, and the operation's p99 is unbounded.
func TestGraphEstimateSlowDependencySaturatesTheCaller(t *testing.T) {
	r := graphEstimateOf(t, "4", `["pay"]`)
	op := r.Operations[0]
	if op.Bottleneck != "api" || !math.IsInf(float64(op.P99Ms), 1) || op.MeetsSLO {
		t.Errorf("bottleneck %q, p99 %v, meets %v; want api, unbounded, missed", op.Bottleneck, op.P99Ms, op.MeetsSLO)
	}
	if api := graphComp(r, "api"); *api.Utilization > 0.1 {
		t.Errorf("the CPU is not what saturates: %v busy", *api.Utilization)
	}
}

// An asynchronous operation answers at the enqueue; its completion waits
// for the worker: one job of 2 s on average (exponential, CV 1), at low
// load, has p99 2 s × ln 100 = 9.2 s, against a 5 s completion SLO.
func TestGraphEstimateCompletion(t *testing.T) {
	src := `
system: {name: "jobs", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	jobs: {kind: "sqs"}
	encoder: {kind: "worker", instances: 4, consumes: "jobs", serviceTime: "2s"}
}
traffic: encode: {kind: "write", rate: "1/s", peakFactor: 1, async: true, requestSize: "1KB", responseSize: "100B",
	calls: [{to: "api", calls: [{to: "jobs", async: true, calls: ["encoder"]}]}]}
slo: {p99: encode: "100ms", completion: encode: "5s", availability: "99%"}
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	op := r.Operations[0]
	if float64(op.P99Ms) > 20 {
		t.Errorf("the response waits for the job: p99 %v ms", op.P99Ms)
	}
	if op.CompletionP99Ms == nil {
		t.Fatal("no completion time")
	}
	// The worker: 2 servers per instance, 4 instances, 1 job/s of 2 s:
	// utilisation 1 ÷ (8 × 0.5) = 25%; the wait adds a little to 9.2 s.
	if got := float64(*op.CompletionP99Ms) / 1000; got < 9.1 || got > 9.8 {
		t.Errorf("completion p99 %.2f s, want about 9.2 s", got)
	}
	if op.MeetsSLO {
		t.Error("a 9 s completion meets a 5 s completion SLO")
	}
	if u := graphComp(r, "encoder").Utilization; u == nil || math.Abs(*u-0.25) > 1e-9 {
		t.Errorf("encoder utilisation %v, want 25%%", u)
	}
}

func graphScenario(t *testing.T, calls, scenario string) *GraphResult {
	t.Helper()
	src := strings.NewReplacer("CONC", "64", "CALLS", calls).Replace(graphDesign)
	r, err := EstimateGraph(load(t, src), Options{Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGraphScenarios(t *testing.T) {
	// down: an operation that cannot do without the provider fails; one
	// that calls it as optional answers, degraded.
	r := graphScenario(t, `["pay", "db"]`, "down:pay")
	if op := r.Operations[0]; !op.Fails || op.Availability != 0 || op.MeetsSLO {
		t.Errorf("down:pay: fails %v, availability %v", op.Fails, op.Availability)
	}
	r = graphScenario(t, `[{to: "pay", optional: true}, "db"]`, "down:pay")
	if op := r.Operations[0]; op.Fails || !op.Degraded {
		t.Errorf("down:pay, optional: fails %v, degraded %v", op.Fails, op.Degraded)
	}
	// down: a cache that is down sends every call to what it misses to.
	r = graphScenario(t, `[{to: "hot", miss: ["db"]}]`, "down:hot")
	if got := graphComp(r, "db").LoadRPS; got != 20 {
		t.Errorf("down:hot: db load %v, want all 20/s", got)
	}
	// slow: ten times slower, the provider's p50 (300 ms) becomes 3 s, the
	// timeout: half the calls time out and are retried once, so the load
	// on the provider is 20 × (1 + 0.5) = 30/s — the retry storm.
	r = graphScenario(t, `[{to: "pay", timeout: "3s", retries: 1}]`, "slow:pay")
	if got := graphComp(r, "pay").LoadRPS; math.Abs(got-30) > 0.01 {
		t.Errorf("slow:pay: provider load %v, want 30/s", got)
	}
	// Unknown components and scenarios are refused.
	src := strings.NewReplacer("CONC", "64", "CALLS", `["db"]`).Replace(graphDesign)
	for _, sc := range []string{"down:nope", "sideways:db"} {
		if _, err := EstimateGraph(load(t, src), Options{Scenario: sc}); err == nil {
			t.Errorf("scenario %s accepted", sc)
		}
	}
}

// TestGraphQueueBatches: producers that group operations into messages
// send the queue and its consumers messages, not operations: 1,000 clicks
// a second from 4 instances in batches of up to 512 within 50 ms fill
// 250 × 0.05 = 12.5 a batch, 80 messages a second.
func TestGraphQueueBatches(t *testing.T) {
	src := `
system: {name: "q", cloud: "aws"}
components: {
	api: {kind: "service", instances: 4}
	q: {kind: "kafka", batchSize: 512, batchWait: "50ms"}
	w: {kind: "worker", instances: 2, consumes: "q", serviceTime: "5ms"}
}
traffic: click: {kind: "write", async: true, rate: "500/s", peakFactor: 2, requestSize: "100B", responseSize: "0B",
	calls: [{to: "api", calls: [{to: "q", async: true, calls: ["w"]}]}]}
slo: availability: "99%"
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"q", "w"} {
		if got := graphComp(r, name).LoadRPS; math.Abs(got-80) > 1e-9 {
			t.Errorf("%s receives %v/s, want 80 messages/s", name, got)
		}
	}
	if got := graphComp(r, "api").LoadRPS; got != 1000 {
		t.Errorf("api receives %v/s, want every click, 1,000/s", got)
	}
}

// An operation a component raises while it serves other requests (from)
// is that component's calls: 1,000 clicks/s from api's 4 instances leave
// in batches of 12.5 (250/s each × 50 ms), so api does one unit of work
// per message, 80/s, not a request per click; the latency is the same
// tree as the request-per-click form (api's work, then the enqueue); and
// with api down nothing is raised.
func TestGraphRaisedOperation(t *testing.T) {
	design := func(click string) string {
		return `
system: {name: "q", cloud: "aws"}
components: {
	api: {kind: "service", instances: 4}
	q: {kind: "kafka", batchSize: 512, batchWait: "50ms"}
	w: {kind: "worker", instances: 2, consumes: "q", serviceTime: "5ms"}
}
traffic: click: {kind: "write", async: true, rate: "500/s", peakFactor: 2, requestSize: "100B", responseSize: "0B",
	` + click + `}
slo: availability: "99%"
`
	}
	est := func(click, scenario string) *GraphResult {
		t.Helper()
		r, err := EstimateGraph(load(t, design(click)), Options{Scenario: scenario})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	raised := est(`from: "api", calls: [{to: "q", async: true, calls: ["w"]}]`, "")
	called := est(`calls: [{to: "api", calls: [{to: "q", async: true, calls: ["w"]}]}]`, "")
	for _, name := range []string{"api", "q", "w"} {
		if got := graphComp(raised, name).LoadRPS; math.Abs(got-80) > 1e-9 {
			t.Errorf("%s: %v/s, want 80 messages/s", name, got)
		}
	}
	op, ref := raised.Operations[0], called.Operations[0]
	if op.From != "api" || op.P50Ms != ref.P50Ms || op.P99Ms != ref.P99Ms || op.Availability != ref.Availability {
		t.Errorf("raised: from %q, p50 %v, p99 %v, availability %v; want api and the called form's %v, %v, %v",
			op.From, op.P50Ms, op.P99Ms, op.Availability, ref.P50Ms, ref.P99Ms, ref.Availability)
	}
	hasCall := false
	for _, c := range raised.Calls {
		if c.From == "" {
			t.Errorf("a call from the clients (%s): nobody calls api for a raised operation", c.To)
		}
		hasCall = hasCall || c.From == "api" && c.To == "q"
	}
	if !hasCall {
		t.Errorf("no call from api to q in %+v", raised.Calls)
	}
	down := est(`from: "api", calls: [{to: "q", async: true, calls: ["w"]}]`, "down:api")
	if got := graphComp(down, "q").LoadRPS; got != 0 {
		t.Errorf("with api down q receives %v/s, want nothing raised", got)
	}
}

// An enqueue that batches makes the first operation of a batch wait for
// it to leave: batchWait when the producers cannot fill a batch in that
// time, else the time to fill it (batch ÷ each producer's rate), counted
// whole. 1,000 clicks/s from 4 instances is 250/s per producer.
func TestGraphQueueBatchWait(t *testing.T) {
	design := func(batch string) string {
		return `
system: {name: "q", cloud: "aws"}
components: {
	api: {kind: "service", instances: 4}
	q: {kind: "rabbitmq"` + batch + `}
	w: {kind: "worker", instances: 2, consumes: "q", serviceTime: "5ms"}
}
traffic: click: {kind: "write", async: true, rate: "500/s", peakFactor: 2, requestSize: "100B", responseSize: "0B",
	calls: [{to: "api", calls: [{to: "q", async: true, calls: ["w"]}]}]}
slo: availability: "99%"
`
	}
	p50 := func(batch string) float64 {
		t.Helper()
		r, err := EstimateGraph(load(t, design(batch)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return float64(r.Operations[0].P50Ms)
	}
	base := p50("")
	for _, tt := range []struct {
		name, batch string
		wantMs      float64
	}{
		{"the wait passes first: 250/s × 50 ms = 12.5 of 512", `, batchSize: 512, batchWait: "50ms"`, 50},
		{"the batch fills first: 5 ÷ 250/s", `, batchSize: 5, batchWait: "50ms"`, 20},
		{"full batches, no wait: 100 ÷ 250/s", `, batchSize: 100`, 400},
		{"no batching", `, batchSize: 1, batchWait: "50ms"`, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			// Within the grid's resolution: 2,048 cells over 1.25 × the
			// longest the operation can take.
			if got := p50(tt.batch) - base; math.Abs(got-tt.wantMs) > math.Max(0.01, 0.002*tt.wantMs) {
				t.Errorf("the batch adds %.3f ms to the enqueue, want %v ms", got, tt.wantMs)
			}
		})
	}
}

// A queue's brokers are sized from the bytes (Kafka: 83 MiB/s per broker,
// kafka.mib_s_per_broker) or messages (RabbitMQ: 4,285 msg/s per node) it
// carries at peak, at the 60% target, at least three across zones.
func TestGraphQueueBrokers(t *testing.T) {
	for _, tt := range []struct {
		name, kind, zones, rate string
		brokers                 int
		capacity                float64
	}{
		// 80 msg/s of 1 KiB in 2 zones: RF=3 sets the count.
		{"kafka, the minimum across zones", "kafka", "2", "40/s", 3, 3 * 83 * 1024},
		// 100,000 × 1 KiB = 97.66 MiB/s ÷ (83 × 0.6 = 49.8) = 1.96 → 2.
		{"kafka, sized by bytes in one zone", "kafka", "1", "50000/s", 2, 2 * 83 * 1024},
		// 10,000 msg/s ÷ (4,285 × 0.6 = 2,571) = 3.89 → 4.
		{"rabbitmq, sized by messages", "rabbitmq", "1", "5000/s", 4, 4 * 4285},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := `
system: {name: "q", cloud: "aws"}
components: {
	api: {kind: "service", instances: 4, zones: ` + tt.zones + `}
	q: {kind: "` + tt.kind + `", messageSize: "1KiB"}
	w: {kind: "worker", instances: 2, consumes: "q", serviceTime: "1ms"}
}
traffic: click: {kind: "write", async: true, rate: "` + tt.rate + `", peakFactor: 2, requestSize: "100B", responseSize: "0B",
	calls: [{to: "api", calls: [{to: "q", async: true, calls: ["w"]}]}]}
slo: availability: "99%"
`
			r, err := EstimateGraph(load(t, src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			q := graphComp(r, "q")
			if q.Instances != tt.brokers {
				t.Errorf("%d brokers, want %d", q.Instances, tt.brokers)
			}
			if q.CapacityRPS == nil || math.Abs(*q.CapacityRPS-tt.capacity) > 0.5 {
				t.Errorf("capacity %v msg/s, want %v", q.CapacityRPS, tt.capacity)
			}
		})
	}
}

// Latency is server-side: the client's call to the first component has
// no round trip (its network is outside the design), each call inside the
// system one. A balancer in front adds the one round trip it forwards
// over (0.5 ms, network.rtt.same_zone), not two.
func TestGraphEntryHasNoRoundTrip(t *testing.T) {
	p50 := func(calls string) float64 {
		t.Helper()
		src := `
system: {name: "e", cloud: "aws"}
components: {
	lb: {kind: "managed-lb"}
	api: {kind: "service", instances: 2, serviceTime: "10ms", serviceTimeCV: 0}
}
traffic: t: {kind: "read", rate: "1/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", calls: ` + calls + `}
slo: availability: "99%"
`
		r, err := EstimateGraph(load(t, src), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return float64(r.Operations[0].P50Ms)
	}
	alone, behind := p50(`["api"]`), p50(`[{to: "lb", calls: ["api"]}]`)
	if math.Abs(alone-10) > 0.05 {
		t.Errorf("the service called by the client: p50 %.3f ms, want its 10 ms of work and no round trip", alone)
	}
	if d := behind - alone; math.Abs(d-0.5) > 0.02 {
		t.Errorf("a balancer in front adds %.3f ms, want the one 0.5 ms round trip it forwards over", d)
	}
}

// A read that misses a cache writes what it fetched back: one SET per
// miss on the cache's load, and with cache-aside (or read-through) one
// more round trip to the cache on the miss path before the answer.
// cacheDesign is a service reading through a Redis cache that misses to
// a store, 500 reads/s at PEAK; HOT adds fields to the cache.
const cacheDesign = `
system: {name: "c", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	hot: {kind: "redis", memory: "1GiB", ttl: "1h", invalidation: "ttl-only", hitRatio: "80%" HOT}
	db: {kind: "postgres", size: "2x8"}
}
traffic: get: {kind: "read", rate: "500/s", peakFactor: PEAK, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "api", calls: [{to: "hot", miss: ["db"]}]}]}
slo: availability: "99%"
`

func cacheEstimate(t *testing.T, hot, peak string) *GraphResult {
	t.Helper()
	r, err := EstimateGraph(load(t, strings.NewReplacer("HOT", hot, "PEAK", peak).Replace(cacheDesign)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestGraphCacheFillsOnMiss(t *testing.T) {
	est := func(pattern string) *GraphResult {
		t.Helper()
		return cacheEstimate(t, `, pattern: "`+pattern+`"`, "2")
	}
	aside, through := est("cache-aside"), est("write-through")
	// 1,000 GETs/s and 20% of them missed, 200 SETs/s.
	for _, r := range []*GraphResult{aside, through} {
		if got := graphComp(r, "hot").LoadRPS; math.Abs(got-1200) > 1e-9 {
			t.Errorf("cache load %v/s, want 1,000 GETs + 200 SETs", got)
		}
		if got := graphComp(r, "db").LoadRPS; math.Abs(got-200) > 1e-9 {
			t.Errorf("store load %v/s, want the 200 misses", got)
		}
	}
	// The miss path is a fifth of requests, so the p99 lies on it: one
	// more cache round trip (0.5 ms and a short queue) there.
	d := float64(aside.Operations[0].P99Ms - through.Operations[0].P99Ms)
	if d < 0.5 || d > 0.6 {
		t.Errorf("cache-aside's p99 is %.3f ms above write-through's, want one round trip to the cache, about 0.5 ms", d)
	}
}

// What a CDN the client calls serves at the edge is not the system's
// latency (server-side, as the sections' CDN): the operation's latency is
// its origin requests', and the origin request enters at the CDN's miss,
// with no round trip of the system's.
func TestGraphCDNHitsAreNotTheSystemsLatency(t *testing.T) {
	src := `
system: {name: "e", cloud: "aws"}
components: {
	edge: {kind: "cdn", cacheableShare: "90%"}
	api: {kind: "service", instances: 2, serviceTime: "10ms", serviceTimeCV: 0}
}
traffic: t: {kind: "read", rate: "10/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "edge", miss: ["api"]}]}
slo: availability: "99%"
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	op := r.Operations[0]
	if p50 := float64(op.P50Ms); math.Abs(p50-10) > 0.05 {
		t.Errorf("p50 %.3f ms, want the origin's 10 ms, not the edge hits' 0", p50)
	}
	if got := graphComp(r, "api").LoadRPS; math.Abs(got-1) > 1e-9 {
		t.Errorf("the origin takes %v/s, want the 10%% the edge does not serve, 1/s", got)
	}
}

// A single-node design runs what the team runs on one machine: each
// operation's availability is that one VM's (aws.compute.single, 99.5%),
// counted once however many components on it the call tree reaches; a
// store on it bills its disk, a cache on it nothing, and what a provider
// runs (an external) stays its own.
func TestGraphSingleNode(t *testing.T) {
	src := `
system: {name: "one", cloud: "aws", footprint: "single-node"}
components: {
	api: {kind: "service", instances: 1, size: "4x16"}
	hot: {kind: "redis", memory: "1GiB", ttl: "1h", invalidation: "ttl-only", hitRatio: "80%"}
	db: {kind: "postgres", size: "4x16", storage: "100GiB"}
	mail: {kind: "external", p50: "50ms", p99: "200ms", availability: "99.9%"}
}
traffic: {
	get: {kind: "read", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
		calls: [{to: "api", calls: [{to: "hot", miss: ["db"]}]}]}
	signup: {kind: "write", rate: "1/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
		calls: [{to: "api", calls: ["db", "mail"]}]}
}
slo: availability: "99%"
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{"get": 0.995, "signup": 0.995 * 0.999}
	for _, op := range r.Operations {
		if math.Abs(op.Availability-want[op.Name]) > 1e-9 {
			t.Errorf("%s availability %v, want %v (the node once, the provider apart)", op.Name, op.Availability, want[op.Name])
		}
	}
	items := map[string][]string{}
	for _, it := range r.Costs.AWS.Items {
		items[it.Component] = append(items[it.Component], it.PriceID)
	}
	if got := items["db"]; len(got) != 1 || got[0] != "aws.storage.block.gp3" {
		t.Errorf("the store on the node bills %v, want its disk only", got)
	}
	if got := items["hot"]; len(got) != 0 {
		t.Errorf("the cache on the node bills %v, want nothing of its own", got)
	}
	if got := items["api"]; len(got) != 1 {
		t.Errorf("the node (api) bills %v, want its VM", got)
	}
}

// Across regions (system.footprint multi-region), as the sections'
// database and failover: a CP write, or a write to a store with
// synchronous replicas, waits one round trip to a majority of the regions
// (system.crossRegionRTT, 70 ms here), an AP write does not; with
// automatic failover an operation is up while any region is, 1 − (1 −
// A)^R, and a manual failover credits the other regions nothing.
func TestGraphMultiRegion(t *testing.T) {
	design := func(failover, replication string) string {
		return `
system: {name: "r", cloud: "aws", footprint: "multi-region", regions: 2, regionFailover: "` + failover + `", crossRegionRTT: "70ms"}
components: {
	api: {kind: "service", instances: 2, zones: 2, serviceTime: "1ms", serviceTimeCV: 0}
	db: {kind: "postgres", size: "2x8", failover: "automatic", replicas: 1, replication: "` + replication + `"}
}
traffic: {
	pay: {kind: "write", rate: "10/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", calls: [{to: "api", calls: ["db"]}]}
	like: {kind: "write", rate: "10/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB", calls: [{to: "api", calls: ["db"]}]}
}
consistency: {pay: {require: "strong", partition: "CP"}, like: {require: "eventual", partition: "AP"}}
slo: availability: "99%"
`
	}
	est := func(failover, replication string) map[string]GraphOperation {
		t.Helper()
		r, err := EstimateGraph(load(t, design(failover, replication)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]GraphOperation{}
		for _, o := range r.Operations {
			out[o.Name] = o
		}
		return out
	}
	auto := est("automatic", "async")
	if d := float64(auto["pay"].P50Ms - auto["like"].P50Ms); math.Abs(d-70) > 0.2 {
		t.Errorf("the CP write is %.2f ms slower than the AP one, want the 70 ms round trip to the other region", d)
	}
	if d := float64(est("automatic", "sync")["like"].P50Ms - auto["like"].P50Ms); math.Abs(d-70) > 0.2 {
		t.Errorf("synchronous replicas make the AP write %.2f ms slower, want 70 ms", d)
	}
	manual := est("manual", "async")
	a := manual["like"].Availability
	if want := 1 - (1-a)*(1-a); math.Abs(auto["like"].Availability-want) > 1e-7 {
		t.Errorf("automatic failover gives %v, want 1 − (1 − %v)² = %v", auto["like"].Availability, a, want)
	}
}

// A cache whose catalogue and item size are known gets the hit ratio its
// memory gives (Che's approximation), as the sections' cache does; the
// stated ratio is the design's target, kept for the rule that compares
// them. Without a catalogue the stated ratio is used.
func TestGraphHitRatioFromMemory(t *testing.T) {
	est := func(cache string) GraphComponent {
		t.Helper()
		return graphComp(cacheEstimate(t, cache, "1"), "hot")
	}
	// 1 GiB × (1 − 25% reserved) ÷ (1,000 B + 50 B overhead) ≈ 767K of
	// 100M keys under Zipf(0.9): well under the assumed 80%.
	small := est(`, catalogue: "100M", itemSize: "1000B"`)
	item := 1000 + catalogFigure(t, "redis.item_overhead")
	fits := math.Floor(float64(1<<30) * (1 - catalogFigure(t, "aws.cache.redis.reserved_fraction")) / item)
	want := cheCached(1e8, catalogFigure(t, "cache.zipf_skew"), fits)
	if small.HitRatio == nil || math.Abs(*small.HitRatio-want) > 1e-9 || want >= 0.8 {
		t.Errorf("hit ratio %v, want Che's %v (below the stated 80%%)", small.HitRatio, want)
	}
	if small.ModelledHitRatio == nil || math.Abs(*small.ModelledHitRatio-want) > 1e-4 {
		t.Errorf("modelled hit ratio %v, want %v kept for the rule", small.ModelledHitRatio, want)
	}
	// Every key fits: the memory gives every hit.
	if all := est(`, catalogue: "1000", itemSize: "1000B"`); all.HitRatio == nil || *all.HitRatio != 1 {
		t.Errorf("hit ratio %v with every key held, want 1", all.HitRatio)
	}
	if stated := est(""); stated.HitRatio == nil || *stated.HitRatio != 0.8 {
		t.Errorf("hit ratio %v without a catalogue, want the stated 0.8", stated.HitRatio)
	}
}

// catalogFigure is a figure of the default catalogue.
func catalogFigure(t *testing.T, id string) float64 {
	t.Helper()
	cat, _ := DefaultCatalog()
	e, ok := cat.Lookup(id)
	if !ok || e.Value == nil {
		t.Fatalf("no figure %s", id)
	}
	return *e.Value
}
