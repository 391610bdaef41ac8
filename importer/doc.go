// Package importer reads where a team's architecture already lives — a
// Compose project, Kubernetes manifests — and writes the skeleton of a
// design in the component form: the components and calls a deployment
// shows, and, as questions the user answers, everything it cannot show
// (traffic, SLOs, data sizes, budget).
//
// It sits beside schema at the input end of the pipeline: it produces
// design text, never a loaded design, so what it writes goes through the
// same loader and checks as a design typed by hand. Every guess it makes
// (an image taken for a kind, a call read from an environment variable) is
// listed in the output with the line it came from; no value of an
// environment variable, Secret or ConfigMap is ever copied into it.
package importer
