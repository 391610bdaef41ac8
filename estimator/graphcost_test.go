package estimator

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// costDesign is small enough to price by hand: two 2x8 instances, a
// Multi-AZ PostgreSQL of 1 GB, an external API at a stated price per call.
const costDesign = `
system: {name: "c", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	db: {kind: "postgres", failover: "automatic", data: {objects: "1M", objectSize: "1KB", retention: "forever"}}
	pay: {kind: "external", p50: "100ms", p99: "500ms", availability: "99.9%", pricePerCall: 0.001}
}
traffic: t: {kind: "write", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "api", calls: ["db", "pay", "db"]}]}
slo: {p99: t: "10s", availability: "99%"}
`

func TestGraphCostByHand(t *testing.T) {
	r, err := EstimateGraph(load(t, costDesign), Options{})
	if err != nil {
		t.Fatal(err)
	}
	aws := r.Costs.For("aws")
	month := 10 * SecondsPerMonth // calls a month at the average rate
	want := map[string]float64{
		// 2 instances × 2 vCPU = 2 × 2x8 × 730 h × $0.1008.
		"api": 2 * 730 * 0.1008,
		// one write request is one row however often it calls db: 1M rows
		// now + 10/s × 12 months, 1 KB each, rounded up to whole GB; the
		// primary and its Multi-AZ standby (×2) at $0.145/h, storage at
		// $0.115/GB-month.
		"db": 1*730*2*0.145 + math.Ceil((1e6+10*SecondsPerMonth*12)*1000/GiB)*2*0.115,
		// every request calls pay once, at the design's price.
		"pay": month * 0.001,
	}
	for name, usd := range want {
		if got := aws.ComponentTotal(name); math.Abs(got-usd) > 0.02 {
			t.Errorf("%s costs $%.2f on aws, want $%.2f by hand", name, got, usd)
		}
	}
	db := graphComp(r, "db")
	if db.StorageBytesAtHorizon == nil || math.Abs(*db.StorageBytesAtHorizon-(1e6+10*SecondsPerMonth*12)*1000) > 1 {
		t.Errorf("db holds %v at 12 months, want the 1M rows plus one per write", db.StorageBytesAtHorizon)
	}
	if len(aws.Unpriced) != 0 {
		t.Errorf("unpriced %v, want none", aws.Unpriced)
	}
}

