package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tradeoff-dev/tradeoff/importer"
)

// newImportCmd reads a team's architecture from where it already lives.
// The design it writes is a skeleton: what the deployment shows, and
// questions for the rest, which validate then lists.
func newImportCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import compose|kubernetes PATH...",
		Short: "Write a design skeleton from a Compose file or Kubernetes manifests",
		Long: `Read the system from where it already lives and write a design in the
component form: every service, store, queue and balancer becomes a
component (the image tells its kind), the replicas its instances, the
resources its size, and the connection URLs in the environment (and
depends_on) its calls.

What a deployment cannot say — traffic, SLOs, data sizes, budget — is
written as QUESTION comments above fields left open, which
'tradeoff validate' then lists at their lines with what each wants. Every
guess is listed at the top of the output with the line it came from. No
value of an environment variable, Secret or ConfigMap is copied.

Exit status:
  0  written
  2  the input is not Compose or Kubernetes, cannot be read, or usage`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageErrorf("say what to import from: tradeoff import compose FILE, or tradeoff import kubernetes DIR|FILE...")
		},
	}
	var output string
	var force bool
	var profiles []string
	compose := &cobra.Command{
		Use:   "compose FILE...",
		Short: "Import a Compose project (docker-compose.yml, compose.yaml)",
		Long: `Read a Compose project with the Compose specification's own loader, as
'docker compose config' reads it: several files merge in order, extends,
profiles and ${VAR} interpolation from the environment and the project's
.env file.

Exit status:
  0  written
  2  not a Compose file, a YAML error, or usage`,
		Example: `  tradeoff import compose docker-compose.yml -o design.cue
  tradeoff import compose compose.yaml compose.prod.yaml --profile debug`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := importer.Compose(cmd.Context(), args, importer.ComposeOptions{Profiles: profiles, Env: os.Environ()})
			if err != nil {
				return &InputError{Err: err}
			}
			return writeImport(cmd.OutOrStdout(), app.Stderr, s, output, force)
		},
	}
	compose.Flags().StringSliceVar(&profiles, "profile", nil, "Compose profiles to enable, as docker compose --profile")
	kube := &cobra.Command{
		Use:     "kubernetes DIR|FILE...",
		Aliases: []string{"k8s"},
		Short:   "Import Kubernetes manifests (Deployments, StatefulSets, Services, HPAs)",
		Long: `Read Kubernetes manifests — files, or directories of .yaml, .yml and .json
files, several documents each — decoded with k8s.io/api. Deployments and
StatefulSets are the components; a Service names the pods it selects (the
name the environment uses), and makes them an entry point when it is a
LoadBalancer or NodePort or an Ingress routes to it; an HPA gives the
instances; a zone topology spread asks how many zones.

Exit status:
  0  written
  2  not Kubernetes manifests, a YAML error, or usage`,
		Example: `  tradeoff import kubernetes k8s/ -o design.cue`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := importer.Kubernetes(args)
			if err != nil {
				return &InputError{Err: err}
			}
			return writeImport(cmd.OutOrStdout(), app.Stderr, s, output, force)
		},
	}
	for _, c := range []*cobra.Command{compose, kube} {
		c.Flags().StringVarP(&output, "output", "o", "", "write to this file instead of standard output (never over an existing file without --force)")
		c.Flags().BoolVar(&force, "force", false, "replace an existing output file")
		cmd.AddCommand(c)
	}
	return cmd
}

// writeImport writes the design and says on stderr what is left to do.
func writeImport(stdout, stderr io.Writer, s *importer.Skeleton, output string, force bool) error {
	out, err := s.CUE()
	if err != nil {
		return err
	}
	questions := bytes.Count(out, []byte(importer.Question))
	where := "standard output"
	if output == "" || output == "-" {
		if _, err := stdout.Write(out); err != nil {
			return err
		}
		output = "design.cue"
	} else {
		if err := writeFileAtomic(output, out, force); err != nil {
			return err
		}
		where = output
	}
	fmt.Fprintf(stderr, "import: wrote %s and %s to %s, with %s to check and %s to answer\n",
		plural(len(s.Components), "component"), plural(len(s.Calls), "call"), where, plural(len(s.Guesses), "guess"), plural(questions, "question"))
	fmt.Fprintf(stderr, "import: next, tradeoff validate %s lists what is left to fill in, each at its line\n", output)
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "s") {
		return fmt.Sprintf("%d %ses", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
