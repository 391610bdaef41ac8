package schema

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/token"
)

// Expand writes the design in the component form, as CUE: the sections
// become components named after them, holding the fields the design wrote
// there, and each operation's path becomes the call tree it desugars to.
// Values are written as the design wrote them ("3B/month" stays
// "3B/month"); what the design left to the schema's defaults stays left
// out. A design already in the component form is written as it is.
func Expand(d *Design) ([]byte, error) {
	if d.Source == nil || !d.Source.user.Exists() {
		return nil, fmt.Errorf("internal error: the design has no source to expand")
	}
	user := d.Source.user
	g := d.Graph()
	if !g.Shorthand {
		n := user.Syntax(cue.Raw(), cue.Docs(true))
		if st, ok := n.(*ast.StructLit); ok {
			n = &ast.File{Decls: st.Elts}
		}
		return format.Node(n, format.Simplify())
	}
	it, err := user.Fields()
	if err != nil {
		return nil, err
	}
	var decls []ast.Decl
	placed := false
	for it.Next() {
		name := it.Selector().Unquoted()
		v := it.Value()
		switch {
		case isSection(name):
			if !placed {
				placed = true
				decls = append(decls, field("components", expandComponents(d, g)))
			}
		case name == "traffic":
			decls = append(decls, field(name, expandTraffic(v, g)))
		default:
			decls = append(decls, field(name, syntax(v)))
		}
	}
	f := &ast.File{Decls: decls}
	ast.AddComment(f.Decls[0], &ast.CommentGroup{Doc: true, List: []*ast.Comment{
		{Text: "// Written by tradeoff expand: each section is a component named after it,"},
		{Text: "// and each operation's path is the call tree it stands for."},
	}})
	return format.Node(f, format.Simplify())
}

func isSection(name string) bool {
	for _, s := range shorthandSections {
		if s == name {
			return true
		}
	}
	return false
}

// sectionFields are the section fields that are not a component field of
// the same name: kind is mapped, the rest are said by the calls (cdn's
// enabled, queue's carries) or move to the workers.
var sectionFields = map[string]map[string]string{
	"cdn":   {"enabled": ""},
	"queue": {"carries": "", "consumers": "", "workTime": ""},
}

// expandComponents writes the components the sections desugar to, in the
// graph's order, each with the fields the design wrote in its section.
func expandComponents(d *Design, g *Graph) *ast.StructLit {
	st := &ast.StructLit{}
	user := d.Source.user
	for _, c := range g.Components {
		comp := &ast.StructLit{}
		comp.Elts = append(comp.Elts, field("kind", ast.NewString(c.Kind)))
		section := c.Name
		if c.Name == "workers" {
			if v := user.LookupPath(cue.ParsePath("queue.consumers")); v.Exists() {
				comp.Elts = append(comp.Elts, field("instances", syntax(v)))
			}
			if v := user.LookupPath(cue.ParsePath("queue.workTime")); v.Exists() {
				comp.Elts = append(comp.Elts, field("serviceTime", syntax(v)))
			}
			comp.Elts = append(comp.Elts, field("consumes", ast.NewString("queue")))
			comp.Elts = append(comp.Elts, fleetZones(c)...)
			st.Elts = append(st.Elts, field(c.Name, comp))
			continue
		}
		if fit, err := user.LookupPath(cue.MakePath(cue.Str(section))).Fields(); err == nil {
			for fit.Next() {
				name := fit.Selector().Unquoted()
				if _, skip := sectionFields[section][name]; skip || name == "kind" {
					continue
				}
				comp.Elts = append(comp.Elts, field(name, syntax(fit.Value())))
			}
		}
		if section == "cache" {
			comp.Elts = append(comp.Elts, fleetZones(c)...)
			comp.Elts = append(comp.Elts, catalogueOf(c)...)
		}
		if section == "database" {
			comp.Elts = append(comp.Elts, dataOf(c)...)
		}
		st.Elts = append(st.Elts, field(c.Name, comp))
	}
	return st
}

// catalogueOf writes what the shorthand's cache holds, which its section
// leaves to the database's data: the objects and their mean size.
func catalogueOf(c *Component) []ast.Decl {
	if c.Catalogue == nil || c.ItemSize == nil {
		return nil
	}
	return []ast.Decl{
		field("catalogue", ast.NewLit(token.INT, strconv.FormatFloat(float64(*c.Catalogue), 'f', -1, 64))),
		field("itemSize", ast.NewString(strconv.FormatFloat(float64(*c.ItemSize), 'f', -1, 64)+"B")),
	}
}

