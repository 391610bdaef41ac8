package estimator

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
)

// pasteBin is the paste bin of public back-of-envelope material: 10M new
// pastes a month of 1.27 KB each, no growth. {{objects}} and {{retention}}
// are filled per case.
const pasteBin = `
system: {name: "paste", cloud: "aws"}
traffic: {
	paste: {
		kind: "write", rate: "10M/month", peakFactor: 2
		requestSize: "1.27KB", responseSize: "100B"
		path: ["services", "database"]
		data: {objects: %s, objectSize: "1.27KB"%s}
	}
	view: {
		kind: "read", rate: "100M/month", peakFactor: 2
		requestSize: "100B", responseSize: "1.27KB"
		path: ["services", "database"]
	}
}
slo: {p99: {paste: "200ms", view: "200ms"}, availability: "99.9%%"}
services: {instances: 2, zones: 2}
database: {kind: "postgres", replicas: 1, failover: "automatic", storage: "2TB"}
`

// TestStorageGrowsByWhatIsWritten checks stored bytes against hand-computed
// figures: 10M pastes × 36 months × 1,270 B = 457.2 GB.
func TestStorageGrowsByWhatIsWritten(t *testing.T) {
	for _, tc := range []struct {
		name, objects, extra string
		months               int
		now, horizon         float64 // bytes
	}{
		{"forever by default, from zero", "0", "", 36, 0, 10e6 * 36 * 1270},
		{"forever spelled out", "0", `, retention: "forever"`, 36, 0, 10e6 * 36 * 1270},
		{"forever from 1M pastes", "1000000", "", 12, 1e6 * 1270, (1e6 + 10e6*12) * 1270},
		// 10M a month kept 90 days: rate × retention = 10M/730h × 2160h.
		{"a finite retention caps at rate × retention", "0", `, retention: "90d"`, 36, 0, 10e6 / 730 * 2160 * 1270},
		{"a retention longer than the horizon does not cap", "0", `, retention: "5y"`, 36, 0, 10e6 * 36 * 1270},
		{"edits in place store nothing new", "1000000", `, newPerWrite: 0`, 36, 1e6 * 1270, 1e6 * 1270},
		{"one write in ten creates", "0", `, newPerWrite: 0.1`, 36, 0, 1e6 * 36 * 1270},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := estimate(t, fmt.Sprintf(pasteBin, tc.objects, tc.extra), Options{HorizonMonths: tc.months})
			db := component(r, "database").DB
			if !near(db.StorageBytes, tc.now, 1e-9) && !(tc.now == 0 && db.StorageBytes == 0) {
				t.Errorf("storage now = %g B, want %g", db.StorageBytes, tc.now)
			}
			if !near(db.StorageHorizon, tc.horizon, 1e-6) {
				t.Errorf("storage at %d months = %g B, want %g", tc.months, db.StorageHorizon, tc.horizon)
			}
		})
	}
}

// TestPasteBinAt36Months is the figure: about 457 GB.
func TestPasteBinAt36Months(t *testing.T) {
	r := estimate(t, fmt.Sprintf(pasteBin, "0", ""), Options{HorizonMonths: 36})
	got := component(r, "database").DB.StorageHorizon / 1e9
	if math.Abs(got-457.2) > 0.5 {
		t.Fatalf("paste bin at 36 months holds %.1f GB, want about 457 GB", got)
	}
}

// TestEveryDatabaseKindReportsStorage: the JSON contract is the same for
// every kind, with or without throughput figures.
func TestEveryDatabaseKindReportsStorage(t *testing.T) {
	for _, kind := range []string{"postgres", "mysql", "dynamodb", "cassandra", "mongodb"} {
		t.Run(kind, func(t *testing.T) {
			src := strings.Replace(fmt.Sprintf(pasteBin, "0", ""), `kind: "postgres"`, fmt.Sprintf("kind: %q, accessPattern: \"paste by id\"", kind), 1)
			r := estimate(t, src, Options{HorizonMonths: 36})
			c := component(r, "database")
			if c.DB == nil {
				t.Fatal("no database detail")
			}
			if !near(c.DB.StorageHorizon, 457.2e9, 1e-6) || !near(c.DB.ObjectsHorizon, 360e6, 1e-6) {
				t.Errorf("at the horizon: %g B, %g objects; want 457.2 GB, 360M", c.DB.StorageHorizon, c.DB.ObjectsHorizon)
			}
			if !hasLine(c.Derivation, "storage (rows only)") {
				t.Errorf("no storage derivation in %q", c.Derivation)
			}
			raw, _ := json.Marshal(c.DB)
			for _, f := range []string{`"storage_bytes":`, `"storage_bytes_at_horizon":`, `"objects_at_horizon":`} {
				if !strings.Contains(string(raw), f) {
					t.Errorf("JSON lacks %s: %s", f, raw)
				}
			}
		})
	}
}
