package wizard

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"

	"github.com/tradeoff-dev/tradeoff/internal/golden"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The form model is driven the way Bubble Tea drives it: a key message
// goes through Update, and every command it returns is run and its message
// fed back, until nothing is left to do.

// typed is text typed (or pasted) at once: a single character is also a
// key that matches key bindings ("y", "x").
func typed(s string) tea.Msg {
	code := tea.KeyExtended
	if r := []rune(s); len(r) == 1 {
		code = r[0]
	}
	return tea.KeyPressMsg{Code: code, Text: s}
}

var (
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	up    = tea.KeyPressMsg{Code: tea.KeyUp}
	ctrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	ctrlU = tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
)

// driver runs a screen's form without a terminal.
type driver struct {
	t      *testing.T
	form   *huh.Form
	update func(tea.Msg) tea.Cmd
	msgs   int
	quit   bool
}

func newDriver(t *testing.T, s *Screen) *driver {
	t.Helper()
	if s == nil {
		t.Fatal("the screen has nothing to ask")
	}
	// A blinking cursor is a command that sleeps half a second and then
	// asks to blink again, for ever; a steady cursor leaves only commands
	// that return at once.
	for _, in := range s.inputs {
		steadyCursor(in)
	}
	d := &driver{t: t, form: s.Form}
	d.update = func(msg tea.Msg) tea.Cmd {
		_, cmd := s.Form.Update(msg)
		return cmd
	}
	d.run(s.Form.Init())
	d.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	return d
}

// steadyCursor switches an input's cursor from blinking to steady. huh
// v2.0.3 keeps the text input unexported, so it is reached by reflection;
// the input's View keeps the blink setting when it restyles the cursor.
func steadyCursor(in *huh.Input) {
	v := reflect.ValueOf(in).Elem().FieldByName("textinput")
	ti := (*textinput.Model)(unsafe.Pointer(v.UnsafeAddr()))
	st := ti.Styles()
	st.Cursor.Blink = false
	ti.SetStyles(st)
}

