package optimize

import (
	"fmt"
	"strconv"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/parser"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Marks reads the @tune attributes of a CUE file: `instances: 4 @tune()`
// lets optimize change a field the design writes; @tune(min=2, max=12)
// bounds a count and @tune(aws, gcp) lists the values a choice may take.
// Attributes are CUE's own annotations, so the design stays valid for
// every other tool.
func Marks(name string, src []byte) (map[string]Mark, error) {
	f, err := parser.ParseFile(name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	out := map[string]Mark{}
	var errs []string
	var walk func(prefix string, decls []ast.Decl)
	walk = func(prefix string, decls []ast.Decl) {
		for _, decl := range decls {
			field, ok := decl.(*ast.Field)
			if !ok {
				continue
			}
			label, _, err := ast.LabelName(field.Label)
			if err != nil {
				continue
			}
			path := label
			if prefix != "" {
				path = prefix + "." + label
			}
			for _, a := range field.Attrs {
				key, body := a.Split()
				if key != "tune" {
					continue
				}
				m, err := parseMark(body)
				pos := position(name, a.Pos())
				if err != nil {
					errs = append(errs, fmt.Sprintf("%s: %v", pos, err))
					continue
				}
				m.Pos = pos
				out[path] = m
			}
			if s, ok := field.Value.(*ast.StructLit); ok {
				walk(path, s.Elts)
			}
		}
	}
	walk("", f.Decls)
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s\n\thint: write @tune(), @tune(min=2, max=12) or @tune(aws, gcp)", strings.Join(errs, "\n"))
	}
	return out, nil
}

func parseMark(body string) (Mark, error) {
	var m Mark
	for _, part := range strings.Split(body, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if k, v, ok := strings.Cut(part, "="); ok {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return m, fmt.Errorf("@tune(%s): %s wants a whole number", body, strings.TrimSpace(k))
			}
			switch strings.TrimSpace(k) {
			case "min":
				m.Min = &n
			case "max":
				m.Max = &n
			default:
				return m, fmt.Errorf("@tune(%s): unknown bound %q (use min and max)", body, strings.TrimSpace(k))
			}
			continue
		}
		if u, err := strconv.Unquote(part); err == nil {
			part = u
		}
		m.Values = append(m.Values, part)
	}
	return m, nil
}

func position(file string, p interface {
	Line() int
	Column() int
}) schema.Position {
	return schema.Position{File: file, Line: p.Line(), Col: p.Column()}
}
