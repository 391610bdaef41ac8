package wizard

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Every combination of choices the form offers must write a design the rest
// of the tool accepts.
func TestEveryChoiceWritesADesignThatValidates(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]string
		want []string // lines the design must contain
	}{
		{"the shortener's examples", nil, []string{`rate:         "3B/month" // example: replace with yours`, `path: ["loadBalancer", "services", "cache", "replicas"]`, `readFromReplicas: true`, `replay: true`}},
		{"a single node with nothing in front", map[string]string{KeyFootprint: "single-node", KeyLB: "none", KeyCache: "none", KeyBackground: "false"},
			[]string{`loadBalancer: kind: "none"`, `path: ["services", "database"]`, `zones:     1`, `replicas: 0`}},
		{"several regions", map[string]string{KeyFootprint: "multi-region"}, []string{`footprint: "multi-region"`}},
		{"a self-run proxy says why", map[string]string{KeyLB: "nginx", KeyLBNeed: "static-files"}, []string{`need:      "static-files"`, `instances: 2`}},
		{"a self-run proxy nobody said why for gets no invented reason", map[string]string{KeyLB: "haproxy"}, []string{`// need: say why you run your own proxy`}},
		{"memcached has no replicas", map[string]string{KeyCache: "memcached"}, []string{`kind: "memcached"`}},
		{"managed redis", map[string]string{KeyCache: "managed-redis"}, []string{`kind: "managed-redis"`}},
		{"mutable objects are deleted from the cache on write", map[string]string{KeyMutable: "true"}, []string{`invalidation: "delete-on-write"`, `mutable:    true`}},
		{"strong reads never read a replica", map[string]string{KeyReadConsistency: "strong"}, []string{`path: ["loadBalancer", "services", "cache", "database"]`}},
		{"no replicas", map[string]string{KeyDBReplicas: "0"}, []string{`replicas: 0`}},
		{"NoSQL with its reason", map[string]string{KeyDB: "cassandra", KeyAccessPattern: `writes by "id" at 20k/s`}, []string{`accessPattern: "writes by \"id\" at 20k/s"`}},
		{"NoSQL without its reason", map[string]string{KeyDB: "mongodb"}, []string{`// accessPattern: say which access pattern`}},
		{"DynamoDB and SQS on AWS", map[string]string{KeyDB: "dynamodb", KeyQueue: "sqs"}, []string{`kind: "dynamodb"`, `kind: "sqs"`}},
		{"NATS", map[string]string{KeyQueue: "nats"}, []string{`kind: "nats"`}},
		{"no budget", map[string]string{KeyBudget: "none"}, nil},
		{"names that are not identifiers", map[string]string{KeyReadOp: "get-link", KeyWriteOp: "if", KeyBackgroundOp: "for"},
			[]string{`"get-link": {`, `"if": {`, `carries: ["for"]`}},
		{"observing nothing", map[string]string{KeyObserve: "", KeyAlerts: "none"}, []string{`metrics:     false`, `logs:        "none"`, `alertsOn:    "none"`}},
		{"numbers are written plainly", map[string]string{KeyPeakFactor: "2.50", KeyInstances: "007", KeyBudget: "1200.5"}, []string{`peakFactor:   2.5`, `instances: 7`, `monthlyUSD: 1200.5`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := NewAnswers()
			for k, v := range tt.set {
				a.Set(k, v)
			}
			out, err := Render(a)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := schema.LoadBytes("design.cue", out, "cue"); err != nil {
				t.Fatalf("does not validate: %v\n%s", err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("missing %q in:\n%s", w, out)
				}
			}
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	a := NewAnswers()
	first, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		again, _ := Render(a)
		if string(again) != string(first) {
			t.Fatal("two renders of the same answers differ")
		}
	}
}

func TestOnlyUnansweredValuesAreMarkedAsExamples(t *testing.T) {
	a := NewAnswers()
	a.Set(KeyReadRate, "3B/month") // the same as the example, but said
	out, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "rate:         \"3B/month\"\n") {
		t.Errorf("an answered rate is marked as an example:\n%s", out)
	}
	if !strings.Contains(string(out), `rate:         "30M/month" // example`) {
		t.Errorf("an unanswered rate is not marked as an example:\n%s", out)
	}
}