func (d *driver) send(msgs ...tea.Msg) {
	d.t.Helper()
	for _, msg := range msgs {
		if d.quit {
			d.t.Fatalf("%v sent after the program quit", msg)
		}
		d.run(d.update(msg))
	}
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	if d.msgs++; d.msgs > 100000 {
		d.t.Fatal("the form never settles")
	}
	msg := cmd()
	switch m := msg.(type) {
	case nil:
	case tea.QuitMsg:
		d.quit = true
	case tea.BatchMsg:
		for _, c := range m {
			d.run(c)
		}
	default:
		// tea.Sequence's message is an unexported slice of commands.
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			for i := 0; i < v.Len(); i++ {
				d.run(v.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		d.send(msg)
	}
}

// answer runs screens 1 to 3 with the keys given for each and commits the
// answers, as the command does.
func answer(t *testing.T, a *Answers, keys ...[]tea.Msg) {
	t.Helper()
	for n := 1; n <= Screens; n++ {
		s := NewScreen(n, a, false)
		if s == nil {
			continue
		}
		if len(keys) == 0 {
			t.Fatalf("screen %d asks questions but the test has no keys for it", n)
		}
		d := newDriver(t, s)
		d.send(keys[0]...)
		keys = keys[1:]
		if s.Form.State != huh.StateCompleted {
			t.Fatalf("screen %d is not complete after its keys: focused on %q\n%s", n, s.Form.GetFocusedField().GetKey(), s.Form.View())
		}
		s.Commit()
	}
	if len(keys) > 0 {
		t.Fatalf("%d screens of keys left over", len(keys))
	}
}

// linksKeys answers every question of the "links" design in the
// full-screen form; examples are taken for growth, the write's p99, the
// database replicas and the hit ratio.
var linksKeys = [][]tea.Msg{
	{
		typed("links"), enter, // name
		down, enter, // cloud: gcp
		enter,                    // footprint: multi-zone
		typed("get-link"), enter, // read-op
		typed("5k/s"), enter, // read-rate
		typed("shorten"), enter, // write-op
		typed("2M/day"), enter, // write-rate
		enter,             // background: yes
		typed("2"), enter, // peak-factor
		enter, // growth: the example
	},
	{
		typed("count-click"), enter, // background-op
		typed("5k/s"), enter, // background-rate
		typed("30ms"), enter, // read-p99
		enter,                 // write-p99: the example
		typed("99.9%"), enter, // availability
		typed("none"), enter, // budget
		down, down, enter, // lb: haproxy
		enter,     // cache: redis
		enter,     // db: postgres
		up, enter, // queue: rabbitmq (gcp offers no SQS)
	},
	{
		typed("6"), enter, // instances
		enter,       // db-replicas: the example
		down, enter, // lb-need: portability
		typed("4GiB"), enter, // cache-memory
		enter,      // hit-ratio: the example
		typed("y"), // mutable: yes
		up, enter,  // read-consistency: read-your-writes
		enter,                              // write-consistency: strong
		enter,                              // background-consistency: eventual
		down, down, down, down, typed("x"), // untick the uptime probe
		enter, // observe
		enter, // alerts: symptoms
	},
	{
		enter, // add1: none, the design is complete
	},
}

// linksGolden is the design the links answers make, whichever way they are
// given: keys in the form here, flags and piped accessible answers in the
// command's tests.
const linksGolden = "testdata/links.golden.cue"

func TestFormDrivenByKeysWritesTheGoldenDesign(t *testing.T) {
	a := NewAnswers()
	answer(t, a, linksKeys...)
	got, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := schema.LoadBytes("links.cue", got, "cue"); err != nil {
		t.Fatalf("the design does not validate: %v\n%s", err, got)
	}
	golden.Check(t, linksGolden, got)
}

// TestScreensInOneProgramWriteTheGoldenDesign runs the three screens as
// the command does, one after another in one program, with the same keys.
func TestScreensInOneProgramWriteTheGoldenDesign(t *testing.T) {
	a := NewAnswers()
	m := &screens{a: a, dark: true, prepare: func(s *Screen) {
		for _, in := range s.inputs {
			steadyCursor(in)
		}
	}}
	if !m.next() {
		t.Fatal("nothing to ask")
	}
	d := &driver{t: t, update: func(msg tea.Msg) tea.Cmd {
		_, cmd := m.Update(msg)
		return cmd
	}}
	d.run(m.Init())
	d.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	for _, keys := range linksKeys {
		d.send(keys...)
	}
	if !d.quit || m.n != Screens {
		t.Fatalf("the program did not quit after the last screen: on screen %d\n%s", m.n, m.s.Form.View())
	}
	got, err := Render(a)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, linksGolden, got)
}

func TestAsks(t *testing.T) {
	if !Asks(NewAnswers()) {
		t.Error("no answers yet, yet nothing to ask")
	}
	a := NewAnswers()
	for _, q := range Questions() {
		a.Set(q.Key, a.Get(q.Key))
	}
	if Asks(a) {
		t.Error("every question answered, yet something to ask")
	}
}

func TestFormRejectsAnInvalidAnswerAndKeepsTheFocus(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(1, a, false))
	d.send(enter, enter, enter, enter) // name, cloud, footprint, read-op
	for _, bad := range []string{"fast", "0/s", "12", "5/fortnight", "2000000000/s"} {
		d.send(typed(bad), enter)
		if got := d.form.GetFocusedField().GetKey(); got != KeyReadRate {
			t.Fatalf("after %q the focus moved to %q", bad, got)
		}
		if !strings.Contains(d.form.View(), "1200/s") {
			t.Errorf("after %q the form shows no hint of the unit:\n%s", bad, d.form.View())
		}
		d.send(ctrlU)
	}
	d.send(typed("5k/s"), enter)
	if got := d.form.GetFocusedField().GetKey(); got != KeyWriteOp {
		t.Fatalf("a valid rate did not move the focus on: focused on %q", got)
	}
	if a.Get(KeyReadRate) != "5k/s" || !a.Given(KeyReadRate) {
		t.Errorf("read-rate = %q (given %v), want 5k/s", a.Get(KeyReadRate), a.Given(KeyReadRate))
	}
}

func TestFormChecksAnExampleTakenAgainstEarlierAnswers(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(1, a, false))
	// 999M/s is possible, but not with the example growth of 10 and a
	// peak factor of 20.
	d.send(enter, enter, enter, enter, typed("999M/s"), enter, enter, enter, enter, typed("20"), enter, enter)
	if got := d.form.GetFocusedField().GetKey(); got != KeyGrowth {
		t.Fatalf("the example growth was taken: focused on %q", got)
	}
	if !strings.Contains(d.form.View(), "at peak after a year of growth") {
		t.Errorf("no reason given:\n%s", d.form.View())
	}
	d.send(typed("1"), enter)
	if d.form.State != huh.StateCompleted {
		t.Errorf("growth 1 was refused")
	}
}

