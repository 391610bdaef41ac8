package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue/format"
)

// Question marks every line the user must answer: the field after it is
// left open, so `tradeoff validate` reports it at its position.
const Question = "QUESTION:"

// CUE writes the skeleton as a design in the component form, formatted.
func (s *Skeleton) CUE() ([]byte, error) {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("// Imported by `tradeoff import %s` from %s.\n", s.From, strings.Join(s.Inputs, ", "))
	w("//\n// What the deployment shows is written as it is. What it cannot show —\n")
	w("// traffic, SLOs, data sizes, budget — is marked %s with its field left\n", strings.TrimSuffix(Question, ":"))
	w("// open: `tradeoff validate` lists each one at its line with what it wants.\n")
	w("// No value of an environment variable, Secret or ConfigMap is copied here.\n")
	sort.SliceStable(s.Guesses, func(i, j int) bool {
		a, b := s.Guesses[i].At, s.Guesses[j].At
		return a.File < b.File || a.File == b.File && a.Line < b.Line
	})
	if len(s.Guesses) > 0 {
		w("//\n// Guesses to check, each with the line it came from:\n")
		for _, g := range s.Guesses {
			w("//   %s: %s\n", g.At, g.Text)
		}
	}
	w("\nsystem: {\n\tname: %s\n", quote(s.Name))
	w("\t// %s which cloud prices it: aws (the default), gcp or azure, as cloud: \"gcp\".\n", Question)
	w("\t// %s the region it runs in, as region: \"us-east-1\".\n}\n\n", Question)
	w("components: {\n")
	for _, n := range s.names() {
		s.component(&b, s.Components[n])
	}
	w("}\n\n")
	ops := s.operations()
	opName := func(entry string) string {
		if len(ops) == 1 {
			return "requests"
		}
		return entry + "-requests"
	}
	w("traffic: {\n")
	w("\t// %s one operation per entry point is written; name the operations\n", Question)
	w("\t// clients really call (a read and a write, say), each with its own calls.\n")
	for _, op := range ops {
		w("\t%s: {\n", label(opName(op)))
		w("\t\t// %s a read or a write?\n\t\tkind: \"read\" | \"write\"\n", Question)
		w("\t\t// %s requests a second, on average (\"1200/s\", \"2M/day\").\n\t\trate: string\n", Question)
		w("\t\t// %s the busiest hour over the average.\n\t\tpeakFactor: number\n", Question)
		w("\t\t// %s the sizes of one request and one response.\n\t\trequestSize:  string\n\t\tresponseSize: string\n", Question)
		w("\t\tcalls: [\n")
		s.step(&b, op, nil, "\t\t\t")
		w("\t\t]\n\t}\n")
	}
	w("}\n\n")
	w("slo: {\n\t// %s the p99 each operation must meet.\n\tp99: {\n", Question)
	for _, op := range ops {
		w("\t\t%s: string\n", label(opName(op)))
	}
	w("\t}\n\t// %s the availability promised, as \"99.9%%\".\n\tavailability: string\n}\n\n", Question)
	w("// %s what the team can see and what guards it. Left out, the review\n", Question)
	w("// takes the schema's defaults (no metrics, logs, traces or alerts; no TLS)\n")
	w("// and reports them; say what is true, as:\n")
	w("//   observability: {metrics: true, percentiles: true, logs: \"structured\", traces: true, uptimeProbe: true, alertsOn: \"symptoms\"}\n")
	w("//   security: {tls: \"load-balancer\", encryptionAtRest: true}\n\n")
	w("// %s the monthly budget in USD; delete this line if there is none.\n", Question)
	w("budget: monthlyUSD: number\n")
	out, err := format.Source([]byte(b.String()))
	if err != nil {
		return nil, fmt.Errorf("importer: the design written does not parse (a bug): %v\n%s", err, b.String())
	}
	return out, nil
}

func (s *Skeleton) component(b *strings.Builder, c *Component) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	w("\t// %s\n\t%s: {\n\t\tkind: %s\n", c.At, label(c.Name), quote(c.Kind))
	switch {
	case c.Kind == "service" || c.Kind == "worker":
		if c.Instances > 0 {
			w("\t\tinstances: %d\n", c.Instances)
		}
		if c.Size != "" {
			w("\t\tsize: %s\n", quote(c.Size))
		}
		if c.Consumes != "" {
			w("\t\tconsumes: %s\n", quote(c.Consumes))
		}
		if c.ZoneSpread {
			w("\t\t// %s the pods are spread over zones: over how many (2 or more)?\n\t\tzones: int & >=2\n", Question)
		}
	case isBalancer(c.Kind):
		if c.Instances > 1 {
			w("\t\tinstances: %d\n", c.Instances)
		}
	case isDatabase(c.Kind):
		if c.Size != "" {
			w("\t\tsize: %s\n", quote(c.Size))
		}
		if c.Instances > 1 {
			w("\t\t// %d instances run: are they replicas of one primary, or shards?\n", c.Instances)
		}
		w("\t\t// %s what it holds: how many rows or items, and how big each.\n", Question)
		w("\t\tdata: {objects: string, objectSize: string}\n")
	case isCache(c.Kind):
		if c.Instances > 1 {
			w("\t\tnodes: %d\n", c.Instances)
		}
		if c.Memory != "" {
			w("\t\tmemory: %s\n", quote(c.Memory))
		} else {
			w("\t\t// %s memory per node (\"1GiB\").\n\t\tmemory: string\n", Question)
		}
		w("\t\t// %s a cache (the default) holds copies; say role: \"store\" if it is the source of truth.\n", Question)
		w("\t\t// %s how long a cached entry may live.\n\t\tttl: string\n", Question)
		w("\t\t// %s how a cached copy stops being stale.\n", Question)
		w("\t\tinvalidation: \"delete-on-write\" | \"update-on-write\" | \"ttl-only\" | \"immutable\"\n")
	case c.Kind == "search":
		w("\t\tnodes: %d\n", max(1, c.Instances))
		if c.Size != "" {
			w("\t\tsize: %s\n", quote(c.Size))
		}
		w("\t\t// %s the shards an index has: a query fans out to all of them.\n\t\tshards: int\n", Question)
	case c.Kind == "object-store":
		w("\t\t// %s what the bucket holds.\n\t\tdata: {objects: string, objectSize: string}\n", Question)
	case c.Kind == "external":
		w("\t\t// %s %s's latency and SLA, as published or measured.\n", Question, c.Host)
		w("\t\tp50:          string\n\t\tp99:          string\n\t\tavailability: string\n")
	}
	w("\t}\n")
}

var bareLabel = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// label is a CUE field name: bare when it can be, quoted otherwise.
func label(name string) string {
	if bareLabel.MatchString(name) {
		return name
	}
	return quote(name)
}
