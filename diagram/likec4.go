package diagram

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteLikeC4 writes the graph as a LikeC4 model (likec4.dev): a
// specification of the element kinds, relationship kinds and finding tags
// the graph uses; the system holding its components (technology, the
// estimate's figures as the description, the worst finding as a tag); the
// clients and external APIs outside it; the calls with their peak rates;
// and two views, the landscape and the system's inside.
func WriteLikeC4(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	name := header(p, g, "//")
	usedKinds := map[Kind]bool{}
	usedTags := map[string]bool{}
	for _, n := range g.Nodes {
		usedKinds[n.Kind] = true
		if t := severityTag(n); t != "" {
			usedTags[t] = true
		}
	}
	p("\nspecification {\n  element system\n")
	declared := map[string]bool{"system": true}
	for _, k := range exportOrder {
		ek := exportKinds[k]
		if !usedKinds[k] || declared[ek.tag] {
			continue
		}
		declared[ek.tag] = true
		p("  element %s {\n    style {\n", ek.tag)
		if ek.likec4 != "" {
			p("      shape %s\n", ek.likec4)
		}
		p("      color %s\n    }\n  }\n", ek.likec4Color)
	}
	for _, st := range edgeStyles {
		look := StyleLookOf(st)
		line := "solid"
		if look.Dash == "dashed" || look.Dash == "dotted" {
			line = look.Dash
		}
		p("  relationship %s {\n    line %s\n  }\n", st, line)
	}
	for sev := SevCritical; sev >= SevInfo; sev-- {
		if t := findingTag(sev); usedTags[t] {
			p("  tag %s\n", t)
		}
	}
	p("}\n\nmodel {\n")
	ref := map[string]string{} // node ID → its reference from the top of the model
	element := func(n *Node, indent string) {
		p("%s%s = %s %s {\n", indent, n.ID, exportKinds[n.Kind].tag, c4String(n.Title))
		if t := severityTag(n); t != "" {
			p("%s  #%s\n", indent, t)
		}
		if n.Kind != KindClients {
			p("%s  technology %s\n", indent, c4String(technology(n)))
		}
		if d := describe(n); len(d) > 0 && n.Kind != KindClients {
			p("%s  description %s\n", indent, c4String(strings.Join(d, " · ")))
		}
		p("%s}\n", indent)
	}
	for _, n := range g.Nodes {
		if outside(n) {
			element(n, "  ")
			ref[n.ID] = n.ID
		}
	}
	p("  sys = system %s {\n", c4String(name))
	if g.Subtitle != "" {
		p("    description %s\n", c4String(g.Subtitle))
	}
	for _, n := range g.Nodes {
		if !outside(n) {
			element(n, "    ")
			ref[n.ID] = "sys." + n.ID
		}
	}
	p("  }\n\n")
	nodes := g.byID()
	for _, e := range g.Edges {
		p("  %s -[%s]-> %s %s", ref[e.From], e.Style, ref[e.To], c4String(strings.Join(e.Label, " · ")))
		if to := nodes[e.To]; to != nil && to.Kind != KindClients {
			p(" {\n    technology %s\n  }\n", c4String(technology(to)))
		} else {
			p("\n")
		}
	}
	p("}\n\nviews {\n")
	p("  view index {\n    title %s\n    include *\n  }\n", c4String(g.Title))
	p("  view containers of sys {\n    title %s\n    include *\n", c4String(name+" — inside"))
	for sev := SevCritical; sev >= SevInfo; sev-- {
		if t := findingTag(sev); usedTags[t] {
			p("    style element.tag = #%s {\n      border dashed\n    }\n", t)
		}
	}
	p("  }\n}\n")
	return bw.Flush()
}

// c4String quotes s as a LikeC4 single-quoted string.
func c4String(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\n", " · ").Replace(s) + "'"
}