func TestFormRefusesAnOperationNameAlreadyInUse(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(1, a, false))
	d.send(enter, enter, enter, typed("get"), enter, enter, typed("get"), enter)
	if got := d.form.GetFocusedField().GetKey(); got != KeyWriteOp {
		t.Fatalf("a duplicate name was accepted: focused on %q", got)
	}
	if !strings.Contains(d.form.View(), `"get" already names another operation`) {
		t.Errorf("no message for the duplicate name:\n%s", d.form.View())
	}
}

func TestFormTitlesFollowTheOperationNameAsItIsTyped(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(1, a, false))
	d.send(enter, enter, enter, typed("lookup"), enter)
	if v := d.form.View(); !strings.Contains(v, "Average rate of lookup") {
		t.Errorf("the rate's title does not name the operation:\n%s", v)
	}
}

func TestEveryChoiceShowsItsHintUnderTheOptions(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(2, a, false))
	// Walk the screen's pages; each choice's page shows its hint below the
	// last option.
	d.send(enter, enter, enter, enter, enter, enter) // background work and promises
	for _, key := range []string{KeyLB, KeyCache, KeyDB, KeyQueue} {
		q := Lookup(key)
		v := d.form.View()
		if got := d.form.GetFocusedField().GetKey(); got != key {
			t.Fatalf("focused on %q, want %q", got, key)
		}
		last := q.OptionsFor(a)[len(q.OptionsFor(a))-1].Label
		words := strings.Fields(q.Hint)
		hintAt := strings.Index(v, strings.Join(words[:4], " "))
		if hintAt < 0 || hintAt < strings.Index(v, last[:20]) {
			t.Errorf("%s: the hint %q is not under the options:\n%s", key, q.Hint, v)
		}
		d.send(enter)
	}
	if d.form.State != huh.StateCompleted {
		t.Errorf("screen 2 not complete")
	}
}

func TestCtrlCAbortsTheForm(t *testing.T) {
	a := NewAnswers()
	d := newDriver(t, NewScreen(1, a, false))
	d.send(typed("links"), enter, ctrlC)
	if d.form.State != huh.StateAborted {
		t.Fatalf("state %v after ctrl+c, want aborted", d.form.State)
	}
}

func TestScreensAskOnlyWhatApplies(t *testing.T) {
	keys := func(s *Screen) []string {
		if s == nil {
			return nil
		}
		var ks []string
		for _, g := range s.groups {
			for _, q := range g.questions {
				ks = append(ks, q.Key)
			}
		}
		return ks
	}
	a := NewAnswers()
	a.Set(KeyFootprint, "single-node")
	a.Set(KeyBackground, "false")
	a.Set(KeyCache, "none")
	a.Set(KeyLB, "none")
	a.Set(KeyName, "solo")
	got := strings.Join(keys(NewScreen(3, a, false)), " ")
	if want := "read-consistency write-consistency observe alerts"; got != want {
		t.Errorf("screen 3 asks %q, want %q", got, want)
	}
	got = strings.Join(keys(NewScreen(2, a, false)), " ")
	if want := "read-p99 write-p99 availability budget db"; got != want {
		t.Errorf("screen 2 asks %q, want %q", got, want)
	}
	a.Set(KeyDB, "cassandra")
	if got := keys(NewScreen(3, a, false)); got[0] != KeyAccessPattern {
		t.Errorf("a NoSQL database does not ask for its access pattern: %v", got)
	}
}

func TestDarkBackground(t *testing.T) {
	for _, tc := range []struct {
		colorFGBG string
		dark      bool
	}{
		{"", true},
		{"15;0", true},
		{"0;15", false},
		{"0;7", false},
		{"7;8", false},
		{"15;default;0", true},
		{"0;default;15", false},
		{"15;4", true},
		{"nonsense", true},
		{"15;x", true},
	} {
		if got := DarkBackground(tc.colorFGBG); got != tc.dark {
			t.Errorf("COLORFGBG=%q: dark %v, want %v", tc.colorFGBG, got, tc.dark)
		}
	}
}
