package render

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/diagram"
	"github.com/tradeoff-dev/tradeoff/internal/svgtest"
	"github.com/tradeoff-dev/tradeoff/schema"
)

const small = `digraph g { a [label="alpha"]; b [label=<<B>beta</B>>]; a -> b [label="3 rps"]; }`

func newRenderer(t *testing.T) *Renderer {
	t.Helper()
	r, err := New(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func TestRenderSVG(t *testing.T) {
	r := newRenderer(t)
	svg, err := r.Render(context.Background(), []byte(small), "svg")
	if err != nil {
		t.Fatal(err)
	}
	titles := svgtest.Titles(t, svg)
	for _, want := range []string{"a", "b", "a->b"} {
		if !titles[want] {
			t.Errorf("SVG has no element titled %q", want)
		}
	}
	if !bytes.Contains(svg, []byte("beta")) {
		t.Error("SVG lacks the HTML label's text")
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	r := newRenderer(t)
	a, err := r.Render(context.Background(), []byte(small), "svg")
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.Render(context.Background(), []byte(small), "svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renders of the same DOT differ")
	}
}

// TestBadFormatDoesNotPoison: formats go-graphviz mishandles are refused
// before Graphviz sees them, so a later SVG render still works.
func TestBadFormatDoesNotPoison(t *testing.T) {
	r := newRenderer(t)
	for _, f := range []string{"gif", "pdf", "ps", "png", "jpg", ""} {
		if _, err := r.Render(context.Background(), []byte(small), f); err == nil || !strings.Contains(err.Error(), "unsupported format") {
			t.Errorf("format %q: err = %v, want unsupported format", f, err)
		}
	}
	if _, err := r.Render(context.Background(), []byte(small), "svg"); err != nil {
		t.Fatalf("SVG after refused formats: %v", err)
	}
}

// TestRecoversAfterError: after invalid input the instance is replaced and
// the next render succeeds.
func TestRecoversAfterError(t *testing.T) {
	r := newRenderer(t)
	for _, bad := range []string{"digraph {", "not dot at all", "digraph g { a -> }"} {
		if _, err := r.Render(context.Background(), []byte(bad), "svg"); err == nil {
			t.Errorf("%q rendered without error", bad)
		}
		if _, err := r.Render(context.Background(), []byte(small), "svg"); err != nil {
			t.Fatalf("render after %q failed: %v", bad, err)
		}
	}
}

// synthetic is a design whose sharded database, drawn shard by shard,
// makes over 300 components.
func synthetic(shards int) string {
	return fmt.Sprintf(`
system: {name: "synthetic", cloud: "gcp", footprint: "multi-zone"}
traffic: {
	get: {kind: "read", rate: "50k/s", peakFactor: 2, requestSize: "200B", responseSize: "2KB", path: ["cdn", "loadBalancer", "services", "cache", "replicas"], public: true}
	put: {kind: "write", rate: "5k/s", peakFactor: 2, requestSize: "2KB", responseSize: "100B", path: ["loadBalancer", "services", "database"]}
	event: {kind: "write", rate: "5k/s", peakFactor: 2, async: true, requestSize: "300B", responseSize: "0B", path: ["services", "queue", "workers", "database"]}
}
slo: {availability: "99.9%%"}
cdn: {enabled: true, cacheableShare: "60%%"}
services: {instances: 120, zones: 3}
cache: {kind: "redis", ttl: "1h", invalidation: "delete-on-write", memory: "26GiB", nodes: 6, replicas: 1, hitRatio: "95%%"}
database: {kind: "postgres", replicas: 1, readFromReplicas: true, failover: "automatic", shards: %d, shardKey: "user_id"}
queue: {kind: "kafka", carries: ["event"], partitions: 64, consumers: 32, workTime: "5ms"}
observability: {metrics: true, logs: "structured", traces: true, uptimeProbe: true}
`, shards)
}

func TestThreeHundredComponents(t *testing.T) {
	d, err := schema.LoadBytes("synthetic.cue", []byte(synthetic(150)), "cue")
	if err != nil {
		t.Fatal(err)
	}
	g, err := diagram.Build(diagram.Input{Design: d}, diagram.Overview, diagram.Options{ExpandShards: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Nodes) < 300 {
		t.Fatalf("synthetic design has %d components, want at least 300", len(g.Nodes))
	}
	var dot bytes.Buffer
	if err := diagram.WriteDOT(&dot, g); err != nil {
		t.Fatal(err)
	}
	svg, err := newRenderer(t).Render(context.Background(), dot.Bytes(), "svg")
	if err != nil {
		t.Fatal(err)
	}
	titles := svgtest.Titles(t, svg)
	for _, n := range g.Nodes {
		if !titles[n.ID] {
			t.Errorf("SVG lacks component %s", n.ID)
		}
	}
}

func BenchmarkRenderThreeHundred(b *testing.B) {
	d, err := schema.LoadBytes("synthetic.cue", []byte(synthetic(150)), "cue")
	if err != nil {
		b.Fatal(err)
	}
	g, _ := diagram.Build(diagram.Input{Design: d}, diagram.Overview, diagram.Options{ExpandShards: true})
	var dot bytes.Buffer
	diagram.WriteDOT(&dot, g)
	r, err := New(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := r.Render(context.Background(), dot.Bytes(), "svg"); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRendersEveryGolden lays out every golden DOT file of the diagram
// package with the WebAssembly Graphviz that tradeoff-render links: it
// rejects some input that Graphviz's own dot accepts (an empty table cell
// crashes it), so the goldens are checked against both.
func TestRendersEveryGolden(t *testing.T) {
	files, _ := filepath.Glob("../../diagram/testdata/golden/*.dot")
	if len(files) == 0 {
		t.Fatal("no golden DOT files")
	}
	r := newRenderer(t)
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		svg, err := r.Render(context.Background(), src, "svg")
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		svgtest.Titles(t, svg) // well-formed XML

	}
}
