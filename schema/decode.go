package schema

import (
	"reflect"
	"strings"

	"cuelang.org/go/cue"
)

// decodeParts decodes a design part by part — each top-level section, and
// each field or entry of it — instead of all at once, so that a design
// with an error in one part still yields the rest. The semantic checks
// then run on every part that decoded, and a design reports its schema
// errors and its contradictions together. broken holds the paths of the
// parts that did not decode (their errors are reported elsewhere, or
// returned here when only decoding found them).
func (l *loader) decodeParts(u cue.Value, src *Source) (d *Design, broken map[string]bool, errs Errors) {
	d, broken, errs = l.walkParts(u, src, true)
	named(d)
	return d, broken, errs
}

// walkParts walks the design's parts as decodeParts decodes them, and
// decodes them when decode is set; without, it only finds the parts left
// out, for a design decodeWhole has decoded.
func (l *loader) walkParts(u cue.Value, src *Source, decode bool) (d *Design, broken map[string]bool, errs Errors) {
	d = &Design{Source: src}
	broken = map[string]bool{}
	dv := reflect.ValueOf(d).Elem()
	for i := 0; i < dv.NumField(); i++ {
		name := jsonName(dv.Type().Field(i))
		if name == "" {
			continue
		}
		sv := u.LookupPath(cue.MakePath(cue.Str(name)))
		if !sv.Exists() {
			// A section left out: a required one is reported missing,
			// and no check may read its zero value as the design's.
			broken[name] = true
			continue
		}
		l.decodeField(sv, dv.Field(i), name, src, broken, &errs, 1, decode)
	}
	return d, broken, errs
}

// named gives each operation its name and each waiver its index.
func named(d *Design) {
	for name, op := range d.Traffic {
		op.Name = name
	}
	for i := range d.Waivers {
		d.Waivers[i].Index = i
	}
}

// decodeField decodes v into dst; structs and maps are decoded field by
// field (entry by entry) down to the second level.
func (l *loader) decodeField(v cue.Value, dst reflect.Value, path string, src *Source, broken map[string]bool, errs *Errors, depth int, decode bool) {
	typ := dst.Type()
	isUnit := reflect.PointerTo(typ).Implements(cueUnmarshaler)
	if depth <= 2 && !isUnit && v.IncompleteKind()&cue.StructKind != 0 || depth <= 2 && !isUnit && v.Err() != nil {
		switch typ.Kind() {
		case reflect.Struct:
			for i := 0; i < typ.NumField(); i++ {
				name := jsonName(typ.Field(i))
				if name == "" {
					continue
				}
				fv := v.LookupPath(cue.MakePath(cue.Str(name)))
				if !fv.Exists() {
					continue
				}
				l.decodeField(fv, dst.Field(i), joinField(path, name), src, broken, errs, depth+1, decode)
			}
			return
		case reflect.Map:
			it, err := v.Fields()
			if err != nil {
				break
			}
			if dst.IsNil() {
				dst.Set(reflect.MakeMap(typ))
			}
			for it.Next() {
				key := it.Selector().Unquoted()
				elem := reflect.New(typ.Elem()).Elem()
				p := joinField(path, key)
				if l.decodeField(it.Value(), elem, p, src, broken, errs, depth+1, decode); decode && !isBroken(broken, p) {
					dst.SetMapIndex(reflect.ValueOf(key), elem)
				}
			}
			return
		}
	}
	// A field without a value (a required field left out, or an optional
	// one that only exists as a constraint) stays zero; the first is
	// reported by validation.
	if dv, _ := v.Default(); !dv.IsConcrete() {
		if typ.Kind() != reflect.Pointer {
			broken[path] = true
		}
		return
	}
	if !decode {
		return
	}
	if err := v.Validate(cue.Concrete(true)); err != nil {
		broken[path] = true
		return
	}
	target := reflect.New(typ)
	if err := v.Decode(target.Interface()); err != nil {
		broken[path] = true
		for _, e := range l.decodeErrors(err, src) {
			if e.Path == "" {
				e.Path = path
			}
			*errs = append(*errs, e)
		}
		return
	}
	dst.Set(target.Elem())
}

func jsonName(f reflect.StructField) string {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if name == "-" || !f.IsExported() {
		return ""
	}
	return name
}

var cueUnmarshaler = reflect.TypeFor[cue.Unmarshaler]()

// isBroken reports whether the part at path, a part holding it, or a part
// inside it did not decode.
func isBroken(broken map[string]bool, path string) bool {
	for b := range broken {
		if b == path || strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") ||
			strings.HasPrefix(b, path+".") || strings.HasPrefix(b, path+"[") {
			return true
		}
	}
	return false
}
