package report

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/tradeoff-dev/tradeoff/diagram"
)

// The built-in layout draws a diagram.Graph as SVG without Graphviz, for
// machines where tradeoff-render is not installed. It is the layered
// drawing the talk's pictures are: tiers top to bottom (longest path over
// the request edges), each tier ordered under the nodes that feed it, and
// edges as curves from the bottom of one box to the top of the next. It is
// plainer than Graphviz's (edges may cross a box) but shows the same nodes,
// numbers, badges and labels in the same colours.

const (
	titleSize   = 13.0
	detailSize  = 11.0
	titleLineH  = 17.0
	detailLineH = 14.0
	boxPadX     = 10.0
	boxPadY     = 8.0
	badgeH      = 20.0
	nodeGap     = 52.0
	rankGap     = 44.0
	marginX     = 16.0
	headerH     = 50.0
)

type lbox struct {
	n          *diagram.Node
	rank       int
	index      int // position in the graph's node list
	w, h, x, y float64
}

func (b *lbox) cx() float64 { return b.x + b.w/2 }

// sameRank pairs put side nodes beside the tier they serve, as the DOT
// output does: the probe beside the clients, the collector beside the app,
// the queue beside the cache, the workers beside the database.
var sameRank = [][2]diagram.Kind{
	{diagram.KindClients, diagram.KindProbe},
	{diagram.KindApp, diagram.KindCollector},
	{diagram.KindCache, diagram.KindQueue},
	{diagram.KindPrimary, diagram.KindWorkers},
}

// arrange sizes every node, ranks it and places it across its rank.
func arrange(g *diagram.Graph) (boxes map[string]*lbox, order []*lbox, ranks [][]*lbox) {
	boxes = map[string]*lbox{}
	for i, n := range g.Nodes {
		b := &lbox{n: n, index: i}
		b.w, b.h = boxSize(n)
		boxes[n.ID] = b
		order = append(order, b)
	}
	rankNodes(g, boxes)
	ranks = groupRanks(order)
	placeRanks(g, boxes, ranks)
	return boxes, order, ranks
}

