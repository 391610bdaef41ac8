package wizard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/huh/v2"
)

// Screens is how many forms tradeoff init shows, one after another: each
// is built once the answers it depends on are known (the operations'
// names, whether there is background work, the chosen building blocks), so
// that accessible mode, which cannot hide questions, asks only the ones
// that apply.
const Screens = baseScreens + 2*MaxAdditions

// ErrInputEnded is returned when standard input ends before every question
// was answered: huh would otherwise take the examples in silence.
var ErrInputEnded = errors.New("standard input ended before every question was answered")

// Screen is one form of questions.
type Screen struct {
	// Form is the huh form the full-screen mode runs (nil in accessible
	// mode, which builds each prompt as it asks it).
	Form       *huh.Form
	n          int
	a          *Answers
	accessible bool
	groups     []screenGroup
	// commits write the chosen options into the answers once the form is
	// done (typed answers are written as they are typed).
	commits []func()
	inputs  []*huh.Input
}

// DarkBackground says whether the terminal's background is dark, from
// COLORFGBG ("15;0": foreground, then background colour) when the terminal
// sets it, and dark otherwise. The terminal is not asked: a terminal that
// does not answer makes the asker wait (huh v1's Bubble Tea asked in its
// package init, which stalled every command five seconds on such a
// terminal), and an answer that arrives while the user types can swallow
// the keys typed with it.
func DarkBackground(colorFGBG string) bool {
	i := strings.LastIndexByte(colorFGBG, ';')
	if i < 0 {
		return true
	}
	bg, err := strconv.Atoi(colorFGBG[i+1:])
	if err != nil {
		return true
	}
	// Of the 16 standard colours, grey and the bright ones are light (as
	// termenv, which huh v1 used, reckons them).
	return bg < 7 || bg > 15
}

type screenGroup struct {
	title     string
	questions []*Question
}

// NewScreen builds form n (1 to Screens) with the questions that apply and
// that no flag has answered yet; it returns nil when there is nothing to
// ask.
func NewScreen(n int, a *Answers, accessible bool) *Screen {
	s := &Screen{n: n, a: a, accessible: accessible}
	var group *screenGroup
	for _, q := range questions {
		if q.Form != n || !a.Asked(q) || a.Given(q.Key) {
			continue
		}
		if group == nil || group.title != q.Group {
			s.groups = append(s.groups, screenGroup{title: q.Group})
			group = &s.groups[len(s.groups)-1]
		}
		group.questions = append(group.questions, q)
	}
	if len(s.groups) == 0 {
		return nil
	}
	if accessible {
		return s
	}
	var groups []*huh.Group
	for _, g := range s.groups {
		var fields []huh.Field
		for _, q := range g.questions {
			fields = append(fields, s.field(q)...)
		}
		groups = append(groups, huh.NewGroup(fields...).Title(s.groupTitle(g)))
	}
	s.Form = huh.NewForm(groups...).WithAccessible(false).WithShowHelp(true)
	return s
}

func (s *Screen) groupTitle(g screenGroup) string {
	if s.n > baseScreens {
		// The additions' screens count themselves in their title.
		return g.title
	}
	return fmt.Sprintf("%s   (part %d of %d)", g.title, s.n, baseScreens)
}

