package wizard

import (
	"bytes"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"text/template"

	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/literal"

	"github.com/tradeoff-dev/tradeoff/schema"
)

//go:embed design.cue.tmpl
var designTemplate string

// tmpl is parsed on first use, not at start-up: every tradeoff command
// links this package, and only init needs the template.
var tmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("design").Funcs(template.FuncMap{
		"q":     func(s string) string { return literal.String.Quote(s) },
		"label": label,
	}).Parse(designTemplate))
})

// plan is the design the answers describe, with the few choices that
// follow from them made explicit (a read may use replicas only when it
// accepts eventual consistency).
type plan struct {
	a *Answers

	Read, Write, Background string
	HasBackground           bool
	SingleNode              bool
	Budget                  string
	LB, Cache, DB, Queue    string
	SelfRunLB, HasCache     bool
	NoSQL                   bool
	Replicas                int
	ReadFromReplicas        bool
	Mutable                 bool
	ReadPath, WritePath     string
	Consistency             []consistency
	Observe                 map[string]bool
}

type consistency struct{ Op, Require, Partition string }

// Render writes the design the answers describe as a formatted, commented
// CUE file. Values nobody answered are the shortener's, each marked as an
// example to replace.
func Render(a *Answers) ([]byte, error) {
	if err := a.Check(); err != nil {
		return nil, err
	}
	p := &plan{a: a,
		Read: a.Get(KeyReadOp), Write: a.Get(KeyWriteOp), Background: a.Get(KeyBackgroundOp),
		HasBackground: a.Bool(KeyBackground),
		SingleNode:    a.Get(KeyFootprint) == schema.SingleNode,
		Budget:        a.Get(KeyBudget),
		LB:            a.Get(KeyLB), Cache: a.Get(KeyCache), DB: a.Get(KeyDB), Queue: a.Get(KeyQueue),
		Mutable: a.Bool(KeyMutable),
		Observe: map[string]bool{},
	}
	p.SelfRunLB = SelfRunLB(p.LB)
	p.HasCache = p.Cache != "none"
	p.NoSQL = NoSQL(p.DB)
	if !p.SingleNode {
		p.Replicas, _ = strconv.Atoi(a.Get(KeyDBReplicas))
	}
	p.ReadFromReplicas = p.Replicas > 0 && a.Get(KeyReadConsistency) == "eventual"
	source := "database"
	if p.ReadFromReplicas {
		source = "replicas"
	}
	lb := ifHave(p.LB != "none", "loadBalancer")
	p.ReadPath = tierList(lb, "services", ifHave(p.HasCache, "cache"), source)
	p.WritePath = tierList(lb, "services", "database")
	p.Consistency = []consistency{p.consistency(p.Read, KeyReadConsistency), p.consistency(p.Write, KeyWriteConsistency)}
	if p.HasBackground {
		p.Consistency = append(p.Consistency, p.consistency(p.Background, KeyBackgroundConsistency))
	}
	for _, o := range a.List(KeyObserve) {
		p.Observe[o] = true
	}
	var buf bytes.Buffer
	if err := tmpl().Execute(&buf, p); err != nil {
		return nil, fmt.Errorf("internal error: writing the design: %v", err)
	}
	out, err := format.Source(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("internal error: the design written does not parse: %v\n%s", err, buf.Bytes())
	}
	if adds := a.additions(); len(adds) > 0 {
		return withAdditions(out, adds)
	}
	return out, nil
}

func (p *plan) consistency(op, key string) consistency {
	req := p.a.Get(key)
	part := "CP"
	if req == "eventual" {
		part = "AP"
	}
	return consistency{Op: op, Require: req, Partition: part}
}

// tierList writes the tiers an operation passes through as a CUE list,
// leaving out the ones the design does not have.
func tierList(tiers ...string) string {
	var quoted []string
	for _, t := range tiers {
		if t != "" {
			quoted = append(quoted, strconv.Quote(t))
		}
	}
	return "[" + strings.Join(quoted, ", ") + "]"
}

// ifHave returns tier when have is true.
func ifHave(have bool, tier string) string {
	if have {
		return tier
	}
	return ""
}

// V returns an answer as it goes in the file: quoted unless it is a
// number.
func (p *plan) V(key string) string {
	v := p.a.Get(key)
	if numberRE.MatchString(v) {
		f, _ := strconv.ParseFloat(v, 64)
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return literal.String.Quote(v)
}

// Ex marks a value nobody answered as the shortener's example.
func (p *plan) Ex(key string) string {
	if p.a.Given(key) {
		return ""
	}
	return " // example: replace with yours"
}

// Raw returns an answer as written.
func (p *plan) Raw(key string) string { return p.a.Get(key) }

// Given reports whether the question was answered.
func (p *plan) Given(key string) bool { return p.a.Given(key) }

// Hint returns a question's hint, for comments.
func (p *plan) Hint(key string) string { return Lookup(key).Hint }

// label writes an operation name as a CUE label, quoted when it is not an
// identifier (names may contain "-").
func label(name string) string {
	if strings.ContainsAny(name, "-") || cueKeywords[name] {
		return literal.String.Quote(name)
	}
	return name
}

var cueKeywords = map[string]bool{
	"package": true, "import": true, "for": true, "in": true, "if": true, "let": true,
	"true": true, "false": true, "null": true, "div": true, "mod": true, "quo": true, "rem": true,
	"func": true, "__": true,
}
