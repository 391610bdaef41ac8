package report

import (
	"fmt"
	"math"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
)

// Line colours are dark enough for white paper and told apart by their
// dashes as well, so the charts survive a black-and-white printer.
var (
	cloudLooks = map[string][2]string{
		"aws":   {"#c45100", ""},
		"gcp":   {"#1a5fb4", "8 4"},
		"azure": {"#1b7f5f", "2 3"},
	}
	tierColors = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9", "#6a3d9a", "#444444"}
	tierDashes = []string{"", "8 4", "2 3", "10 3 2 3"}
)

const (
	colorLimit  = "#b71c1c"
	colorTarget = "#757575"
)

// legendItem is one key entry beside a chart.
type legendItem struct {
	Color, Dash, Text string
}

// growthCharts draws monthly cost per cloud and utilisation per tier over
// the horizon.
func growthCharts(in *Input) (cost, util string, costKey, utilKey []legendItem) {
	g := in.Growth
	if g == nil || len(g.Months) < 2 {
		return "", "", nil, nil
	}
	xs := make([]float64, len(g.Months))
	for i, m := range g.Months {
		xs[i] = float64(m.Month)
	}
	cc := &lineChart{
		Title:  "Monthly cost per cloud as traffic grows",
		Desc:   fmt.Sprintf("Monthly cost in USD on %s, months 0 to %d, with every tier scaled to what that month's peak needs.", strings.Join(estimator.Clouds, ", "), g.Months[len(g.Months)-1].Month),
		XLabel: "month", YLabel: "USD per month", X: xs,
		YFmt: func(y float64) string { return compactUSD(y) },
	}
	for _, cl := range estimator.Clouds {
		look := cloudLooks[cl]
		s := series{Name: cl, Color: look[0], Dash: look[1]}
		for _, m := range g.Months {
			s.Y = append(s.Y, m.NeededUSD[cl])
		}
		cc.Series = append(cc.Series, s)
		last := s.Y[len(s.Y)-1]
		note := fmt.Sprintf("%s now → %s in month %d", estimator.USD(s.Y[0]), estimator.USD(last), g.Months[len(g.Months)-1].Month)
		if cl == in.Estimate.Cloud {
			note += " (the design's cloud)"
		}
		costKey = append(costKey, legendItem{Color: look[0], Dash: look[1], Text: cl + ": " + note})
	}
	if b := in.Estimate.BudgetUSD; b != nil {
		cc.HLines = append(cc.HLines, hline{Y: *b, Label: "budget " + estimator.USD(*b), Color: colorLimit})
		costKey = append(costKey, legendItem{Color: colorLimit, Dash: "8 4", Text: "budget " + estimator.USD(*b) + "/month"})
	}

	uc := &lineChart{
		Title:  "Utilisation per tier at its planned size as traffic grows",
		Desc:   "Peak utilisation of each tier's planned instances, months 0 to the horizon; circles mark the month each tier reaches 100%.",
		XLabel: "month", YLabel: "peak utilisation", X: xs, YCap: 2,
		YFmt: func(y float64) string { return estimator.Num(math.Round(y*100)) + "%" },
	}
	uc.HLines = append(uc.HLines, hline{Y: 1, Label: "100%: saturated", Color: colorLimit})
	if t := in.Design.Services.TargetUtilization; t > 0 && t < 1 {
		uc.HLines = append(uc.HLines, hline{Y: t, Label: "target " + estimator.Pct(t), Color: colorTarget})
	}
	for i, t := range g.Tiers {
		s := series{Name: t, Color: tierColors[i%len(tierColors)], Dash: tierDashes[i%len(tierDashes)]}
		for _, m := range g.Months {
			u, ok := m.Utilisation[t]
			if !ok {
				u = math.NaN()
			}
			s.Y = append(s.Y, u)
		}
		note := t + ": " + utilRange(s.Y)
		if m, ok := saturates(xs, s.Y, g.Ceilings[t]); ok {
			s.Mark = &m
			note += " — ○ reaches 100% " + when(m)
		}
		for _, c := range g.Ceilings[t] {
			if s.Mark != nil && *s.Mark == float64(c.Months) {
				continue // the circle already says it
			}
			note += fmt.Sprintf("; %s ceiling %s", c.Resource, when(float64(c.Months)))
			if !c.ScalesOut {
				note += " (needs a redesign)"
			}
		}
		uc.Series = append(uc.Series, s)
		utilKey = append(utilKey, legendItem{Color: s.Color, Dash: s.Dash, Text: note})
	}
	return cc.svg(), uc.svg(), costKey, utilKey
}

