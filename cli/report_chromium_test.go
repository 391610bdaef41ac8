package cli

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
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
	browser, dir, shots := startChromium(t)

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
			p := newPage(t, browser)

			// Desktop.
			p.do(t, chromedp.EmulateViewport(1280, 1600), chromedp.Navigate("file://"+out))
			first := evaluate[struct {
				VerdictTop, VerdictBottom, ViewHeight float64
				DiagramTop, DiagramW, DiagramH        float64
				DiagramNodes                          int
				Verdict                               string
			}](t, p, `(() => {
				const v = document.querySelector('#verdict').getBoundingClientRect();
				const d = document.querySelector('svg.diagram');
				const r = d.getBoundingClientRect();
				return {VerdictTop: v.top, VerdictBottom: v.bottom, ViewHeight: innerHeight,
					DiagramTop: r.top, DiagramW: r.width, DiagramH: r.height,
					DiagramNodes: d.querySelectorAll('text').length,
					Verdict: document.querySelector('#verdict .headline').textContent};
			})()`)
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
			shot := run1(t, p, chromedp.CaptureScreenshot())
			checkDrawn(t, shot, int(first.DiagramTop), int(first.DiagramTop+first.DiagramH))
			save(t, shots, tc.name+"-desktop.png", shot)

			// Phone: nothing may be wider than the screen (wide tables
			// scroll inside their own box). A phone zooms out to fit a page
			// that is too wide, so the layout width is compared with the
			// screen's, not with innerWidth.
			p.do(t, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Navigate("file://"+out))
			phone := evaluate[struct {
				ScrollW, ViewW, Right float64
				Widest                string
			}](t, p, `(() => {
				let right = 0, widest = '';
				for (const e of document.querySelectorAll('body *')) {
					if (e.closest('.scroll, .diagram-box, svg')) continue;
					const r = e.getBoundingClientRect().right;
					if (r > right) { right = r; widest = e.tagName + (e.className ? '.' + e.className : ''); }
				}
				return {ScrollW: document.documentElement.scrollWidth, ViewW: document.documentElement.clientWidth, Right: right, Widest: widest};
			})()`)
			if phone.ViewW != 390 || phone.ScrollW > 391 || phone.Right > 391 {
				t.Errorf("on a phone the page reaches %v px (%s; scroll width %v) on a %v px screen", phone.Right, phone.Widest, phone.ScrollW, phone.ViewW)
			}
			save(t, shots, tc.name+"-phone.png", run1(t, p, chromedp.CaptureScreenshot()))

			// Print: the navigation goes, the PDF is made.
			if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
				t.Fatal(err)
			}
			if nav := evaluate[string](t, p, `getComputedStyle(document.querySelector('nav.toc')).display`); nav != "none" {
				t.Errorf("in print the navigation is displayed as %q", nav)
			}
			pdf := run1(t, p, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), chromedp.PDFPreferCSSPageSize()))
			if !bytes.HasPrefix(pdf, []byte("%PDF")) || len(pdf) < 20000 {
				t.Errorf("printing gave %d bytes that are not a PDF of the report", len(pdf))
			}
			save(t, shots, tc.name+".pdf", pdf)

			if problems := p.problems(); len(problems) > 0 {
				t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
			}
		})
	}
}

// startChromium is what every browser test starts with: the renderer
// built, a temporary directory, where screenshots go ($TRADEOFF_SCREENSHOTS,
// else that directory), and headless Chromium launched through chromedp for
// two minutes at most, closed when the test ends. It skips unless the
// browser tests were asked for, and then fails when Chromium is missing.
func startChromium(t *testing.T) (browser context.Context, dir, shots string) {
	t.Helper()
	if !chromiumWanted() {
		t.Skip("set CHROMIUM_TESTS=1 (or CI=true) to run the browser tests")
	}
	bin, err := findChromium()
	if err != nil {
		t.Fatalf("the browser tests were asked for but %v", err)
	}
	buildRenderer(t)
	dir = t.TempDir()
	shots = os.Getenv("TRADEOFF_SCREENSHOTS")
	if shots == "" {
		shots = dir
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	// chromedp's defaults (headless, no first run, no background traffic),
	// without the sandbox (CI containers run as root) or a GPU.
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin),
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("mute-audio", true), chromedp.Flag("disable-component-update", true))
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	return browser, dir, shots
}

