package diagram

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteD2 writes the graph as a D2 diagram (d2lang.com): each node with
// its kind's shape and colours, its description and figures as its label,
// its findings as a tooltip; each call with its peak rate. Groups become
// D2 containers. The output is deterministic.
func WriteD2(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	header(p, g, "#")
	p("\ndirection: down\n")
	p("diagram_title: %s {\n  shape: text\n  near: top-center\n  style.font-size: 20\n}\n", d2String(g.Title))

	path := map[string]string{} // node ID → its D2 key, inside its group
	grouped := map[string]string{}
	for _, gr := range g.Groups {
		for _, id := range gr.Nodes {
			grouped[id] = "g_" + d2ID(gr.ID)
		}
	}
	for _, n := range g.Nodes {
		path[n.ID] = n.ID
		if gr, ok := grouped[n.ID]; ok {
			path[n.ID] = gr + "." + n.ID
		}
	}
	writeNode := func(n *Node, indent string) {
		k := exportKinds[n.Kind]
		look := LookOf(n)
		label := append([]string{n.Title}, describe(n)...)
		if n.Kind == KindClients {
			label = []string{n.Title}
		}
		p("%s%s: %s {\n", indent, n.ID, d2String(strings.Join(label, "\n")))
		p("%s  shape: %s\n", indent, k.d2)
		p("%s  style.fill: %s\n", indent, strconv.Quote(look.Fill))
		p("%s  style.stroke: %s\n", indent, strconv.Quote(look.Border))
		if look.BorderWidth != "1.2" {
			p("%s  style.stroke-width: 3\n", indent)
		}
		if look.Dashed {
			p("%s  style.stroke-dash: 4\n", indent)
		}
		if (n.Kind == KindApp || n.Kind == KindWorkers) && strings.Contains(strings.Join(n.Lines, " "), " × ") {
			p("%s  style.multiple: true\n", indent)
		}
		if f := findingText(n); f != "" {
			p("%s  tooltip: %s\n", indent, d2String(f))
		}
		p("%s}\n", indent)
	}
	nodes := g.byID()
	for _, gr := range g.Groups {
		p("g_%s: %s {\n", d2ID(gr.ID), d2String(gr.Label))
		for _, id := range gr.Nodes {
			if n := nodes[id]; n != nil {
				writeNode(n, "  ")
			}
		}
		p("}\n")
	}
	for _, n := range g.Nodes {
		if _, ok := grouped[n.ID]; !ok {
			writeNode(n, "")
		}
	}
	for _, e := range g.Edges {
		look := EdgeLookOf(e)
		arrow := "->"
		p("%s %s %s: %s {\n", path[e.From], arrow, path[e.To], d2String(strings.Join(e.Label, "\n")))
		p("  style.stroke: %s\n", strconv.Quote(look.Color))
		switch look.Dash {
		case "dashed":
			p("  style.stroke-dash: 5\n")
		case "dotted":
			p("  style.stroke-dash: 2\n")
		case "bold":
			p("  style.stroke-width: 3\n")
		}
		p("}\n")
	}
	return bw.Flush()
}

// d2String quotes s as a D2 double-quoted string ($ starts a substitution
// there, so it is escaped too).
func d2String(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "$", `\$`)
	return `"` + r.Replace(s) + `"`
}

// d2ID keeps the letters, digits and underscores of s.
func d2ID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
