package schema

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"cuelang.org/go/cue"
)

// TestModelMatchesSchema proves the Go model mirrors design.cue: it walks
// #Design, optional fields included, into every struct, map value and list
// element, and compares each level's field names with the json tags of the
// Go struct at the same place — both ways, so a field added to either side
// alone fails here. It also checks that kinds agree and that a field the
// schema leaves optional without a default can be told apart from a zero
// value in Go (a pointer, or omitempty on a type whose zero is "absent").
func TestModelMatchesSchema(t *testing.T) {
	l, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	mirror(t.Errorf, "#Design", l.def, reflect.TypeFor[Design]())
}

func mirror(errorf func(string, ...any), path string, v cue.Value, typ reflect.Type) {
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	if reflect.PointerTo(typ).Implements(cueUnmarshaler) {
		// A unit: a string or number decoded by its own parser.
		return
	}
	kind := v.IncompleteKind()
	switch {
	case kind == cue.StructKind && typ.Kind() == reflect.Map:
		elem := patternValue(v)
		if !elem.Exists() {
			errorf("%s: Go has a map but the schema has no pattern constraint", path)
			return
		}
		if fields := cueFields(v); len(fields) > 0 {
			errorf("%s: Go has a map but the schema also names fields %v", path, keys(fields))
		}
		mirror(errorf, path+".<name>", elem, typ.Elem())
	case kind == cue.StructKind && typ.Kind() == reflect.Struct:
		fields := cueFields(v)
		tags := goFields(typ)
		for name, f := range fields {
			gf, ok := tags[name]
			if !ok {
				errorf("%s.%s: in the schema but not in Go's %s", path, name, typ.Name())
				continue
			}
			if f.optional && !f.hasDefault && gf.Type.Kind() != reflect.Pointer && !gf.omitempty {
				errorf("%s.%s: optional without a default in the schema, but Go's %s.%s is neither a pointer nor omitempty", path, name, typ.Name(), gf.Name)
			}
			mirror(errorf, path+"."+name, f.v, gf.Type)
		}
		for name, gf := range tags {
			if _, ok := fields[name]; !ok {
				errorf("%s.%s: Go's %s.%s has no field in the schema", path, name, typ.Name(), gf.Name)
			}
		}
	case kind == cue.ListKind && typ.Kind() == reflect.Slice:
		mirror(errorf, path+"[]", v.LookupPath(cue.MakePath(cue.AnyIndex)), typ.Elem())
	case kind == cue.StringKind:
		expectKind(errorf, path, kind, typ, reflect.String)
	case kind == cue.BoolKind:
		expectKind(errorf, path, kind, typ, reflect.Bool)
	case kind == cue.IntKind:
		expectKind(errorf, path, kind, typ, reflect.Int)
	case kind == cue.NumberKind || kind == cue.FloatKind:
		expectKind(errorf, path, kind, typ, reflect.Float64)
	default:
		errorf("%s: schema kind %v has no Go counterpart in %v", path, kind, typ)
	}
}

func expectKind(errorf func(string, ...any), path string, kind cue.Kind, typ reflect.Type, want reflect.Kind) {
	if typ.Kind() != want {
		errorf("%s: schema kind %v, but Go type %v", path, kind, typ)
	}
}

type cueField struct {
	v          cue.Value
	optional   bool
	hasDefault bool
}

func cueFields(v cue.Value) map[string]cueField {
	out := map[string]cueField{}
	it, err := v.Fields(cue.Optional(true))
	if err != nil {
		return out
	}
	for it.Next() {
		sel := it.Selector()
		if sel.IsDefinition() || sel.PkgPath() != "" {
			continue
		}
		_, hasDefault := it.Value().Default()
		out[sel.Unquoted()] = cueField{v: it.Value(), optional: it.IsOptional(), hasDefault: hasDefault}
	}
	return out
}

type goField struct {
	reflect.StructField
	omitempty bool
}

func goFields(typ reflect.Type) map[string]goField {
	out := map[string]goField{}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = goField{StructField: f, omitempty: strings.Contains(opts, "omitempty")}
	}
	return out
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestMirrorCatchesDrift makes sure the mirror test can fail: a Go struct
// missing a schema field, one with an extra field, and one with a field of
// the wrong kind are each reported.
func TestMirrorCatchesDrift(t *testing.T) {
	l, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	type missing struct {
		Require string `json:"require"`
	}
	type extra struct {
		Require   string `json:"require"`
		Partition string `json:"partition,omitempty"`
		Quorum    int    `json:"quorum"`
	}
	type wrongKind struct {
		Require   bool   `json:"require"`
		Partition string `json:"partition,omitempty"`
	}
	type notOptional struct {
		Require   string `json:"require"`
		Partition string `json:"partition"`
	}
	v := patternValue(l.def.LookupPath(cue.ParsePath("consistency")))
	for name, typ := range map[string]reflect.Type{
		"missing":     reflect.TypeFor[missing](),
		"extra":       reflect.TypeFor[extra](),
		"wrongKind":   reflect.TypeFor[wrongKind](),
		"notOptional": reflect.TypeFor[notOptional](),
	} {
		var got []string
		mirror(func(format string, args ...any) { got = append(got, fmt.Sprintf(format, args...)) }, "consistency", v, typ)
		if len(got) != 1 {
			t.Errorf("%s: got %d reports %q, want 1", name, len(got), got)
		}
	}
}

// patternValue is the value a pattern constraint ([#Name]: X) gives a field
// of struct v: what any operation in traffic must be, for instance.
func patternValue(v cue.Value) cue.Value {
	if e := v.LookupPath(cue.MakePath(cue.AnyString)); e.Exists() {
		return e
	}
	// Add a field that matches the pattern, and read back what the pattern
	// made of it.
	probe := cue.MakePath(cue.Str("a"))
	return v.FillPath(probe, v.Context().CompileString("_")).LookupPath(probe)
}
