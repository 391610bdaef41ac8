package optimize

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
)

// Edit rewrites a CUE design so that it sets each change, keeping every
// comment and the layout: a value the file writes is replaced where it
// stands; a field it leaves out is added to the innermost struct that
// holds it (or, failing a braced one, as a line of its own at the end —
// CUE unifies the two). A file that was `cue fmt` clean is formatted
// again, so inserted fields line up with their neighbours.
func Edit(name string, src []byte, changes []Change) ([]byte, error) {
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	type edit struct {
		at, end int
		text    string
		order   int
	}
	var edits []edit
	for n, c := range changes {
		lit := literal(c)
		parts := strings.Split(c.Path, ".")
		leaves, holder, depth := find(f.Decls, parts)
		switch {
		case len(leaves) > 1:
			p := leaves[1].Pos()
			return nil, fmt.Errorf("%s:%d:%d: %s is written more than once: change it by hand to %s", name, p.Line(), p.Column(), c.Path, lit)
		case len(leaves) == 1:
			v := leaves[0].Value
			if _, ok := v.(*ast.BasicLit); !ok {
				p := v.Pos()
				return nil, fmt.Errorf("%s:%d:%d: %s is an expression, not a plain value: change it by hand to %s", name, p.Line(), p.Column(), c.Path, lit)
			}
			edits = append(edits, edit{at: v.Pos().Offset(), end: v.End().Offset(), text: lit, order: n})
		case holder != nil:
			// Add the missing fields inside the innermost braced struct.
			field := shorthand(parts[depth:], lit)
			if len(holder.Elts) == 0 {
				at := holder.Lbrace.Offset() + 1
				edits = append(edits, edit{at: at, end: at, text: field, order: n})
				break
			}
			last := holder.Elts[len(holder.Elts)-1]
			at := last.End().Offset()
			if holder.Rbrace.Line() == last.End().Line() {
				edits = append(edits, edit{at: at, end: at, text: ", " + field, order: n})
			} else {
				edits = append(edits, edit{at: at, end: at, text: "\n" + indentOf(src, last.Pos().Offset()) + field, order: n})
			}
		default:
			at := len(bytes.TrimRight(src, "\n"))
			edits = append(edits, edit{at: at, end: at, text: "\n" + shorthand(parts, lit), order: n})
		}
	}
	// Apply from the end of the file backwards, so offsets stay valid.
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].at != edits[j].at {
			return edits[i].at > edits[j].at
		}
		return edits[i].order > edits[j].order
	})
	out := append([]byte(nil), src...)
	for _, e := range edits {
		out = append(out[:e.at], append([]byte(e.text), out[e.end:]...)...)
	}
	if formatted, err := format.Source(src); err == nil && bytes.Equal(formatted, src) {
		if again, err := format.Source(out); err == nil {
			out = again
		}
	}
	return out, nil
}

// literal writes a change's value as CUE: counts bare, the rest quoted.
func literal(c Change) string {
	if _, err := strconv.Atoi(c.New); err == nil {
		return c.New
	}
	return strconv.Quote(c.New)
}

// shorthand writes `a: b: value` for the remaining labels.
func shorthand(labels []string, lit string) string {
	return strings.Join(labels, ": ") + ": " + lit
}

// find returns the fields at the path, the innermost braced struct that
// holds its longest existing prefix, and how many labels that prefix has.
func find(decls []ast.Decl, parts []string) (leaves []*ast.Field, holder *ast.StructLit, depth int) {
	var walk func(decls []ast.Decl, level int)
	walk = func(decls []ast.Decl, level int) {
		for _, d := range decls {
			field, ok := d.(*ast.Field)
			if !ok {
				continue
			}
			name, _, err := ast.LabelName(field.Label)
			if err != nil || name != parts[level] {
				continue
			}
			if level == len(parts)-1 {
				leaves = append(leaves, field)
				continue
			}
			s, ok := field.Value.(*ast.StructLit)
			if !ok {
				continue
			}
			if s.Lbrace.IsValid() && level+1 > depth {
				holder, depth = s, level+1
			}
			walk(s.Elts, level+1)
		}
	}
	walk(decls, 0)
	return leaves, holder, depth
}

// indentOf returns the whitespace that starts the line holding offset.
func indentOf(src []byte, offset int) string {
	start := bytes.LastIndexByte(src[:offset], '\n') + 1
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}
