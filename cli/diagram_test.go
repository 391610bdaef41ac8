package cli

import (
	"bytes"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tradeoff-dev/tradeoff/diagram"
	"github.com/tradeoff-dev/tradeoff/internal/svgtest"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// buildRenderer compiles cmd/tradeoff-render into a temporary directory
// and puts it on PATH, as a user's `go install` would.
func buildRenderer(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("go", "build", "-o", dir, "../cmd/tradeoff-render")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building tradeoff-render: %v\n%s", err, out)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv(diagram.RendererEnv, "")
}

func run(t *testing.T, args ...string) (stdout, stderr []byte, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	app := &App{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: os.Getenv}
	code = app.Run(args)
	return out.Bytes(), errb.Bytes(), code
}

// TestDiagramSVG draws every example in every view as SVG through the
// tradeoff-render sub-process: the SVG must parse and hold every component,
// and drawing twice must give the same bytes.
func TestDiagramSVG(t *testing.T) {
	buildRenderer(t)
	files, _ := filepath.Glob("../examples/*.cue")
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		d, err := schema.Load(f, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, view := range diagram.Views {
			t.Run(filepath.Base(f)+"/"+string(view), func(t *testing.T) {
				svg, stderr, code := run(t, "diagram", f, "-f", "svg", "--view", string(view))
				if code != 0 {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				g, err := diagram.Build(diagram.Input{Design: d}, view, diagram.Options{})
				if err != nil {
					t.Fatal(err)
				}
				got := svgtest.Titles(t, svg)
				for _, n := range g.Nodes {
					if !got[n.ID] {
						t.Errorf("SVG lacks component %s (%s)", n.ID, n.Title)
					}
				}
				again, _, _ := run(t, "diagram", f, "-f", "svg", "--view", string(view))
				if !bytes.Equal(svg, again) {
					t.Error("two SVG renders of the same design differ")
				}
			})
		}
	}
}

// TestDiagramPNG converts through rsvg-convert; with CI set it must be
// installed (scripts/ci-tools.sh), elsewhere the test skips without it.
func TestDiagramPNG(t *testing.T) {
	if _, err := exec.LookPath(diagram.PNGConverter); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but rsvg-convert is not installed (apt-get install librsvg2-bin)")
		}
		t.Skip("rsvg-convert is not installed")
	}
	buildRenderer(t)
	out := filepath.Join(t.TempDir(), "shortener.png")
	if _, stderr, code := run(t, "diagram", "../examples/shortener.cue", "-o", out); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() < 800 || b.Dy() < 800 {
		t.Errorf("PNG is %dx%d, too small to read", b.Dx(), b.Dy())
	}
}

func TestDiagramPNGWithoutConverter(t *testing.T) {
	buildRenderer(t)
	// A PATH holding only the renderer: no rsvg-convert.
	dir := filepath.Dir(must(exec.LookPath(diagram.RendererName)))
	t.Setenv("PATH", dir)
	out := filepath.Join(t.TempDir(), "x.png")
	_, stderr, code := run(t, "diagram", "../examples/shortener.cue", "-o", out)
	if code != ExitInvalid || !strings.Contains(string(stderr), "rsvg-convert not found") || !strings.Contains(string(stderr), "-f svg") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a PNG was written")
	}
}

func must(s string, err error) string {
	if err != nil {
		panic(err)
	}
	return s
}

// TestTradeoffDoesNotLinkGraphviz guards the start-up time of validate,
// estimate and review: go-graphviz compiles WebAssembly in its init(), so
// only tradeoff-render may import it.
func TestTradeoffDoesNotLinkGraphviz(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "../cmd/tradeoff").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/goccy/go-graphviz") || strings.HasPrefix(dep, "github.com/tetratelabs/wazero") {
			t.Errorf("cmd/tradeoff links %s; draw through the tradeoff-render sub-process instead", dep)
		}
	}
}
