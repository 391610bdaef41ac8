package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/schema"
)

type validateOptions struct {
	output string
}

func newValidateCmd(app *App) *cobra.Command {
	opts := &validateOptions{}
	cmd := &cobra.Command{
		Use:   "validate PATH...",
		Short: "Check design files and report every problem at file:line:col",
		Long: `Check one or more designs against the schema and report every problem,
one per line, as file:line:col: path: message.

PATH is a .cue, .yaml, .yml or .json file, a directory holding one CUE
package, or - for standard input.`,
		Example: `  tradeoff validate examples/shortener.cue
  tradeoff validate examples/*.cue examples/shortener.yaml
  cat design.yaml | tradeoff validate -`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.output != "text" && opts.output != "json" {
				return usageErrorf("invalid output format %q: use text or json", opts.output)
			}
			return validateRun(app, cmd.OutOrStdout(), args, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.output, "output", "o", "text", "output format: text or json")
	cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.ValidArgsFunction = designFileCompletion
	return cmd
}

// validateResult is the JSON shape of one path's result.
type validateResult struct {
	Path   string         `json:"path"`
	Valid  bool           `json:"valid"`
	Design string         `json:"design,omitempty"`
	Errors []*schemaError `json:"errors"`
}

type schemaError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

func validateRun(app *App, out io.Writer, paths []string, opts *validateOptions) error {
	var results []validateResult
	invalid := 0
	for _, p := range paths {
		d, err := schema.Load(p, app.Stdin)
		res := validateResult{Path: p, Valid: err == nil, Errors: []*schemaError{}}
		if err != nil {
			invalid++
			var es schema.Errors
			if !errors.As(err, &es) {
				return err
			}
			for _, e := range es {
				res.Errors = append(res.Errors, &schemaError{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col, Path: e.Path, Message: e.Msg})
			}
			if opts.output == "text" {
				fmt.Fprintln(app.Stderr, es.Error())
			}
		} else {
			res.Design = d.System.Name
			if opts.output == "text" {
				fmt.Fprintf(out, "%s: ok (%s)\n", p, summary(d))
			}
		}
		results = append(results, res)
	}
	if opts.output == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(results); err != nil {
			return err
		}
	}
	if invalid > 0 {
		if opts.output == "text" && len(paths) > 1 {
			fmt.Fprintf(app.Stderr, "%d of %d designs invalid\n", invalid, len(paths))
		}
		return &silentError{code: ExitInvalid}
	}
	return nil
}

// summary describes a valid design in one line.
func summary(d *schema.Design) string {
	n := len(d.Traffic)
	ops := "operations"
	if n == 1 {
		ops = "operation"
	}
	return fmt.Sprintf("design %q, %d %s on %s, %s", d.System.Name, n, ops, d.System.Cloud, d.System.Footprint)
}

// designFileCompletion completes design files by extension.
func designFileCompletion(*cobra.Command, []string, string) ([]cobra.Completion, cobra.ShellCompDirective) {
	return []cobra.Completion{"cue", "yaml", "yml", "json"}, cobra.ShellCompDirectiveFilterFileExt
}
