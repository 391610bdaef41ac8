package schema

import (
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
