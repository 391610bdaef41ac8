package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
)

// Source remembers where each field of a design was written, so that
// errors and findings point into the user's file rather than the schema.
type Source struct {
	// Files are the files the design was read from.
	Files []string
	pos   map[string]Position
	// value holds where a scalar field's value was written, when that is
	// not where the field was named (pos).
	value map[string]Position
	// leaves keeps each scalar's value; its text is formatted only when a
	// message quotes it, since formatting every leaf of a large design
	// costs a tenth of a load.
	leaves map[string]cue.Value
	// user is the design as written, for tradeoff expand.
	user cue.Value
}

func newSource(files []string, user cue.Value) *Source {
	s := &Source{Files: files, pos: map[string]Position{}, value: map[string]Position{}, leaves: map[string]cue.Value{}, user: user}
	s.walk("", user)
	return s
}

func (s *Source) walk(path string, v cue.Value) {
	if p := fromToken(v.Pos()); p.IsValid() {
		s.pos[path] = p
	}
	// Remember where a scalar's value was written too: errors about the
	// value point at it, as CUE's own errors do.
	if n := v.Source(); n != nil && v.IncompleteKind() != cue.StructKind && v.IncompleteKind() != cue.ListKind {
		if f, ok := n.(*ast.Field); ok {
			n = f.Value
		}
		if p := fromToken(n.Pos()); p.IsValid() && p != s.pos[path] {
			s.value[path] = p
		}
	}
	switch v.IncompleteKind() {
	case cue.StructKind:
		it, err := v.Fields(cue.Optional(true))
		if err != nil {
			return
		}
		for it.Next() {
			sel := it.Selector()
			if sel.IsDefinition() || sel.PkgPath() != "" {
				continue
			}
			s.walk(joinField(path, sel.Unquoted()), it.Value())
		}
	case cue.ListKind:
		it, err := v.List()
		if err != nil {
			return
		}
		for i := 0; it.Next(); i++ {
			s.walk(fmt.Sprintf("%s[%d]", path, i), it.Value())
		}
	default:
		s.leaves[path] = v
	}
}

// Pos returns where the field at path was written. A field the user left
// out (a default, or a missing required field) is reported at the nearest
// enclosing field they did write, and failing that at the top of the file.
func (s *Source) Pos(path string) Position {
	if s == nil {
		return Position{}
	}
	for {
		if p, ok := s.pos[path]; ok {
			return p
		}
		if path == "" {
			break
		}
		path = parentPath(path)
	}
	if len(s.Files) > 0 {
		return Position{File: s.Files[0], Line: 1, Col: 1}
	}
	return Position{}
}

// ValuePos returns where the value of the field at path was written, for a
// message about the value rather than the field.
func (s *Source) ValuePos(path string) Position {
	if s != nil {
		if p, ok := s.value[path]; ok {
			return p
		}
	}
	return s.Pos(path)
}

// Has reports whether the user wrote the field at path (rather than taking
// the schema's default).
func (s *Source) Has(path string) bool {
	if s == nil {
		return false
	}
	_, ok := s.pos[path]
	return ok
}

// children lists the names of the fields the user wrote in the struct at
// path, sorted.
func (s *Source) children(path string) []string {
	if s == nil {
		return nil
	}
	var out []string
	for p := range s.pos {
		if rest, ok := strings.CutPrefix(p, path+"."); ok && !strings.ContainsAny(rest, ".[") {
			out = append(out, rest)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Source) valueText(path string) string {
	if s == nil {
		return ""
	}
	v, ok := s.leaves[path]
	if !ok {
		return ""
	}
	b, err := format.Node(v.Syntax(cue.Final()))
	if err != nil {
		return ""
	}
	return string(b)
}

func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

// splitPath splits a path written by joinPath back into its parts:
// `overrides."app.rps"` is "overrides" and "app.rps"; "path[1]" is "path"
// and "1".
func splitPath(path string) []string {
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for i := 0; i < len(path); i++ {
		switch c := path[i]; c {
		case '.':
			flush()
		case '[', ']':
			flush()
		case '"':
			j := i + 1
			for j < len(path) && path[j] != '"' {
				if path[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(path) {
				j = len(path) - 1
			}
			if s, err := strconv.Unquote(path[i : j+1]); err == nil {
				cur.WriteString(s)
			} else {
				cur.WriteString(path[i : j+1])
			}
			i = j
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return parts
}
