package schema

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

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
	"#Name":         `a name of up to 63 letters, digits, "-" and "_", starting with a lower-case letter`,
	"#OverrideID":   `an estimator default id such as "app.rps_per_core"`,
	"#RuleID":       `a rule id such as "CACHE003"`,
	"#Date":         `a date written YYYY-MM-DD, such as "2027-01-31"`,
	"#Text":         "text that is not blank",
	"#URLPath":      `a URL path starting with "/", such as "/healthz"`,
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
				msgs = append(msgs, l.message(path, e, src))
			}
			if len(g.subs) == 0 {
				msgs = []string{l.message(path, g.first, src)}
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

// message turns one CUE error into words. It works from the error's format
// and arguments rather than its text, and says what the field wants using
// the schema's own description of it (see Fields).
func (l *loader) message(path string, e cueerrors.Error, src *Source) string {
	format, args := e.Msg()
	want := ""
	if f := fieldAt(path); f != nil {
		want = f.Want
	}
	user := src.valueText(path)
	arg := func(i int) string {
		if i < len(args) {
			return fmt.Sprint(args[i])
		}
		return ""
	}
	switch {
	case format == "field not allowed":
		return l.notAllowed(path)
	case format == "field is required but not present":
		return "missing required field" + l.requiredHint(path, want)
	case strings.HasPrefix(format, "incomplete value"):
		if h, ok := valueHints[path]; ok {
			return "missing value: " + h
		}
		if want != "" {
			return "missing value: want " + want
		}
		return "missing value: give a concrete " + arg(0)
	case format == "conflicting values %s and %s (mismatched types %s and %s)":
		// One side is the user's value, the other the schema's type.
		got, kind := arg(0), arg(2)
		if got != user && arg(1) == user {
			got, kind = arg(1), arg(3)
		}
		if want != "" {
			return fmt.Sprintf("%s is %s: want %s", shorten(got), kindWords(kind), want)
		}
	case format == "conflicting values %s and %s":
		if strings.HasPrefix(want, "one of ") && !(allows(want, arg(0)) && allows(want, arg(1))) {
			got := arg(0)
			if arg(1) == user {
				got = arg(1)
			}
			return enumMessage(shorten(got), want)
		}
		return fmt.Sprintf("conflicting values %s and %s: the field is given two different values", shorten(arg(0)), shorten(arg(1)))
	case format == "invalid value %v (out of bound %s)":
		bound := arg(1)
		if m := reMatchBound.FindStringSubmatch(bound); m != nil {
			if hint, ok := patternHint[unescapeCUE(m[1])]; ok {
				return fmt.Sprintf("invalid value %s: want %s%s", shorten(arg(0)), hint, percentHint(arg(0), hint))
			}
			if want != "" {
				return fmt.Sprintf("invalid value %s: want %s", shorten(arg(0)), want)
			}
		}
		if m := reCmpBound.FindStringSubmatch(bound); m != nil {
			return outOfRange(shorten(arg(0)), path, "must be "+words(m[1])+" "+strings.TrimSpace(m[2]))
		}
	case strings.HasPrefix(format, "incompatible integer bounds"), strings.HasPrefix(format, "incompatible number bounds"):
		if user != "" && want != "" {
			return outOfRange(shorten(user), path, "want "+want)
		}
	case format == "incompatible list lengths (%d and %d)":
		if arg(0) == "0" || arg(1) == "0" {
			if h, ok := valueHints[path]; ok {
				return "the list is empty: " + h
			}
			return "the list is empty: want " + want
		}
	}
	msg := cueerrors.StringWithConfig(e, &cueerrors.Config{OmitPath: true})
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return strings.TrimSuffix(msg, ":")
}

var (
	reMatchBound = regexp.MustCompile(`^=~"(.*)"$`)
	reCmpBound   = regexp.MustCompile(`^([<>!=]=?)(.*)$`)
)

// valueHints explain a value the schema requires only because of another
// choice in the design (the `if` blocks in design.cue).
var valueHints = map[string]string{
	"database.replicas": "database.readFromReplicas is true, so give at least one replica (database.replicas: 1 or more)",
	"queue.carries":     "a queue must carry at least one operation: name it in carries, e.g. [\"click\"]",
}

// rangeReasons replace the bare bound in an out-of-range message where
// the talk gives a reason for it; keyed by schema path.
var rangeReasons = map[string]string{
	"system.regions":                 "a multi-region footprint spans 2 to 20 regions (one region is footprint \"multi-zone\")",
	"slo.availability":               `must be above 0 and below 100%, such as "99.95%" or 0.9995: no machine has 100% uptime`,
	"traffic.<operation>.peakFactor": "must be from 1 to 1000: it is peak ÷ average, and 1 means perfectly flat traffic",
	"services.targetUtilization":     "must be above 0 and below 1: the rest is headroom for peaks and failures",
}

func outOfRange(value, path, bound string) string {
	f := fieldAt(path)
	if f != nil {
		if r, ok := rangeReasons[f.Path]; ok {
			bound = r
		}
	}
	if f != nil && f.Path == "database.replicas" && value == "0" {
		bound = "database.readFromReplicas is true, so give at least one replica"
	}
	msg := value + " is out of range: " + bound
	// 99.9 where a fraction belongs is a percentage without its sign.
	if n, err := strconv.ParseFloat(value, 64); err == nil && n > 1 && n < 100 && f != nil && strings.Contains(f.Want, "%") {
		msg += fmt.Sprintf(" (did you mean \"%s%%\"?)", value)
	}
	return msg
}

// shorten keeps a quoted value readable in a one-line message: a value of
// hundreds of characters is cut in the middle.
func shorten(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…" + string(r[len(r)-12:]) + fmt.Sprintf(" (%d characters)", len(r))
}

func kindWords(kind string) string {
	switch kind {
	case "string":
		return "text"
	case "int":
		return "an integer"
	case "float", "number":
		return "a number"
	case "bool":
		return "true or false"
	case "list":
		return "a list"
	case "struct":
		return "a struct"
	case "null":
		return "null"
	}
	return "a " + kind
}

// percentHint suggests the percent sign a quoted number lacks where a
// percentage belongs: "99.95" for "99.95%".
func percentHint(value, hint string) string {
	if !strings.Contains(hint, "%") {
		return ""
	}
	num, err := strconv.Unquote(value)
	if err != nil {
		return ""
	}
	if f, err := strconv.ParseFloat(num, 64); err == nil && f > 0 && f <= 100 {
		return fmt.Sprintf(" (did you mean \"%s%%\"?)", num)
	}
	return ""
}

// allows reports whether a "one of" list names the value.
func allows(want, value string) bool {
	for _, o := range strings.Split(strings.TrimPrefix(want, "one of "), ", ") {
		if o == value {
			return true
		}
	}
	return false
}

// enumMessage says which values a choice allows, and suggests the closest
// one to a misspelling.
func enumMessage(got, want string) string {
	msg := got + " is not allowed"
	var options []string
	for _, o := range strings.Split(strings.TrimPrefix(want, "one of "), ", ") {
		options = append(options, strings.Trim(o, `"`))
	}
	if best := closest(strings.Trim(got, `"`), options); best != "" && `"`+best+`"` != got {
		msg += fmt.Sprintf(" (did you mean %q?)", best)
	}
	return msg + ": must be " + want
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

// disjunctionMessage turns the failure of every alternative of a choice
// into one line: what the user wrote, and what the field wants.
func (l *loader) disjunctionMessage(path string, subs []cueerrors.Error, src *Source) string {
	user := shorten(src.valueText(path))
	want := ""
	if f := fieldAt(path); f != nil {
		want = f.Want
	}
	if user == "" {
		user = "the value"
	}
	// A unit pattern that failed says more than the type mismatch of the
	// other alternatives ("2M/dya" is not a number either).
	for _, e := range subs {
		format, args := e.Msg()
		if format == "invalid value %v (out of bound %s)" && len(args) == 2 {
			if m := reMatchBound.FindStringSubmatch(fmt.Sprint(args[1])); m != nil {
				if hint, ok := patternHint[unescapeCUE(m[1])]; ok {
					if strings.HasPrefix(path, "overrides.") {
						hint = want
					}
					return fmt.Sprintf("invalid value %s: want %s%s", shorten(fmt.Sprint(args[0])), hint, percentHint(fmt.Sprint(args[0]), hint))
				}
			}
		}
	}
	switch {
	case strings.HasPrefix(want, "one of "):
		return enumMessage(user, want)
	case want != "":
		// Bounds on the numeric alternative: say which.
		for _, e := range subs {
			if format, _ := e.Msg(); strings.Contains(format, "out of bound") || strings.Contains(format, "incompatible") {
				return outOfRange(user, path, "want "+want)
			}
		}
		return fmt.Sprintf("%s is not allowed: want %s", user, want)
	}
	return l.message(path, subs[len(subs)-1], src)
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

func (l *loader) requiredHint(path, want string) string {
	switch path {
	case "system":
		return `: name the design and say where it runs, e.g. system: {name: "shortener", cloud: "aws"}`
	case "traffic":
		return ": list the operations by name, with their kind, rate, peakFactor, sizes and path"
	case "slo":
		return `: state what users are promised, at least slo: {availability: "99.9%"}`
	case "services":
		return ": describe the application tier, at least services: {instances: 2, zones: 2}"
	case "database":
		return `: name the source of truth, e.g. database: {kind: "postgres"}`
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
	if want != "" && !strings.HasPrefix(want, "a struct") {
		return ": want " + want
	}
	return ""
}

// schemaFields lists the field names the schema allows at a dotted path of
// the design, for "did you mean" suggestions.
func (l *loader) schemaFields(path string) []string {
	fields, err := Fields()
	if err != nil {
		return nil
	}
	prefix := ""
	if path != "" {
		f := fieldAt(path)
		if f == nil {
			return nil
		}
		prefix = f.Path + "."
	}
	// A component's fields are those of its kind.
	kind := ""
	if parts := splitPath(path); len(parts) == 2 && parts[0] == "components" {
		kind = l.kinds[parts[1]]
	}
	var names []string
	for _, f := range fields {
		rest, ok := strings.CutPrefix(f.Path, prefix)
		if ok && rest != "" && !strings.ContainsAny(rest, ".[<") && (kind == "" || len(f.Kinds) == 0 || slices.Contains(f.Kinds, kind)) {
			names = append(names, rest)
		}
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

// splitLast splits a path into its parent and its last field name.
func splitLast(path string) (parent, name string) {
	parts := splitPath(path)
	if len(parts) == 0 {
		return "", ""
	}
	return joinPath(quoteAll(parts[:len(parts)-1])), parts[len(parts)-1]
}

func quoteAll(parts []string) []string {
	out := make([]string, len(parts))
	for i, p := range parts {
		if !isIndex(p) {
			p = quoteLabel(p)
		}
		out[i] = p
	}
	return out
}

// joinPath writes the parts of a CUE error's path the way people read
// them: "traffic.redirect.path[1]", `overrides."app.rps"`. CUE gives list
// indices as bare digits and quotes labels that are not identifiers.
func joinPath(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		if isIndex(p) {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		// CUE quotes a label like "orders-db" that Source.walk writes
		// bare: one spelling, so the error finds the field's position.
		if u, err := strconv.Unquote(p); err == nil && strings.HasPrefix(p, `"`) {
			p = u
		}
		b.WriteString(quoteLabel(p))
	}
	return b.String()
}

// joinField appends a field name (unquoted) to a path.
func joinField(path, name string) string {
	if path == "" {
		return quoteLabel(name)
	}
	return path + "." + quoteLabel(name)
}

var reIdent = regexp.MustCompile(`^[A-Za-z_$#][A-Za-z0-9_$#-]*$`)

// quoteLabel quotes a label that is not written bare: "app.rps", "2x".
func quoteLabel(name string) string {
	if reIdent.MatchString(name) {
		return name
	}
	return strconv.Quote(name)
}

func isIndex(p string) bool {
	if p == "" {
		return false
	}
	for i := 0; i < len(p); i++ {
		if p[i] < '0' || p[i] > '9' {
			return false
		}
	}
	return true
}

func unescapeCUE(s string) string { return strings.ReplaceAll(s, `\\`, `\`) }
