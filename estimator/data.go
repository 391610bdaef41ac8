package estimator

import (
	"bytes"
	"embed"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var dataFS embed.FS

// Clouds are the providers priced side by side, in output order.
var Clouds = []string{"aws", "gcp", "azure"}

// Tag says how far a figure can be trusted (estimation.md conventions).
type Tag string

// The tags a figure may carry. TagOverride marks a figure the user supplied
// with --prices or in the design; it is the user's claim, not an assumption.
const (
	TagPrimary   Tag = "P"
	TagSecondary Tag = "S"
	TagDerived   Tag = "D"
	TagUnsourced Tag = "unsourced"
	TagOverride  Tag = "override"
)

// Assumed reports whether output must mark a figure with this tag as an
// assumption: secondary and unsourced figures are (estimation.md §5).
func (t Tag) Assumed() bool { return t == TagSecondary || t == TagUnsourced }

// Tier is one band of a tiered price: Price applies to usage up to UpTo (in
// the entry's unit, cumulative); a nil UpTo is unbounded.
type Tier struct {
	UpTo *float64 `yaml:"up_to"`
	USD  float64  `yaml:"usd"`
}

// Entry is one sourced figure: a price, a pricing factor, a per-node
// throughput or latency default, or an SLA. Value is nil when the reference
// has no figure at all; such an entry cannot be used until overridden.
type Entry struct {
	ID         string   `yaml:"id"`
	SKU        string   `yaml:"sku,omitempty"`
	Unit       string   `yaml:"unit,omitempty"`
	USD        *float64 `yaml:"usd,omitempty"`
	Value      *float64 `yaml:"value,omitempty"`
	Tiers      []Tier   `yaml:"tiers,omitempty"`
	VCPU       float64  `yaml:"vcpu,omitempty"`
	MemoryGiB  float64  `yaml:"memory_gib,omitempty"`
	Conditions string   `yaml:"conditions,omitempty"`
	Source     string   `yaml:"source"`
	AsOf       string   `yaml:"as_of"`
	Tag        Tag      `yaml:"tag"`

	// Discount is the fraction taken off a price by a stated discount.
	Discount float64 `yaml:"-"`
	// File is where the figure came from, for messages.
	File string `yaml:"-"`
	// Kind is "price", "factor", "figure" or "sla": the section it was in.
	Kind string `yaml:"-"`
}

// Known reports whether the entry has a usable figure.
func (e Entry) Known() bool { return e.Value != nil || len(e.Tiers) > 0 }

// V is the figure (after any discount); 0 when unknown.
func (e Entry) V() float64 {
	if e.Value == nil {
		return 0
	}
	return *e.Value * (1 - e.Discount)
}

// TieredCost prices usage along the tiers (after any discount). Usage beyond
// the last bounded tier is priced at the last tier's rate; beyond reports
// whether that happened, so the caller can flag it.
func (e Entry) TieredCost(usage float64) (usd float64, beyond bool) {
	if len(e.Tiers) == 0 {
		return usage * e.V(), false
	}
	from := 0.0
	for i, t := range e.Tiers {
		to := math.Inf(1)
		if t.UpTo != nil {
			to = *t.UpTo
		}
		if usage > from {
			usd += (math.Min(usage, to) - from) * t.USD
		}
		from = to
		if i == len(e.Tiers)-1 && usage > to {
			usd += (usage - to) * t.USD
			beyond = true
		}
	}
	return usd * (1 - e.Discount), beyond
}

// Catalog holds every figure the estimator uses, by id. The zero value is
// empty; DefaultCatalog loads the embedded data files.
type Catalog struct {
	entries map[string]*Entry
	// Header facts per file, for the report's "prices as of" line.
	AsOf map[string]string
}

type dataFile struct {
	SchemaVersion int      `yaml:"schema_version"`
	Cloud         string   `yaml:"cloud"`
	Currency      string   `yaml:"currency"`
	Region        string   `yaml:"region"`
	AsOf          string   `yaml:"as_of"`
	Sources       []string `yaml:"sources"`
	Prices        []Entry  `yaml:"prices"`
	Factors       []Entry  `yaml:"factors"`
	Figures       []Entry  `yaml:"figures"`
	SLAs          []Entry  `yaml:"slas"`
}

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

// DefaultCatalog parses the embedded data files. They are part of the
// binary, so an error here is a bug caught by the tests.
func DefaultCatalog() (*Catalog, error) {
	c := &Catalog{entries: map[string]*Entry{}, AsOf: map[string]string{}}
	names, err := dataFS.ReadDir("data")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		path := "data/" + n.Name()
		b, err := dataFS.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var f dataFile
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if f.SchemaVersion != 1 {
			return nil, fmt.Errorf("%s: schema_version %d, want 1", path, f.SchemaVersion)
		}
		key := strings.TrimSuffix(n.Name(), ".yaml")
		c.AsOf[key] = f.AsOf
		var all []Entry
		for kind, list := range map[string][]Entry{"price": f.Prices, "factor": f.Factors, "figure": f.Figures, "sla": f.SLAs} {
			for _, e := range list {
				e.Kind = kind
				all = append(all, e)
			}
		}
		for i := range all {
			e := all[i]
			e.File = path
			if e.USD != nil {
				e.Value = e.USD
				e.USD = nil
			}
			if err := checkEntry(e); err != nil {
				return nil, fmt.Errorf("%s: %s: %v", path, e.ID, err)
			}
			if _, dup := c.entries[e.ID]; dup {
				return nil, fmt.Errorf("%s: duplicate id %q", path, e.ID)
			}
			c.entries[e.ID] = &e
		}
	}
	return c, nil
}

