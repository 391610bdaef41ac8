// Package rules is tradeoff's review catalogue: each rule is one value that
// carries its documentation (the trade-off it names, how it detects it, its
// false positives, the remedy, a bad and a good example) beside its check.
// The same values feed `tradeoff review`, `tradeoff rules`, `tradeoff
// explain` and docs/rules.md, so the docs cannot drift from the behaviour.
//
// Rules read the typed design (package schema), the sourced figures and the
// estimate (package estimator); they never render anything and never reach
// back into the loader. Findings carry plain text; renderers decide the
// presentation.
package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Severity orders findings; --fail-on compares against it.
type Severity int

// The severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

// Severities lists every severity, lowest first.
func Severities() []Severity { return []Severity{Info, Low, Medium, High, Critical} }

func (s Severity) String() string {
	if s < Info || s > Critical {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads "info", "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: use one of %s", s, strings.Join(severityNames[:], ", "))
}

// MarshalText writes the severity's name, so JSON shows "high", not 3.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// Category groups rules by the part of the design whose trade-off they name.
type Category string

// The categories, in the order the catalogue lists them.
const (
	CategoryCAP           Category = "cap"
	CategoryCache         Category = "cache"
	CategoryDatabase      Category = "database"
	CategoryQueue         Category = "queue"
	CategoryAvailability  Category = "availability"
	CategoryCapacity      Category = "capacity"
	CategoryCost          Category = "cost"
	CategoryLatency       Category = "latency"
	CategoryObservability Category = "observability"
	CategorySecurity      Category = "security"
)

// Categories lists every category in catalogue order.
func Categories() []Category {
	return []Category{CategoryCAP, CategoryCache, CategoryDatabase, CategoryQueue, CategoryAvailability,
		CategoryCapacity, CategoryCost, CategoryLatency, CategoryObservability, CategorySecurity}
}

// Rule is one check with its documentation beside it.
type Rule struct {
	// ID is stable across releases (waivers and SARIF baselines refer to it).
	ID       string
	Category Category
	Severity Severity
	Title    string
	// Why names the trade-off in plain words, after the talk.
	Why string
	// Detection says exactly what the check looks at, with any threshold
	// and where its figures come from.
	Detection      string
	FalsePositives string
	Remediation    string
	References     []string
	// Bad must make the rule fire; Good must keep it silent. Both are
	// overlays on the base design (see Example).
	Bad, Good Example
	// Check returns the rule's findings on a design written with the
	// sections; it fills Component, Path and Message, and Review fills in
	// the rest from the rule. GraphCheck does the same on a design written
	// with components, on every component of the kind the rule is about.
	// A rule runs on the forms it has a check for.
	Check      func(c *Context) []Finding
	GraphCheck func(c *Context) []Finding
	// GraphDetection says what GraphCheck looks at, when the rule has both
	// checks (Detection describes the only one otherwise).
	GraphDetection string
}

// Forms says which design forms the rule reviews: "sections",
// "components" or "both".
func (r *Rule) Forms() string {
	switch {
	case r.Check != nil && r.GraphCheck != nil:
		return "both"
	case r.GraphCheck != nil:
		return "components"
	}
	return "sections"
}

// Finding is one place where a design makes a trade-off a rule flags.
type Finding struct {
	// ID is "RULE@component": stable, so waivers and code-scanning
	// baselines can refer to it.
	ID        string   `json:"id"`
	Rule      string   `json:"rule"`
	Category  Category `json:"category"`
	Severity  Severity `json:"severity"`
	Title     string   `json:"title"`
	Component string   `json:"component"`
	// Message states the problem with the numbers behind it.
	Message string `json:"message"`
	// Path is the design field that triggered the finding ("cache.ttl").
	Path        string          `json:"path"`
	Pos         schema.Position `json:"position"`
	Remediation string          `json:"remediation"`
	// Waiver is the design's waiver matching this finding, if any.
	Waiver *AppliedWaiver `json:"waiver,omitempty"`
	// USDPerMonth is what the finding costs where the rule can price it
	// (COST002's waste); within a rule, the dearest comes first.
	USDPerMonth float64 `json:"usd_per_month,omitempty"`
}

// Waived reports whether a current (unexpired) waiver hides the finding.
func (f *Finding) Waived() bool { return f.Waiver != nil && !f.Waiver.Expired }

// at builds a finding for component, triggered by the field at path.
func at(component, path, format string, args ...any) Finding {
	return Finding{Component: component, Path: path, Message: fmt.Sprintf(format, args...)}
}

var catalogue []*Rule

// register adds a family's rules to the catalogue; each family file calls
// it once from init, and a test checks that no rule value is left out.
func register(rules ...*Rule) { catalogue = append(catalogue, rules...) }

// All returns every rule, sorted by ID.
func All() []*Rule {
	out := append([]*Rule(nil), catalogue...)
	sort.Slice(out, func(i, j int) bool { return idLess(out[i].ID, out[j].ID) })
	return out
}

// Lookup finds a rule by ID, ignoring case.
func Lookup(id string) (*Rule, bool) {
	for _, r := range catalogue {
		if strings.EqualFold(r.ID, id) {
			return r, true
		}
	}
	return nil, false
}

// idLess orders IDs by prefix, then number: CACHE2 before CACHE10.
func idLess(a, b string) bool {
	pa, na := splitID(a)
	pb, nb := splitID(b)
	if pa != pb {
		return pa < pb
	}
	if na != nb {
		return na < nb
	}
	return a < b
}

func splitID(id string) (string, int) {
	i := strings.IndexFunc(id, func(r rune) bool { return r >= '0' && r <= '9' })
	if i < 0 {
		return id, 0
	}
	n := 0
	fmt.Sscanf(id[i:], "%d", &n)
	return id[:i], n
}
