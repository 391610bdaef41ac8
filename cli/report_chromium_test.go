package cli

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
	"github.com/tradeoff-dev/tradeoff/internal/cdp"
)

// chromiumWanted reports whether the browser tests must run: in CI, or
// when CHROMIUM_TESTS=1 asks for them. They then fail, never skip, when
// Chromium is missing.
func chromiumWanted() bool {
	return os.Getenv("CI") == "true" || os.Getenv("CHROMIUM_TESTS") == "1"
}

// TestReportInChromium opens the HTML review in headless Chromium as a
// reader would, on a desktop, on a phone and in print: the page loads with
// no console error (the page's content security policy forbids anything
// it would fetch, so a stray request shows up here), the verdict and the
// diagram are on the first screen, nothing is wider than a phone, and the
// print layout hides the navigation. Screenshots are kept in
// $TRADEOFF_SCREENSHOTS when it is set, for a person to look at.
func TestReportInChromium(t *testing.T) {
	ctx, b, dir, shots := startChromium(t)

	for _, tc := range []struct {
		name, design, layout string
	}{
		{"flawed-graphviz", "../examples/flawed.cue", "graphviz"},
		{"shortener-builtin", "../examples/shortener.cue", "builtin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, tc.name+".html")
			if _, stderr, code := run(t, "report", tc.design, "-o", out, "--layout", tc.layout); code != 0 {
				t.Fatalf("report exit %d: %s", code, stderr)
			}
			p, err := b.NewPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Call(ctx, "", "Target.closeTarget", map[string]any{"targetId": p.TargetID}, nil)

			// Desktop.
			if err := p.Viewport(ctx, 1280, 1600, 1, false); err != nil {
				t.Fatal(err)
			}
			if err := p.Navigate(ctx, "file://"+out); err != nil {
				t.Fatal(err)
			}
			var first struct {
				VerdictTop, VerdictBottom, ViewHeight float64
				DiagramTop, DiagramW, DiagramH        float64
				DiagramNodes                          int
				Verdict                               string
			}
			err = p.Eval(ctx, `(() => {
				const v = document.querySelector('#verdict').getBoundingClientRect();
				const d = document.querySelector('svg.diagram');
				const r = d.getBoundingClientRect();
				return {VerdictTop: v.top, VerdictBottom: v.bottom, ViewHeight: innerHeight,
					DiagramTop: r.top, DiagramW: r.width, DiagramH: r.height,
					DiagramNodes: d.querySelectorAll('text').length,
					Verdict: document.querySelector('#verdict .headline').textContent};
			})()`, &first)
			if err != nil {
				t.Fatal(err)
			}
			if first.VerdictTop < 0 || first.VerdictBottom > first.ViewHeight/2 {
				t.Errorf("the verdict is not at the top of the first screen: %+v", first)
			}
			if first.DiagramW < 500 || first.DiagramH < 400 || first.DiagramTop > first.ViewHeight {
				t.Errorf("the diagram is not drawn on the first screen at a readable size: %+v", first)
			}
			if first.DiagramNodes < 10 {
				t.Errorf("the diagram has %d text elements; its nodes are missing", first.DiagramNodes)
			}
			if !strings.Contains(first.Verdict, "✗") && !strings.Contains(first.Verdict, "✓") {
				t.Errorf("verdict headline %q has no mark", first.Verdict)
			}
			shot, err := p.Screenshot(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			checkDrawn(t, shot, int(first.DiagramTop), int(first.DiagramTop+first.DiagramH))
			save(t, shots, tc.name+"-desktop.png", shot)

			// Phone: nothing may be wider than the screen (wide tables
			// scroll inside their own box). A phone zooms out to fit a page
			// that is too wide, so the layout width is compared with the
			// screen's, not with innerWidth.
			if err := p.Viewport(ctx, 390, 844, 2, true); err != nil {
				t.Fatal(err)
			}
			if err := p.Navigate(ctx, "file://"+out); err != nil {
				t.Fatal(err)
			}
			var phone struct {
				ScrollW, ViewW, Right float64
				Widest                string
			}
			err = p.Eval(ctx, `(() => {
				let right = 0, widest = '';
				for (const e of document.querySelectorAll('body *')) {
					if (e.closest('.scroll, .diagram-box, svg')) continue;
					const r = e.getBoundingClientRect().right;
					if (r > right) { right = r; widest = e.tagName + (e.className ? '.' + e.className : ''); }
				}
				return {ScrollW: document.documentElement.scrollWidth, ViewW: document.documentElement.clientWidth, Right: right, Widest: widest};
			})()`, &phone)
			if err != nil {
				t.Fatal(err)
			}
			if phone.ViewW != 390 || phone.ScrollW > 391 || phone.Right > 391 {
				t.Errorf("on a phone the page reaches %v px (%s; scroll width %v) on a %v px screen", phone.Right, phone.Widest, phone.ScrollW, phone.ViewW)
			}
			shot, err = p.Screenshot(ctx, false)
			if err != nil {
				t.Fatal(err)
			}
			save(t, shots, tc.name+"-phone.png", shot)

			// Print: the navigation goes, the PDF is made.
			if err := p.Call(ctx, "Emulation.setEmulatedMedia", map[string]any{"media": "print"}, nil); err != nil {
				t.Fatal(err)
			}
			var nav string
			if err := p.Eval(ctx, `getComputedStyle(document.querySelector('nav.toc')).display`, &nav); err != nil {
				t.Fatal(err)
			}
			if nav != "none" {
				t.Errorf("in print the navigation is displayed as %q", nav)
			}
			pdf, err := p.PrintPDF(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 20000 {
				t.Errorf("printing gave %d bytes that are not a PDF of the report", len(pdf))
			}
			save(t, shots, tc.name+".pdf", pdf)

			if problems := p.Problems(); len(problems) > 0 {
				t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
			}
		})
	}
}

// startChromium is what every browser test starts with: the renderer
// built, a temporary directory, where screenshots go ($TRADEOFF_SCREENSHOTS,
// else that directory), and headless Chromium launched for two minutes at
// most, closed when the test ends. It skips unless the browser tests were
// asked for, and then fails when Chromium is missing.
func startChromium(t *testing.T) (context.Context, *cdp.Browser, string, string) {
	t.Helper()
	if !chromiumWanted() {
		t.Skip("set CHROMIUM_TESTS=1 (or CI=true) to run the browser tests")
	}
	bin, err := cdp.Find()
	if err != nil {
		t.Fatalf("the browser tests were asked for but %v", err)
	}
	buildRenderer(t)
	dir := t.TempDir()
	shots := os.Getenv("TRADEOFF_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	b, err := cdp.Launch(ctx, bin, filepath.Join(dir, "profile"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return ctx, b, dir, shots
}

// checkDrawn fails when the screenshot's diagram band is blank: a page
// whose SVG failed to render would still pass the DOM checks.
func checkDrawn(t *testing.T, shot []byte, top, bottom int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot is not a PNG: %v", err)
	}
	bounds := img.Bounds()
	band := image.Rect(bounds.Min.X, max(top, bounds.Min.Y), bounds.Max.X, min(bottom, bounds.Max.Y))
	if band.Empty() {
		t.Fatalf("the diagram (%d..%d) is outside the screenshot %v", top, bottom, bounds)
	}
	colours := map[[3]uint32]bool{}
	inked, total := 0, 0
	for y := band.Min.Y; y < band.Max.Y; y += 2 {
		for x := band.Min.X; x < band.Max.X; x += 2 {
			r, g, b, _ := img.At(x, y).RGBA()
			total++
			if r < 0xe000 || g < 0xe000 || b < 0xe000 {
				inked++
			}
			colours[[3]uint32{r >> 12, g >> 12, b >> 12}] = true
		}
	}
	if inked*100 < total*3 || len(colours) < 12 {
		t.Errorf("the diagram band of the screenshot looks blank: %d of %d pixels inked, %d colours", inked, total, len(colours))
	}
}

func save(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", path)
}

// TestReportOf40ComponentsInChromium: the report of a design of 40
// components, laid out by Graphviz, keeps every component legible in the
// browser: each is drawn, its label inside its box, and no two boxes or
// labels overlap (the laid-out rectangles are compared, not pixels).
func TestReportOf40ComponentsInChromium(t *testing.T) {
	ctx, b, dir, shots := startChromium(t)
	design := filepath.Join(dir, "forty.cue")
	if err := os.WriteFile(design, synth.Components(40, 20, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "forty.html")
	if _, stderr, code := run(t, "report", design, "-o", out, "--layout", "graphviz"); code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	p, err := b.NewPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Viewport(ctx, 1280, 1600, 1, false); err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, "file://"+out); err != nil {
		t.Fatal(err)
	}
	var laid struct {
		Nodes    []string
		Overlaps []string
		Outside  []string
	}
	err = p.Eval(ctx, `(window.laid = () => {
		const svg = document.querySelector('svg.diagram');
		const nodes = [...svg.querySelectorAll('g.node')].map(g => {
			// A node's box is the union of its shapes (a record or the
			// legend draws several).
			const rects = [...g.querySelectorAll('polygon, ellipse, path, rect')].map(x => x.getBoundingClientRect());
			const box = rects.length ? {left: Math.min(...rects.map(r => r.left)), right: Math.max(...rects.map(r => r.right)),
				top: Math.min(...rects.map(r => r.top)), bottom: Math.max(...rects.map(r => r.bottom))} : g.getBoundingClientRect();
			const label = [...g.querySelectorAll('text')];
			return {name: g.querySelector('title') ? g.querySelector('title').textContent : '',
				box: box, labels: label.map(x => x.getBoundingClientRect())};
		});
		const hit = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
			Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
		const inside = (a, b) => a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
		const overlaps = [], outside = [];
		for (let i = 0; i < nodes.length; i++) {
			for (const l of nodes[i].labels) if (!inside(l, nodes[i].box)) outside.push(nodes[i].name);
			for (let j = i + 1; j < nodes.length; j++) {
				if (hit(nodes[i].box, nodes[j].box)) overlaps.push(nodes[i].name + ' / ' + nodes[j].name);
				for (const a of nodes[i].labels) for (const c of nodes[j].labels)
					if (hit(a, c)) overlaps.push('labels of ' + nodes[i].name + ' / ' + nodes[j].name);
			}
		}
		return {Nodes: nodes.map(n => n.name), Overlaps: [...new Set(overlaps)], Outside: [...new Set(outside)]};
	})()`, &laid)
	if err != nil {
		t.Fatal(err)
	}
	if len(laid.Nodes) < 40 {
		t.Errorf("the diagram draws %d nodes of the 40 components: %v", len(laid.Nodes), laid.Nodes)
	}
	if len(laid.Overlaps) > 0 {
		t.Errorf("laid-out boxes overlap: %v", laid.Overlaps)
	}
	if len(laid.Outside) > 0 {
		t.Errorf("labels outside their node's box: %v", laid.Outside)
	}
	// The check sees an overlap when there is one: move the second node
	// onto the first and look again.
	var moved struct{ Overlaps []string }
	err = p.Eval(ctx, `(() => {
		const [a, b] = document.querySelectorAll('svg.diagram g.node');
		const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
		const m = b.getCTM(), s = m ? m.a : 1;
		b.setAttribute('transform', 'translate(' + (ra.left - rb.left) / s + ',' + (ra.top - rb.top) / s + ')');
		return laid();
	})()`, &moved)
	if err != nil {
		t.Fatal(err)
	}
	if len(moved.Overlaps) == 0 {
		t.Errorf("two nodes drawn on top of each other were not seen to overlap")
	}
	// The screenshot shows the page as it was laid out.
	if err := p.Navigate(ctx, "file://"+out); err != nil {
		t.Fatal(err)
	}
	shot, err := p.Screenshot(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	save(t, shots, "forty-components.png", shot)
	if problems := p.Problems(); len(problems) > 0 {
		t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
	}
}
