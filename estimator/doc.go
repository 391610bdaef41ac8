// Package estimator turns a typed design into numbers a reviewer can check:
// capacity per tier, monthly cost on AWS, GCP and Azure, p99 latency per
// operation, availability per operation path, and growth runway — each with
// the derivation that produced it and a flag when an input was an assumption.
//
// It sits in the middle of the one-way pipeline (schema → estimator → rules →
// renderers): it reads package schema and nothing downstream. Every price,
// SLA and per-node throughput figure comes from the embedded data files in
// data/, each with its source and date; a figure the reference could not
// source is carried as an explicit assumption, never silently.
//
// The models (Erlang C, Che's approximation, composite availability, path
// latency by numerical convolution, Little's law, backlog drain, runway) are
// pure functions, table-tested on their own.
package estimator
