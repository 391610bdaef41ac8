package estimator

import (
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// TestServing checks what one zone down leaves of each tier, as the
// diagram's failure view draws it: a fleet loses its busiest zone's share,
// replicas count per shard, a database with automatic failover keeps every
// shard, and a single-node design loses everything.
func TestServing(t *testing.T) {
	shortener, err := schema.Load("../examples/shortener.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	startup, err := schema.Load("../examples/startup.cue", nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		d        *schema.Design
		scenario string
		want     map[string][2]int // tier → instances, serving
	}{
		{"peak keeps every instance", shortener, ScenarioPeak, map[string][2]int{
			"services": {4, 4}, "workers": {1, 1}, "replicas": {16, 16}, "database": {8, 8}, "cache": {1, 1}}},
		{"zone down on two zones", shortener, ScenarioZoneDown, map[string][2]int{
			"services": {4, 2}, "workers": {1, 0}, "replicas": {16, 8}, "database": {8, 8}, "cache": {1, 1}, "queue": {3, 3}, "loadBalancer": {1, 1}}},
		{"zone down on a single node", startup, ScenarioZoneDown, map[string][2]int{
			"services": {1, 0}, "database": {1, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Estimate(tt.d, Options{Scenario: tt.scenario})
			if err != nil {
				t.Fatal(err)
			}
			for tier, want := range tt.want {
				c := component(r, tier)
				if c == nil {
					t.Fatalf("no %s tier", tier)
				}
				if got := [2]int{c.Instances, c.Serving}; got != want {
					t.Errorf("%s: instances, serving = %v, want %v", tier, got, want)
				}
			}
		})
	}
}
