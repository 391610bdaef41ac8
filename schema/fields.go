package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"
)

// Field describes one field of the design schema in words: what it wants,
// its default and why it exists. It is read from design.cue itself, so the
// error hints and docs/schema.md cannot drift from the schema.
type Field struct {
	// Path is the field's place in a design: "cache.ttl",
	// "traffic.<operation>.rate", "waivers[].reason".
	Path string
	// Want says what the field accepts: `one of "read", "write"`, "an
	// integer from 1 to 100000", "a duration such as ...".
	Want string
	// Default is the value taken when the field is left out, as CUE
	// writes it; "" when there is none.
	Default string
	// Required fields must be written (CUE's "!").
	Required bool
	// Group fields hold other fields.
	Group bool
	// Doc is the schema's comment on the field: the trade-off it names.
	Doc string

	// Kinds are the component kinds that have the field (a component's
	// fields depend on its kind); empty when every kind has it, or the
	// field is not a component's.
	Kinds []string
	// RequiredKinds are the kinds that must write a component field.
	RequiredKinds []string

	// elem is what each element of a list field wants.
	elem string
}

// Patterns name the fields a design names itself, in schema paths.
var patternNames = map[string]string{
	"#Name":          "<operation>",
	"#ComponentName": "<component>",
	"#OverrideID":    "<id>",
}

var (
	fieldsOnce sync.Once
	fieldList  []Field
	fieldIndex map[string]*Field
	fieldsErr  error
)

// Fields lists every field of #Design in schema order, nested fields after
// the field that holds them.
func Fields() ([]Field, error) {
	fieldsOnce.Do(func() {
		fieldList, fieldsErr = readFields(schemaSource)
		fieldIndex = map[string]*Field{}
		for i := range fieldList {
			fieldIndex[fieldList[i].Path] = &fieldList[i]
		}
	})
	return fieldList, fieldsErr
}

// fieldAt finds the schema field for a path in a design:
// "traffic.redirect.path[1]" is "traffic.<operation>.path[]".
func fieldAt(path string) *Field {
	if _, err := Fields(); err != nil || path == "" {
		return nil
	}
	cur := ""
	for _, part := range splitPath(path) {
		if _, err := strconv.Atoi(part); err == nil {
			if f, ok := fieldIndex[cur]; ok && f.elem != "" {
				return &Field{Path: cur + "[]", Want: f.elem}
			}
			cur += "[]"
			continue
		}
		next := part
		if cur != "" {
			next = cur + "." + part
		}
		if _, ok := fieldIndex[next]; !ok {
			for _, p := range patternNames {
				alt := p
				if cur != "" {
					alt = cur + "." + p
				}
				if _, ok := fieldIndex[alt]; ok {
					next = alt
					break
				}
			}
		}
		cur = next
	}
	return fieldIndex[cur]
}

type fieldReader struct {
	defs map[string]ast.Expr
	out  []Field
	// kinds are the component kinds of the conditional being read.
	kinds []string
	// steps is set once a call's fields have been listed.
	steps bool
}

func readFields(src []byte) ([]Field, error) {
	f, err := parser.ParseFile(schemaFile, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	r := &fieldReader{defs: map[string]ast.Expr{}}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.Field); ok {
			if name, _, _ := ast.LabelName(fd.Label); strings.HasPrefix(name, "#") {
				r.defs[name] = fd.Value
			}
		}
	}
	design, ok := r.defs["#Design"].(*ast.StructLit)
	if !ok {
		return nil, fmt.Errorf("schema has no #Design struct")
	}
	r.walk("", design)
	return r.out, nil
}

func (r *fieldReader) walk(prefix string, st *ast.StructLit) {
	for _, d := range st.Elts {
		if c, ok := d.(*ast.Comprehension); ok {
			// A component's fields depend on its kind: `if kind == "x"`
			// holds the fields of kind x. Other conditionals hold
			// requirements, which are checked, not listed.
			kinds := kindsOf(c)
			body, ok := c.Value.(*ast.StructLit)
			if len(kinds) == 0 || !ok {
				continue
			}
			outer := r.kinds
			r.kinds = kinds
			r.walk(prefix, body)
			r.kinds = outer
			continue
		}
		fd, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		name := r.label(fd.Label)
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if r.kinds != nil && r.merge(path, fd.Constraint == token.NOT) {
			continue
		}
		n := len(r.out)
		r.field(path, fd.Value, docOf(fd), fd.Constraint == token.NOT)
		for i := n; r.kinds != nil && i < len(r.out); i++ {
			if r.out[i].Kinds == nil {
				r.out[i].Kinds = append([]string(nil), r.kinds...)
				if i == n && r.out[i].Required {
					r.out[i].RequiredKinds = append([]string(nil), r.kinds...)
				}
			}
		}
	}
}