// findChromium is the Chromium executable: $CHROMIUM when set, else the
// first of the usual names on PATH.
func findChromium() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("chromium not found on PATH (apt-get install chromium, or set $CHROMIUM)")
}

// page is one tab of the browser and what it has written to its console.
type page struct {
	ctx  context.Context
	mu   sync.Mutex
	msgs []chromedp.ConsoleMessage
}

// newPage opens a tab, closed when the test ends, and collects its console
// messages, uncaught exceptions and browser log entries (failed loads,
// content-security-policy violations) from the start.
func newPage(t *testing.T, browser context.Context) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	p := &page{ctx: ctx}
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			p.mu.Lock()
			p.msgs = append(p.msgs, m)
			p.mu.Unlock()
		}
	}()
	return p
}

func (p *page) do(t *testing.T, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// run1 runs one action that returns a value.
func run1[T any](t *testing.T, p *page, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(p.ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// evaluate is the value of a JavaScript expression in the page.
func evaluate[T any](t *testing.T, p *page, expr string) T {
	t.Helper()
	return run1(t, p, chromedp.Evaluate[T](expr))
}

// problems lists the console errors, warnings and failed assertions,
// uncaught exceptions and browser log errors and warnings of the page.
func (p *page) problems() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, m := range p.msgs {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleWarning, chromedp.ConsoleException, "assert":
			line := m.String()
			if m.URL != "" {
				line += " (" + m.URL + ")"
			}
			out = append(out, line)
		}
	}
	return out
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
	browser, dir, shots := startChromium(t)
	design := filepath.Join(dir, "forty.cue")
	if err := os.WriteFile(design, synth.Components(40, 20, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "forty.html")
	if _, stderr, code := run(t, "report", design, "-o", out, "--layout", "graphviz"); code != 0 {
		t.Fatalf("report exit %d: %s", code, stderr)
	}
	p := newPage(t, browser)
	p.do(t, chromedp.EmulateViewport(1280, 1600), chromedp.Navigate("file://"+out))
	type laidOut struct {
		Nodes    []string
		Overlaps []string
		Outside  []string
	}
	laid := evaluate[laidOut](t, p, `(window.laid = () => {
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
	})()`)
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
	moved := evaluate[laidOut](t, p, `(() => {
		const [a, b] = document.querySelectorAll('svg.diagram g.node');
		const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
		const m = b.getCTM(), s = m ? m.a : 1;
		b.setAttribute('transform', 'translate(' + (ra.left - rb.left) / s + ',' + (ra.top - rb.top) / s + ')');
		return laid();
	})()`)
	if len(moved.Overlaps) == 0 {
		t.Errorf("two nodes drawn on top of each other were not seen to overlap")
	}
	// The screenshot shows the page as it was laid out.
	p.do(t, chromedp.Navigate("file://"+out))
	save(t, shots, "forty-components.png", run1(t, p, chromedp.FullScreenshot(100)))
	if problems := p.problems(); len(problems) > 0 {
		t.Errorf("the page logged problems:\n%s", strings.Join(problems, "\n"))
	}
}

// TestChromiumSeesPageProblems: the console check of the browser tests sees
// what it is there for: a console error, an uncaught exception and a
// resource that fails to load.
func TestChromiumSeesPageProblems(t *testing.T) {
	browser, dir, _ := startChromium(t)
	page := filepath.Join(dir, "bad.html")
	html := `<!doctype html><title>bad</title><img src="missing.png"><script>console.error("boom"); throw new Error("thrown");</script>`
	if err := os.WriteFile(page, []byte(html), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newPage(t, browser)
	p.do(t, chromedp.Navigate("file://"+page))
	want := []string{"boom", "thrown", "missing.png"}
	var got []string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		got = p.problems()
		seen := strings.Join(got, "\n")
		if !slices.ContainsFunc(want, func(w string) bool { return !strings.Contains(seen, w) }) {
			return
		}
	}
	t.Errorf("the page's problems were not all seen: want %q in %q", want, got)
}
