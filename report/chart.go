package report

import (
	"fmt"
	"math"
	"strings"
)

// Charts are drawn as SVG in pure Go: axes, nice ticks and polylines are
// all a growth chart needs, and writing them by hand keeps the output
// byte-identical for the same figures. The legend is HTML beside the SVG,
// so it wraps on a phone and prints at text size.

// Chart geometry in viewBox units. The viewBox is narrow enough that text
// stays legible when a phone scales the chart down to its width.
const (
	chartW, chartH = 560.0, 300.0
	padL, padR     = 62.0, 14.0
	padT, padB     = 14.0, 40.0
	chartFont      = 12.0
)

// series is one line on a chart.
type series struct {
	Name  string
	Color string
	// Dash is an SVG stroke-dasharray ("" for a solid line), so lines stay
	// apart when printed in black and white.
	Dash string
	// Y has one value per X; NaN leaves a gap, +Inf (a tier with no
	// capacity left) is drawn at the top edge.
	Y []float64
	// Mark, when set, is a point to circle on the line (the month a tier
	// saturates), with its x.
	Mark *float64
	// Note follows the name in the legend.
	Note string
}

// hline is a horizontal reference line (the budget, 100% busy).
type hline struct {
	Y     float64
	Label string
	Color string
}

// lineChart is a chart of several series over the same x values.
type lineChart struct {
	// Title is the SVG's accessible name; Desc says what it shows.
	Title, Desc    string
	XLabel, YLabel string
	X              []float64
	Series         []series
	HLines         []hline
	YFmt           func(float64) string
	// YCap clips values above it to the top edge (0: no cap), so that one
	// runaway tier does not flatten the others.
	YCap float64
}

// svg draws the chart.
func (c *lineChart) svg() string {
	xmin, xmax := c.X[0], c.X[len(c.X)-1]
	if xmax == xmin {
		xmax = xmin + 1
	}
	ymax := 0.0
	for _, s := range c.Series {
		for _, y := range s.Y {
			if !math.IsNaN(y) && !math.IsInf(y, 0) && y > ymax {
				ymax = y
			}
		}
	}
	for _, h := range c.HLines {
		ymax = math.Max(ymax, h.Y)
	}
	clipped := false
	if c.YCap > 0 && ymax > c.YCap {
		ymax, clipped = c.YCap, true
	}
	for _, s := range c.Series {
		for _, y := range s.Y {
			if math.IsInf(y, 1) {
				clipped = true
			}
		}
	}
	step, top := niceScale(ymax)
	plotW, plotH := chartW-padL-padR, chartH-padT-padB
	px := func(x float64) float64 { return padL + (x-xmin)/(xmax-xmin)*plotW }
	py := func(y float64) float64 {
		if math.IsInf(y, 1) || y > top {
			y = top
		}
		return padT + plotH - y/top*plotH
	}

	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" xmlns="http://www.w3.org/2000/svg">`, f1(chartW), f1(chartH))
	fmt.Fprintf(&b, `<title>%s</title><desc>%s</desc>`, esc(c.Title), esc(c.Desc))
	fmt.Fprintf(&b, `<g font-family="Arial, Helvetica, sans-serif" font-size="%s" fill="#212121">`, f1(chartFont))
	// Grid and y ticks.
	for y := 0.0; y <= top+step/2; y += step {
		yy := py(y)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#e0e0e0" stroke-width="1"/>`, f1(padL), f1(yy), f1(padL+plotW), f1(yy))
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, f1(padL-6), f1(yy+4), esc(c.YFmt(y)))
	}
	// X ticks: every month when there are few, else a readable stride.
	stride := xStride(len(c.X))
	for i, x := range c.X {
		xx := px(x)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#9e9e9e" stroke-width="1"/>`, f1(xx), f1(padT+plotH), f1(xx), f1(padT+plotH+4))
		if i%stride == 0 || i == len(c.X)-1 {
			fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, f1(xx), f1(padT+plotH+17), esc(trimFloat(x)))
		}
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#616161" stroke-width="1"/>`, f1(padL), f1(padT+plotH), f1(padL+plotW), f1(padT+plotH))
	fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="middle" fill="#555555">%s</text>`, f1(padL+plotW/2), f1(chartH-6), esc(c.XLabel))
	fmt.Fprintf(&b, `<text transform="translate(13 %s) rotate(-90)" text-anchor="middle" fill="#555555">%s</text>`, f1(padT+plotH/2), esc(c.YLabel))
	// Reference lines, labelled at the right end; a second line's label
	// goes to the left end, so two close lines do not print over each
	// other.
	for i, h := range c.HLines {
		yy := py(h.Y)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="8 4"/>`, f1(padL), f1(yy), f1(padL+plotW), f1(yy), h.Color)
		x, anchor := padL+plotW-4, "end"
		if i%2 == 1 {
			x, anchor = padL+4, "start"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`, f1(x), f1(yy-5), anchor, h.Color, esc(h.Label))
	}
	// Lines, then their marks on top.
	for _, s := range c.Series {
		var pts []string
		flush := func() {
			if len(pts) > 0 {
				dash := ""
				if s.Dash != "" {
					dash = ` stroke-dasharray="` + s.Dash + `"`
				}
				fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2.2" stroke-linejoin="round"%s points="%s"/>`, s.Color, dash, strings.Join(pts, " "))
				if len(pts) == 1 {
					fmt.Fprintf(&b, `<circle r="2.5" fill="%s" cx="%s" cy="%s"/>`, s.Color, strings.Split(pts[0], ",")[0], strings.Split(pts[0], ",")[1])
				}
			}
			pts = nil
		}
		for i, y := range s.Y {
			if math.IsNaN(y) {
				flush()
				continue
			}
			pts = append(pts, f1(px(c.X[i]))+","+f1(py(y)))
		}
		flush()
	}
	for _, s := range c.Series {
		if s.Mark == nil {
			continue
		}
		mx := *s.Mark
		my := interpolate(c.X, s.Y, mx)
		if math.IsNaN(my) {
			continue
		}
		xx, yy := px(mx), py(my)
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.2" stroke-dasharray="2 3"/>`, f1(xx), f1(yy), f1(xx), f1(padT+plotH), s.Color)
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="5" fill="#ffffff" stroke="%s" stroke-width="2.4"/>`, f1(xx), f1(yy), s.Color)
	}
	if clipped {
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#555555">▲ above %s: drawn at the top edge</text>`, f1(padL+6), f1(padT+12), esc(c.YFmt(top)))
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}

