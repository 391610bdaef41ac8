package cli

import (
	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/schema"
)

func newExpandCmd(app *App) *cobra.Command {
	var output string
	var force bool
	cmd := &cobra.Command{
		Use:   "expand FILE",
		Short: "Print a design in the component form",
		Long: `Print FILE in the component form, as CUE: each section (loadBalancer,
services, cdn, cache, database, queue) becomes a component named after it,
holding the fields the design wrote there, and each operation's path becomes
the call tree it stands for. Values are written as the design wrote them.
A design already written with components is printed as it is.

Grow out of the shorthand with it: expand, then add the services, stores,
queues and third-party APIs the sections cannot name.

Exit status:
  0  printed
  2  invalid design or usage`,
		Example: `  tradeoff expand examples/shortener.cue
  tradeoff expand design.yaml -o design.cue`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d, err := schema.Load(args[0], app.Stdin)
			if err != nil {
				return err
			}
			out, err := schema.Expand(d)
			if err != nil {
				return &InputError{Err: err}
			}
			if output == "" || output == "-" {
				_, err := cmd.OutOrStdout().Write(out)
				return err
			}
			return writeFileAtomic(output, out, force)
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output (never over an existing file without --force)")
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing output file")
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}
