package diagram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// mermaidTools finds mermaid-cli (mmdc) and the Chromium it drives. In CI
// both must be there (scripts/ci-tools.sh installs them); elsewhere the
// test skips without them, and under -short, since a browser takes a while.
func mermaidTools(t *testing.T) (mmdc, chromium string) {
	t.Helper()
	ci := os.Getenv("CI") != ""
	missing := func(what, hint string) {
		if ci {
			t.Fatalf("CI is set but %s is not installed: %s (scripts/ci-tools.sh does it)", what, hint)
		}
		t.Skipf("%s is not installed: Mermaid output is checked by its goldens only", what)
	}
	if testing.Short() && !ci {
		t.Skip("drawing Mermaid in a browser is not short")
	}
	mmdc = os.Getenv("TRADEOFF_MMDC")
	if mmdc == "" {
		var err error
		if mmdc, err = exec.LookPath("mmdc"); err != nil {
			missing("mermaid-cli (mmdc)", "PUPPETEER_SKIP_DOWNLOAD=1 npm install -g @mermaid-js/mermaid-cli@11.17.0")
		}
	}
	chromium = os.Getenv("PUPPETEER_EXECUTABLE_PATH")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser"} {
			if p, err := exec.LookPath(name); err == nil {
				chromium = p
				break
			}
		}
		if chromium == "" {
			missing("Chromium", "apt-get install chromium")
		}
	}
	return mmdc, chromium
}

// TestMermaidRenders draws Mermaid output with Mermaid itself: every
// example's overview and failure view and every view of the annotated
// shortener must parse (mmdc exits non-zero on a syntax error) and show
// every component's title.
func TestMermaidRenders(t *testing.T) {
	mmdc, chromium := mermaidTools(t)
	type chart struct {
		name string
		g    *Graph
	}
	var charts []chart
	add := func(name string, in Input, view View) {
		g, err := Build(in, view, Options{})
		if err != nil {
			t.Fatal(err)
		}
		charts = append(charts, chart{name + "-" + string(view), g})
	}
	exs := examples(t)
	names := make([]string, 0, len(exs))
	for name := range exs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		add(name, Input{Design: exs[name]}, Overview)
		add(name, Input{Design: exs[name]}, Failure)
	}
	for _, view := range Views {
		add("shortener-annotated", annotated(t), view)
	}
	comps := componentCharts(t)
	cnames := make([]string, 0, len(comps))
	for name := range comps {
		cnames = append(cnames, name)
	}
	sort.Strings(cnames)
	for _, name := range cnames {
		charts = append(charts, chart{name, comps[name]})
	}

	// One Markdown file holds every chart, so the browser starts once.
	dir := t.TempDir()
	var md bytes.Buffer
	for _, c := range charts {
		fmt.Fprintf(&md, "## %s\n\n```mermaid\n", c.name)
		if err := WriteMermaid(&md, c.g); err != nil {
			t.Fatal(err)
		}
		md.WriteString("```\n\n")
	}
	in := filepath.Join(dir, "charts.md")
	if err := os.WriteFile(in, md.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Chromium refuses to run as root without --no-sandbox; CI runs as root.
	cfg, _ := json.Marshal(map[string]any{"executablePath": chromium, "args": []string{"--no-sandbox", "--disable-gpu"}})
	pcfg := filepath.Join(dir, "puppeteer.json")
	if err := os.WriteFile(pcfg, cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, mmdc, "-p", pcfg, "-i", in, "-o", filepath.Join(dir, "out.md"), "-e", "svg", "-q")
	cmd.Env = append(os.Environ(), "PUPPETEER_SKIP_DOWNLOAD=1")
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mmdc failed: %v\n%s", err, stderr.String())
	}
	for i, c := range charts {
		svg, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("out-%d.svg", i+1)))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if bytes.Contains(svg, []byte("Syntax error")) {
			t.Errorf("%s: Mermaid drew a syntax error", c.name)
		}
		for _, n := range c.g.Nodes {
			if !bytes.Contains(svg, []byte(strings.ReplaceAll(n.Title, "&", "&amp;"))) {
				t.Errorf("%s: the drawing lacks %q", c.name, n.Title)
			}
		}
	}
}
