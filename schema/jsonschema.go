package schema

import (
	"encoding/json"
	"fmt"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/cuecontext"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/encoding/jsonschema"
)

// JSONSchema exports #Design as a JSON Schema (draft 2020-12), for the
// editors of people who write designs in YAML or JSON. It cannot express
// the cross-references tradeoff checks itself, so `tradeoff validate`
// remains the authority.
//
// The form rules of #Design (the shorthand needs services, database and
// each operation's path; components need each operation's calls) are `if`
// comprehensions, which the generator would export as if the shorthand
// were always chosen, closing every operation against calls. They are
// left out: an operation allows both forms, and validate says which the
// design needs.
func JSONSchema() ([]byte, error) {
	f, err := parser.ParseFile(schemaFile, schemaSource, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("internal error: the embedded schema does not parse: %v", err)
	}
	dropFormRules(f)
	ctx := cuecontext.New()
	s := ctx.BuildFile(f)
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("internal error: the embedded schema does not compile: %v", err)
	}
	expr, err := jsonschema.Generate(s.LookupPath(cue.ParsePath("#Design")), &jsonschema.GenerateConfig{})
	if err != nil {
		return nil, fmt.Errorf("exporting JSON Schema: %v", err)
	}
	src, err := format.Node(expr)
	if err != nil {
		return nil, err
	}
	v := ctx.CompileBytes(src)
	var out any
	if err := v.Decode(&out); err != nil {
		return nil, fmt.Errorf("exporting JSON Schema: %v", err)
	}
	return json.MarshalIndent(out, "", "  ")
}

// dropFormRules removes the comprehensions directly inside #Design.
func dropFormRules(f *ast.File) {
	for _, d := range f.Decls {
		field, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if name, _, _ := ast.LabelName(field.Label); name != "#Design" {
			continue
		}
		st, ok := field.Value.(*ast.StructLit)
		if !ok {
			continue
		}
		kept := st.Elts[:0]
		for _, e := range st.Elts {
			if _, ok := e.(*ast.Comprehension); !ok {
				kept = append(kept, e)
			}
		}
		st.Elts = kept
	}
}
