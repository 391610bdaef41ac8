// Package report writes the design review document: one HTML file (inline
// CSS and SVG, no scripts, readable on a phone and in print) or one
// Markdown file, with the verdict first, then the picture, the estimate
// per scenario and per cloud, p99 against the SLO, availability and its
// error budget, the growth runway, the findings with their remedies, the
// waivers and every assumption the figures rest on.
//
// It is a renderer, the last stage of the pipeline (schema → estimator →
// rules → renderers): it reads what the stages before it computed and
// decides presentation only. Charts are drawn here in pure Go. The diagram
// comes either from tradeoff-render (Graphviz, laid out in a separate
// process) or, when that binary is missing, from this package's own
// layered layout of the same graph, so a report never needs Graphviz.
// Output depends only on the input: the same design gives the same bytes.
package report
