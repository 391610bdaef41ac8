package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"charm.land/huh/v2"
	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/internal/safewrite"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
	"github.com/tradeoff-dev/tradeoff/wizard"
)

type initOptions struct {
	force      bool
	yes        bool
	accessible bool
	// flags holds every question's flag value; only the ones the user set
	// become answers.
	flags map[string]*string
	bools map[string]*bool
}

func newInitCmd(app *App) *cobra.Command {
	opts := &initOptions{flags: map[string]*string{}, bools: map[string]*bool{}}
	cmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Answer a few questions and get a design file that validates",
		Long: `Ask about the system — its traffic, promises, budget and building blocks —
and write a formatted, commented CUE design to FILE (default design.cue),
with the talk's "how to choose" hint beside every choice.

Every question is also a flag. Questions left unanswered take the talk's URL
shortener's value, which the file marks as an example to replace. --yes
answers every remaining question that way, so a script needs no terminal.

Once the file is written, init prints the estimate's verdict (cost, p99
against the SLO, availability) and the review's first findings.

Without a terminal, pass --yes, or --accessible to answer one line per
question (also ACCESSIBLE=1; an empty line keeps the example).`,
		Example: `  tradeoff init
  tradeoff init --cloud gcp --cache redis --db postgres --queue rabbitmq payments.cue
  tradeoff init --yes --name shortener
  tradeoff init --accessible links.cue < answers.txt   # one answer a line`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := "design.cue"
			if len(args) == 1 {
				path = args[0]
			}
			if filepath.Ext(path) != ".cue" {
				return usageErrorf("%s: init writes CUE: name the file with a .cue extension", path)
			}
			a, err := opts.answers(cmd)
			if err != nil {
				return err
			}
			env := app.Getenv
			if env == nil {
				env = os.Getenv
			}
			if v := env("ACCESSIBLE"); v != "" && v != "0" && v != "false" {
				opts.accessible = true
			}
			// huh itself falls back to accessible prompts on a dumb terminal.
			if env("TERM") == "dumb" {
				opts.accessible = true
			}
			return initRun(app, cmd, path, a, opts)
		},
	}
	f := cmd.Flags()
	f.BoolVarP(&opts.force, "force", "f", false, "overwrite FILE if it exists")
	f.BoolVarP(&opts.yes, "yes", "y", false, "take the example for every question not answered by a flag; ask nothing")
	f.BoolVar(&opts.accessible, "accessible", false, "ask one plain-text prompt at a time, for screen readers and piped answers (also ACCESSIBLE=1)")
	for _, q := range wizard.Questions() {
		usage := q.Usage
		if q.Example != "" {
			usage += fmt.Sprintf(" (example: %s)", q.Example)
		}
		if q.Kind == wizard.YesNo {
			opts.bools[q.Key] = f.Bool(q.Key, false, usage)
			continue
		}
		opts.flags[q.Key] = f.String(q.Key, "", usage)
		if len(q.Options) > 0 {
			var values []string
			for _, o := range q.Options {
				values = append(values, o.Value)
			}
			cmd.RegisterFlagCompletionFunc(q.Key, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

// answers turns the flags the user set into answers, checking each as the
// form would, then all of them together.
func (opts *initOptions) answers(cmd *cobra.Command) (*wizard.Answers, error) {
	a := wizard.NewAnswers()
	for _, q := range wizard.Questions() {
		if !cmd.Flags().Changed(q.Key) {
			continue
		}
		if b, ok := opts.bools[q.Key]; ok {
			a.Set(q.Key, fmt.Sprint(*b))
			continue
		}
		v := strings.TrimSpace(*opts.flags[q.Key])
		if q.Kind == wizard.Several {
			v = strings.ReplaceAll(v, " ", "")
		}
		a.Set(q.Key, v)
	}
	// A queue implies background work for it to carry.
	if a.Given(wizard.KeyQueue) && !a.Given(wizard.KeyBackground) {
		a.Set(wizard.KeyBackground, "true")
	}
	if err := a.Check(); err != nil {
		return nil, &UsageError{Err: err}
	}
	return a, nil
}

func initRun(app *App, cmd *cobra.Command, path string, a *wizard.Answers, opts *initOptions) error {
	if _, err := os.Lstat(path); err == nil && !opts.force {
		return fmt.Errorf("%s already exists: pass --force to overwrite it, or name another file", path)
	}
	// Before any question: a missing directory found after the last answer
	// would waste them all.
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || !fi.IsDir() {
		return fmt.Errorf("%s: cannot write there: the directory %s does not exist", path, filepath.Dir(path))
	}
	if !opts.yes {
		if err := ask(app, cmd, a, opts.accessible); err != nil {
			return err
		}
	}
	data, err := wizard.Render(a)
	if err != nil {
		return &UsageError{Err: err}
	}
	d, err := schema.LoadBytes(path, data, "cue")
	if err != nil {
		return fmt.Errorf("internal error: the design init wrote does not validate; please report it:\n%v", err)
	}
	if err := writeNew(path, data, opts.force); err != nil {
		return err
	}
	out := cmd.OutOrStdout()
	fmt.Fprintf(out, "wrote %s: ok (%s)\n", path, summary(d))
	if n := strings.Count(string(data), "// example"); n > 0 {
		fmt.Fprintf(out, "%d values are the shortener's examples, marked \"example\" in the file: replace them with yours.\n", n)
	}
	initHeadline(out, d)
	fmt.Fprintf(out, "\nnext: edit %s, then tradeoff estimate --explain %s and tradeoff review %s\n", path, path, path)
	return nil
}

// initHeadlineFindings is how many findings the summary lists.
const initHeadlineFindings = 3

// initHeadline shows what estimate and review make of the new design, so
// that a newcomer sees at once what the choices cost, whether they meet the
// SLOs, and which trade-offs they make. The file is written by then: a
// problem here is reported, not fatal.
func initHeadline(w io.Writer, d *schema.Design) {
	fmt.Fprintln(w)
	if len(d.Components) > 0 {
		if r, err := estimator.EstimateGraph(d, estimator.Options{}); err != nil {
			fmt.Fprintf(w, "estimate: %v\n", err)
		} else {
			_, line := graphVerdict(r)
			fmt.Fprintf(w, "estimate: %s\n", line)
		}
	} else if r, err := estimator.Estimate(d, estimator.Options{}); err != nil {
		fmt.Fprintf(w, "estimate: %v\n", err)
	} else {
		fmt.Fprintf(w, "estimate: %s\n", r.Verdict.Summary)
		for _, reason := range r.Verdict.Reasons {
			fmt.Fprintf(w, "  %s\n", reason)
		}
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		fmt.Fprintf(w, "review: %v\n", err)
		return
	}
	var active []rules.Finding
	for _, f := range rules.Review(ctx, rules.Options{}).Findings {
		if !f.Waived() {
			active = append(active, f)
		}
	}
	if len(active) == 0 {
		fmt.Fprintln(w, "review: no findings: every rule is satisfied")
		return
	}
	fmt.Fprintf(w, "review: %d finding(s); the first %d:\n", len(active), min(len(active), initHeadlineFindings))
	for _, f := range active[:min(len(active), initHeadlineFindings)] {
		fmt.Fprintf(w, "  %-8s %s  %s\n", strings.ToUpper(f.Severity.String()), f.ID, f.Title)
	}
}

// ask runs the screens whose questions no flag answered.
func ask(app *App, cmd *cobra.Command, a *wizard.Answers, accessible bool) error {
	in := app.Stdin
	if accessible {
		in = wizard.NewOneByteReader(app.Stdin)
		// The prompts block in a read of standard input that Ctrl-C cannot
		// end; nothing is written before the last answer, so say so and
		// exit as the full-screen form does.
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt)
		defer func() { signal.Stop(sigs); close(sigs) }()
		go func() {
			if _, ok := <-sigs; ok {
				fmt.Fprintln(app.Stderr, "\nerror: init cancelled: nothing written")
				os.Exit(ExitInvalid)
			}
		}()
	}
	getenv := app.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if !wizard.Asks(a) {
		return nil
	}
	if !accessible && !stdinIsTerminal(app.Stdin) {
		return usageErrorf("init asks questions, but standard input is not a terminal: pass --yes to take the examples for the questions no flag answers, or --accessible to answer one line per question")
	}
	// The form draws on standard error: redirected, it would wait for
	// answers to questions nobody can see.
	if !accessible && !isTerminal(app.Stderr) {
		return usageErrorf("init draws its form on standard error, which is not a terminal: leave it on the terminal, or pass --accessible or --yes")
	}
	err := wizard.Ask(cmd.Context(), a, accessible, wizard.DarkBackground(getenv("COLORFGBG")), in, app.Stderr)
	switch {
	case errors.Is(err, huh.ErrUserAborted):
		return errors.New("init cancelled: nothing written")
	case errors.Is(err, wizard.ErrInputEnded):
		return fmt.Errorf("%v: nothing written; give one line per question (an empty line keeps the example), or pass --yes", err)
	}
	return err
}

func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}

// writeNew writes the design with safewrite.File: whole or not at all,
// and, without --force, never over a file, even one that appeared while
// the questions were being answered.
func writeNew(path string, data []byte, force bool) error {
	err := safewrite.File(path, data, force)
	var we *safewrite.WriteError
	switch {
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%s already exists: pass --force to overwrite it, or name another file", path)
	case errors.As(err, &we):
		return fmt.Errorf("%s: cannot write: %v", path, we.Err)
	}
	return err
}
