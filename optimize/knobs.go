// Package optimize searches the counts and sizes of a design (every one by
// default, or the knobs named with @tune or --tune) for the cheapest
// configuration that meets every SLO with no
// finding at or above high — "the cheapest design that meets the SLO
// wins" — and writes the winning changes back into the design file with
// its comments and layout kept.
//
// It drives the pipeline (estimator, then rules) over variants of the
// typed design and judges each by the estimate's verdict and the review's
// findings; it computes no figure of its own. The search is deterministic:
// a fixed order of knobs and moves, evaluations memoised by configuration,
// and parallel evaluations reduced in a fixed order.
package optimize

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Sizes are the vCPU x GiB sizes the schema allows, smallest first.
var Sizes = schema.Sizes

type kind int

const (
	count  kind = iota // an integer count
	choice             // one of a list of values
)

// knobDef is one setting the search may change.
type knobDef struct {
	path string
	kind kind
	// min and max are the schema's bounds for a count.
	min, max int
	// applies says whether the design has the tier the knob sets.
	applies func(d *schema.Design) bool
	// get reads the knob: the count, or the value for a choice.
	get func(d *schema.Design) string
	// set writes it on a copy of the design.
	set func(d *schema.Design, v string)
	// values lists a choice's values, smallest (cheapest) first.
	values func(d *schema.Design) []string
	// technology knobs choose what runs, not how much of it: the default
	// search keeps them as written (a team chooses its cloud for more than
	// this month's bill).
	technology bool
}

// defs is every knob, in the order the search visits them and the output
// lists them.
var defs = []knobDef{
	{path: "system.cloud", kind: choice, technology: true,
		applies: func(*schema.Design) bool { return true },
		get:     func(d *schema.Design) string { return d.System.Cloud },
		set:     func(d *schema.Design, v string) { d.System.Cloud = v },
		values:  func(*schema.Design) []string { return estimator.Clouds }},
	{path: "services.size", kind: choice,
		applies: func(*schema.Design) bool { return true },
		get:     func(d *schema.Design) string { return d.Services.Size },
		set:     func(d *schema.Design, v string) { d.Services.Size = v },
		values:  func(*schema.Design) []string { return Sizes }},
	{path: "services.instances", kind: count, min: 1, max: 100000,
		applies: func(*schema.Design) bool { return true },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Services.Instances) },
		set:     func(d *schema.Design, v string) { d.Services.Instances = atoi(v) }},
	{path: "cache.memory", kind: choice,
		applies: func(d *schema.Design) bool { return d.Cache.Enabled() && d.Cache.Memory != nil },
		get:     func(d *schema.Design) string { return bytesText(float64(*d.Cache.Memory)) },
		set: func(d *schema.Design, v string) {
			b, _ := schema.ParseBytes(v)
			d.Cache.Memory = &b
		},
		values: memoryLadder},
	{path: "cache.nodes", kind: count, min: 1, max: 1000,
		applies: func(d *schema.Design) bool { return d.Cache.Enabled() },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Cache.Nodes) },
		set:     func(d *schema.Design, v string) { d.Cache.Nodes = atoi(v) }},
	{path: "cache.replicas", kind: count, min: 0, max: 10,
		applies: func(d *schema.Design) bool { return d.Cache.Enabled() },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Cache.Replicas) },
		set:     func(d *schema.Design, v string) { d.Cache.Replicas = atoi(v) }},
	{path: "database.size", kind: choice,
		applies: func(d *schema.Design) bool { return d.Database.Kind != "dynamodb" },
		get:     func(d *schema.Design) string { return d.Database.Size },
		set:     func(d *schema.Design, v string) { d.Database.Size = v },
		values:  func(*schema.Design) []string { return Sizes }},
	{path: "database.replicas", kind: count, min: 0, max: 100,
		applies: func(*schema.Design) bool { return true },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Database.Replicas) },
		set:     func(d *schema.Design, v string) { d.Database.Replicas = atoi(v) }},
	// Shards need a shard key (the schema requires one above one shard),
	// so the knob exists only when the design names it.
	{path: "database.shards", kind: count, min: 1, max: 10000,
		applies: func(d *schema.Design) bool { return d.Database.ShardKey != "" },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Database.Shards) },
		set:     func(d *schema.Design, v string) { d.Database.Shards = atoi(v) }},
	{path: "queue.partitions", kind: count, min: 1, max: 100000,
		applies: func(d *schema.Design) bool { return d.Queue.Enabled() },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Queue.Partitions) },
		set:     func(d *schema.Design, v string) { d.Queue.Partitions = atoi(v) }},
	{path: "queue.consumers", kind: count, min: 1, max: 100000,
		applies: func(d *schema.Design) bool { return d.Queue.Enabled() },
		get:     func(d *schema.Design) string { return strconv.Itoa(d.Queue.Consumers) },
		set:     func(d *schema.Design, v string) { d.Queue.Consumers = atoi(v) }},
}

