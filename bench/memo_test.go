package bench

import "github.com/tradeoff-dev/tradeoff/estimator"

// resetMemos empties the estimator's process-wide memos, so that every
// iteration pays what one CLI run pays. bench/gobench.sh gives a base
// commit that predates estimator.ResetMemos one of its own.
func resetMemos() { estimator.ResetMemos() }
