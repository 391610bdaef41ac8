package diagram

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// WriteStructurizr writes the graph as a Structurizr DSL workspace: the
// system a software system whose components are its containers (with
// their technology, the estimate's figures as the description, their kind
// and worst finding as tags), the clients a person, each external API a
// software system of its own outside the boundary, and each call a
// relationship with its peak rate, the callee's technology and its style
// as a tag. A system-context and a container view, styled by tag.
func WriteStructurizr(w io.Writer, g *Graph) error {
	bw := bufio.NewWriter(w)
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	name := header(p, g, "//")
	p("workspace %s %s {\n", dslString(name), dslString(g.Subtitle))
	p("    model {\n")
	for _, n := range g.Nodes {
		if n.Kind == KindClients {
			p("        %s = person %s %s %s\n", n.ID, dslString(n.Title), dslString("who calls the system"), dslString(tags(n)))
		}
	}
	p("        sys = softwareSystem %s %s {\n", dslString(name), dslString(g.Subtitle))
	for _, n := range g.Nodes {
		if !outside(n) {
			p("            %s = container %s %s %s %s\n", n.ID, dslString(n.Title), dslString(strings.Join(describe(n), " · ")), dslString(technology(n)), dslString(tags(n)))
		}
	}
	p("        }\n")
	for _, n := range g.Nodes {
		if outside(n) && n.Kind != KindClients {
			p("        %s = softwareSystem %s %s %s\n", n.ID, dslString(n.Title), dslString(strings.Join(describe(n), " · ")), dslString(tags(n)))
		}
	}
	nodes := g.byID()
	for _, e := range g.Edges {
		tech := ""
		if to := nodes[e.To]; to != nil {
			tech = technology(to)
		}
		p("        %s -> %s %s %s %s\n", e.From, e.To, dslString(strings.Join(e.Label, " · ")), dslString(tech), dslString(string(e.Style)))
	}
	p("    }\n\n")
	p("    views {\n")
	p("        systemContext sys %s {\n            include *\n            autolayout tb\n        }\n", dslString("context"))
	p("        container sys %s {\n            include *\n            autolayout tb\n        }\n", dslString("containers"))
	p("        styles {\n")
	used := map[string]bool{}
	for _, n := range g.Nodes {
		used[exportKinds[n.Kind].tag] = true
		if t := severityTag(n); t != "" {
			used[t] = true
		}
	}
	for _, k := range exportOrder {
		tag := exportKinds[k].tag
		if !used[tag] {
			continue
		}
		used[tag] = false // once
		look := kindLooks[k]
		p("            element %s {\n", dslString(tag))
		if shape := exportKinds[k].structurizr; shape != "" {
			p("                shape %s\n", shape)
		}
		p("                background %s\n                color %s\n            }\n", look.fill, colorText)
	}
	for sev := SevCritical; sev >= SevInfo; sev-- {
		if tag := findingTag(sev); used[tag] {
			p("            element %s {\n                stroke %s\n                strokeWidth 6\n            }\n", dslString(tag), severityColors[sev][0])
		}
	}
	for _, st := range edgeStyles {
		look := StyleLookOf(st)
		p("            relationship %s {\n                color %s\n", dslString(string(st)), look.Color)
		if look.Dash == "dashed" || look.Dash == "dotted" {
			p("                dashed true\n")
		} else {
			p("                dashed false\n")
		}
		p("            }\n")
	}
	p("        }\n    }\n}\n")
	return bw.Flush()
}

// tags are a node's Structurizr tags: its kind, and its worst finding.
func tags(n *Node) string {
	t := []string{exportKinds[n.Kind].tag}
	if s := severityTag(n); s != "" {
		t = append(t, s)
	}
	return strings.Join(t, ",")
}

// dslString quotes s for the Structurizr DSL: one line, quotes escaped.
func dslString(s string) string {
	s = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", " · ").Replace(s)
	return `"` + s + `"`
}