func checkEntry(e Entry) error {
	switch {
	case e.ID == "":
		return fmt.Errorf("missing id")
	case e.Source == "":
		return fmt.Errorf("missing source")
	case !dateRE.MatchString(e.AsOf):
		return fmt.Errorf("as_of %q is not YYYY[-MM[-DD]]", e.AsOf)
	}
	switch e.Tag {
	case TagPrimary, TagSecondary, TagDerived:
		if !e.Known() && e.Kind != "sla" {
			return fmt.Errorf("tag %s needs a figure; only unsourced entries (or an SLA the provider does not offer) may be null", e.Tag)
		}
	case TagUnsourced:
	default:
		return fmt.Errorf("tag %q is not P, S, D or unsourced", e.Tag)
	}
	return nil
}

// Lookup returns the entry with this id.
func (c *Catalog) Lookup(id string) (Entry, bool) {
	e, ok := c.entries[id]
	if !ok {
		return Entry{}, false
	}
	return *e, true
}

// IDs lists every id, sorted.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.entries))
	for id := range c.entries {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Clone returns an independent copy, so overrides never leak between runs.
func (c *Catalog) Clone() *Catalog {
	n := &Catalog{entries: make(map[string]*Entry, len(c.entries)), AsOf: map[string]string{}}
	for id, e := range c.entries {
		cp := *e
		cp.Tiers = append([]Tier(nil), e.Tiers...)
		n.entries[id] = &cp
	}
	for k, v := range c.AsOf {
		n.AsOf[k] = v
	}
	return n
}

// Set overrides one figure, as a design's explicit throughput does.
func (c *Catalog) Set(id string, value float64, source string) error {
	e, ok := c.entries[id]
	if !ok {
		return fmt.Errorf("unknown id %q", id)
	}
	v := value
	e.Value, e.Tiers, e.Tag, e.Source = &v, nil, TagOverride, source
	return nil
}

// OverrideError is an error in a --prices file, at a line and column.
type OverrideError struct {
	File      string
	Line, Col int
	Msg, Hint string
}

func (e *OverrideError) Error() string {
	s := fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
	if e.Hint != "" {
		s += "\n\thint: " + e.Hint
	}
	return s
}

// ApplyOverrides reads a --prices file:
//
//	prices:                 # any id from the data files
//	  aws.cache.redis.node: 0.20
//	  aws.compute.vm.general.2x8: {usd: 0.09, source: "our EDP rate", as_of: "2026-10-01"}
//	discounts:              # a cloud or an id; "30%" or 0.3
//	  aws: 10%
//	  aws.compute.vm.general.2x8: 30%
//
// A per-id discount wins over its cloud's. Overridden figures are tagged
// "override" and keep the file name as their source.
func (c *Catalog) ApplyOverrides(name string, data []byte) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return &OverrideError{File: name, Line: 1, Col: 1, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: "),
			Hint: "the file holds two maps, prices: and discounts:"}
	}
	if len(root.Content) == 0 {
		return &OverrideError{File: name, Line: 1, Col: 1, Msg: "empty prices file", Hint: "give prices: or discounts:"}
	}
	doc := root.Content[0]
	if doc.Kind != yaml.MappingNode {
		return errAt(name, doc, "top level must be a map", "give prices: or discounts:")
	}
	cloudDiscount := map[string]float64{}
	idDiscount := map[string]float64{}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		switch k.Value {
		case "prices":
			if err := c.overridePrices(name, v); err != nil {
				return err
			}
		case "discounts":
			if v.Kind != yaml.MappingNode {
				return errAt(name, v, "discounts must be a map of cloud or id to a percentage", `e.g. "aws: 10%"`)
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				dk, dv := v.Content[j], v.Content[j+1]
				frac, err := parseFraction(dv.Value)
				if err != nil || dv.Kind != yaml.ScalarNode {
					return errAt(name, dv, fmt.Sprintf("discount %q is not a percentage between 0%% and 100%%", dv.Value), `write "30%" or 0.3`)
				}
				switch {
				case isCloud(dk.Value):
					cloudDiscount[dk.Value] = frac
				case c.entries[dk.Value] != nil:
					idDiscount[dk.Value] = frac
				default:
					return errAt(name, dk, fmt.Sprintf("unknown cloud or price id %q", dk.Value), c.suggest(dk.Value))
				}
			}
		default:
			return errAt(name, k, fmt.Sprintf("unknown key %q", k.Value), "the file holds prices: and discounts:")
		}
	}
	for id, e := range c.entries {
		if !isPrice(e) {
			continue
		}
		if d, ok := idDiscount[id]; ok {
			e.Discount = d
		} else if d, ok := cloudDiscount[cloudOf(id)]; ok {
			e.Discount = d
		}
	}
	return nil
}

