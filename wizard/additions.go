package wizard

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"cuelang.org/go/cue/ast"
	"cuelang.org/go/cue/format"
	"cuelang.org/go/cue/parser"
	"cuelang.org/go/cue/token"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// After the shortener-shaped questions, init can add components the
// shortener does not have — another service, a store, a queue with its
// worker, a third-party API — each called by one of the operations. A
// design with additions is written in the component form: the answers'
// sections expanded (what `tradeoff expand` writes), with the additions
// and their calls. Each addition takes two screens: which kind (or none,
// which ends the loop), then its name, its caller and what that kind needs.
// The numbers nobody can assume (a provider's latency and SLA) have no
// example: they must be answered.

// MaxAdditions is how many components init can add; a design that needs
// more is edited by hand from there.
const MaxAdditions = 3

// baseScreens are the shortener's screens; the additions' follow.
const baseScreens = 3

// addKey is the key of slot i's question part ("" for the kind).
func addKey(i int, part string) string {
	if part == "" {
		return fmt.Sprintf("add%d", i)
	}
	return fmt.Sprintf("add%d-%s", i, part)
}

// Addition kinds.
const (
	AddNone     = "none"
	AddService  = "service"
	AddStore    = "store"
	AddQueue    = "queue"
	AddExternal = "external"
)

// additionQuestions are slot i's questions.
func additionQuestions(i int) []*Question {
	kindScreen, detailScreen := baseScreens+2*i-1, baseScreens+2*i
	group := fmt.Sprintf("Another component (%d of up to %d)", i, MaxAdditions)
	asked := func(a *Answers) bool { return i == 1 || a.Get(addKey(i-1, "")) != AddNone }
	var kindAsked func(*Answers) bool
	if i > 1 {
		kindAsked = asked
	}
	is := func(kinds ...string) func(*Answers) bool {
		return func(a *Answers) bool { return asked(a) && slices.Contains(kinds, a.Get(addKey(i, ""))) }
	}
	adding := is(AddService, AddStore, AddQueue, AddExternal)
	before := ""
	if i > 1 {
		before = fmt.Sprintf("--%s is none (or not given)", addKey(i-1, ""))
	}
	unless := fmt.Sprintf("--%s is none (or not given)", addKey(i, ""))
	only := func(kind string) string { return fmt.Sprintf("--%s is not %s", addKey(i, ""), kind) }
	return []*Question{
		{Key: addKey(i, ""), Form: kindScreen, Group: group, Kind: Choice,
			Title: "Add a component the shortener does not have?",
			Hint: "Real systems call more than one store and more than their own code: a search cluster, a payment provider, " +
				"a second service. Each one is a trade-off the review can only judge if the design names it.",
			Example: AddNone,
			Options: []Option{
				{Value: AddNone, Label: "no — the design is complete"},
				{Value: AddService, Label: "a service — code the team runs, called synchronously: its latency adds to the caller's"},
				{Value: AddStore, Label: "a store — a database of its own: another thing to keep consistent, back up and fail over"},
				{Value: AddQueue, Label: "a queue and its worker — work done later: the caller is answered sooner, the result arrives later"},
				{Value: AddExternal, Label: "a third-party API — someone else's latency and SLA on your path"},
			},
			When: kindAsked, Unless: before,
			Usage: "add a component: none, service, store, queue or external"},
		{Key: addKey(i, "name"), Form: detailScreen, Group: group, Kind: Text,
			Title: "Name of the new component",
			Hint:  "Lowercase, as in a dashboard: payments, search, orders.",
			Check: checkAdditionName(i),
			When:  adding, Unless: unless, Required: true,
			Usage: "name of the added component"},
		{Key: addKey(i, "called-by"), Form: detailScreen, Group: group, Kind: Choice,
			Title:       "Which operation calls it?",
			Hint:        "The service of that operation calls it after what it calls already; a queue is called asynchronously.",
			Preselected: "The first operation is preselected.",
			OptionsFunc: func(a *Answers) []Option {
				var opts []Option
				for _, op := range a.opNames() {
					opts = append(opts, Option{Value: op, Label: op})
				}
				return opts
			},
			When: adding, Unless: unless,
			Usage: "the operation that calls the added component (default: the first)"},
		{Key: addKey(i, "instances"), Form: detailScreen, Group: group, Kind: Text,
			Title:   "Instances of the new service",
			Hint:    "More than one survives a machine's loss; each costs a machine.",
			Example: "2", Check: checkInt(1, 100000),
			When: is(AddService), Unless: only(AddService),
			Usage: "instances of the added service"},
		{Key: addKey(i, "store"), Form: detailScreen, Group: group, Kind: Choice,
			Title:   "Which store?",
			Hint:    "Rule of thumb, as for the database: start relational; a NoSQL store needs the access pattern that justifies it.",
			Example: "postgres",
			Options: dbOptions,
			When:    is(AddStore), Unless: only(AddStore),
			Usage: "kind of the added store: postgres, mysql, dynamodb, cassandra or mongodb"},
		{Key: addKey(i, "queue"), Form: detailScreen, Group: group, Kind: Choice,
			Title:   "Which queue?",
			Hint:    "For plain background jobs a managed queue or RabbitMQ is the least work; Kafka when several consumers replay the history.",
			Example: "rabbitmq",
			Options: queueOptions,
			When:    is(AddQueue), Unless: only(AddQueue),
			Usage: "kind of the added queue: sqs, rabbitmq, kafka or nats"},
		{Key: addKey(i, "p50"), Form: detailScreen, Group: group, Kind: Text,
			Title: "The provider's median latency (p50)",
			Hint:  "From its status page, its docs or your measurements: a payment authorisation is hundreds of milliseconds, not a database read. There is no example to assume.",
			Check: checkLatency,
			When:  is(AddExternal), Unless: only(AddExternal), Required: true,
			Usage: "median latency of the added third-party API, such as 300ms"},
		{Key: addKey(i, "p99"), Form: detailScreen, Group: group, Kind: Text,
			Title: "The provider's p99 latency",
			Hint:  "Its tail is what your callers' threads wait for.",
			Check: checkP99Above(addKey(i, "p50")),
			When:  is(AddExternal), Unless: only(AddExternal), Required: true,
			Usage: "p99 latency of the added third-party API, such as 2s"},
		{Key: addKey(i, "availability"), Form: detailScreen, Group: group, Kind: Text,
			Title: "The provider's availability (its SLA)",
			Hint:  "An operation that cannot answer without it is at most this available.",
			Check: checkAvailability,
			When:  is(AddExternal), Unless: only(AddExternal), Required: true,
			Usage: "SLA of the added third-party API, such as 99.95%"},
	}
}