// KnobPaths lists every knob optimize knows, for help texts and --tune.
func KnobPaths() []string {
	out := make([]string, len(defs))
	for i, k := range defs {
		out[i] = k.path
	}
	return out
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// memoryLadder is the cache sizes tried: powers of two from 512 MiB to
// 512 GiB, and the design's own size.
func memoryLadder(d *schema.Design) []string {
	seen := map[float64]bool{}
	var sizes []float64
	for b := 512 * estimator.MiB; b <= 512*estimator.GiB; b *= 2 {
		sizes = append(sizes, b)
		seen[b] = true
	}
	if d.Cache.Memory != nil && !seen[float64(*d.Cache.Memory)] {
		sizes = append(sizes, float64(*d.Cache.Memory))
	}
	sort.Float64s(sizes)
	out := make([]string, len(sizes))
	for i, b := range sizes {
		out[i] = bytesText(b)
	}
	return out
}

// bytesText writes a size as a design would: "13GiB", "512MiB", "1.5GiB".
func bytesText(b float64) string {
	for _, u := range []struct {
		name string
		size float64
	}{{"TiB", estimator.TiB}, {"GiB", estimator.GiB}, {"MiB", estimator.MiB}, {"KiB", estimator.KiB}} {
		if b >= u.size {
			return strconv.FormatFloat(math.Round(b/u.size*1000)/1000, 'f', -1, 64) + u.name
		}
	}
	return strconv.FormatFloat(b, 'f', -1, 64) + "B"
}

// Knob is one setting the search may change in this design.
type Knob struct {
	Path string `json:"path"`
	// Why says what made it tunable: "open" (the design leaves it out),
	// "written" (a count or size the design writes, searched by default),
	// "marked @tune" (in the file) or "--tune".
	Why string `json:"why"`
	// Values are the choices tried (choice knobs), Min and Max the bounds
	// of a count.
	Values   []string `json:"values,omitempty"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
	def      *knobDef
	explicit bool // bounds given with @tune(min=, max=)
}

// Tuning says which knobs may change. With no marks and no flags: every
// count and size, keeping the cloud. Marks (@tune in the file) and flags
// (--tune; all for every knob, the cloud too) narrow the search to the
// knobs they name and those the design leaves open.
type Tuning struct {
	Marks map[string]Mark
	Flags []string
	// Fixed knobs never change, even when the design leaves them open.
	Fixed []string
}

// Mark is a field's @tune attribute: no arguments, bounds
// (@tune(min=2, max=12)) or allowed values (@tune(aws, gcp)).
type Mark struct {
	Min, Max *int
	Values   []string
	Pos      schema.Position
}

// Knobs lists the knobs the search may change in d, in search order.
func Knobs(d *schema.Design, t Tuning) ([]*Knob, error) {
	all := defs
	if len(d.Components) > 0 {
		all = componentDefs(d)
	}
	paths := make([]string, len(all))
	for i, k := range all {
		paths[i] = k.path
	}
	known := func(path string) bool { return contains(paths, path) }
	flags := map[string]bool{}
	for _, f := range t.Flags {
		if f != "all" && !known(f) {
			return nil, fmt.Errorf("unknown knob %q in --tune: use all or one of %s", f, strings.Join(paths, ", "))
		}
		flags[f] = true
	}
	fixed := map[string]bool{}
	for _, f := range t.Fixed {
		if !known(f) {
			return nil, fmt.Errorf("unknown knob %q in --fix: use one of %s", f, strings.Join(paths, ", "))
		}
		fixed[f] = true
	}
	for path, m := range t.Marks {
		if !known(path) {
			return nil, fmt.Errorf("%s: @tune on %s, which optimize cannot change: it tunes %s", m.Pos, path, strings.Join(paths, ", "))
		}
	}
	// Naming knobs, on the command line or with @tune in the file, narrows
	// the search to them (and to what the design leaves open).
	narrowed := len(t.Marks) > 0 || len(flags) > 0
	var out []*Knob
	for i := range all {
		def := &all[i]
		if !def.applies(d) || fixed[def.path] {
			continue
		}
		k := &Knob{Path: def.path, def: def}
		mark, marked := t.Marks[def.path]
		switch {
		case marked:
			k.Why = "marked @tune"
		case flags["all"] || flags[def.path]:
			k.Why = "--tune"
		case !d.Source.Has(def.path):
			k.Why = "open"
		case !narrowed && !def.technology:
			// What the design writes is a guess to check, not a
			// requirement: the default searches every count and size.
			k.Why = "written"
		default:
			continue
		}
		if def.kind == choice {
			k.Values = def.values(d)
			if marked && len(mark.Values) > 0 {
				for _, v := range mark.Values {
					if !contains(k.Values, v) {
						return nil, fmt.Errorf("%s: @tune value %q is not one of %s", mark.Pos, v, strings.Join(k.Values, ", "))
					}
				}
				k.Values = mark.Values
			}
		} else {
			k.Min, k.Max = def.min, def.max
			if marked && mark.Min != nil {
				k.Min, k.explicit = max(def.min, *mark.Min), true
			}
			if marked && mark.Max != nil {
				k.Max, k.explicit = min(def.max, *mark.Max), true
			}
			if k.Min > k.Max {
				return nil, fmt.Errorf("%s: @tune(min=%d, max=%d) leaves nothing to try", mark.Pos, k.Min, k.Max)
			}
			// A read replica must exist to read from.
			if def.path == "database.replicas" && d.Database.ReadFromReplicas {
				k.Min = max(k.Min, 1)
			}
			if name, ok := strings.CutPrefix(def.path, "components."); ok && strings.HasSuffix(name, ".replicas") {
				if c := d.Components[strings.TrimSuffix(name, ".replicas")]; c != nil && c.ReadFromReplicas {
					k.Min = max(k.Min, 1)
				}
			}
		}
		out = append(out, k)
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// componentDefs are the knobs of a design written with components: the
// cloud, and the counts and sizes of every component that has them, in
// the order of the components' names.
func componentDefs(d *schema.Design) []knobDef {
	out := []knobDef{defs[0]} // system.cloud
	names := make([]string, 0, len(d.Components))
	for n := range d.Components {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		c := d.Components[name]
		path := "components." + name + "."
		count := func(field string, min, max int, get func(*schema.Component) int, set func(*schema.Component, int)) knobDef {
			return knobDef{path: path + field, kind: count, min: min, max: max,
				applies: func(d *schema.Design) bool { return d.Components[name] != nil },
				get:     func(d *schema.Design) string { return strconv.Itoa(get(d.Components[name])) },
				set:     func(d *schema.Design, v string) { setComponent(d, name, func(c *schema.Component) { set(c, atoi(v)) }) }}
		}
		size := knobDef{path: path + "size", kind: choice,
			applies: func(d *schema.Design) bool { return d.Components[name] != nil },
			get:     func(d *schema.Design) string { return d.Components[name].Size },
			set:     func(d *schema.Design, v string) { setComponent(d, name, func(c *schema.Component) { c.Size = v }) },
			values:  func(*schema.Design) []string { return Sizes }}
		switch c.Family() {
		case schema.FamilyService:
			if c.Instances > 0 {
				out = append(out, size, count("instances", 1, 100000,
					func(c *schema.Component) int { return c.Instances }, func(c *schema.Component, n int) { c.Instances = n }))
			}
		case schema.FamilyDatabase:
			if c.Kind == "dynamodb" {
				continue
			}
			out = append(out, size, count("replicas", 0, 100,
				func(c *schema.Component) int { return c.Replicas }, func(c *schema.Component, n int) { c.Replicas = n }))
			if c.ShardKey != "" {
				out = append(out, count("shards", 1, 10000,
					func(c *schema.Component) int { return c.Shards }, func(c *schema.Component, n int) { c.Shards = n }))
			}
		case schema.FamilyCache:
			out = append(out, count("nodes", 1, 1000, func(c *schema.Component) int { return c.Nodes }, func(c *schema.Component, n int) { c.Nodes = n }),
				count("replicas", 0, 10, func(c *schema.Component) int { return c.Replicas }, func(c *schema.Component, n int) { c.Replicas = n }))
		case schema.FamilySearch:
			out = append(out, size, count("nodes", 1, 10000, func(c *schema.Component) int { return c.Nodes }, func(c *schema.Component, n int) { c.Nodes = n }))
		}
	}
	return out
}

// setComponent changes one component of a design copy without touching
// the original: the map and the component are copied.
func setComponent(d *schema.Design, name string, f func(*schema.Component)) {
	m := make(map[string]*schema.Component, len(d.Components))
	for k, v := range d.Components {
		m[k] = v
	}
	c := *m[name]
	f(&c)
	m[name] = &c
	d.Components = m
}