// field builds the huh field for one question: in full-screen mode with
// its hint as the description (under the options, for choices); in
// accessible mode after a note that says it all, since huh's accessible
// prompts print only a title, and lipgloss pads a title of several lines.
func (s *Screen) field(q *Question) []huh.Field {
	a, accessible := s.a, s.accessible
	title := a.Text(q.Title)
	hint := a.Text(q.Hint)
	// A title that names an operation follows the name as it is typed.
	titleFn := func() string { return a.Text(q.Title) }
	var f huh.Field
	var pre []huh.Field
	var post []huh.Field
	switch q.Kind {
	case Text:
		if q.Example != "" {
			hint += "\nExample: " + q.Example + " (the shortener's). An empty answer takes it."
		}
		in := huh.NewInput().Key(q.Key).Placeholder(q.Example).
			Accessor(&textAccessor{a: a, key: q.Key}).
			Validate(func(v string) error {
				// An empty answer takes the example, which must fit the
				// answers so far too (a rate typed in the wrong unit
				// makes the example growth absurd).
				if v = strings.TrimSpace(v); v == "" {
					v = q.Example
				}
				return q.Validate(a, v)
			})
		if accessible {
			pre = []huh.Field{huh.NewNote().Title(title).Description(hint)}
			in.Title(">")
		} else {
			in.TitleFunc(titleFn, a.values).Description(hint)
		}
		s.inputs = append(s.inputs, in)
		f = in
	case YesNo:
		c := huh.NewConfirm().Key(q.Key).Affirmative("Yes").Negative("No").
			Accessor(&boolAccessor{a: a, key: q.Key})
		if accessible {
			pre = []huh.Field{huh.NewNote().Title(title).Description(hint)}
			c.Title("Answer y or n")
		} else {
			c.Title(title).Description(hint)
		}
		f = c
	case Choice:
		v := a.Get(q.Key)
		var opts []huh.Option[string]
		for _, o := range q.OptionsFor(a) {
			opts = append(opts, huh.NewOption(o.Label, o.Value))
		}
		if v == "" {
			v = q.OptionsFor(a)[0].Value
		}
		sel := huh.NewSelect[string]().Key(q.Key).Options(opts...).Value(&v)
		s.commit(func() { a.Set(q.Key, v) })
		if accessible {
			pre = []huh.Field{huh.NewNote().Title(title).Description(hint)}
			keeps := "an empty answer keeps the shortener's choice, " + v
			if q.Preselected != "" {
				keeps = "an empty answer chooses " + v
			}
			sel.Title("Options (" + keeps + "):")
		} else {
			sel.TitleFunc(titleFn, a.values)
			post = []huh.Field{note(hint, cmp.Or(q.Preselected, "The shortener's choice is preselected."))}
		}
		f = sel
	case Several:
		v := a.List(q.Key)
		var opts []huh.Option[string]
		for _, o := range q.OptionsFor(a) {
			opts = append(opts, huh.NewOption(o.Label, o.Value).Selected(slices.Contains(v, o.Value)))
		}
		ms := huh.NewMultiSelect[string]().Key(q.Key).Options(opts...).Value(&v)
		s.commit(func() { a.Set(q.Key, strings.Join(inOptionOrder(q, v), ",")) })
		if accessible {
			pre = []huh.Field{huh.NewNote().Title(title).Description(hint)}
			ms.Title("Options (the shortener's are ticked; a number ticks or unticks one, 0 when done):")
		} else {
			ms.Title(title)
			post = []huh.Field{note(hint, "The shortener's choices are ticked: x or space ticks and unticks.")}
		}
		f = ms
	default:
		panic("wizard: unknown question kind")
	}
	return append(append(pre, f), post...)
}

// commit registers what writes a chosen option into the answers: when
// the full-screen form is done, or in accessible mode as soon as the
// question is answered.
func (s *Screen) commit(c func()) { s.commits = append(s.commits, c) }

// Commit writes the chosen options into the answers.
func (s *Screen) Commit() {
	for _, c := range s.commits {
		c()
	}
}

// Ask asks every screen's questions that apply, in order: full-screen on
// a terminal, or one prompt at a time in accessible mode (for screen
// readers and piped answers). dark picks the full-screen colours (see
// DarkBackground). It returns huh.ErrUserAborted on Ctrl-C and
// ErrInputEnded when piped answers run out.
func Ask(ctx context.Context, a *Answers, accessible, dark bool, in io.Reader, out io.Writer) error {
	if accessible {
		for n := 1; n <= Screens; n++ {
			if s := NewScreen(n, a, true); s != nil {
				if err := s.runAccessible(in, out); err != nil {
					return err
				}
			}
		}
		return nil
	}
	// One program for every screen: a program that ends and another that
	// starts lose the keys typed between the two (Bubble Tea v2.0.2 closes
	// its input reader without waiting for the read in flight, which then
	// takes the next keys and drops them).
	m := &screens{a: a, dark: dark}
	if !m.next() {
		return nil
	}
	_, err := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out)).Run()
	if m.s.Form.State == huh.StateAborted || errors.Is(err, tea.ErrInterrupted) {
		return huh.ErrUserAborted
	}
	return err
}

// Asks reports whether any screen has a question to ask, given the
// answers so far.
func Asks(a *Answers) bool {
	for n := 1; n <= Screens; n++ {
		if NewScreen(n, a, true) != nil {
			return true
		}
	}
	return false
}

// screens runs the full-screen forms one after another in one Bubble Tea
// program, as huh's own Run runs one, building each once the answers
// before it are in.
type screens struct {
	a    *Answers
	dark bool
	n    int
	s    *Screen
	// prepare, when set, sees each screen before it is shown (tests
	// steady the cursors).
	prepare func(*Screen)
}

