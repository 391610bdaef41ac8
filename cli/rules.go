package cli

import (
	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/rules/render"
)

type rulesOptions struct {
	output string
}

func newRulesCmd(app *App) *cobra.Command {
	opts := &rulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the review rules",
		Long: `List every rule 'tradeoff review' runs, grouped by category, with its ID,
severity and title. JSON output carries each rule's full documentation.`,
		Example: `  tradeoff rules
  tradeoff rules -o json | jq '.[] | select(.severity == "critical")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			switch opts.output {
			case "text":
				return render.RuleList(cmd.OutOrStdout(), rules.All(), app.Color)
			case "json":
				return render.RuleJSON(cmd.OutOrStdout(), rules.All())
			}
			return usageErrorf("invalid output format %q: use text or json", opts.output)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text or json")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
