package estimator

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// tiny is the issue's worked example: 2M requests a day, peak 3×, 400 rps
// per instance, two instances across two zones.
const tiny = `
system: {name: "tiny", cloud: "aws", footprint: "multi-zone"}
traffic: get: {
	kind: "read", rate: "2M/day", peakFactor: 3
	requestSize: "200B", responseSize: "1KiB"
	path: ["loadBalancer", "services", "database"]
}
slo: {p99: get: "100ms", availability: "99.9%"}
budget: monthlyUSD: 500
services: {instances: 2, zones: 2, throughputPerInstance: "400/s"}
database: {kind: "postgres", storage: "20GB"}
`

func load(t testing.TB, src string) *schema.Design {
	t.Helper()
	d, err := schema.LoadBytes("design.cue", []byte(src), "cue")
	if err != nil {
		t.Fatalf("design does not load: %v", err)
	}
	return d
}

func estimate(t testing.TB, src string, opts Options) *Result {
	t.Helper()
	r, err := Estimate(load(t, src), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func component(r *Result, name string) *Component {
	for i := range r.Components {
		if r.Components[i].Name == name {
			return &r.Components[i]
		}
	}
	return nil
}

func operation(r *Result, name string) *Operation {
	for i := range r.Operations {
		if r.Operations[i].Name == name {
			return &r.Operations[i]
		}
	}
	return nil
}

func scenario(r *Result, name string) *Scenario {
	for i := range r.Scenarios {
		if r.Scenarios[i].Name == name {
			return &r.Scenarios[i]
		}
	}
	return nil
}

func hasLine(lines []string, want string) bool {
	for _, l := range lines {
		if strings.Contains(l, want) {
			return true
		}
	}
	return false
}

func TestIssueWorkedExample(t *testing.T) {
	r := estimate(t, tiny, Options{})
	op := operation(r, "get")
	if op.PeakRPS != 69.4444 {
		t.Errorf("peak = %v rps, want 2M ÷ 86,400 × 3 = 69.44", op.PeakRPS)
	}
	if !hasLine(op.Derivation, "2M/day ÷ 86,400 s = 23.1 rps × 3 peak = 69.4 rps") {
		t.Errorf("rate derivation missing:\n%s", strings.Join(op.Derivation, "\n"))
	}
	app := component(r, "services")
	if app.Needed != 2 || app.Instances != 2 {
		t.Errorf("services needed %d planned %d, want 2 and 2", app.Needed, app.Instances)
	}
	if !hasLine(app.Derivation, "69.4 rps ÷ (400 rps × 0.6 target) = 0.29 → 2 instances across 2 zone(s)") {
		t.Errorf("capacity derivation missing:\n%s", strings.Join(app.Derivation, "\n"))
	}
	if got, want := float64(app.Utilization), 69.444/800; math.Abs(got-want) > 1e-3 {
		t.Errorf("utilisation %v, want %v", got, want)
	}
}

func TestHandComputedCost(t *testing.T) {
	r := estimate(t, tiny, Options{})
	// AWS: 2 × m7i.large × 730 h × $0.1008 = $147.17; ALB $16.425 + LCUs;
	// db.t3.large single-AZ $0.145 × 730 = $105.85; storage "20GB" is 20e9
	// bytes, billed per GiB (what providers call GB): 18.63 × $0.115.
	app := component(r, "services").MonthlyUSD["aws"]
	if app != 147.17 {
		t.Errorf("aws services $%v, want $147.17", app)
	}
	db := component(r, "database").MonthlyUSD["aws"]
	gib := 20e9 / GiB
	if math.Abs(db-(105.85+gib*0.115)) > 0.01 {
		t.Errorf("aws database $%v, want $%.2f", db, 105.85+gib*0.115)
	}
	// GCP: Cloud SQL zonal 2 vCPU × $0.0413 × 730 + 8 GB × $5.11 = $101.18 (+ 20 GB × $0.17).
	if got := component(r, "database").MonthlyUSD["gcp"]; math.Abs(got-(101.178+gib*0.17)) > 0.01 {
		t.Errorf("gcp database $%v, want $%.2f", got, 101.178+gib*0.17)
	}
	// Components add up to the total.
	for _, cloud := range Clouds {
		sum := 0.0
		for _, c := range r.Components {
			sum += c.MonthlyUSD[cloud]
		}
		if total := r.Cost.For(cloud).MonthlyUSD; math.Abs(sum-total) > 0.05 {
			t.Errorf("%s: components add to $%.2f, total says $%.2f", cloud, sum, total)
		}
	}
	if len(r.Cost.Azure.Unpriced) == 0 || r.Cost.Azure.Unpriced[0] != "azure.lb.managed.base" {
		t.Errorf("azure's unsourced LB base charge must be listed as unpriced, got %v", r.Cost.Azure.Unpriced)
	}
}

func TestHandComputedAvailability(t *testing.T) {
	r := estimate(t, tiny, Options{})
	// ALB multi-AZ 99.99% × EC2 multi-AZ 99.99% × RDS single-AZ 99.5%.
	want := 0.9999 * 0.9999 * 0.995
	if got := r.Availability.Estimated; math.Abs(got-want) > 1e-7 {
		t.Errorf("availability %.7f, want %.7f", got, want)
	}
	if r.Availability.MeetsSLO {
		t.Error("99.48% does not meet a 99.9% SLO")
	}
	if r.Availability.ErrorBudgetMinutes != 43.8 {
		t.Errorf("error budget %v min, want 43.8", r.Availability.ErrorBudgetMinutes)
	}
	if !hasLine(r.Availability.SinglePoints, "database: primary without automatic failover") {
		t.Errorf("SPOFs %v", r.Availability.SinglePoints)
	}
}

func TestP99IsTheQueueingModelOfThePath(t *testing.T) {
	// One hop: one 2 vCPU instance with a 10 ms service time at 100 rps is
	// M/M/2 with λ=100, μ=100; the operation's p99 is that queue's p99.
	src := `
system: {name: "one", footprint: "single-node"}
traffic: get: {kind: "read", rate: "100/s", peakFactor: 1, requestSize: "1KiB", responseSize: "1KiB", path: ["services"]}
slo: {p99: get: "30ms", availability: "99%"}
services: {instances: 1, zones: 1, serviceTime: "10ms"}
database: kind: "postgres"
`
	r := estimate(t, src, Options{})
	want, _ := MMc{Lambda: 100, Mu: 100, C: 2}.ResponseQuantile(0.99)
	got := float64(operation(r, "get").P99Ms) / 1000
	if !near(got, want, 2e-3) {
		t.Errorf("p99 %.4f s, want M/M/2 %.4f s", got, want)
	}
	if !operation(r, "get").MeetsSLO == (got <= 0.030) {
		t.Error("meets_slo disagrees with p99 ≤ SLO")
	}
}

func TestServiceTimeCVSetsTheQueue(t *testing.T) {
	// The same tier as above, its service time's spread stated: a fixed
	// cost queues less than the exponential M/M/c assumes, a handler with
	// slow outliers more, and a stated spread is no longer an assumption.
	src := `
system: {name: "one", footprint: "single-node"}
traffic: get: {kind: "read", rate: "150/s", peakFactor: 1, requestSize: "1KiB", responseSize: "1KiB", path: ["services"]}
slo: {p99: get: "60ms", availability: "99%"}
services: {instances: 1, zones: 1, serviceTime: "10ms"CV}
database: kind: "postgres"
`
	p99 := func(cv string) (float64, bool) {
		r := estimate(t, strings.Replace(src, "CV", cv, 1), Options{})
		for _, a := range r.Assumptions {
			if a.ID == "app.service_time_cv" {
				return float64(operation(r, "get").P99Ms), true
			}
		}
		return float64(operation(r, "get").P99Ms), false
	}
	unstated, assumed := p99("")
	if !assumed {
		t.Error("without serviceTimeCV the exponential assumption must be listed")
	}
	q := MMc{Lambda: 150, Mu: 100, C: 2}
	if mmc, _ := q.ResponseQuantile(0.99); !near(unstated/1000, mmc, 2e-3) {
		t.Errorf("unstated spread: p99 %.3f ms, want M/M/2 %.3f ms", unstated, mmc*1000)
	}
	prev := 0.0
	for _, cv := range []string{"0", "0.5", "1", "2"} {
		got, assumed := p99(", serviceTimeCV: " + cv)
		if assumed {
			t.Errorf("serviceTimeCV %s stated, still listed as an assumption", cv)
		}
		if got <= prev {
			t.Errorf("serviceTimeCV %s: p99 %.3f ms, not above the less variable %.3f ms", cv, got, prev)
		}
		if cv == "1" && got != unstated {
			t.Errorf("serviceTimeCV 1: p99 %.3f ms, want the unstated %.3f ms", got, unstated)
		}
		prev = got
	}
}

func TestSaturatedTierMakesP99Unbounded(t *testing.T) {
	src := strings.Replace(tiny, `throughputPerInstance: "400/s"`, `throughputPerInstance: "20/s"`, 1)
	r := estimate(t, src, Options{})
	op := operation(r, "get")
	if !math.IsInf(float64(op.P99Ms), 1) || op.MeetsSLO || op.Bottleneck != "services" {
		t.Errorf("p99 %v meets %v bottleneck %q; want ∞, false, services", op.P99Ms, op.MeetsSLO, op.Bottleneck)
	}
	b, err := json.Marshal(r)
	if err != nil || !strings.Contains(string(b), `"p99_ms":null`) {
		t.Errorf("an unbounded p99 must marshal as null: %v", err)
	}
	if r.Verdict.MeetsSLO {
		t.Error("verdict must say the SLO is missed")
	}
}

func TestZoneDownOnOneZoneTakesTheTierDown(t *testing.T) {
	src := strings.Replace(tiny, "zones: 2", "zones: 1", 1)
	r := estimate(t, src, Options{Scenario: ScenarioZoneDown})
	s := scenario(r, ScenarioZoneDown)
	if s.Availability != 0 || !hasLine(s.Down, "services") {
		t.Errorf("zone-down availability %v down %v; want 0 with services down", s.Availability, s.Down)
	}
	if !math.IsInf(float64(operation(r, "get").P99Ms), 1) {
		t.Error("nothing serves the operation with its only zone down")
	}
}

const withCache = `
system: {name: "cached", cloud: "aws", footprint: "multi-zone"}
traffic: {
	get: {kind: "read", rate: "2000/s", peakFactor: 2, requestSize: "200B", responseSize: "500B",
		path: ["loadBalancer", "services", "cache", "database"], growth: 10}
	put: {kind: "write", rate: "20/s", peakFactor: 2, requestSize: "500B", responseSize: "100B",
		path: ["loadBalancer", "services", "database"], growth: 10,
		data: {objects: "10M", objectSize: "500B"}}
}
slo: {p99: {get: "20ms", put: "50ms"}, availability: "99.9%"}
services: {instances: 4, zones: 2}
cache: {kind: "managed-redis", ttl: "1h", invalidation: "immutable", memory: "MEMORY", replicas: 1, zipf: 0.9}
database: {kind: "postgres", failover: "automatic", storage: "100GB"}
`

func TestCacheHitRatioIsChesApproximation(t *testing.T) {
	r := estimate(t, strings.Replace(withCache, "MEMORY", "1GiB", 1), Options{})
	c := component(r, "cache").Cache
	// 1 GiB × 75% ÷ (500 + 64 B) objects of 10M under Zipf 0.9.
	capObjs := math.Floor(GiB * 0.75 / 564)
	want := CheHitRatio(NewZipf(10_000_000, 0.9), capObjs)
	if c.CapacityObjects != capObjs || !near(c.HitRatio, want, 1e-12) {
		t.Errorf("capacity %v hit %v; want %v and %v", c.CapacityObjects, c.HitRatio, capObjs, want)
	}
	// Misses reach the database: 4,000 rps × (1 − h) reads.
	db := component(r, "database").DB
	if !near(db.ReadsPerSec, 4000*(1-want), 1e-6) {
		t.Errorf("database reads %v, want %v", db.ReadsPerSec, 4000*(1-want))
	}
	cold := estimate(t, strings.Replace(withCache, "MEMORY", "1GiB", 1), Options{Scenario: ScenarioColdCache})
	if got := component(cold, "database").DB.ReadsPerSec; got != 4000 {
		t.Errorf("cold cache: database reads %v, want every read (4,000)", got)
	}
}

func TestQueueConsumersBacklogAndDrain(t *testing.T) {
	src := `
system: {name: "jobs", footprint: "multi-zone"}
traffic: job: {kind: "write", rate: "100/s", peakFactor: 1, async: true, requestSize: "1KiB", responseSize: "100B",
	path: ["services", "queue", "workers", "database"]}
slo: availability: "99.9%"
services: {instances: 2, zones: 2}
database: {kind: "postgres", failover: "automatic"}
queue: {kind: "sqs", carries: ["job"], consumers: CONSUMERS, workTime: "50ms"}
`
	r := estimate(t, strings.Replace(src, "CONSUMERS", "8", 1), Options{})
	q := component(r, "queue").Queue
	// λW = 100 × 0.05 = 5 busy; ÷ 0.6 → 9 needed. 8 consumers drain 160/s:
	// a 10-minute outage leaves 60,000 messages, gone in 60,000 ÷ 60 = 1,000 s.
	if q.ConsumersNeeded != 9 || q.ConsumerCapacity != 160 || q.Backlog != 60000 || q.DrainSeconds != 1000 {
		t.Errorf("needed %d capacity %v backlog %v drain %v", q.ConsumersNeeded, q.ConsumerCapacity, q.Backlog, q.DrainSeconds)
	}
	r = estimate(t, strings.Replace(src, "CONSUMERS", "4", 1), Options{})
	q = component(r, "queue").Queue
	if q.BacklogGrowth != 20 || !math.IsInf(float64(q.DrainSeconds), 1) {
		t.Errorf("4 consumers drain 80/s of 100/s: growth %v drain %v", q.BacklogGrowth, q.DrainSeconds)
	}
	// SQS: 100/s × 2,628,000 s × 3 requests ÷ 1M × $0.40.
	want := 100 * SecondsPerMonth * 3 / 1e6 * 0.40
	if got := component(r, "queue").MonthlyUSD["aws"]; math.Abs(got-want) > 0.01 {
		t.Errorf("sqs $%v, want $%v", got, want)
	}
}

// TestBatchedClicksAreOneMessageAndOneCommitPerBatch: a click the app
// records while redirecting is not a second request on the app; batched,
// the queue, the workers and the database see one message per batch, and a
// producer fills a batch only at its own share of the rate.
func TestBatchedClicksAreOneMessageAndOneCommitPerBatch(t *testing.T) {
	const src = `
system: {name: "clicks", footprint: "multi-zone"}
traffic: {
	redirect: {kind: "read", rate: "4000/s", peakFactor: 1, requestSize: "100B", responseSize: "200B", path: ["loadBalancer", "services", "database"]}
	click: {kind: "write", rate: "4000/s", peakFactor: 1, async: true, requestSize: "100B", responseSize: "0B", path: ["services", "queue", "workers", "database"]}
}
slo: availability: "99.9%"
services: {instances: 4, zones: 2}
database: {kind: "postgres", failover: "automatic"}
queue: {kind: "nats", carries: ["click"], consumers: 2, workTime: "5ms"BATCH}
`
	tests := []struct {
		name                         string
		batch                        string
		appLoad, queueMsgs, dbWrites float64
		clickP99AtLeastMs            float64
	}{
		// Unbatched, as before: every click is a publish and a commit.
		{name: "one click per message", batch: "", appLoad: 8000, queueMsgs: 4000, dbWrites: 4000},
		// Full batches of 100: 40 messages and commits a second; each of the
		// four producers fills one in 100 ms at 1,000 clicks/s.
		{name: "full batches", batch: ", batchSize: 100", appLoad: 4040, queueMsgs: 40, dbWrites: 40, clickP99AtLeastMs: 100},
		// Four producers at 1,000/s each fill 50 clicks in 50 ms, under the
		// batchSize of 512: 80 messages a second, and a click waits 50 ms.
		{name: "batches cut short by batchWait", batch: `, batchSize: 512, batchWait: "50ms"`, appLoad: 4080, queueMsgs: 80, dbWrites: 80, clickP99AtLeastMs: 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := estimate(t, strings.Replace(src, "BATCH", tt.batch, 1), Options{})
			near := func(what string, got, want float64) {
				if math.Abs(got-want) > 1e-6*want {
					t.Errorf("%s %v, want %v", what, got, want)
				}
			}
			near("services load", component(r, "services").LoadRPS, tt.appLoad)
			near("queue messages/s", component(r, "queue").Queue.MessagesPerSec, tt.queueMsgs)
			near("workers load", component(r, "workers").LoadRPS, tt.queueMsgs)
			near("database writes/s", component(r, "database").DB.WritesPerSec, tt.dbWrites)
			if p99 := float64(operation(r, "click").P99Ms); p99 < tt.clickP99AtLeastMs || tt.clickP99AtLeastMs == 0 && p99 >= 50 {
				t.Errorf("click p99 %v ms; the wait for a batch is %v ms", p99, tt.clickP99AtLeastMs)
			}
		})
	}
}

func TestRunwayAtStatedGrowth(t *testing.T) {
	// 40 writes/s at peak on a 7,000 commits/s primary, 10× a year:
	// 12 × ln(7,000/40)/ln 10 = 26.9 months.
	r := estimate(t, strings.Replace(withCache, "MEMORY", "13GiB", 1), Options{})
	var db *Runway
	for i := range r.Runway {
		if r.Runway[i].Component == "database" && r.Runway[i].Resource == "primary utilisation" {
			db = &r.Runway[i]
		}
	}
	if db == nil || db.ScalesOut {
		t.Fatalf("no primary runway: %+v", r.Runway)
	}
	reads := component(r, "database").DB.ReadsPerSec
	want := 12 * math.Log(1/(reads/70000+40.0/7000)) / math.Log(10)
	if math.Abs(float64(db.Months)-want) > 0.1 {
		t.Errorf("primary saturates in month %v, want %.1f", db.Months, want)
	}
	if float64(r.RunwayMonths) > float64(db.Months) {
		t.Errorf("runway %v later than the primary's ceiling %v", r.RunwayMonths, db.Months)
	}
}

func TestDesignOverridesReplaceDefaults(t *testing.T) {
	src := tiny + `overrides: "postgres.commits_per_node": 1000` + "\n"
	r := estimate(t, strings.Replace(src, `"400/s"`, `"400/s"`, 1), Options{})
	if got := component(r, "database").DB.WriteCapacity; got != 1000 {
		t.Errorf("write capacity %v, want the override 1000", got)
	}
	_, err := Estimate(load(t, tiny+`overrides: "postgres.commit_per_node": 1000`+"\n"), Options{})
	var es schema.Errors
	if !errors.As(err, &es) || !strings.Contains(err.Error(), `design.cue:`) || !strings.Contains(err.Error(), `did you mean "postgres.commits_per_node"`) {
		t.Errorf("unknown override: err = %v", err)
	}
}

func TestPricesFileAndDiscountsChangeTheBill(t *testing.T) {
	cat := mustCatalog(t).Clone()
	if err := cat.ApplyOverrides("p.yaml", []byte("discounts:\n  aws: 50%\n")); err != nil {
		t.Fatal(err)
	}
	full := estimate(t, tiny, Options{})
	half := estimate(t, tiny, Options{Catalog: cat})
	if math.Abs(half.Cost.AWS.MonthlyUSD-full.Cost.AWS.MonthlyUSD/2) > 0.02 {
		t.Errorf("50%% off: $%v vs $%v", half.Cost.AWS.MonthlyUSD, full.Cost.AWS.MonthlyUSD)
	}
	if half.Cost.GCP.MonthlyUSD != full.Cost.GCP.MonthlyUSD {
		t.Error("an AWS discount must not change GCP")
	}
}

func TestEstimateIsDeterministic(t *testing.T) {
	d := load(t, strings.Replace(withCache, "MEMORY", "2GiB", 1))
	var first []byte
	for i := 0; i < 3; i++ {
		r, err := Estimate(d, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		if i == 0 {
			first = b
		} else if string(b) != string(first) {
			t.Fatal("two estimates of one design differ")
		}
	}
}

func TestUnsourcedFiguresAreListedAsAssumptions(t *testing.T) {
	r := estimate(t, strings.Replace(withCache, "MEMORY", "2GiB", 1), Options{})
	ids := map[string]bool{}
	for _, a := range r.Assumptions {
		ids[a.ID] = true
	}
	for _, id := range []string{"redis.item_overhead", "app.rps_per_vcpu", "azure.lb.managed.base"} {
		if !ids[id] {
			t.Errorf("assumption %s not listed", id)
		}
	}
	if !operation(r, "get").Assumed {
		t.Error("an operation on a path sized by an assumed default must say so")
	}
}

// Properties.

func TestMoreTrafficNeverCostsLess(t *testing.T) {
	prev := map[string]float64{}
	for _, rate := range []string{"10/s", "100/s", "1000/s", "5000/s", "20000/s", "100000/s"} {
		src := strings.Replace(strings.Replace(withCache, "MEMORY", "2GiB", 1), `rate: "2000/s"`, `rate: "`+rate+`"`, 1)
		r := estimate(t, src, Options{})
		for _, cloud := range Clouds {
			for _, s := range r.Scenarios {
				key := cloud + "/" + s.Name
				if got := s.MonthlyUSD[cloud]; got < prev[key]-1e-9 {
					t.Errorf("%s at %s: $%.2f, less traffic cost $%.2f", key, rate, got, prev[key])
				}
				prev[key] = s.MonthlyUSD[cloud]
			}
			key := cloud + "/planned"
			if got := r.Cost.For(cloud).MonthlyUSD; got < prev[key]-1e-9 {
				t.Errorf("%s at %s: $%.2f, less traffic cost $%.2f", key, rate, got, prev[key])
			}
			prev[key] = r.Cost.For(cloud).MonthlyUSD
		}
	}
}

func TestMoreReplicasNeverLowerDesignAvailability(t *testing.T) {
	base := strings.Replace(withCache, "MEMORY", "2GiB", 1)
	base = strings.Replace(base, `"cache", "database"]`, `"cache", "replicas"]`, 1)
	for _, cloud := range Clouds {
		prevOp, prevApp := 0.0, 0.0
		for n := 1; n <= 5; n++ {
			src := strings.Replace(base, `failover: "automatic"`, fmt.Sprintf(`failover: "automatic", replicas: %d, readFromReplicas: true`, n), 1)
			src = strings.Replace(src, `cloud: "aws"`, `cloud: "`+cloud+`"`, 1)
			r := estimate(t, src, Options{})
			if got := operation(r, "get").Availability; got < prevOp {
				t.Errorf("%s: %d replicas give %.7f, fewer gave %.7f", cloud, n, got, prevOp)
			}
			prevOp = operation(r, "get").Availability
			app := estimate(t, strings.Replace(strings.Replace(strings.Replace(withCache, "MEMORY", "2GiB", 1), "instances: 4, zones: 2", fmt.Sprintf("instances: %d, zones: 2", n), 1), `cloud: "aws"`, `cloud: "`+cloud+`"`, 1), Options{})
			if got := app.Availability.Estimated; got < prevApp {
				t.Errorf("%s: %d instances give %.7f, fewer gave %.7f", cloud, n, got, prevApp)
			}
			prevApp = app.Availability.Estimated
		}
	}
}

func TestBiggerCacheNeverLowersTheDesignHitRatio(t *testing.T) {
	prev := 0.0
	for _, mem := range []string{"64MiB", "256MiB", "1GiB", "4GiB", "13GiB"} {
		r := estimate(t, strings.Replace(withCache, "MEMORY", mem, 1), Options{})
		h := *operation(r, "get").HitRatio
		if h < prev {
			t.Errorf("%s cache: hit ratio %.4f, smaller had %.4f", mem, h, prev)
		}
		prev = h
	}
}

func TestConcurrentEstimatesAgree(t *testing.T) {
	d := load(t, strings.Replace(withCache, "MEMORY", "3GiB", 1))
	want, _ := json.Marshal(estimate(t, strings.Replace(withCache, "MEMORY", "3GiB", 1), Options{}))
	done := make(chan string, 4)
	for i := 0; i < 4; i++ {
		go func() {
			r, err := Estimate(d, Options{})
			if err != nil {
				done <- err.Error()
				return
			}
			b, _ := json.Marshal(r)
			done <- string(b)
		}()
	}
	for i := 0; i < 4; i++ {
		if got := <-done; got != string(want) {
			t.Fatal("concurrent estimates differ")
		}
	}
}

func TestEveryExampleEstimatesToJSON(t *testing.T) {
	paths, _ := filepath.Glob("../examples/*.cue")
	for _, p := range paths {
		d, err := schema.Load(p, nil)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, sc := range ScenarioNames {
			r, err := Estimate(d, Options{Scenario: sc})
			if err != nil {
				t.Fatalf("%s %s: %v", p, sc, err)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Errorf("%s %s: %v", p, sc, err)
			}
		}
	}
}

// TestBatchesGrowBeforeMessagesDo: at 1,000 clicks/s per instance and a
// 50ms batchWait a batch holds 50 clicks; with tenfold growth a year the
// batches fill (512) after 12·log10(10.24) = 12.1 months, and only then do
// messages grow. Two consumers at 5ms drain 400 msg/s, five times the 80
// msg/s of today's batches: reached at growth 10.24 × 5 = 51.2, month
// 12·log10(51.2) = 20.5 (unbatched, 4,000 msg/s would be past it already).
func TestBatchesGrowBeforeMessagesDo(t *testing.T) {
	const src = `
system: {name: "clicks", footprint: "multi-zone"}
traffic: {
	redirect: {kind: "read", rate: "4000/s", peakFactor: 1, requestSize: "100B", responseSize: "200B", path: ["loadBalancer", "services", "database"]}
	click: {kind: "write", rate: "4000/s", peakFactor: 1, async: true, requestSize: "100B", responseSize: "0B", path: ["services", "queue", "workers", "database"], growth: 10}
}
slo: availability: "99.9%"
services: {instances: 4, zones: 2}
database: {kind: "postgres", failover: "automatic"}
queue: {kind: "nats", carries: ["click"], consumers: 2, workTime: "5ms", batchSize: 512, batchWait: "50ms"}
`
	r := estimate(t, src, Options{})
	for _, w := range r.Runway {
		if w.Component == "workers" {
			if math.Abs(float64(w.Months)-20.5) > 0.1 {
				t.Errorf("workers saturate in month %v, want 20.5: %s", w.Months, w.Derivation)
			}
			return
		}
	}
	t.Error("no runway row for the workers")
}

// A read through a cache needs the database for its misses only. The
// tiny design with a cache-aside Redis node and its replica (across the two
// zones: the multi-zone 99.99%) in front of a single-zone PostgreSQL
// (99.5%) that can do without it, and one whose reads it could not take (a
// stated 10/s per vCPU): bypassable,
// A_c·(h + (1 − h)·A_db) + (1 − A_c)·A_db; in series, A_c·(h + (1 − h)·A_db).
func TestCacheReadAvailabilityCountsTheMisses(t *testing.T) {
	for _, tc := range []struct {
		name, extra string
		series      bool
	}{
		{"the database takes every read without the cache", "", false},
		{"the database could not", "\noverrides: \"postgres.pk_reads_per_vcpu\": 10", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(tiny, `["loadBalancer", "services", "database"]`, `["loadBalancer", "services", "cache", "database"]`, 1) + `
cache: {kind: "redis", pattern: "cache-aside", nodes: 1, replicas: 1, memory: "1GiB", ttl: "1h", invalidation: "ttl-only", zipf: 0.9, hitRatio: "80%"}
` + tc.extra
			r := estimate(t, src, Options{})
			op := operation(r, "get")
			h := *op.HitRatio
			ac, adb := 0.9999, 0.995
			v := ac * (h + (1-h)*adb)
			if !tc.series {
				v += (1 - ac) * adb
			}
			want := 0.9999 * 0.9999 * v
			if math.Abs(op.Availability-want) > 1e-7 {
				t.Errorf("get availability %.7f, want %.7f (hit ratio %v)", op.Availability, want, h)
			}
		})
	}
}
