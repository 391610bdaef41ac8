package schema

import (
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/format"
)

// Source remembers where each field of a design was written, so that
// errors and findings point into the user's file rather than the schema.
type Source struct {
	// Files are the files the design was read from.
	Files []string
	pos   map[string]Position
	// leaves keeps each scalar's value; its text is formatted only when a
	// message quotes it, since formatting every leaf of a large design
	// costs a tenth of a load.
	leaves map[string]cue.Value
}

func newSource(files []string, user cue.Value) *Source {
	s := &Source{Files: files, pos: map[string]Position{}, leaves: map[string]cue.Value{}}
	s.walk("", user)
	return s
}

func (s *Source) walk(path string, v cue.Value) {
	if p := fromToken(v.Pos()); p.IsValid() {
		s.pos[path] = p
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
			s.walk(joinPath(append(splitPath(path), sel.Unquoted())), it.Value())
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

// Has reports whether the user wrote the field at path (rather than taking
// the schema's default).
func (s *Source) Has(path string) bool {
	if s == nil {
		return false
	}
	_, ok := s.pos[path]
	return ok
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

func splitPath(path string) []string {
	if path == "" {
		return nil
	}
	var parts []string
	for _, p := range strings.Split(path, ".") {
		for {
			i := strings.IndexByte(p, '[')
			if i < 0 {
				break
			}
			if i > 0 {
				parts = append(parts, p[:i])
			}
			j := strings.IndexByte(p, ']')
			parts = append(parts, p[i+1:j])
			p = p[j+1:]
		}
		if p != "" {
			parts = append(parts, p)
		}
	}
	return parts
}