// merge adds the kinds being read to a component field another kind
// already has; it reports whether the field was there.
func (r *fieldReader) merge(path string, required bool) bool {
	found := false
	for i := range r.out {
		if r.out[i].Path == path || strings.HasPrefix(r.out[i].Path, path+".") {
			for _, k := range r.kinds {
				if !slices.Contains(r.out[i].Kinds, k) {
					r.out[i].Kinds = append(r.out[i].Kinds, k)
				}
				if required && r.out[i].Path == path && !slices.Contains(r.out[i].RequiredKinds, k) {
					r.out[i].RequiredKinds = append(r.out[i].RequiredKinds, k)
				}
			}
			found = true
		}
	}
	return found
}

// kindsOf reads the kinds of `if kind == "a" || kind == "b"`; nil when the
// condition is about something else.
func kindsOf(c *ast.Comprehension) []string {
	if len(c.Clauses) != 1 {
		return nil
	}
	ic, ok := c.Clauses[0].(*ast.IfClause)
	if !ok {
		return nil
	}
	var kinds []string
	var visit func(x ast.Expr) bool
	visit = func(x ast.Expr) bool {
		b, ok := unparen(x).(*ast.BinaryExpr)
		if !ok {
			return false
		}
		switch b.Op {
		case token.LOR:
			return visit(b.X) && visit(b.Y)
		case token.EQL:
			id, ok1 := b.X.(*ast.Ident)
			lit, ok2 := b.Y.(*ast.BasicLit)
			if !ok1 || !ok2 || id.Name != "kind" {
				return false
			}
			kinds = append(kinds, strings.Trim(lit.Value, `"`))
			return true
		}
		return false
	}
	if !visit(ic.Condition) {
		return nil
	}
	return kinds
}

// field records one field and descends into what it holds.
func (r *fieldReader) field(path string, value ast.Expr, doc string, required bool) {
	value = unparen(value)
	if st := r.structOf(value); st != nil {
		if pat, elem := patternOf(st); pat != "" {
			r.out = append(r.out, Field{Path: path, Want: "a struct of " + strings.Trim(pat, "<>") + "s", Required: required, Group: true, Doc: doc})
			r.field(path+"."+pat, elem, "", false)
			return
		}
		r.out = append(r.out, Field{Path: path, Want: "a struct of fields", Required: required, Group: true, Doc: doc})
		r.walk(path, st)
		return
	}
	if l, ok := value.(*ast.ListLit); ok {
		if elem := listElem(l); elem != nil {
			if st := r.structOf(elem); st != nil {
				r.out = append(r.out, Field{Path: path, Want: "a list of structs", Default: "[]", Required: required, Group: true, Doc: doc})
				r.walk(path+"[]", st)
				return
			}
			// A list of steps: each a name or a call, whose fields are
			// listed once, where the first list of steps is (they nest).
			if id, ok := unparen(elem).(*ast.Ident); ok && id.Name == "#Step" {
				r.out = append(r.out, Field{Path: path, Want: "a list of steps, each a component's name or a call {to: NAME, ...}", Required: required, Group: true, Doc: doc})
				if !r.steps {
					r.steps = true
					if st := r.structOf(r.defs["#Call"]); st != nil {
						r.walk(path+"[]", st)
					}
				}
				return
			}
		}
	}
	want, def := r.describe(value)
	f := Field{Path: path, Want: want, Default: def, Required: required, Doc: doc}
	if l, ok := value.(*ast.ListLit); ok {
		if elem := listElem(l); elem != nil {
			f.elem, _ = r.describe(elem)
		}
	}
	r.out = append(r.out, f)
}

func (r *fieldReader) label(l ast.Label) string {
	if lst, ok := l.(*ast.ListLit); ok && len(lst.Elts) == 1 {
		if id, ok := lst.Elts[0].(*ast.Ident); ok {
			return patternNames[id.Name]
		}
	}
	name, _, err := ast.LabelName(l)
	if err != nil {
		return ""
	}
	return name
}

// structOf returns the struct a value is, directly or through a reference
// to a definition.
func (r *fieldReader) structOf(x ast.Expr) *ast.StructLit {
	switch x := unparen(x).(type) {
	case *ast.StructLit:
		return x
	case *ast.Ident:
		if d, ok := r.defs[x.Name]; ok {
			return r.structOf(d)
		}
	}
	return nil
}

// patternOf returns the pattern label of a struct that holds only a
// pattern constraint ([#Name]: X), and X.
func patternOf(st *ast.StructLit) (string, ast.Expr) {
	if len(st.Elts) != 1 {
		return "", nil
	}
	fd, ok := st.Elts[0].(*ast.Field)
	if !ok {
		return "", nil
	}
	lst, ok := fd.Label.(*ast.ListLit)
	if !ok || len(lst.Elts) != 1 {
		return "", nil
	}
	id, ok := lst.Elts[0].(*ast.Ident)
	if !ok {
		return "", nil
	}
	return patternNames[id.Name], fd.Value
}

// listElem returns the element type of [...X] or [X, ...X].
func listElem(l *ast.ListLit) ast.Expr {
	for _, e := range l.Elts {
		if el, ok := e.(*ast.Ellipsis); ok {
			return el.Type
		}
	}
	return nil
}

