package render

import "github.com/tradeoff-dev/tradeoff/rules"

// Verdict is the review's one-line outcome ("FAIL: 2 finding(s) at or
// above high (…)"), for documents that embed a review, such as `tradeoff
// report`, so that they say it in the same words as `tradeoff review`.
func Verdict(rep *rules.Report, failOn rules.Severity) string { return verdict(rep, failOn) }
