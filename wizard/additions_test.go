package wizard

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// TestFormAddsComponents: after the shortener's screens, the form adds a
// third-party API called by the write and a queue with its worker behind
// the read, then stops; the design is written in the component form and
// validates, each addition called where the answers said.
func TestFormAddsComponents(t *testing.T) {
	a := NewAnswers()
	keys := append([][]tea.Msg{}, linksKeys[:len(linksKeys)-1]...)
	keys = append(keys,
		[]tea.Msg{down, down, down, down, enter}, // add1: external
		[]tea.Msg{
			typed("payments"), enter, // name
			down, enter, // called by: the write (shorten)
			typed("300ms"), enter, // p50
			typed("2s"), enter, // p99
			typed("99.95%"), enter, // availability
		},
		[]tea.Msg{down, down, down, enter}, // add2: a queue
		[]tea.Msg{
			typed("emails"), enter, // name
			enter, // called by: the read (get-link)
			enter, // queue: the example
		},
		[]tea.Msg{enter}, // add3: none
	)
	answer(t, a, keys...)
	got, d := renderValid(t, a)
	if len(d.Components) == 0 {
		t.Fatalf("a design with additions is not in the component form:\n%s", got)
	}
	for name, kind := range map[string]string{"payments": "external", "emails": "rabbitmq", "emails-worker": "worker", "services": "service", "database": "postgres"} {
		if c := d.Components[name]; c == nil || c.Kind != kind {
			t.Errorf("component %s: %+v, want kind %s", name, c, kind)
		}
	}
	if p := d.Components["payments"]; p.P99 == nil || p.P99.Seconds() != 2 || p.Availability == nil || float64(*p.Availability) != 0.9995 {
		t.Errorf("payments has not the answers' figures: %+v", p)
	}
	g := d.Graph()
	calls := func(op, name string) bool {
		var found bool
		var walk func([]schema.Step)
		walk = func(steps []schema.Step) {
			for _, s := range steps {
				found = found || s.To == name
				walk(s.Calls)
				walk(s.Miss)
			}
		}
		walk(g.Calls[op])
		return found
	}
	if !calls("shorten", "payments") || calls("get-link", "payments") {
		t.Errorf("payments is not called by shorten alone")
	}
	if !calls("get-link", "emails") || !calls("get-link", "emails-worker") {
		t.Errorf("get-link does not hand work to emails and its worker")
	}
	if !strings.Contains(string(got), "Written by tradeoff init in the component form") {
		t.Errorf("the file does not say why it is in the component form:\n%s", got)
	}
}

// TestAdditionsAskOnlyWhatApplies: the next slot is asked only after a
// kind, a provider's figures only for a third-party API, and they have no
// example to take.
func TestAdditionsAskOnlyWhatApplies(t *testing.T) {
	a := NewAnswers()
	if !a.Asked(Lookup("add1")) || a.Asked(Lookup("add2")) || a.Asked(Lookup("add1-name")) {
		t.Errorf("with nothing said, only add1 applies")
	}
	a.Set("add1", AddService)
	if !a.Asked(Lookup("add1-instances")) || a.Asked(Lookup("add1-p50")) || !a.Asked(Lookup("add2")) {
		t.Errorf("a service asks its instances and the next slot, not a provider's latency")
	}
	a.Set("add1", AddExternal)
	a.Set("add1-name", "pay")
	if err := a.Check(); err == nil || !strings.Contains(err.Error(), "--add1-p50 is needed") {
		t.Errorf("a third-party API without its figures: %v", err)
	}
	a.Set("add1-p50", "300ms")
	a.Set("add1-p99", "100ms")
	if err := a.Check(); err == nil || !strings.Contains(err.Error(), "below the p50") {
		t.Errorf("a p99 below the p50: %v", err)
	}
	a.Set("add1-p99", "2s")
	a.Set("add1-availability", "99.9%")
	a.Set("add2", AddStore)
	a.Set("add2-name", "pay")
	if err := a.Check(); err == nil || !strings.Contains(err.Error(), "names an earlier component") {
		t.Errorf("a name used twice: %v", err)
	}
}

// TestAdditionCalledByTheBackgroundOperation: the background operation is
// raised by the services (from: "services"), so a component it calls is
// one more of its own calls, after the enqueue's.
func TestAdditionCalledByTheBackgroundOperation(t *testing.T) {
	a := NewAnswers()
	a.Set(KeyBackground, "true")
	a.Set(KeyBackgroundOp, "count-click")
	a.Set("add1", AddExternal)
	a.Set("add1-name", "geoip")
	a.Set("add1-called-by", "count-click")
	a.Set("add1-p50", "20ms")
	a.Set("add1-p99", "200ms")
	a.Set("add1-availability", "99.9%")
	got, d := renderValid(t, a)
	g := d.Graph()
	if g.From["count-click"] != "services" {
		t.Fatalf("count-click is not raised by the services: %q\n%s", g.From["count-click"], got)
	}
	calls := g.Calls["count-click"]
	if n := len(calls); n < 2 || calls[n-1].To != "geoip" || calls[0].To != "queue" {
		t.Errorf("count-click calls %+v, want the queue, then geoip", calls)
	}
}

// renderValid renders the answers and loads the design they write, which
// must validate.
func renderValid(t *testing.T, a *Answers) ([]byte, *schema.Design) {
	t.Helper()
	got, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	d, err := schema.LoadBytes("links.cue", got, "cue")
	if err != nil {
		t.Fatalf("the design does not validate: %v\n%s", err, got)
	}
	return got, d
}