// screenDone is what a screen's form sends when it is submitted.
type screenDone struct{ n int }

// next moves to the next screen that has questions; false when none is
// left.
func (m *screens) next() bool {
	for m.n < Screens {
		m.n++
		s := NewScreen(m.n, m.a, false)
		if s == nil {
			continue
		}
		n := m.n
		s.Form.SubmitCmd = func() tea.Msg { return screenDone{n} }
		s.Form.CancelCmd = tea.Interrupt
		s.Form.WithTheme(huh.ThemeFunc(func(bool) *huh.Styles { return huh.ThemeCharm(m.dark) }))
		if m.prepare != nil {
			m.prepare(s)
		}
		m.s = s
		return true
	}
	return false
}

func (m *screens) Init() tea.Cmd { return m.s.Form.Init() }

func (m *screens) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case screenDone:
		if msg.n != m.n {
			return m, nil
		}
		m.s.Commit()
		if !m.next() {
			return m, tea.Quit
		}
		// The new form's Init asks for the window's size again.
		return m, m.s.Form.Init()
	case tea.WindowSizeMsg:
		// huh (v1.0.0 and v2.0.3) draws a group one line taller than the
		// terminal when the tallest group does not fit (it leaves out of
		// its sums the blank line above the help), which scrolls the
		// group's title off the top of the screen.
		msg.Height--
		_, cmd := m.s.Form.Update(msg)
		return m, cmd
	}
	_, cmd := m.s.Form.Update(msg)
	return m, cmd
}

func (m *screens) View() tea.View {
	v := tea.NewView(m.s.Form.View())
	v.ReportFocus = true
	return v
}

// runAccessible does what huh's own accessible mode does, field by field,
// but builds each prompt when it asks it (so that titles name the
// operations just named), prints each group's title, and stops as soon as
// the input has ended instead of taking every remaining example in
// silence.
func (s *Screen) runAccessible(in io.Reader, out io.Writer) (err error) {
	br, ok := in.(*OneByteReader)
	if !ok {
		br = NewOneByteReader(in)
	}
	defer func() {
		// huh indexes its options with the last line it read when the
		// input ends mid-question; that is the input ending, not a bug
		// to crash on.
		if r := recover(); r != nil {
			if !br.EOF() {
				panic(r)
			}
			err = ErrInputEnded
		}
	}()
	for _, g := range s.groups {
		fmt.Fprintf(out, "\n== %s ==\n\n", s.groupTitle(g))
		for _, q := range g.questions {
			s.commits = nil
			for _, f := range s.field(q) {
				f.Init()
				f.Focus()
				_ = f.RunAccessible(out, br)
				if _, isNote := f.(*huh.Note); !isNote {
					fmt.Fprintln(out)
				}
			}
			if br.Ended() {
				return ErrInputEnded
			}
			// A prompt returns its last invalid line when the input ends
			// before a valid one.
			if q.Kind == Text && s.a.Given(q.Key) && q.Validate(s.a, s.a.Get(q.Key)) != nil {
				return ErrInputEnded
			}
			s.Commit()
		}
	}
	return nil
}

// textAccessor keeps a typed answer in the answers as it is typed, so that
// a later field's check (a name already in use) sees it at once. Empty
// means "use the example".
type textAccessor struct {
	a   *Answers
	key string
}

func (t *textAccessor) Get() string {
	v, _ := t.a.answer(t.key)
	return v
}

func (t *textAccessor) Set(v string) {
	v = strings.TrimSpace(v)
	if v == "" {
		t.a.unset(t.key)
		return
	}
	t.a.Set(t.key, v)
}

type boolAccessor struct {
	a   *Answers
	key string
}

func (b *boolAccessor) Get() bool  { return b.a.Bool(b.key) }
func (b *boolAccessor) Set(v bool) { b.a.Set(b.key, strconv.FormatBool(v)) }

// note shows a hint under a choice's options. huh reads _ and * in notes
// as markup, so the hint's own are escaped.
func note(hint, tail string) *huh.Note {
	hint = strings.NewReplacer("_", `\_`, "*", `\*`, "`", "\\`").Replace(hint)
	return huh.NewNote().Description(hint + "\n_" + tail + "_")
}

// inOptionOrder sorts chosen values in the order the question lists them,
// so that the same choices always write the same file.
func inOptionOrder(q *Question, chosen []string) []string {
	var out []string
	for _, o := range q.Options {
		if slices.Contains(chosen, o.Value) {
			out = append(out, o.Value)
		}
	}
	return out
}
