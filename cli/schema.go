package cli

import (
	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/schema"
)

type schemaOptions struct {
	jsonSchema bool
}

func newSchemaCmd(app *App) *cobra.Command {
	opts := &schemaOptions{}
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the design schema (CUE, or JSON Schema for YAML editors)",
		Long: `Print the CUE schema every design is checked against, so that the stock
cue tool can check designs too:

  tradeoff schema > schema.cue
  cue vet -c -d '#Design' schema.cue design.yaml
  cue export design.cue --out yaml | cue vet -c -d '#Design' schema.cue yaml: -

With --json-schema, print it as a JSON Schema (draft 2020-12) for editors of
YAML and JSON designs; cue reads it too:

  tradeoff schema --json-schema > schema.json
  cue import -o schema-js.cue jsonschema: schema.json
  cue vet -c schema-js.cue design.yaml

tradeoff validate also checks what a schema cannot express, such as
operation names referred to across the file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := schema.Text()
			if opts.jsonSchema {
				var err error
				if out, err = schema.JSONSchema(); err != nil {
					return err
				}
				out = append(out, '\n')
			}
			_, err := cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().BoolVar(&opts.jsonSchema, "json-schema", false, "print a JSON Schema instead of CUE")
	return cmd
}
