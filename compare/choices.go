// Package compare says what changed between two versions of a design: the
// choices (every field of the typed design, defaults included, so a change
// of default counts), the review's findings (appeared, gone, changed
// severity, waived or unwaived) and the estimate's numbers (monthly cost per
// cloud, p99 per operation, availability, runway) — each decision with its
// cost, for a pull-request comment.
//
// It is a renderer at the end of the pipeline: it reads two designs, their
// estimates and their reviews, and computes nothing those stages do not.
package compare

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Choice is one field whose value differs between the two designs.
type Choice struct {
	// Path is the field in the design, as positions name it
	// ("consistency.redirect.require").
	Path string `json:"path"`
	// Label says it in words ("redirect consistency").
	Label string `json:"label"`
	// Old and New are the values as a design writes them; empty when the
	// field is absent on that side.
	Old string `json:"old"`
	New string `json:"new"`
	// Pos is where the new design writes it (or the nearest field it
	// does write), for review comments.
	Pos schema.Position `json:"position"`
}

// Choices lists every field that differs, in path order.
func Choices(old, new *schema.Design) []Choice {
	a, b := Flatten(old), Flatten(new)
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	var out []Choice
	for p := range paths {
		if a[p] == b[p] {
			continue
		}
		pos := new.Source.Pos(p)
		if _, ok := b[p]; !ok {
			pos = new.Source.Pos(parent(p))
		}
		out = append(out, Choice{Path: p, Label: label(p), Old: a[p], New: b[p], Pos: pos})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Flatten writes a design as field path → value, one entry per scalar and
// per list of scalars. Waivers are keyed by what they waive rather than
// by their place in the list, so reordering them is no change.
func Flatten(d *schema.Design) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(*d)
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := jsonName(f)
		if name == "" {
			continue
		}
		if name == "waivers" {
			for _, w := range d.Waivers {
				key := w.Rule
				if w.Component != "" {
					key += "@" + w.Component
				}
				out[fmt.Sprintf("waivers[%s]", key)] = waiverText(w)
			}
			continue
		}
		flatten(out, name, v.Field(i))
	}
	return out
}

func waiverText(w schema.Waiver) string {
	s := strconv.Quote(w.Reason)
	if w.Owner != "" {
		s += " owner " + w.Owner
	}
	if w.Expires != "" {
		s += " until " + w.Expires
	}
	return s
}

var stringer = reflect.TypeOf((*fmt.Stringer)(nil)).Elem()

func flatten(out map[string]string, path string, v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	if v.Type().Implements(stringer) && v.Kind() != reflect.Struct {
		out[path] = scalar(v)
		return
	}
	switch v.Kind() {
	case reflect.Struct:
		if o, ok := v.Interface().(schema.Override); ok {
			out[path] = overrideText(o)
			return
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name := jsonName(f)
			if name == "" {
				continue
			}
			flatten(out, path+"."+name, v.Field(i))
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		for _, k := range keys {
			flatten(out, path+"."+quoteLabel(k.String()), v.MapIndex(k))
		}
	case reflect.Slice:
		if v.Len() == 0 {
			out[path] = "[]"
			return
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = scalar(v.Index(i))
		}
		out[path] = "[" + strings.Join(parts, ", ") + "]"
	default:
		out[path] = scalar(v)
	}
}

func scalar(v reflect.Value) string {
	if d, ok := v.Interface().(schema.Duration); ok {
		return shortDuration(d.String())
	}
	if v.Type().Implements(stringer) {
		return v.Interface().(fmt.Stringer).String()
	}
	switch v.Kind() {
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Float64, reflect.Float32:
		if v.Type() == reflect.TypeOf(schema.Count(0)) {
			return estimator.Num(v.Float())
		}
		return strconv.FormatFloat(v.Float(), 'g', -1, 64)
	}
	return fmt.Sprint(v.Interface())
}

// shortDuration drops the zero units Go's duration format keeps: "1h0m0s"
// is written "1h", as a design writes it.
func shortDuration(s string) string {
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

func overrideText(o schema.Override) string {
	switch o.Unit {
	case "duration":
		return estimator.Duration(o.Value)
	case "rate":
		return strconv.FormatFloat(o.Value, 'g', -1, 64) + "/s"
	}
	return strconv.FormatFloat(o.Value, 'g', -1, 64)
}

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return f.Name
	}
	return name
}

var reIdent = regexp.MustCompile(`^[A-Za-z_$#][A-Za-z0-9_$#-]*$`)

// quoteLabel writes a map key as a path does: bare when it can be.
func quoteLabel(s string) string {
	if reIdent.MatchString(s) {
		return s
	}
	return strconv.Quote(s)
}

func parent(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

// label says a path the way a reviewer would: "redirect consistency",
// "create p99 SLO", "database replicas".
func label(path string) string {
	parts := strings.Split(path, ".")
	switch {
	case len(parts) == 3 && parts[0] == "consistency" && parts[2] == "require":
		return parts[1] + " consistency"
	case len(parts) == 3 && parts[0] == "consistency" && parts[2] == "partition":
		return parts[1] + " partition choice"
	case len(parts) == 3 && parts[0] == "slo" && parts[1] == "p99":
		return parts[2] + " p99 SLO"
	case len(parts) >= 3 && parts[0] == "traffic":
		return parts[1] + " " + strings.Join(parts[2:], " ")
	case len(parts) == 2 && parts[0] == "slo":
		return parts[1] + " SLO"
	case len(parts) == 2:
		return words(parts[0]) + " " + words(parts[1])
	}
	return path
}

// words turns a camelCase field into words: loadBalancer is "load
// balancer", monthlyUSD is "monthly USD".
func words(s string) string {
	var out []string
	start := 0
	rs := []rune(s)
	upper := func(r rune) bool { return r >= 'A' && r <= 'Z' }
	for i := 1; i < len(rs); i++ {
		if upper(rs[i]) && (!upper(rs[i-1]) || (i+1 < len(rs) && !upper(rs[i+1]))) {
			out = append(out, string(rs[start:i]))
			start = i
		}
	}
	out = append(out, string(rs[start:]))
	for i, w := range out {
		if strings.ToUpper(w) != w || len(w) == 1 {
			out[i] = strings.ToLower(w)
		}
	}
	return strings.Join(out, " ")
}
