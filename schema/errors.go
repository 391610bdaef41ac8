package schema

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"cuelang.org/go/cue"
	cueerrors "cuelang.org/go/cue/errors"
	"cuelang.org/go/cue/token"
)

// Position is a place in a design file.
type Position struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Col  int    `json:"col"`
}

// IsValid reports whether p names a place in a file.
func (p Position) IsValid() bool { return p.File != "" }

func (p Position) String() string {
	switch {
	case p.File == "":
		return "-"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

func fromToken(p token.Pos) Position {
	if !p.IsValid() {
		return Position{}
	}
	return Position{File: p.Filename(), Line: p.Line(), Col: p.Column()}
}

// Error is one problem in a design, at its position in the user's file.
type Error struct {
	Pos  Position
	Path string // dotted path of the field, e.g. "cache.kind"
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Pos.String())
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every problem found in a design, in file order. Validation
// reports them all at once: fixing one error per run is a miserable loop.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

func (es Errors) sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Pos, es[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return es[i].Path < es[j].Path
	})
}

// posError is an error raised while decoding a value, with its position.
type posError struct {
	pos token.Pos
	err error
}

func (e *posError) Error() string { return e.err.Error() }

func posErr(v cue.Value, err error) error {
	if err == nil {
		return nil
	}
	return &posError{pos: v.Pos(), err: err}
}

// unitHints turn the schema's unit patterns back into words: a regular
// expression is not an error message.
var unitHints = map[string]string{
	"#Duration":     `a duration such as "50ms", "1.5s", "90d" or "3y"`,
	"#Bytes":        `a size such as "512B", "1KiB" or "2GB"`,
	"#Rate":         `a rate such as 1200 (per second), "1200/s", "2M/day" or "30B/month"`,
	"#Count":        `a count such as 1000000 or "360M"`,
	"#Ratio":        `a fraction from 0 to 1 or a percentage, such as 0.25 or "25%"`,
	"#Availability": `an availability below 100%, such as "99.95%" or 0.9995`,
	"#Name":         `a name of letters, digits, "-" and "_", starting with a lower-case letter`,
	"#OverrideID":   `an estimator default id such as "app.rps_per_core"`,
}

var patternHint map[string]string // regexp source -> hint, filled from the schema

func initPatternHints(schema cue.Value) {
	patternHint = map[string]string{}
	for def, hint := range unitHints {
		v := schema.LookupPath(cue.ParsePath(def))
		_, args := v.Expr()
		for _, a := range append(args, v) {
			if op, ops := a.Expr(); op == cue.RegexMatchOp && len(ops) == 1 {
				if s, err := ops[0].String(); err == nil {
					patternHint[s] = hint
				}
			}
		}
	}
}

var (
	reOutOfBound = regexp.MustCompile(`^invalid value (.*) \(out of bound =~"(.*)"\)$`)
	reBound      = regexp.MustCompile(`^invalid value (.*) \(out of bound ([<>!=]=?)(.*)\)$`)
	reConflict   = regexp.MustCompile(`^conflicting values (.*) and (.*?)( \(mismatched types .*\))?$`)
)

// convertErrors turns CUE's errors into one friendly line per problem:
// positions in the user's file, disjunction failures collapsed into the list
// of allowed values, patterns explained in words, and a suggestion for a
// misspelled field.
func (l *loader) convertErrors(err error, src *Source) Errors {
	type group struct {
		path   string
		first  cueerrors.Error
		subs   []cueerrors.Error
		pos    Position
		isDisj bool
	}
	var order []string
	groups := map[string]*group{}
	for _, e := range cueerrors.Errors(err) {
		path := joinPath(e.Path())
		g := groups[path]
		if g == nil {
			g = &group{path: path, first: e}
			groups[path] = g
			order = append(order, path)
		}
		format, _ := e.Msg()
		if strings.Contains(format, "errors in empty disjunction") {
			g.isDisj = true
			continue
		}
		g.subs = append(g.subs, e)
		if !g.pos.IsValid() {
			g.pos = l.userPos(e, src)
		}
	}
	var out Errors
	seen := map[string]bool{}
	for _, path := range order {
		g := groups[path]
		pos := g.pos
		if !pos.IsValid() {
			pos = src.Pos(path)
		}
		var msgs []string
		if g.isDisj && len(g.subs) > 0 {
			msgs = []string{l.disjunctionMessage(path, g.subs, src)}
		} else {
			for _, e := range g.subs {
				msgs = append(msgs, l.message(path, e))
			}
			if len(g.subs) == 0 {
				msgs = []string{l.message(path, g.first)}
			}
		}
		for _, m := range msgs {
			key := path + "\x00" + m
			if seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, &Error{Pos: pos, Path: path, Msg: m})
		}
	}
	return out
}

// userPos picks the first position in the user's files: CUE lists the
// schema's positions too, and those mean nothing to the user.
func (l *loader) userPos(e cueerrors.Error, src *Source) Position {
	for _, p := range cueerrors.Positions(e) {
		if p.Filename() != schemaFile && p.IsValid() {
			return fromToken(p)
		}
	}
	return Position{}
}