// describe says in words what an expression accepts, and its default.
func (r *fieldReader) describe(x ast.Expr) (want, def string) {
	x = unparen(x)
	if b, ok := x.(*ast.BinaryExpr); ok && b.Op == token.OR {
		var alts []ast.Expr
		flattenOr(b, &alts)
		var lits, others []string
		for _, a := range alts {
			if u, ok := a.(*ast.UnaryExpr); ok && u.Op == token.MUL {
				a = u.X
				def = exprString(a)
			}
			if lit, ok := a.(*ast.BasicLit); ok {
				lits = append(lits, lit.Value)
				continue
			}
			w, _ := r.describe(a)
			others = append(others, w)
		}
		switch {
		case len(others) == 0:
			return "one of " + strings.Join(lits, ", "), def
		case len(lits) == 0:
			return joinOr(others), def
		}
		// A default literal beside a type ("*1 | int & >=1") says nothing
		// the type does not; other literals ("forever") are choices.
		var extra []string
		for _, l := range lits {
			if l != def || strings.HasPrefix(l, `"`) {
				extra = append(extra, l)
			}
		}
		if len(extra) == 0 {
			return joinOr(others), def
		}
		return joinOr(append(extra, others...)), def
	}
	return r.describeOne(x), ""
}

func flattenOr(x ast.Expr, out *[]ast.Expr) {
	if b, ok := unparen(x).(*ast.BinaryExpr); ok && b.Op == token.OR {
		flattenOr(b.X, out)
		flattenOr(b.Y, out)
		return
	}
	*out = append(*out, unparen(x))
}

func joinOr(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " or " + parts[len(parts)-1]
}

// describeOne describes a conjunction: a type with bounds ("int & >=1 &
// <=100"), a reference, a list or a literal.
func (r *fieldReader) describeOne(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.Ident:
		if h, ok := unitHints[x.Name]; ok {
			return h
		}
		if d, ok := r.defs[x.Name]; ok {
			w, _ := r.describe(d)
			return w
		}
		return typeWords(x.Name)
	case *ast.BasicLit:
		return x.Value
	case *ast.ListLit:
		if elem := listElem(x); elem != nil {
			w, _ := r.describe(elem)
			if len(x.Elts) > 1 {
				return "a non-empty list, each " + w
			}
			return "a list, each " + w
		}
		return "a list"
	}
	var terms []ast.Expr
	flattenAnd(x, &terms)
	typ := ""
	var lo, hi, other []string
	for _, t := range terms {
		switch t := t.(type) {
		case *ast.Ident:
			typ = t.Name
		case *ast.UnaryExpr:
			v := exprString(t.X)
			switch t.Op {
			case token.GEQ:
				lo = append(lo, "at least "+v)
			case token.GTR:
				lo = append(lo, "greater than "+v)
			case token.LEQ:
				hi = append(hi, "at most "+v)
			case token.LSS:
				hi = append(hi, "less than "+v)
			case token.NEQ:
				if v == `""` {
					other = append(other, "not empty")
				} else {
					other = append(other, "other than "+v)
				}
			case token.MAT:
				other = append(other, "matching "+v)
			}
		}
	}
	w := typeWords(typ)
	if typ == "" {
		w = "a value"
		if len(lo)+len(hi) > 0 {
			w = "a number"
		}
	}
	// "at least 1 and at most 100" reads better as "from 1 to 100".
	if len(lo) == 1 && len(hi) == 1 && strings.HasPrefix(lo[0], "at least ") && strings.HasPrefix(hi[0], "at most ") {
		return fmt.Sprintf("%s from %s to %s", w, strings.TrimPrefix(lo[0], "at least "), strings.TrimPrefix(hi[0], "at most "))
	}
	conds := append(append(lo, hi...), other...)
	if len(conds) == 0 {
		return w
	}
	return w + " " + strings.Join(conds, " and ")
}

func flattenAnd(x ast.Expr, out *[]ast.Expr) {
	if b, ok := unparen(x).(*ast.BinaryExpr); ok && b.Op == token.AND {
		flattenAnd(b.X, out)
		flattenAnd(b.Y, out)
		return
	}
	*out = append(*out, unparen(x))
}

func typeWords(t string) string {
	switch t {
	case "int":
		return "an integer"
	case "number", "float":
		return "a number"
	case "bool":
		return "true or false"
	case "string":
		return "text"
	case "_":
		return "any value"
	}
	return t
}

func exprString(x ast.Expr) string {
	switch x := x.(type) {
	case *ast.BasicLit:
		return x.Value
	case *ast.Ident:
		return x.Name
	case *ast.UnaryExpr:
		return x.Op.String() + exprString(x.X)
	}
	return fmt.Sprintf("%v", x)
}

// docOf returns the comment written above a field, as plain text.
func docOf(n ast.Node) string {
	var lines []string
	for _, cg := range ast.Comments(n) {
		if !cg.Doc {
			continue
		}
		for _, c := range cg.List {
			lines = append(lines, strings.TrimSpace(strings.TrimPrefix(c.Text, "//")))
		}
	}
	return strings.Join(lines, " ")
}

func unparen(x ast.Expr) ast.Expr {
	for {
		p, ok := x.(*ast.ParenExpr)
		if !ok {
			return x
		}
		x = p.X
	}
}