// saturates finds the month the drawn line reaches 100%: where the
// runway puts it when one of the tier's ceilings falls within a month of
// the line's crossing (the runway is exact, the line joins monthly
// points), else the crossing itself.
func saturates(xs, ys []float64, ceilings []estimator.Runway) (float64, bool) {
	cross := math.NaN()
	for i := range ys {
		y := ys[i]
		if math.IsNaN(y) {
			continue
		}
		if y >= 1 {
			if i == 0 || math.IsNaN(ys[i-1]) || math.IsInf(y, 1) {
				cross = xs[i]
			} else {
				cross = xs[i-1] + (1-ys[i-1])/(y-ys[i-1])*(xs[i]-xs[i-1])
			}
			break
		}
	}
	if math.IsNaN(cross) {
		return 0, false
	}
	for _, c := range ceilings {
		if m := float64(c.Months); math.Abs(m-cross) <= 1 {
			return m, true
		}
	}
	return math.Round(cross*10) / 10, true
}

// utilRange says where a tier starts and ends over the horizon.
func utilRange(ys []float64) string {
	f := func(u float64) string {
		switch {
		case math.IsInf(u, 1):
			return "down"
		case math.IsNaN(u):
			return "—"
		case u > 0 && u < 0.001:
			return "<0.1%"
		}
		return estimator.Pct(u)
	}
	return f(ys[0]) + " → " + f(ys[len(ys)-1])
}

// compactUSD labels an axis: $800, $12k, $1.2M.
func compactUSD(x float64) string {
	switch {
	case x >= 1e6:
		return "$" + estimator.Num(x/1e6) + "M"
	case x >= 1e3:
		return "$" + estimator.Num(x/1e3) + "k"
	}
	return "$" + estimator.Num(x)
}

// latencyBars draws each operation's p99 against its SLO: a bar per
// operation, a tick at the SLO, red when it misses.
func latencyBars(ops []opRow) string {
	var withSLO []opRow
	for _, o := range ops {
		if o.HasSLO {
			withSLO = append(withSLO, o)
		}
	}
	if len(withSLO) == 0 {
		return ""
	}
	const rowH, labelW, w = 36.0, 150.0, chartW
	h := float64(len(withSLO))*rowH + 30
	plotW := w - labelW - 20
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %s %s" role="img" xmlns="http://www.w3.org/2000/svg">`, f1(w), f1(h))
	b.WriteString(`<title>p99 latency against the SLO per operation</title><desc>One bar per operation: the estimated p99 at peak; the black tick is the SLO.</desc>`)
	fmt.Fprintf(&b, `<g font-family="Arial, Helvetica, sans-serif" font-size="%s" fill="#212121">`, f1(chartFont))
	for i, o := range withSLO {
		y := 10 + float64(i)*rowH
		scale := math.Max(o.SLOMs, o.P99Ms) * 1.15
		if math.IsInf(o.P99Ms, 1) {
			scale = o.SLOMs * 1.5
		}
		bar := plotW
		if !math.IsInf(o.P99Ms, 1) {
			bar = o.P99Ms / scale * plotW
		}
		color := "#1b5e20"
		if !o.Meets {
			color = colorLimit
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" text-anchor="end" font-weight="bold">%s</text>`, f1(labelW-8), f1(y+15), esc(o.Name))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="14" fill="#f1f3f4"/>`, f1(labelW), f1(y+4), f1(plotW))
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="14" fill="%s"/>`, f1(labelW), f1(y+4), f1(math.Max(bar, 1.5)), color)
		sx := labelW + o.SLOMs/scale*plotW
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#212121" stroke-width="2.5"/>`, f1(sx), f1(y), f1(sx), f1(y+22))
		text := fmt.Sprintf("p99 %s · SLO %s ms", o.P99, o.SLO)
		fmt.Fprintf(&b, `<text x="%s" y="%s" fill="#555555" font-size="11">%s</text>`, f1(labelW), f1(y+32), esc(text))
	}
	b.WriteString(`</g></svg>`)
	return b.String()
}