func (c *Catalog) overridePrices(name string, v *yaml.Node) error {
	if v.Kind != yaml.MappingNode {
		return errAt(name, v, "prices must be a map of id to a price", "e.g. aws.cache.redis.node: 0.20")
	}
	for j := 0; j+1 < len(v.Content); j += 2 {
		pk, pv := v.Content[j], v.Content[j+1]
		e := c.entries[pk.Value]
		if e == nil {
			return errAt(name, pk, fmt.Sprintf("unknown price id %q", pk.Value), c.suggest(pk.Value))
		}
		var num *float64
		src, asOf := "--prices "+name, ""
		switch pv.Kind {
		case yaml.ScalarNode:
			f, err := strconv.ParseFloat(pv.Value, 64)
			if err != nil {
				return errAt(name, pv, fmt.Sprintf("price %q is not a number", pv.Value), "give USD in the entry's unit ("+e.Unit+")")
			}
			num = &f
		case yaml.MappingNode:
			var o struct {
				USD    *float64 `yaml:"usd"`
				Value  *float64 `yaml:"value"`
				Source string   `yaml:"source"`
				AsOf   string   `yaml:"as_of"`
			}
			if err := pv.Decode(&o); err != nil {
				return errAt(name, pv, "cannot read override: "+err.Error(), "fields are usd (or value), source, as_of")
			}
			num = o.USD
			if num == nil {
				num = o.Value
			}
			if o.Source != "" {
				src = o.Source + " (--prices " + name + ")"
			}
			asOf = o.AsOf
		default:
			return errAt(name, pv, "price must be a number or a map", "e.g. 0.20 or {usd: 0.20, source: ...}")
		}
		if num == nil || *num < 0 || math.IsNaN(*num) || math.IsInf(*num, 0) {
			return errAt(name, pv, "price must be a non-negative number", "give USD in the entry's unit ("+e.Unit+")")
		}
		e.Value, e.Tiers, e.Tag, e.Source = num, nil, TagOverride, src
		if asOf != "" {
			e.AsOf = asOf
		}
	}
	return nil
}

func errAt(file string, n *yaml.Node, msg, hint string) error {
	return &OverrideError{File: file, Line: n.Line, Col: n.Column, Msg: msg, Hint: hint}
}

// suggest names the closest known id, by shared prefix, as a hint.
func (c *Catalog) suggest(id string) string {
	best, bestLen := "", 0
	for _, known := range c.IDs() {
		n := 0
		for n < len(id) && n < len(known) && id[n] == known[n] {
			n++
		}
		if n > bestLen {
			best, bestLen = known, n
		}
	}
	if best == "" {
		return "ids are listed in docs/estimator.md"
	}
	return fmt.Sprintf("did you mean %q? ids are listed in docs/estimator.md", best)
}

func parseFraction(s string) (float64, error) {
	s = strings.TrimSpace(s)
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(s, "%")), 64)
	if err != nil {
		return 0, err
	}
	if pct {
		f /= 100
	}
	if f < 0 || f >= 1 || math.IsNaN(f) {
		return 0, fmt.Errorf("out of range")
	}
	return f, nil
}

func isCloud(s string) bool {
	for _, c := range Clouds {
		if c == s {
			return true
		}
	}
	return false
}

func cloudOf(id string) string {
	c, _, _ := strings.Cut(id, ".")
	return c
}

// isPrice reports whether the entry is a USD price (discounts apply to
// prices only, never to factors, throughput figures or SLAs).
func isPrice(e *Entry) bool { return e.Kind == "price" }