// dataOf writes what the shorthand's database holds, which its section
// leaves to the operations' data: their objects, at their mean size, kept
// as long as the shortest retention.
func dataOf(c *Component) []ast.Decl {
	d := c.Data
	if d == nil {
		return nil
	}
	elts := []any{
		"objects", ast.NewLit(token.INT, strconv.FormatFloat(math.Round(float64(d.Objects)), 'f', -1, 64)),
		"objectSize", ast.NewString(strconv.FormatFloat(math.Round(float64(d.ObjectSize)), 'f', -1, 64) + "B"),
	}
	if d.Retention != Forever {
		r := FormatDuration(time.Duration(d.Retention))
		if time.Duration(d.Retention)%(24*time.Hour) != 0 {
			r = strconv.FormatInt(int64(time.Duration(d.Retention)/time.Second), 10) + "s"
		}
		elts = append(elts, "retention", ast.NewString(r))
	}
	return []ast.Decl{field("data", ast.NewStruct(elts...))}
}

// fleetZones writes the zones the shorthand's cache and workers take from
// the application's fleet (their sections have no zones of their own).
func fleetZones(c *Component) []ast.Decl {
	if c.Zones <= 1 {
		return nil
	}
	return []ast.Decl{field("zones", ast.NewLit(token.INT, strconv.Itoa(c.Zones)))}
}

// expandTraffic writes the operations with calls in place of path.
func expandTraffic(traffic cue.Value, g *Graph) *ast.StructLit {
	st := &ast.StructLit{}
	it, err := traffic.Fields()
	if err != nil {
		return st
	}
	for it.Next() {
		name := it.Selector().Unquoted()
		op := &ast.StructLit{}
		fit, err := it.Value().Fields()
		if err == nil {
			for fit.Next() {
				f := fit.Selector().Unquoted()
				if f == "path" {
					op.Elts = append(op.Elts, field("calls", stepsAST(g.Calls[name])))
					if from := g.From[name]; from != "" {
						op.Elts = append(op.Elts, field("from", ast.NewString(from)))
					}
					continue
				}
				op.Elts = append(op.Elts, field(f, syntax(fit.Value())))
			}
		}
		st.Elts = append(st.Elts, field(name, op))
	}
	return st
}

// stepsAST writes a list of steps; a step that only names its component is
// written as the name.
func stepsAST(steps []Step) *ast.ListLit {
	l := &ast.ListLit{}
	for _, s := range steps {
		l.Elts = append(l.Elts, stepAST(s))
	}
	return l
}

func stepAST(s Step) ast.Expr {
	st := &ast.StructLit{}
	if s.To != "" {
		st.Elts = append(st.Elts, field("to", ast.NewString(s.To)))
	}
	if s.Async {
		st.Elts = append(st.Elts, field("async", ast.NewBool(true)))
	}
	if len(s.Parallel) > 0 {
		st.Elts = append(st.Elts, field("parallel", stepsAST(s.Parallel)))
	}
	if f := s.Fanout; f != nil {
		st.Elts = append(st.Elts, field("fanout", ast.NewLit(token.INT, strconv.Itoa(f.N))))
	}
	if s.Rows != nil {
		st.Elts = append(st.Elts, field("rows", ast.NewLit(token.FLOAT, strconv.FormatFloat(*s.Rows, 'g', -1, 64))))
	}
	if len(s.Calls) > 0 {
		st.Elts = append(st.Elts, field("calls", stepsAST(s.Calls)))
	}
	if len(s.Miss) > 0 {
		st.Elts = append(st.Elts, field("miss", stepsAST(s.Miss)))
	}
	if len(st.Elts) == 1 && s.To != "" {
		return ast.NewString(s.To)
	}
	return st
}

func field(name string, v ast.Expr) *ast.Field {
	return &ast.Field{Label: ast.NewStringLabel(name), Value: v}
}

// syntax is a value as the design wrote it.
func syntax(v cue.Value) ast.Expr {
	if e, ok := v.Syntax(cue.Raw()).(ast.Expr); ok {
		return e
	}
	return ast.NewIdent("_")
}
