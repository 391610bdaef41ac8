package schema

import (
	"strings"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"
)

// TestStepsCheckedAsTheSchemaSays: the loader checks the call trees in Go
// against an open #Step; design.cue's own #Step (what the docs, the JSON
// Schema and stock cue vet read) must accept and refuse the same steps.
func TestStepsCheckedAsTheSchemaSays(t *testing.T) {
	const base = `
system: {name: "s", cloud: "aws"}
components: {
	api: {kind: "service", instances: 2}
	db: {kind: "postgres", shards: 4, shardKey: "id"}
	q: {kind: "kafka", partitions: 8}
	w: {kind: "worker", consumes: "q"}
	c: {kind: "redis", memory: "1GiB", ttl: "1h", invalidation: "delete-on-write"}
}
traffic: t: {kind: "write", rate: "10/s", peakFactor: 2, requestSize: "1KB", responseSize: "1KB",
	calls: [{to: "api", calls: [STEP]}]}
slo: {p99: t: "1s", availability: "99%"}
`
	full := cuecontext.New()
	schema := full.CompileBytes(schemaSource).LookupPath(cue.ParsePath("#Design"))
	for _, tc := range []struct {
		step string
		ok   bool
		// stock is what design.cue alone says, when not ok.
		stock bool
	}{
		{`"db"`, true, false},
		{`{to: "db"}`, true, false},
		{`{to: "db", timeout: "1s", retries: 2, share: "50%", optional: true, work: "3ms", rows: 0}`, true, false},
		{`{to: "db", fanout: 4}`, true, false},
		{`{to: "db", fanout: {n: 4, wait: "quorum", k: 3, max: "1M"}}`, true, false},
		{`{parallel: ["db", {to: "c", miss: ["db"]}]}`, true, false},
		{`{to: "q", async: true, calls: [{to: "w", calls: ["db"]}]}`, true, false},
		{`{to: "db", calls: []}`, true, false},
		{`"Bad Name"`, false, false},
		{`42`, false, false},
		{`[ "db" ]`, false, false},
		{`{to: "db", timout: "1s"}`, false, false},
		{`{to: "db", retries: 101}`, false, false},
		{`{to: "db", retries: -1}`, false, false},
		// A percentage's range is the model's to check (Ratio), in both
		// forms; stock cue sees a string with a %.
		{`{to: "db", share: "150%"}`, false, true},
		{`{to: "db", share: 1.5}`, false, false},
		{`{to: "db", timeout: "fast"}`, false, false},
		{`{to: "db", async: "yes"}`, false, false},
		{`{to: "db", fanout: 0}`, false, false},
		{`{to: "db", fanout: {n: 0}}`, false, false},
		{`{to: "db", fanout: {wait: "all"}}`, false, false},
		{`{to: "db", fanout: {n: 2, wait: "most"}}`, false, false},
		{`{to: "db", rows: -1}`, false, false},
		{`{to: "db", calls: "db"}`, false, false},
		{`{to: "db", calls: [{to: "db", bogus: 1}]}`, false, false},
		{`{parallel: []}`, false, false},
		{`{to: 3}`, false, false},
	} {
		src := strings.Replace(base, "STEP", tc.step, 1)
		_, err := LoadBytes("steps.cue", []byte(src), "cue")
		loaded := err == nil
		user := full.CompileString(src)
		vetted := user.Err() == nil && user.Unify(schema).Validate(cue.Concrete(true)) == nil
		if loaded != tc.ok || vetted != (tc.ok || tc.stock) {
			t.Errorf("%s: the loader accepts it %v, design.cue's #Step %v; want %v (loader: %v)", tc.step, loaded, vetted, tc.ok, err)
		}
	}
}