// niceScale picks a tick step of 1, 2 or 5 × 10^k giving about five ticks,
// and the top of the axis as a whole number of steps.
func niceScale(max float64) (step, top float64) {
	if max <= 0 || math.IsNaN(max) {
		return 1, 1
	}
	raw := max / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		step = mag
	case f <= 2:
		step = 2 * mag
	case f <= 5:
		step = 5 * mag
	default:
		step = 10 * mag
	}
	top = math.Ceil(max/step-1e-9) * step
	if top == 0 {
		top = step
	}
	return step, top
}

func xStride(n int) int {
	switch {
	case n <= 13:
		return 1
	case n <= 25:
		return 2
	case n <= 61:
		return 6
	}
	return 12
}

// interpolate reads y at x along the series, linearly between points;
// +Inf points count as the top edge, so a mark lands on the drawn line.
func interpolate(xs, ys []float64, x float64) float64 {
	for i := 0; i+1 < len(xs); i++ {
		if x >= xs[i] && x <= xs[i+1] {
			a, b := ys[i], ys[i+1]
			if math.IsNaN(a) || math.IsNaN(b) {
				return math.NaN()
			}
			if math.IsInf(a, 1) || math.IsInf(b, 1) {
				return math.Inf(1)
			}
			t := (x - xs[i]) / (xs[i+1] - xs[i])
			return a + t*(b-a)
		}
	}
	if len(xs) > 0 && x <= xs[0] {
		return ys[0]
	}
	return math.NaN()
}

// f1 writes a coordinate with one decimal, without a trailing ".0".
func f1(x float64) string {
	s := fmt.Sprintf("%.1f", x)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		s = "0"
	}
	return s
}

func trimFloat(x float64) string {
	if x == math.Trunc(x) {
		return fmt.Sprintf("%d", int64(x))
	}
	return fmt.Sprintf("%.1f", x)
}

// esc escapes text for SVG and HTML.
func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
