package schema

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue"
)

// The call trees are checked here, in Go, rather than by CUE's #Step: a
// step is a name or a call, and a call holds steps, so CUE evaluates a
// closed disjunction at every step of every tree — most of the time a
// design of a thousand operations takes to validate, and, when a step is
// wrong, an error against both forms ("mismatched types struct and
// string") rather than the field that is. The loader compiles the schema
// with #Step open (loaderSchema) and walks the trees itself: the shape
// (a name, or a call whose fields it knows) here, every field's value
// against the schema's own #Call field, so the types and ranges are
// written once, in design.cue. design.cue keeps the whole #Step for the
// docs, the JSON Schema and stock `cue vet`.

// openStep is the line of design.cue the loader's copy replaces.
var openStep = []byte("#Step: #Name | #Call\n")

// loaderSchema is the schema the loader compiles: design.cue with #Step
// open, the call trees left to checkSteps.
func loaderSchema() ([]byte, error) {
	if bytes.Count(schemaSource, openStep) != 1 {
		return nil, fmt.Errorf("internal error: design.cue does not define #Step as %q", bytes.TrimSpace(openStep))
	}
	return bytes.Replace(schemaSource, openStep, []byte("#Step: _\n"), 1), nil
}

// stepFields are a call's fields, in the order a message lists them.
var stepFields = []string{"to", "calls", "miss", "parallel", "fanout", "share", "async", "timeout", "retries", "optional", "work", "rows"}

// checkSteps checks every operation's call tree in the user's value.
func (l *loader) checkSteps(user cue.Value, src *Source) Errors {
	c := &stepCheck{l: l, src: src, call: l.schema.LookupPath(cue.ParsePath("#Call")), name: l.schema.LookupPath(cue.ParsePath("#Name")), passed: map[string]bool{}, fields: map[string]cue.Value{}}
	it, err := user.LookupPath(cue.ParsePath("traffic")).Fields()
	if err != nil {
		return nil
	}
	for it.Next() {
		calls := it.Value().LookupPath(cue.ParsePath("calls"))
		if calls.Exists() {
			c.list(calls, "traffic."+quoteLabel(it.Selector().Unquoted())+".calls", true)
		}
	}
	return c.errs
}

type stepCheck struct {
	l          *loader
	src        *Source
	call, name cue.Value
	errs       Errors
	// passed holds the scalars already checked without error (against).
	passed map[string]bool
	// fields caches the schema's type of each call field (field).
	fields map[string]cue.Value
}

func (c *stepCheck) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: c.src.Pos(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// against reports v's errors against the schema's type t.
// A value of one of two forms (a fanout's count or struct) that fails
// inside one of them says so there; its clash with the other form says
// nothing more.
func (c *stepCheck) against(v, t cue.Value) {
	err := v.Unify(t).Validate(cue.Concrete(true))
	if err == nil {
		return
	}
	es := c.l.convertErrors(err, c.src)
	for _, e := range es {
		if strings.Contains(e.Msg, "mismatched types") && slices.ContainsFunc(es, func(o *Error) bool { return strings.HasPrefix(o.Path, e.Path+".") }) {
			continue
		}
		c.errs = append(c.errs, e)
	}
}

// list checks a list of steps; the operation's own list is the shape the
// schema gives #Operation.calls (non-empty), so only its elements are
// checked here.
func (c *stepCheck) list(v cue.Value, path string, top bool) {
	if v.IncompleteKind() != cue.ListKind {
		if !top {
			c.errorf(path, "a list of steps is wanted here: [\"NAME\", {to: \"NAME\", calls: [...]}], not %s", kindWords(v.IncompleteKind().String()))
		}
		return
	}
	it, err := v.List()
	if err != nil {
		return
	}
	for i := 0; it.Next(); i++ {
		c.step(it.Value(), fmt.Sprintf("%s[%d]", path, i))
	}
}

func (c *stepCheck) step(v cue.Value, path string) {
	switch v.IncompleteKind() {
	case cue.StringKind:
		c.once(v, "", func() { c.against(v, c.name) })
		return
	case cue.StructKind:
	default:
		c.errorf(path, "a step is a component's name (\"db\") or a call ({to: \"db\", ...}), not %s", kindWords(v.IncompleteKind().String()))
		return
	}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		c.errs = append(c.errs, c.l.convertErrors(err, c.src)...)
		return
	}
	for it.Next() {
		f := it.Selector().Unquoted()
		p := path + "." + quoteLabel(f)
		switch {
		case !slices.Contains(stepFields, f):
			c.errorf(p, "a step has no field %q%s: a call has %s", f, closestWords(f, stepFields), joinWords(stepFields))
		case f == "calls" || f == "miss":
			c.list(it.Value(), p, false)
		case f == "parallel":
			c.list(it.Value(), p, false)
			if n, err := it.Value().Len().Int64(); err == nil && n == 0 {
				c.errorf(p, "parallel lists the steps that run at the same time: at least one")
			}
		default:
			fv := it.Value()
			c.once(fv, f, func() {
				n := len(c.errs)
				c.against(fv, c.field(f))
				if len(c.errs) == n {
					c.units(fv, p, f)
				}
			})
		}
	}
}

// once runs check on a field's scalar value unless the same value of the
// same field has passed before: a thousand call trees repeat a few names
// and numbers, and unifying each again with the schema was most of the
// check's time. Structs and lists are always checked.
func (c *stepCheck) once(v cue.Value, field string, check func()) {
	k := v.Kind()
	if k == cue.StructKind || k == cue.ListKind || k == cue.BottomKind {
		check()
		return
	}
	b, err := v.MarshalJSON()
	if err != nil {
		check()
		return
	}
	key := field + "\x00" + string(b)
	if c.passed[key] {
		return
	}
	n := len(c.errs)
	if check(); len(c.errs) == n {
		c.passed[key] = true
	}
}

// field is the schema's type of a call's field.
func (c *stepCheck) field(name string) cue.Value {
	t, ok := c.fields[name]
	if !ok {
		t = c.call.LookupPath(cue.MakePath(cue.Str(name).Optional()))
		c.fields[name] = t
	}
	return t
}

// units reads a field the schema types as a string of a unit ("150%",
// "2s") as the model does: the range and the unit are checked there.
func (c *stepCheck) units(v cue.Value, path, field string) {
	var target any
	switch field {
	case "share":
		target = new(Ratio)
	case "timeout", "work":
		target = new(Duration)
	case "fanout":
		if v.IncompleteKind() != cue.StructKind {
			return
		}
		target = new(Fanout)
	default:
		return
	}
	if err := v.Decode(target); err != nil {
		for _, e := range c.l.decodeErrors(err, c.src) {
			if e.Path == "" || !strings.HasPrefix(e.Path, path) {
				e.Path = path
			}
			c.errs = append(c.errs, e)
		}
	}
}

// closestWords is " (did you mean "x"?)" when a known name is close.
func closestWords(name string, names []string) string {
	if best := closest(name, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

func joinWords(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " and "
		default:
			out += ", "
		}
		out += n
	}
	return out
}
