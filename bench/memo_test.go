package bench

import "github.com/tradeoff-dev/tradeoff/estimator"

// resetMemos empties the estimator's process-wide memos, so that every
// iteration pays what one CLI run pays. bench/gobench.sh replaces this file
// with an empty function for a base commit that has no memos to reset.
func resetMemos() { estimator.ResetMemos() }
