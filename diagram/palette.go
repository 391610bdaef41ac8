package diagram

// Exported views of the palette, so that another renderer (the report's
// built-in SVG layout, used when tradeoff-render is not installed) draws
// the same picture in the same colours without copying them.

// NodeLook is how a node is drawn: its fill, its border and whether the
// border is dashed (a missing tier, or one the failure view took down).
type NodeLook struct {
	Fill, Border string
	BorderWidth  string
	Dashed       bool
	// Cylinder is true for the database tiers.
	Cylinder bool
}

// LookOf returns how a node is drawn, exactly as WriteDOT draws it.
func LookOf(n *Node) NodeLook {
	look := kindLooks[n.Kind]
	l := NodeLook{Fill: look.fill, Border: colorBorder, BorderWidth: "1.2", Cylinder: look.shape == "cylinder"}
	if n.Badge != nil {
		if n.Badge.Open > 0 {
			l.Border, l.BorderWidth = severityColors[n.Badge.Worst][0], "2.6"
		} else {
			l.Border, l.BorderWidth = colorWaived, "2"
		}
	}
	switch n.Status {
	case StatusDown:
		l.Fill, l.Border, l.BorderWidth, l.Dashed = colorDownFill, colorDown, "2.6", true
	case StatusDegraded:
		l.Fill = colorDegrFill
	}
	if n.Missing {
		l.Fill, l.Dashed = "#ffffff", true
	}
	return l
}

// EdgeLook is how an edge is drawn.
type EdgeLook struct {
	Color string
	// Dash is "solid", "dashed", "dotted" or "bold".
	Dash  string
	Width string
	// Label explains the style in a legend.
	Label string
	// Constraint is false for side traffic (telemetry, the probe) that
	// should not shape the layout.
	Constraint bool
}

// EdgeLookOf returns how an edge is drawn, exactly as WriteDOT draws it.
func EdgeLookOf(e *Edge) EdgeLook {
	l := StyleLookOf(e.Style)
	if e.Lost {
		l.Color, l.Dash = colorLostEdge, "dashed"
	}
	return l
}

// StyleLookOf returns how edges of a style are drawn, for legends.
func StyleLookOf(s Style) EdgeLook {
	look := styleLooks[s]
	return EdgeLook{Color: look.color, Dash: look.style, Width: look.width, Label: look.label, Constraint: look.constraint}
}

// SeverityColors returns a badge's background and the text colour that
// reads on it.
func SeverityColors(s Severity) (bg, fg string) {
	c := severityColors[s]
	return c[0], c[1]
}

// BadgeText says how many open findings a node has and the worst of them.
func BadgeText(b *Badge) string { return badgeText(b) }

// Colours of text and of a lost edge, for renderers outside this package.
const (
	TextColor   = colorText
	SubtleColor = colorSubtle
	DownColor   = colorDown
	WaivedColor = colorWaived
)
