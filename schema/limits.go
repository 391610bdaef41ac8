package schema

import (
	"fmt"
	"math"

	"cuelang.org/go/cue/ast"
)

// checkComprehensions refuses comprehensions nested in comprehensions, and
// comprehensions of more than one for clause. A design is data: a
// comprehension may generate the operations of a long list, but nesting
// multiplies list lengths, and four nested loops over a list of two hundred
// numbers (a line of text) evaluate for longer than anyone waits. One level
// keeps evaluation linear in the size of the file.
func checkComprehensions(f *ast.File) Errors {
	var es Errors
	depth := 0       // for-comprehensions we are inside
	var loops []bool // for each comprehension entered, whether it loops
	ast.Walk(f, func(n ast.Node) bool {
		c, ok := n.(*ast.Comprehension)
		if !ok {
			return true
		}
		fors := 0
		for _, cl := range c.Clauses {
			if _, ok := cl.(*ast.ForClause); ok {
				fors++
			}
		}
		if fors > 1 || fors > 0 && depth > 0 {
			es = append(es, &Error{Pos: fromToken(c.Pos()), Msg: "nested for loops are not supported in a design: each multiplies the work of evaluating it; use one for clause, or write the values out"})
			return false
		}
		loops = append(loops, fors > 0)
		if fors > 0 {
			depth++
		}
		return true
	}, func(n ast.Node) {
		if _, ok := n.(*ast.Comprehension); ok {
			if loops[len(loops)-1] {
				depth--
			}
			loops = loops[:len(loops)-1]
		}
	})
	return es
}

// maxExpansion bounds how many values one field of a design may stand for
// once its references are followed. A reference copies what it names, so
// twenty lines that each name the line before twice (`x2: {l: x1, r: x1}`,
// or a string `"\(s1)\(s1)"`) stand for a million values, and thirty for a
// billion: CUE evaluates them for minutes, and a doubling string takes
// gigabytes. A real design stays far below the limit; a file that is large
// on its own is measured against its own size (see checkExpansion).
const maxExpansion = 1 << 20

// checkExpansion refuses a field or let whose value, with every reference
// in it replaced by what it names, holds more than maxExpansion nodes (and
// more than ten times the files' own nodes). References are matched by
// name, whatever their scope, and a field defined in several places counts
// its largest definition: an upper bound, never an underestimate of the
// doubling. It reports the first such definition in the files' order.
func checkExpansion(files ...*ast.File) Errors {
	type def struct {
		label ast.Node
		value ast.Node
	}
	defs := map[string][]def{}
	var order []def
	size := 0
	for _, f := range files {
		ast.Walk(f, func(n ast.Node) bool {
			size++
			var d def
			var name string
			switch x := n.(type) {
			case *ast.Field:
				if s, _, err := ast.LabelName(x.Label); err == nil && s != "" {
					name, d = s, def{x.Label, x.Value}
				}
			case *ast.LetClause:
				name, d = x.Ident.Name, def{x.Ident, x.Expr}
			}
			if name != "" && d.value != nil {
				defs[name] = append(defs[name], d)
				order = append(order, d)
			}
			return true
		}, nil)
	}
	limit := math.Max(maxExpansion, 10*float64(size))
	byName := map[string]float64{}
	byNode := map[ast.Node]float64{}
	var weight func(e ast.Node) float64
	weightOf := func(name string) float64 {
		if w, ok := byName[name]; ok {
			return w
		}
		byName[name] = 1 // a reference cycle counts once
		w := 0.0
		for _, d := range defs[name] {
			w = math.Max(w, weight(d.value))
		}
		byName[name] = w
		return w
	}
	weight = func(e ast.Node) float64 {
		if w, ok := byNode[e]; ok {
			return w
		}
		w := 0.0
		ast.Walk(e, func(n ast.Node) bool {
			w++
			switch x := n.(type) {
			case *ast.Field:
				if n != e {
					w += weight(x.Value)
					return false
				}
			case *ast.LetClause:
				if n != e {
					w += weight(x.Expr)
					return false
				}
			case *ast.Ident:
				if _, ok := defs[x.Name]; ok {
					w += weightOf(x.Name)
				}
				return false
			}
			return true
		}, nil)
		byNode[e] = w
		return w
	}
	for _, d := range order {
		if w := weight(d.value); w > limit {
			return Errors{{Pos: fromToken(d.label.Pos()), Msg: fmt.Sprintf("this value stands for %.3g values once its references are followed (each reference copies what it names): a design is plain data; write the values out, or refer to a value once", w)}}
		}
	}
	return nil
}