// reservedNames are the components the shortener's sections become, the
// shorthand's path word for replicas, and the bill's network lines
// (egress, replication), which a component may not be mistaken for.
var reservedNames = append(schema.ShorthandComponents(), "replicas", "egress", "replication")

// checkAdditionName checks a new component's name: a name, and not one in
// use by the shortener's components or an earlier addition (nor the
// worker a queue brings).
func checkAdditionName(i int) func(*Answers, string) error {
	return func(a *Answers, v string) error {
		if err := checkName(a, v); err != nil {
			return err
		}
		if slices.Contains(reservedNames, v) {
			return fmt.Errorf("%q is a component the design has already", v)
		}
		for j := 1; j < i; j++ {
			if a.Get(addKey(j, "")) == AddNone {
				break
			}
			prev := a.Get(addKey(j, "name"))
			if v == prev || a.Get(addKey(j, "")) == AddQueue && v == prev+"-worker" {
				return fmt.Errorf("%q names an earlier component", v)
			}
		}
		return nil
	}
}

func checkP99Above(p50Key string) func(*Answers, string) error {
	return func(a *Answers, v string) error {
		if err := checkLatency(a, v); err != nil {
			return err
		}
		p99, _ := schema.ParseDuration(v)
		if p50, err := schema.ParseDuration(a.Get(p50Key)); err == nil && p99 < p50 {
			return fmt.Errorf("the p99 is below the p50 (%s)", a.Get(p50Key))
		}
		return nil
	}
}

// addition is one component init adds, as the answers say.
type addition struct {
	kind, name, caller string
	answers            func(part string) string
}

func (a *Answers) additions() []addition {
	var out []addition
	for i := 1; i <= MaxAdditions; i++ {
		kind := a.Get(addKey(i, ""))
		if kind == AddNone {
			break
		}
		caller := a.Get(addKey(i, "called-by"))
		if caller == "" {
			caller = a.opNames()[0]
		}
		out = append(out, addition{kind: kind, name: a.Get(addKey(i, "name")), caller: caller,
			answers: func(part string) string { return a.Get(addKey(i, part)) }})
	}
	return out
}