func (l *loader) message(path string, e cueerrors.Error) string {
	msg := cueerrors.StringWithConfig(e, &cueerrors.Config{OmitPath: true})
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.TrimSuffix(msg, ":")
	switch {
	case msg == "field not allowed":
		return l.notAllowed(path)
	case msg == "field is required but not present":
		return "missing required field" + l.requiredHint(path)
	case strings.HasPrefix(msg, "incomplete value"):
		return "missing value: give a concrete " + strings.TrimPrefix(msg, "incomplete value ")
	}
	if m := reOutOfBound.FindStringSubmatch(msg); m != nil {
		if hint, ok := patternHint[unescapeCUE(m[2])]; ok {
			return fmt.Sprintf("invalid value %s: want %s", m[1], hint)
		}
	}
	if m := reBound.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s is out of range: must be %s %s", m[1], words(m[2]), strings.Join(strings.Fields(m[3]), " "))
	}
	return msg
}

func words(op string) string {
	switch op {
	case ">":
		return "greater than"
	case ">=":
		return "at least"
	case "<":
		return "less than"
	case "<=":
		return "at most"
	case "!=":
		return "other than"
	}
	return op
}

// disjunctionMessage collapses "conflicting values A and B" for each
// alternative into one line naming the allowed values.
func (l *loader) disjunctionMessage(path string, subs []cueerrors.Error, src *Source) string {
	user := src.valueText(path)
	var allowed []string
	var other []string
	for _, e := range subs {
		msg := cueerrors.StringWithConfig(e, &cueerrors.Config{OmitPath: true})
		if m := reOutOfBound.FindStringSubmatch(msg); m != nil {
			if hint, ok := patternHint[unescapeCUE(m[2])]; ok {
				return fmt.Sprintf("invalid value %s: want %s", m[1], hint)
			}
		}
		if m := reConflict.FindStringSubmatch(msg); m != nil && m[3] == "" {
			alt := m[1]
			if alt == user {
				alt = m[2]
			}
			allowed = append(allowed, alt)
			continue
		}
		other = append(other, l.message(path, e))
	}
	if len(allowed) > 0 && len(other) == 0 {
		sort.Strings(allowed)
		if user == "" {
			user = "value"
		}
		return fmt.Sprintf("%s is not allowed: must be one of %s", user, strings.Join(allowed, ", "))
	}
	if len(other) > 0 {
		return other[len(other)-1]
	}
	return fmt.Sprintf("%s is not allowed", user)
}

func (l *loader) notAllowed(path string) string {
	parent, name := splitLast(path)
	fields := l.schemaFields(parent)
	if len(fields) == 0 {
		if strings.HasPrefix(parent, "consistency") || strings.HasPrefix(parent, "slo.p99") {
			return "unknown operation"
		}
		return "field not allowed"
	}
	if best := closest(name, fields); best != "" {
		return fmt.Sprintf("field not allowed (did you mean %q?)", best)
	}
	return "field not allowed; allowed fields: " + strings.Join(fields, ", ")
}

func (l *loader) requiredHint(path string) string {
	switch path {
	case "services.zones":
		return ": say how many zones the application runs in (1 is a single point of failure)"
	case "cache.ttl":
		return `: every cached entry needs a TTL as a safety net, e.g. "1h"`
	case "cache.invalidation":
		return `: say how cached copies stop being stale: "delete-on-write", "update-on-write", "ttl-only" or "immutable"`
	case "cache.memory":
		return `: give the memory per cache node, e.g. "13GiB"`
	case "database.shardKey":
		return ": a sharded database needs a shard key, e.g. \"code\""
	case "queue.consumers":
		return ": say how many consumers drain the queue"
	case "queue.workTime":
		return `: say how long one message takes to process, e.g. "5ms"`
	}
	return ""
}

// schemaFields lists the field names the schema allows at a dotted path of
// the design, for "did you mean" suggestions.
func (l *loader) schemaFields(path string) []string {
	v := l.def
	if path != "" {
		for _, part := range strings.Split(path, ".") {
			// Step through pattern constraints ("traffic.redirect") by
			// asking for the pattern's value.
			next := v.LookupPath(cue.MakePath(cue.Str(part)))
			if !next.Exists() {
				next = v.LookupPath(cue.MakePath(cue.Str(part).Optional()))
			}
			if !next.Exists() {
				next = v.LookupPath(cue.MakePath(cue.AnyString))
			}
			if !next.Exists() {
				return nil
			}
			v = next
		}
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return nil
	}
	var names []string
	for it.Next() {
		sel := it.Selector()
		if sel.IsDefinition() || sel.PkgPath() != "" {
			continue
		}
		names = append(names, sel.Unquoted())
	}
	sort.Strings(names)
	return names
}

// closest returns the candidate within two edits of name, if any.
func closest(name string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance: insertions,
// deletions, substitutions and transpositions ("replcias") cost one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

func splitLast(path string) (parent, name string) {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i], path[i+1:]
	}
	return "", path
}

func joinPath(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if p != "" && p[0] >= '0' && p[0] <= '9' {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

func unescapeCUE(s string) string { return strings.ReplaceAll(s, `\\`, `\`) }