func TestRenderRefusesInvalidAnswers(t *testing.T) {
	a := NewAnswers()
	a.Set(KeyReadRate, "lots")
	if _, err := Render(a); err == nil || !strings.Contains(err.Error(), "--read-rate") {
		t.Fatalf("err = %v, want one naming --read-rate", err)
	}
}

// Whatever answers the form accepts, the file must validate: the form's
// checks and the schema must agree. Random combinations of valid and
// invalid values (a seeded source, so a failure repeats) go through Check;
// every set that passes must render to a design the schema accepts.
func TestAnswersTheFormAcceptsAlwaysValidate(t *testing.T) {
	candidates := map[string][]string{
		KeyName:           {"a", "x-y_z", "a" + strings.Repeat("b", 62), "Bad", "1a", ""},
		KeyReadOp:         {"get", "get-link", "if", "for", "click", "g" + strings.Repeat("x", 62)},
		KeyWriteOp:        {"put", "create", "get", "in"},
		KeyBackgroundOp:   {"click", "put", "import"},
		KeyReadRate:       {"1/s", "0.5/s", "1200/s", "2M/day", "3B/month", "1T/year", "999M/s", "1k/min", "5/h", "1/year"},
		KeyWriteRate:      {"1/s", "30M/month", "7.25k/hour"},
		KeyBackgroundRate: {"1/s", "3B/month"},
		KeyPeakFactor:     {"1", "3", "1000", "1.5", "0.9"},
		KeyGrowth:         {"0.1", "1", "100", "10000", "0"},
		KeyReadP99:        {"1ms", "50ms", "1.5s", "2m", "1h", "0.1ms", "100us", "1µs", "3y"},
		KeyWriteP99:       {"200ms", "1d"},
		KeyAvailability:   {"50%", "99%", "99.9%", "99.999%", "9%", "99.99999%"},
		KeyBudget:         {"1", "6000", "0.01", "none", "1000000"},
		KeyFootprint:      {"single-node", "multi-zone", "multi-region"},
		KeyCloud:          {"aws", "gcp", "azure"},
		KeyLB:             {"managed", "nginx", "haproxy", "none"},
		KeyCache:          {"redis", "managed-redis", "memcached", "none"},
		KeyDB:             {"postgres", "mysql", "dynamodb", "cassandra", "mongodb"},
		KeyQueue:          {"sqs", "rabbitmq", "kafka", "nats"},
		KeyBackground:     {"true", "false"},
		KeyInstances:      {"1", "4", "100000"},
		KeyDBReplicas:     {"0", "1", "100"},
		KeyCacheMemory:    {"1B", "13GiB", "1.5TB", "512MiB"},
		KeyHitRatio:       {"1%", "90%", "100%", "99.5%"},
		KeyMutable:        {"true", "false"},
		KeyAccessPattern:  {"key lookups by id", `quotes " and \ backslashes`, "ünïcode ✓"},
		KeyObserve:        {"", "metrics", "metrics,percentiles,logs,traces,uptime-probe"},
		KeyAlerts:         {"symptoms", "causes", "none"},
	}
	keys := make([]string, 0, len(candidates))
	for k := range candidates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rng := rand.New(rand.NewPCG(7, 11))
	accepted := 0
	for i := 0; i < 400; i++ {
		a := NewAnswers()
		for _, k := range keys {
			if rng.IntN(3) == 0 {
				continue // left to the example
			}
			vs := candidates[k]
			a.Set(k, vs[rng.IntN(len(vs))])
		}
		// Drop answers to questions that do not apply, as the form would
		// never ask them.
		for _, q := range Questions() {
			if a.Given(q.Key) && !a.Asked(q) {
				a.unset(q.Key)
			}
		}
		if a.Check() != nil {
			continue
		}
		accepted++
		out, err := Render(a)
		if err != nil {
			t.Fatalf("answers %v: %v", a.values, err)
		}
		if _, err := schema.LoadBytes("design.cue", out, "cue"); err != nil {
			t.Fatalf("answers %v write a design that does not validate: %v\n%s", a.values, err, out)
		}
	}
	if accepted < 50 {
		t.Fatalf("only %d of 400 random answer sets were valid: the test proves little", accepted)
	}
}
