// Package diagram draws a design: it builds a renderer-neutral graph of the
// system (the talk's request path, the async branch, telemetry) from the
// typed design plus, when given, the estimator's numbers and the review's
// findings, and writes that graph as DOT or Mermaid in pure Go, byte for
// byte the same for the same input.
//
// It is the last stage of the one-way pipeline (schema → estimator → rules
// → renderers) and must not link go-graphviz: the fast commands share a
// binary with it. SVG is laid out by the separate tradeoff-render binary
// (cmd/tradeoff-render), which this package runs as a sub-process; PNG is
// converted from that SVG by rsvg-convert when it is installed.
package diagram
