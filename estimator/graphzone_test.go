package estimator

import (
	"math"
	"strings"
	"testing"
)

// zoneDesign is a service in front of a store, a cache and a queue; each
// case fills in their fields. Peak load is 100/s × 2 = 200/s.
const zoneDesign = `
system: {name: "z", cloud: "aws" FOOTPRINT}
components: {
	api: {kind: "service", instances: API, zones: ZONES, serviceTime: "10ms"}
	db: {kind: "postgres" DB}
	hot: {kind: "redis", memory: "1GiB", nodes: NODES, zones: ZONES, hitRatio: "80%", ttl: "1h", invalidation: "ttl-only" CACHE}
	q: {kind: "kafka"}
	cdn: {kind: "cdn", cacheableShare: "50%"}
}
traffic: {
	get: {kind: "read", rate: "100/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
		calls: ["cdn", {to: "api", calls: [{to: "hot", miss: ["db"]}]}]}
	put: {kind: "write", rate: "10/s", peakFactor: 1, requestSize: "1KB", responseSize: "1KB",
		calls: [{to: "api", calls: ["db", {to: "q", async: true}]}]}
}
slo: {p99: {get: "1s", put: "1s"}, availability: "99%"}
`

func TestGraphZoneDown(t *testing.T) {
	for _, tc := range []struct {
		name                                    string
		footprint, api, zones, db, nodes, cache string
		apiLeft, hotLeft                        int
		apiCapacity, hit                        float64
		down                                    []string // components whose avail is 0
		getFails, putFails                      bool
		dbEffect                                string // what zone-down did to db, when not down
	}{
		// 6 instances over 3 zones: 6 − ⌈6÷3⌉ = 4 left, 4 × 2 vCPU ×
		// 100/s = 800/s. The 3 cache nodes lose one (no replica): the
		// keys on it miss, 80% × 2/3. The primary fails over.
		{name: "three zones", api: "6", zones: "3", db: `, failover: "automatic"`, nodes: "3",
			apiLeft: 4, hotLeft: 2, apiCapacity: 800, hit: 0.8 * 2 / 3, dbEffect: "survives"},
		// The same with three read replicas: the primary fails over, but
		// one replica goes with the zone — the store is reduced, not whole.
		{name: "three zones, replicas lost", api: "6", zones: "3", db: `, failover: "automatic", replicas: 3, readFromReplicas: true`, nodes: "3",
			apiLeft: 4, hotLeft: 2, apiCapacity: 800, hit: 0.8 * 2 / 3, dbEffect: "reduced"},
		// 5 over 2 zones: 5 − ⌈5÷2⌉ = 2; a replica per cache node keeps
		// every key; no automatic failover: the store is down and
		// both operations fail with it (the cache-aside miss needs it).
		{name: "two zones, manual failover", api: "5", zones: "2", db: `, failover: "manual"`, nodes: "2", cache: `, replicas: 1`,
			apiLeft: 2, hotLeft: 2, apiCapacity: 400, hit: 0.8, down: []string{"db"}, getFails: true, putFails: true},
		// Everything in one zone: the service, the cache nodes and the
		// self-run queue go with it.
		{name: "one zone", api: "4", zones: "1", db: `, failover: "automatic"`, nodes: "2",
			apiLeft: 4, hotLeft: 2, apiCapacity: 800, hit: 0, down: []string{"api", "db", "q"}, getFails: true, putFails: true},
		// One box: every component is lost, even a primary that would
		// fail over in a spread design.
		{name: "single node", footprint: `, footprint: "single-node"`, api: "1", zones: "1", db: `, failover: "automatic"`, nodes: "1",
			apiLeft: 1, hotLeft: 1, apiCapacity: 200, hit: 0, down: []string{"api", "db", "q"}, getFails: true, putFails: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.NewReplacer("FOOTPRINT", tc.footprint, "API", tc.api, "ZONES", tc.zones, "DB", tc.db,
				"NODES", tc.nodes, "CACHE", tc.cache).Replace(zoneDesign)
			r, err := EstimateGraph(load(t, src), Options{Scenario: ScenarioZoneDown})
			if err != nil {
				t.Fatal(err)
			}
			if r.Scenario != ScenarioZoneDown {
				t.Errorf("scenario %q", r.Scenario)
			}
			api, hot := graphComp(r, "api"), graphComp(r, "hot")
			down := map[string]bool{}
			for _, name := range tc.down {
				down[name] = true
			}
			if !down["api"] {
				if api.Instances != tc.apiLeft || api.CapacityRPS == nil || *api.CapacityRPS != tc.apiCapacity {
					t.Errorf("api: %d instances, capacity %v; want %d, %v", api.Instances, api.CapacityRPS, tc.apiLeft, tc.apiCapacity)
				}
			}
			if hot.Instances != tc.hotLeft && len(tc.down) == 0 {
				t.Errorf("hot: %d nodes, want %d", hot.Instances, tc.hotLeft)
			}
			if hot.HitRatio == nil || math.Abs(*hot.HitRatio-tc.hit) > 1e-9 {
				t.Errorf("hot hit ratio %v, want %v", hot.HitRatio, tc.hit)
			}
			for _, name := range []string{"api", "db", "q", "cdn"} {
				a := graphComp(r, name).Availability
				if isDown := a != nil && *a == 0; isDown != down[name] {
					t.Errorf("%s down %v, want %v", name, isDown, down[name])
				}
			}
			if got := graphComp(r, "db").ZoneDown; tc.dbEffect != "" && got != tc.dbEffect {
				t.Errorf("db zone-down %q, want %q", got, tc.dbEffect)
			}
			ops := map[string]GraphOperation{}
			for _, op := range r.Operations {
				ops[op.Name] = op
			}
			if ops["get"].Fails != tc.getFails || ops["put"].Fails != tc.putFails {
				t.Errorf("fails: get %v put %v; want %v %v", ops["get"].Fails, ops["put"].Fails, tc.getFails, tc.putFails)
			}
			// Instances lost with the zone are still paid for.
			peak, err := EstimateGraph(load(t, src), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := api.MonthlyUSD["aws"], graphComp(peak, "api").MonthlyUSD["aws"]; got != want {
				t.Errorf("api costs $%v in zone-down, $%v at peak", got, want)
			}
		})
	}
}