// LayoutSVG draws g with the built-in layout.
func LayoutSVG(g *diagram.Graph) []byte {
	boxes, order, ranks := arrange(g)

	// Edge label space between ranks.
	labelH := make([]float64, len(ranks)+1)
	for _, e := range g.Edges {
		to := boxes[e.To]
		if to == nil || boxes[e.From] == nil {
			continue
		}
		h := float64(len(e.Label)) * detailLineH
		if e.Lost {
			h += detailLineH
		}
		if to.rank < len(labelH) && h > labelH[to.rank] {
			labelH[to.rank] = h
		}
	}
	y := headerH
	for r, row := range ranks {
		if r > 0 {
			y += rankGap + labelH[r]*0.6
		}
		tallest := 0.0
		for _, b := range row {
			tallest = math.Max(tallest, b.h)
		}
		for _, b := range row {
			b.y = y + (tallest-b.h)/2
		}
		y += tallest
	}
	lay := &layout{g: g, boxes: boxes, ranks: ranks}
	for _, b := range order {
		lay.taken = append(lay.taken, rect{b.x, b.y, b.w, b.h})
	}
	var edges, labels, nodes strings.Builder
	for _, e := range g.Edges {
		lay.drawEdge(&edges, &labels, e)
	}
	for _, b := range order {
		drawBox(&nodes, b)
	}

	// The drawing's extent: boxes, labels and the curves of upward edges.
	minX, maxX, height := 0.0, lay.right, y+marginX
	for _, r := range lay.taken {
		minX = math.Min(minX, r.x-marginX)
		maxX = math.Max(maxX, r.x+r.w+marginX)
		height = math.Max(height, r.y+r.h+marginX)
	}
	headW := math.Max(textWidth(g.Title, titleSize+4, true), textWidth(g.Subtitle, detailSize, false)) + 2*marginX
	maxX = math.Max(maxX, minX+headW)
	width := maxX - minX
	center := minX + width/2

	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="diagram" viewBox="%s 0 %s %s" style="max-width:%spx" role="img" xmlns="http://www.w3.org/2000/svg">`, f1(minX), f1(width), f1(height), f1(width))
	fmt.Fprintf(&s, `<title>%s</title>`, esc(g.Title))
	s.WriteString(`<defs>`)
	for _, c := range arrowColors(g) {
		fmt.Fprintf(&s, `<marker id="tro-arrow-%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`, strings.TrimPrefix(c, "#"), c)
	}
	s.WriteString(`</defs>`)
	fmt.Fprintf(&s, `<g font-family="Arial, Helvetica, sans-serif" fill="%s">`, diagram.TextColor)
	fmt.Fprintf(&s, `<rect x="%s" y="0" width="%s" height="%s" fill="#ffffff"/>`, f1(minX), f1(width), f1(height))
	fmt.Fprintf(&s, `<text x="%s" y="24" text-anchor="middle" font-size="%s" font-weight="bold">%s</text>`, f1(center), f1(titleSize+4), esc(g.Title))
	fmt.Fprintf(&s, `<text x="%s" y="40" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, f1(center), f1(detailSize), diagram.SubtleColor, esc(g.Subtitle))
	s.WriteString(edges.String())
	s.WriteString(nodes.String())
	s.WriteString(labels.String())
	s.WriteString(`</g></svg>`)
	return []byte(s.String())
}

// boxSize measures a node's text.
func boxSize(n *diagram.Node) (w, h float64) {
	w = textWidth(n.Title, titleSize, true)
	h = titleLineH
	for _, l := range n.Lines {
		w = math.Max(w, textWidth(l, detailSize, false))
		h += detailLineH
	}
	for _, l := range n.Numbers {
		w = math.Max(w, textWidth(l, detailSize, true))
		h += detailLineH
	}
	for _, part := range statusLines(n) {
		w = math.Max(w, textWidth(part, detailSize, true))
		h += detailLineH
	}
	if n.Badge != nil {
		w = math.Max(w, badgeWidth(n.Badge))
		h += badgeH + 4
	}
	w += 2 * boxPadX
	h += 2 * boxPadY
	if diagram.LookOf(n).Cylinder {
		h += 10
	}
	return math.Ceil(w), math.Ceil(h)
}

func statusLines(n *diagram.Node) []string {
	if n.StatusText == "" {
		return nil
	}
	mark := "▲ "
	switch n.Status {
	case diagram.StatusDown:
		mark = "✕ "
	case diagram.StatusUp:
		mark = "✓ "
	}
	parts := strings.Split(n.StatusText, "; ")
	parts[0] = mark + parts[0]
	return parts
}

func badgeWidth(bd *diagram.Badge) float64 {
	w := 0.0
	if bd.Open > 0 {
		w += textWidth(diagram.BadgeText(bd), detailSize, true) + 12
	}
	if bd.Waived > 0 {
		w += textWidth(fmt.Sprintf("%d waived", bd.Waived), detailSize, false) + 12 + 4
	}
	return w
}

// textWidth estimates rendered width from Arial's average advance (about
// 0.55 em, 0.6 em bold): exact metrics would need a font file, and the
// boxes only have to be a little wider than their text.
func textWidth(s string, size float64, bold bool) float64 {
	em := 0.55
	if bold {
		em = 0.6
	}
	return float64(utf8.RuneCountInString(s)) * size * em
}

// rankNodes assigns each node a rank by longest path over the edges that
// shape the layout, keeping the same-rank pairs level.
func rankNodes(g *diagram.Graph, boxes map[string]*lbox) {
	kindOf := map[string]diagram.Kind{}
	byKind := map[diagram.Kind]*lbox{}
	for _, n := range g.Nodes {
		kindOf[n.ID] = n.Kind
		if byKind[n.Kind] == nil {
			byKind[n.Kind] = boxes[n.ID]
		}
	}
	paired := func(a, b string) bool {
		for _, p := range sameRank {
			ka, kb := kindOf[a], kindOf[b]
			if (ka == p[0] && kb == p[1]) || (ka == p[1] && kb == p[0]) {
				return true
			}
		}
		return false
	}
	type link struct{ from, to *lbox }
	var links []link
	hasCacheDB := false
	for _, e := range g.Edges {
		from, to := boxes[e.From], boxes[e.To]
		if from == nil || to == nil || from == to || !diagram.EdgeLookOf(e).Constraint || paired(e.From, e.To) {
			continue
		}
		links = append(links, link{from, to})
		if from.n.Kind == diagram.KindCache && to.n.Kind == diagram.KindPrimary {
			hasCacheDB = true
		}
	}
	// The cache sits between the app and the database even when no request
	// goes from one to the other (cache-aside).
	if c, d := byKind[diagram.KindCache], byKind[diagram.KindPrimary]; c != nil && d != nil && !hasCacheDB {
		links = append(links, link{c, d})
	}
	for iter := 0; iter <= len(boxes)+1; iter++ {
		changed := false
		for _, l := range links {
			if l.to.rank < l.from.rank+1 {
				l.to.rank = l.from.rank + 1
				changed = true
			}
		}
		for _, p := range sameRank {
			a, b := byKind[p[0]], byKind[p[1]]
			if a == nil || b == nil || a.rank == b.rank {
				continue
			}
			m := max(a.rank, b.rank)
			a.rank, b.rank = m, m
			changed = true
		}
		if !changed {
			break
		}
	}
}

func groupRanks(order []*lbox) [][]*lbox {
	top := 0
	for _, b := range order {
		top = max(top, b.rank)
	}
	ranks := make([][]*lbox, top+1)
	for _, b := range order {
		ranks[b.rank] = append(ranks[b.rank], b)
	}
	// Drop empty ranks a cycle guard may have left.
	out := ranks[:0]
	for _, r := range ranks {
		if len(r) > 0 {
			out = append(out, r)
		}
	}
	for i, r := range out {
		for _, b := range r {
			b.rank = i
		}
	}
	return out
}

// placeRanks sets x: the first rank left to right, every later rank under
// the mean of the nodes that feed it, pushed apart where boxes overlap.
func placeRanks(g *diagram.Graph, boxes map[string]*lbox, ranks [][]*lbox) {
	preds := map[*lbox][]*lbox{}
	for _, e := range g.Edges {
		from, to := boxes[e.From], boxes[e.To]
		if from != nil && to != nil && from.rank < to.rank {
			preds[to] = append(preds[to], from)
		}
	}
	if len(ranks) == 0 {
		return
	}
	x := marginX
	for _, b := range ranks[0] {
		b.x = x
		x += b.w + nodeGap
	}
	for r := 1; r < len(ranks); r++ {
		row := ranks[r]
		want := map[*lbox]float64{}
		for i, b := range row {
			ps := preds[b]
			if len(ps) == 0 {
				// No feeder above: keep to the right of its rank, in
				// graph order.
				want[b] = 1e6 + float64(i)
				continue
			}
			sum := 0.0
			for _, p := range ps {
				sum += p.cx()
			}
			want[b] = sum / float64(len(ps))
		}
		sort.SliceStable(row, func(i, j int) bool {
			if want[row[i]] != want[row[j]] {
				return want[row[i]] < want[row[j]]
			}
			return row[i].index < row[j].index
		})
		// Place at the wanted centres, pushing right to avoid overlap,
		// then shift the rank back by the mean displacement.
		prevRight := math.Inf(-1)
		shift, counted := 0.0, 0
		for _, b := range row {
			w := want[b]
			if w >= 1e6 {
				w = prevRight + nodeGap + b.w/2
				if math.IsInf(prevRight, -1) {
					w = marginX + b.w/2
				}
			} else {
				shift += w
				counted++
			}
			b.x = math.Max(w-b.w/2, prevRight+nodeGap)
			if counted > 0 && want[b] < 1e6 {
				shift -= b.cx()
			}
			prevRight = b.x + b.w
		}
		if counted > 0 {
			d := shift / float64(counted)
			for _, b := range row {
				b.x += d
			}
		}
	}
	minX := math.Inf(1)
	for _, row := range ranks {
		for _, b := range row {
			minX = math.Min(minX, b.x)
		}
	}
	for _, row := range ranks {
		for _, b := range row {
			b.x += marginX - minX
		}
	}
}

func arrowColors(g *diagram.Graph) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range g.Edges {
		c := diagram.EdgeLookOf(e).Color
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}

func dashArray(dash string) string {
	switch dash {
	case "dashed":
		return ` stroke-dasharray="6 4"`
	case "dotted":
		return ` stroke-dasharray="2 3"`
	}
	return ""
}

// layout is a placed graph, and the space its boxes and labels take.
type layout struct {
	g     *diagram.Graph
	boxes map[string]*lbox
	ranks [][]*lbox
	taken []rect
	// right is the furthest an upward edge curves out.
	right float64
}

type rect struct{ x, y, w, h float64 }

// overlap is the area two rectangles share.
func (a rect) overlap(b rect) float64 {
	w := math.Min(a.x+a.w, b.x+b.w) - math.Max(a.x, b.x)
	h := math.Min(a.y+a.h, b.y+b.h) - math.Max(a.y, b.y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

type pt struct{ x, y float64 }

// route is the points a downward edge passes: straight from box to box, or
// past the side of any box in the ranks it skips.
func (l *layout) route(from, to *lbox) []pt {
	sx := from.cx() + spread(l.g, l.boxes, from, to, true)
	ex := to.cx() + spread(l.g, l.boxes, to, from, false)
	sy, ey := from.y+from.h, to.y
	pts := []pt{{sx, sy}}
	for r := from.rank + 1; r < to.rank; r++ {
		row := l.ranks[r]
		top, bottom := math.Inf(1), math.Inf(-1)
		for _, b := range row {
			top, bottom = math.Min(top, b.y), math.Max(bottom, b.y+b.h)
		}
		mid := (top + bottom) / 2
		x := sx + (ex-sx)*(mid-sy)/(ey-sy)
		for i, b := range row {
			if x < b.x-8 || x > b.x+b.w+8 {
				continue
			}
			left, right := b.x-14, b.x+b.w+14
			if i > 0 {
				left = (row[i-1].x + row[i-1].w + b.x) / 2
			}
			if i+1 < len(row) {
				right = (b.x + b.w + row[i+1].x) / 2
			}
			if x-left <= right-x {
				x = left
			} else {
				x = right
			}
			break
		}
		pts = append(pts, pt{x, top - 6}, pt{x, bottom + 6})
	}
	return append(pts, pt{ex, ey})
}

// curve joins points with vertical tangents, so the edge leaves and enters
// boxes straight and bends between the ranks.
func curve(pts []pt) string {
	var b strings.Builder
	fmt.Fprintf(&b, "M%s,%s", f1(pts[0].x), f1(pts[0].y))
	for i := 1; i < len(pts); i++ {
		p, q := pts[i-1], pts[i]
		if p.x == q.x {
			fmt.Fprintf(&b, " L%s,%s", f1(q.x), f1(q.y))
			continue
		}
		dy := (q.y - p.y) / 2
		fmt.Fprintf(&b, " C%s,%s %s,%s %s,%s", f1(p.x), f1(p.y+dy), f1(q.x), f1(q.y-dy), f1(q.x), f1(q.y))
	}
	return b.String()
}

// middle is the point halfway along the route's straight segments.
func middle(pts []pt) pt {
	total := 0.0
	for i := 1; i < len(pts); i++ {
		total += math.Hypot(pts[i].x-pts[i-1].x, pts[i].y-pts[i-1].y)
	}
	half := total / 2
	for i := 1; i < len(pts); i++ {
		seg := math.Hypot(pts[i].x-pts[i-1].x, pts[i].y-pts[i-1].y)
		if seg >= half && seg > 0 {
			t := half / seg
			return pt{pts[i-1].x + t*(pts[i].x-pts[i-1].x), pts[i-1].y + t*(pts[i].y-pts[i-1].y)}
		}
		half -= seg
	}
	return pts[len(pts)-1]
}

// drawEdge writes the edge's curve to s and its label to labels, which are
// drawn last so that no box hides them.
func (l *layout) drawEdge(s, labels *strings.Builder, e *diagram.Edge) {
	from, to := l.boxes[e.From], l.boxes[e.To]
	if from == nil || to == nil {
		return
	}
	look := diagram.EdgeLookOf(e)
	var d string
	var mid pt
	switch {
	case to.rank > from.rank:
		pts := l.route(from, to)
		d, mid = curve(pts), middle(pts)
	case to.rank == from.rank:
		sy := from.y + from.h/2
		ey := to.y + to.h/2
		sx, ex := from.x+from.w, to.x
		if to.x < from.x {
			sx, ex = from.x, to.x+to.w
		}
		d = fmt.Sprintf("M%s,%s L%s,%s", f1(sx), f1(sy), f1(ex), f1(ey))
		mid = pt{(sx + ex) / 2, (sy + ey) / 2}
	default:
		// Upward: out of the right side and round.
		sx, sy := from.x+from.w, from.y+from.h/2
		ex, ey := to.x+to.w, to.y+to.h/2
		out := math.Max(sx, ex) + 50
		l.right = math.Max(l.right, out+marginX)
		d = fmt.Sprintf("M%s,%s C%s,%s %s,%s %s,%s", f1(sx), f1(sy), f1(out), f1(sy), f1(out), f1(ey), f1(ex), f1(ey))
		mid = pt{out - 12, (sy + ey) / 2}
	}
	width := look.Width
	if look.Dash == "bold" {
		width = "2.6"
	}
	fmt.Fprintf(s, `<path d="%s" fill="none" stroke="%s" stroke-width="%s"%s marker-end="url(#tro-arrow-%s)"/>`,
		d, look.Color, width, dashArray(look.Dash), strings.TrimPrefix(look.Color, "#"))
	lines := append([]string(nil), e.Label...)
	if e.Lost {
		lines = append([]string{"✕ lost"}, lines...)
	}
	if len(lines) == 0 {
		return
	}
	w := 0.0
	for _, ln := range lines {
		w = math.Max(w, textWidth(ln, detailSize, true))
	}
	h := float64(len(lines)) * detailLineH
	at := l.place(mid, w+4, h+2)
	fmt.Fprintf(labels, `<rect x="%s" y="%s" width="%s" height="%s" fill="#ffffff" fill-opacity="0.85"/>`, f1(at.x), f1(at.y), f1(w+4), f1(h+2))
	for i, ln := range lines {
		weight := ""
		if i == 0 {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(labels, `<text x="%s" y="%s" font-size="%s" fill="%s"%s>%s</text>`, f1(at.x+2), f1(at.y+1+float64(i+1)*detailLineH-3), f1(detailSize), look.Color, weight, esc(ln))
	}
}

// place finds room for a label near an edge's middle: to its right, to
// its left, then a little higher or lower, clear of every box and of the
// labels already placed. When no spot is clear it takes the one that
// covers least.
func (l *layout) place(mid pt, w, h float64) pt {
	best, bestCover := pt{}, math.Inf(1)
	for _, dy := range []float64{0, -10, 10, -20, 20, -32, 32, -46, 46} {
		for _, x := range []float64{mid.x + 4, mid.x - 4 - w} {
			t := pt{x, mid.y - h/2 + dy}
			r := rect{t.x, t.y, w, h}
			cover := 0.0
			for _, o := range l.taken {
				cover += r.overlap(o)
			}
			if cover < bestCover {
				best, bestCover = t, cover
			}
			if cover == 0 {
				l.taken = append(l.taken, r)
				return t
			}
		}
	}
	l.taken = append(l.taken, rect{best.x, best.y, w, h})
	return best
}

// spread offsets the ends of several edges leaving (or entering) one box,
// ordered by where the other end is, so they do not start at one point.
func spread(g *diagram.Graph, boxes map[string]*lbox, at, other *lbox, leaving bool) float64 {
	var others []*lbox
	for _, e := range g.Edges {
		from, to := boxes[e.From], boxes[e.To]
		if from == nil || to == nil || to.rank <= from.rank {
			continue
		}
		if leaving && from == at {
			others = append(others, to)
		}
		if !leaving && to == at {
			others = append(others, from)
		}
	}
	if len(others) < 2 {
		return 0
	}
	sort.SliceStable(others, func(i, j int) bool { return others[i].cx() < others[j].cx() })
	pos := 0
	for i, o := range others {
		if o == other {
			pos = i
			break
		}
	}
	step := math.Min(24, at.w/float64(len(others)+1))
	return (float64(pos) - float64(len(others)-1)/2) * step
}

func drawBox(s *strings.Builder, b *lbox) {
	n := b.n
	look := diagram.LookOf(n)
	dash := ""
	if look.Dashed {
		dash = ` stroke-dasharray="6 4"`
	}
	top := b.y
	if look.Cylinder {
		const ry = 6.0
		fmt.Fprintf(s, `<path d="M%s,%s a%s,%s 0 0 1 %s,0 v%s a%s,%s 0 0 1 -%s,0 z" fill="%s" stroke="%s" stroke-width="%s"%s/>`,
			f1(b.x), f1(b.y+ry), f1(b.w/2), f1(ry), f1(b.w), f1(b.h-2*ry), f1(b.w/2), f1(ry), f1(b.w), look.Fill, look.Border, look.BorderWidth, dash)
		fmt.Fprintf(s, `<path d="M%s,%s a%s,%s 0 0 0 %s,0" fill="none" stroke="%s" stroke-width="%s"/>`,
			f1(b.x), f1(b.y+ry), f1(b.w/2), f1(ry), f1(b.w), look.Border, look.BorderWidth)
		top += 2 * ry
	} else {
		fmt.Fprintf(s, `<rect x="%s" y="%s" width="%s" height="%s" rx="6" fill="%s" stroke="%s" stroke-width="%s"%s/>`,
			f1(b.x), f1(b.y), f1(b.w), f1(b.h), look.Fill, look.Border, look.BorderWidth, dash)
	}
	cx := b.cx()
	y := top + boxPadY + titleSize
	fmt.Fprintf(s, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="bold">%s</text>`, f1(cx), f1(y), f1(titleSize), esc(n.Title))
	line := func(text, color string, bold bool) {
		y += detailLineH
		weight := ""
		if bold {
			weight = ` font-weight="bold"`
		}
		fmt.Fprintf(s, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s"%s>%s</text>`, f1(cx), f1(y), f1(detailSize), color, weight, esc(text))
	}
	y += titleLineH - titleSize - detailLineH + detailSize
	for _, l := range n.Lines {
		line(l, diagram.SubtleColor, false)
	}
	for i, l := range n.Numbers {
		color := diagram.TextColor
		if i == 0 && n.Overloaded {
			color = diagram.DownColor
		}
		line(l, color, true)
	}
	for _, part := range statusLines(n) {
		color := "#a15c00"
		switch n.Status {
		case diagram.StatusDown:
			color = diagram.DownColor
		case diagram.StatusUp:
			color = diagram.SubtleColor
		}
		line(part, color, true)
	}
	if bd := n.Badge; bd != nil {
		by := y + 6
		bx := cx - badgeWidth(bd)/2
		if bd.Open > 0 {
			bg, fg := diagram.SeverityColors(bd.Worst)
			text := diagram.BadgeText(bd)
			w := textWidth(text, detailSize, true) + 12
			fmt.Fprintf(s, `<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="%s"/>`, f1(bx), f1(by), f1(w), f1(badgeH-2), bg)
			fmt.Fprintf(s, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" font-weight="bold" fill="%s">%s</text>`, f1(bx+w/2), f1(by+13), f1(detailSize), fg, esc(text))
			bx += w + 4
		}
		if bd.Waived > 0 {
			text := fmt.Sprintf("%d waived", bd.Waived)
			w := textWidth(text, detailSize, false) + 12
			fmt.Fprintf(s, `<rect x="%s" y="%s" width="%s" height="%s" rx="4" fill="#ffffff" stroke="%s"/>`, f1(bx), f1(by), f1(w), f1(badgeH-2), diagram.WaivedColor)
			fmt.Fprintf(s, `<text x="%s" y="%s" text-anchor="middle" font-size="%s" fill="%s">%s</text>`, f1(bx+w/2), f1(by+13), f1(detailSize), diagram.WaivedColor, esc(text))
		}
	}
}
