package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/rules/render"
)

type explainOptions struct {
	base, components bool
	example          string
}

func newExplainCmd(app *App) *cobra.Command {
	opts := &explainOptions{}
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Explain one review rule: the trade-off, the remedy, a bad and a good example",
		Long: `Print one rule's documentation: why it matters (the trade-off it names),
how it is detected, its known false positives, the remedy, references, and a
bad and a good example. Examples are overlays on the base design, which
--base prints (--base --components, the base of the rules only a component
design has); --example bad (or good) prints the whole merged design, ready
for 'tradeoff review'.`,
		Example: `  tradeoff explain CACHE001
  tradeoff explain --base
  tradeoff explain --base --components
  tradeoff explain CACHE001 --example bad > bad.json && tradeoff review bad.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.base {
				return cobra.NoArgs(cmd, args)
			}
			return cobra.ExactArgs(1)(cmd, args)
		},
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
			var ids []cobra.Completion
			for _, r := range rules.All() {
				ids = append(ids, cobra.CompletionWithDesc(r.ID, r.Title))
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.base {
				base := rules.BaseDesign()
				if opts.components {
					base = rules.GraphBaseDesign()
				}
				_, err := io.WriteString(cmd.OutOrStdout(), base)
				return err
			}
			if opts.components {
				return usageErrorf("--components goes with --base")
			}
			r, ok := rules.Lookup(args[0])
			if !ok {
				return usageErrorf("unknown rule %q: %s", args[0], suggestRule(args[0]))
			}
			switch opts.example {
			case "":
				return render.Explain(cmd.OutOrStdout(), r, app.Color)
			case "bad", "good":
				ex := r.Bad
				if opts.example == "good" {
					ex = r.Good
				}
				b, err := ex.JSON()
				if err != nil {
					return err
				}
				_, err = cmd.OutOrStdout().Write(b)
				return err
			}
			return usageErrorf("invalid --example %q: use bad or good", opts.example)
		},
	}
	cmd.Flags().BoolVar(&opts.base, "base", false, "print the base design the rule examples are overlays on")
	cmd.Flags().BoolVar(&opts.components, "components", false, "with --base: print the component base design of the graph rules")
	cmd.Flags().StringVar(&opts.example, "example", "", "print the rule's bad or good example as a whole design (JSON)")
	cmd.RegisterFlagCompletionFunc("example", cobra.FixedCompletions([]string{"bad", "good"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// suggestRule points at rules whose ID shares the given prefix.
func suggestRule(id string) string {
	prefix := strings.ToUpper(strings.TrimRight(id, "0123456789"))
	var near []string
	for _, r := range rules.All() {
		if prefix != "" && strings.HasPrefix(r.ID, prefix) {
			near = append(near, r.ID)
		}
	}
	if len(near) > 0 {
		return "rules starting with " + prefix + " are " + strings.Join(near, ", ")
	}
	return "run 'tradeoff rules' for the list"
}