func TestRowsPerRequest(t *testing.T) {
	hit := func(name string) float64 {
		if name == "cache" {
			return 0.9
		}
		return 0
	}
	half := schema.Ratio(0.5)
	for _, tc := range []struct {
		name  string
		steps []schema.Step
		want  float64
	}{
		{"insert then update is one row", []schema.Step{{To: "db"}, {To: "db"}}, 1},
		{"through a service", []schema.Step{{To: "api", Calls: []schema.Step{{To: "db"}}}}, 1},
		{"a fan-out writes one per target", []schema.Step{{To: "db", Fanout: &schema.Fanout{N: 8, Wait: "all"}}}, 8},
		{"a share writes by its probability", []schema.Step{{To: "db", Share: &half}}, 0.5},
		{"a cache miss by the miss ratio", []schema.Step{{To: "cache", Miss: []schema.Step{{To: "db"}}}}, 0.1},
		{"parallel branches", []schema.Step{{Parallel: []schema.Step{{To: "db"}, {To: "other"}}}}, 1},
		{"not reached", []schema.Step{{To: "other"}}, 0},
	} {
		if got := rowsPerRequest(tc.steps, "db", hit); math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%s: %v rows, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStoreRetention(t *testing.T) {
	// 10 writes/s kept 30 days: at most 10 × 30 d of objects, whatever
	// the horizon.
	c := &schema.Component{Name: "db", Data: &schema.Data{Objects: 0, ObjectSize: 100, NewPerWrite: 1, Retention: schema.Duration(30 * 24 * 3600 * 1e9)}}
	op := &schema.Operation{Name: "w", Kind: "write", Rate: 10, Growth: 1}
	usage := []graphUsage{{op: op, tree: []schema.Step{{To: "db"}}, hit: func(string) float64 { return 0 }}}
	got := storeObjectsAt(c, usage, 12)
	if want := 10.0 * 30 * 24 * 3600; math.Abs(got-want) > 1e-6 {
		t.Errorf("objects at 12 months %v, want the 30 days' %v", got, want)
	}
}

// TestAutoscaledWorkerBilledAtAverage: a worker fleet with no stated
// count is billed at what the average rate needs, not the peak's need all
// month (peak 10× the average here).
func TestAutoscaledWorkerBilledAtAverage(t *testing.T) {
	src := `
system: {name: "w", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	jobs: {kind: "sqs", deadLetter: true}
	enc: {kind: "worker", consumes: "jobs", serviceTime: "1s"}
}
traffic: t: {kind: "write", async: true, rate: "10/s", peakFactor: 10, requestSize: "1KB", responseSize: "100B",
	calls: [{to: "api", calls: [{to: "jobs", async: true, calls: ["enc"]}]}]}
slo: availability: "99%"
`
	r, err := EstimateGraph(load(t, src), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// 2 vCPU per worker, 1 s a job: 2 jobs/s per worker at 100%, 1.2 at
	// the 0.6 target. Peak 100/s needs 84; the average 10/s needs 9.
	enc := graphComp(r, "enc")
	if enc.Instances != 84 {
		t.Errorf("sized %d workers at peak, want 84", enc.Instances)
	}
	if got, want := r.Costs.For("aws").ComponentTotal("enc"), 9*730*0.1008; math.Abs(got-want) > 0.02 {
		t.Errorf("enc billed $%.2f, want $%.2f (9 workers at the average)", got, want)
	}
}

// TestStatedPrices: object storage and DynamoDB, which the reference
// cannot price, are billed at the prices the design states, by hand; a
// price left out leaves its part unpriced and says which field to state;
// none stated leaves the whole component out, as before.
func TestStatedPrices(t *testing.T) {
	const base = `
system: {name: "p", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	media: {kind: "object-store", data: {objects: "2M", objectSize: "500KB", retention: "forever"} MEDIA}
	table: {kind: "dynamodb", data: {objects: "10M", objectSize: "1KB", retention: "forever"} TABLE}
}
traffic: {
	get: {kind: "read", rate: "100/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB", calls: [{to: "api", calls: ["table", "media"]}]}
	put: {kind: "write", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB", calls: [{to: "api", calls: ["table", "media"]}]}
}
slo: {p99: get: "10s", availability: "99%"}
`
	month := SecondsPerMonth
	mediaGB, tableGB := 2e6*500e3/GiB, 10e6*1e3/GiB
	for _, tc := range []struct {
		name, media, table string
		want               map[string]float64
		unpriced           []string
		unpricedComps      []string
	}{
		{
			name:  "every price stated",
			media: `, pricePerGBMonth: 0.02, pricePerMillionRequests: 0.5`,
			table: `, pricePerMillionReads: 0.25, pricePerMillionWrites: 1.25, pricePerGBMonth: 0.25`,
			want: map[string]float64{
				// GB stored now × price + requests (110/s) a month ÷ 1M × price.
				"media": mediaGB*0.02 + 110*month/1e6*0.5,
				// 100 reads/s and 10 writes/s a month, and the table's GB.
				"table": 100*month/1e6*0.25 + 10*month/1e6*1.25 + tableGB*0.25,
			},
		},
		{
			name:          "the requests' price left out",
			media:         `, pricePerGBMonth: 0.02`,
			table:         `, pricePerMillionReads: 0.25, pricePerMillionWrites: 1.25, pricePerGBMonth: 0.25`,
			want:          map[string]float64{"media": mediaGB * 0.02},
			unpriced:      []string{"components.media.pricePerMillionRequests"},
			unpricedComps: []string{"media"},
		},
		{
			name:          "no price stated",
			want:          map[string]float64{"media": 0, "table": 0},
			unpriced:      []string{"aws.db.dynamodb", "aws.storage.object"},
			unpricedComps: []string{"media", "table"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := EstimateGraph(load(t, strings.NewReplacer("MEDIA", tc.media, "TABLE", tc.table).Replace(base)), Options{})
			if err != nil {
				t.Fatal(err)
			}
			aws := r.Costs.For("aws")
			for name, usd := range tc.want {
				if got := aws.ComponentTotal(name); math.Abs(got-usd) > 0.02 {
					t.Errorf("%s costs $%.2f on aws, want $%.2f by hand", name, got, usd)
				}
			}
			if got := aws.Unpriced; !slices.Equal(got, tc.unpriced) && !(len(got) == 0 && len(tc.unpriced) == 0) {
				t.Errorf("unpriced %v, want %v", got, tc.unpriced)
			}
			var comps []string
			for _, c := range r.Components {
				if c.Unpriced {
					comps = append(comps, c.Name)
				}
			}
			if !slices.Equal(comps, tc.unpricedComps) {
				t.Errorf("components marked unpriced %v, want %v", comps, tc.unpricedComps)
			}
		})
	}
}