// withAdditions writes the shortener's design in the component form with
// the additions: each a component, and a call from its operation's
// service (a queue asynchronously, with its worker behind it).
func withAdditions(shorthand []byte, adds []addition) ([]byte, error) {
	d, err := schema.LoadBytes("design.cue", shorthand, "cue")
	if err != nil {
		return nil, fmt.Errorf("internal error: the answers' design does not load: %v", err)
	}
	expanded, err := schema.Expand(d)
	if err != nil {
		return nil, err
	}
	f, err := parser.ParseFile("design.cue", expanded, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("internal error: the expanded design does not parse: %v", err)
	}
	comps := structField(f.Decls, "components")
	traffic := structField(f.Decls, "traffic")
	if comps == nil || traffic == nil {
		return nil, errors.New("internal error: the expanded design has no components or traffic")
	}
	for _, add := range adds {
		var step ast.Expr = ast.NewString(add.name)
		switch add.kind {
		case AddService:
			comps.Elts = append(comps.Elts, fieldOf(add.name, ast.NewStruct("kind", ast.NewString("service"), "instances", ast.NewLit(token.INT, add.answers("instances")))))
		case AddStore:
			comps.Elts = append(comps.Elts, fieldOf(add.name, ast.NewStruct("kind", ast.NewString(add.answers("store")))))
		case AddQueue:
			worker := add.name + "-worker"
			comps.Elts = append(comps.Elts,
				fieldOf(add.name, ast.NewStruct("kind", ast.NewString(add.answers("queue")))),
				fieldOf(worker, ast.NewStruct("kind", ast.NewString("worker"), "consumes", ast.NewString(add.name))))
			step = ast.NewStruct("to", ast.NewString(add.name), "async", ast.NewBool(true),
				"calls", ast.NewList(ast.NewString(worker)))
		case AddExternal:
			comps.Elts = append(comps.Elts, fieldOf(add.name, ast.NewStruct("kind", ast.NewString("external"),
				"p50", ast.NewString(add.answers("p50")), "p99", ast.NewString(add.answers("p99")),
				"availability", ast.NewString(add.answers("availability")))))
			step = ast.NewStruct("to", ast.NewString(add.name))
		}
		op := structField(traffic.Elts, add.caller)
		if op == nil {
			return nil, fmt.Errorf("internal error: no operation %q in the expanded design", add.caller)
		}
		calls := listField(op.Elts, "calls")
		if stringField(op.Elts, "from") != "" {
			// A component raises it: its calls are that component's.
			calls.Elts = append(calls.Elts, step)
		} else if !appendToServices(calls, step) {
			return nil, fmt.Errorf("internal error: %s calls no service", add.caller)
		}
	}
	ast.AddComment(f.Decls[0], &ast.CommentGroup{Doc: true, List: []*ast.Comment{
		{Text: "// Written by tradeoff init in the component form, because components were"},
		{Text: "// added to the shortener's: each section is a component named after it,"},
		{Text: "// and each operation says what it calls (docs/model.md)."},
	}})
	return format.Node(f, format.Simplify())
}

// appendToServices appends a call to the calls of the first step to
// "services" in the list (searched through what calls it).
func appendToServices(l *ast.ListLit, step ast.Expr) bool {
	if l == nil {
		return false
	}
	for _, e := range l.Elts {
		st, ok := e.(*ast.StructLit)
		if !ok {
			continue
		}
		if to := stringField(st.Elts, "to"); to == "services" {
			calls := listField(st.Elts, "calls")
			if calls == nil {
				calls = ast.NewList()
				st.Elts = append(st.Elts, fieldOf("calls", calls))
			}
			calls.Elts = append(calls.Elts, step)
			return true
		}
		for _, inner := range []string{"calls", "miss"} {
			if appendToServices(listField(st.Elts, inner), step) {
				return true
			}
		}
	}
	return false
}

func fieldOf(name string, v ast.Expr) *ast.Field {
	return &ast.Field{Label: ast.NewStringLabel(name), Value: v}
}

func lookupField(decls []ast.Decl, name string) ast.Expr {
	for _, d := range decls {
		f, ok := d.(*ast.Field)
		if !ok {
			continue
		}
		if n, _, err := ast.LabelName(f.Label); err == nil && n == name {
			return f.Value
		}
	}
	return nil
}

func structField(decls []ast.Decl, name string) *ast.StructLit {
	st, _ := lookupField(decls, name).(*ast.StructLit)
	return st
}

func listField(decls []ast.Decl, name string) *ast.ListLit {
	l, _ := lookupField(decls, name).(*ast.ListLit)
	return l
}

func stringField(decls []ast.Decl, name string) string {
	if b, ok := lookupField(decls, name).(*ast.BasicLit); ok {
		return strings.Trim(b.Value, `"`)
	}
	return ""
}
