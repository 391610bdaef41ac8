package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sync"

	"github.com/tradeoff-dev/tradeoff/diagram"
)

//go:embed report.html.tmpl
var htmlTemplate string

//go:embed report.css
var css string

// page is parsed on first use, not at start-up: every tradeoff command
// links this package, and only report needs the template.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Parse(htmlTemplate))
})

// key is a legend entry with its drawn sample.
type key struct {
	Sample template.HTML
	Text   string
}

type opView struct {
	Name, Why string
	SVG       template.HTML
	Notes     []string
}

type htmlPage struct {
	V   *view
	CSS template.CSS

	Diagram      template.HTML
	DiagramNote  string
	DiagramKey   []key
	DiagramNotes []string

	LatencyChart template.HTML
	// Operations are the per-operation views, drawn with the built-in layout.
	Operations []opView
	CostChart  template.HTML
	UtilChart  template.HTML
	CostKey    []key
	UtilKey    []key
	BudgetBar  string
}

// WriteHTML writes the review as one self-contained HTML page: inline CSS
// and SVG, no scripts, no request to anywhere else.
func WriteHTML(w io.Writer, in *Input) error {
	v := newView(in)
	p := htmlPage{V: v, CSS: template.CSS(css)}

	// The SVG strings below are built by this package from escaped text
	// (or, for Graphviz's picture, checked to be well-formed XML), which is
	// what makes them safe to mark as HTML.
	if in.Diagram.SVG != nil {
		svg, err := InlineSVG(in.Diagram.SVG)
		if err != nil {
			return err
		}
		p.Diagram = template.HTML(svg)
		p.DiagramNote = "Laid out by Graphviz (tradeoff-render)."
	} else if in.Diagram.Graph != nil {
		p.Diagram = template.HTML(LayoutSVG(in.Diagram.Graph))
		p.DiagramNote = "Drawn with tradeoff's built-in layout; install tradeoff-render for the Graphviz layout."
	}
	if g := in.Diagram.Graph; g != nil {
		p.DiagramNote = g.Subtitle + ". " + p.DiagramNote
		// Graphviz's picture carries its own legend and notes.
		if in.Diagram.SVG == nil {
			p.DiagramKey = diagramKey(g)
			p.DiagramNotes = g.Notes
		}
	}

	p.LatencyChart = template.HTML(latencyBars(v.Ops))
	for _, od := range in.Operations {
		// Built by this package's layout from escaped text, as the overview.
		p.Operations = append(p.Operations, opView{Name: od.Name, Why: od.Why, SVG: template.HTML(LayoutSVG(od.Graph)), Notes: od.Graph.Notes})
	}
	cost, util, costKey, utilKey := growthCharts(in)
	p.CostChart, p.UtilChart = template.HTML(cost), template.HTML(util)
	p.CostKey, p.UtilKey = keys(costKey), keys(utilKey)
	p.BudgetBar = fmt.Sprintf("%.1f", math.Min(v.Avail.UsedPct, 100))

	var buf bytes.Buffer
	if err := page().Execute(&buf, p); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func keys(items []legendItem) []key {
	out := make([]key, len(items))
	for i, it := range items {
		out[i] = key{Sample: lineSample(it.Color, it.Dash, "2.2"), Text: it.Text}
	}
	return out
}

// lineSample is a short line in a legend, drawn as the chart draws it.
func lineSample(color, dash, width string) template.HTML {
	d := ""
	if dash != "" {
		d = ` stroke-dasharray="` + dash + `"`
	}
	return template.HTML(fmt.Sprintf(`<svg viewBox="0 0 34 12" aria-hidden="true"><line x1="1" y1="6" x2="33" y2="6" stroke="%s" stroke-width="%s"%s/></svg>`, esc(color), esc(width), d))
}

// diagramKey explains the styles and colours the picture uses.
func diagramKey(g *diagram.Graph) []key {
	var out []key
	for _, s := range g.Legend.Styles {
		look := diagram.StyleLookOf(s)
		width := look.Width
		dash := ""
		switch look.Dash {
		case "dashed":
			dash = "6 4"
		case "dotted":
			dash = "2 3"
		case "bold":
			width = "3"
		}
		out = append(out, key{Sample: lineSample(look.Color, dash, width), Text: look.Label})
	}
	for _, s := range g.Legend.Severities {
		bg, fg := diagram.SeverityColors(s)
		out = append(out, key{Sample: template.HTML(fmt.Sprintf(`<span class="swatch" style="background:%s;color:%s">%s</span>`, esc(bg), esc(fg), esc(s.String()))),
			Text: "worst open finding on the component is " + s.String()})
	}
	if g.Legend.Waived {
		out = append(out, key{Sample: template.HTML(fmt.Sprintf(`<span class="swatch" style="border:1px solid %s;color:%s">waived</span>`, diagram.WaivedColor, diagram.WaivedColor)),
			Text: "findings the team accepted (waivers in the design)"})
	}
	return out
}
