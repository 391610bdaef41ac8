//go:build !unix

package schema

import "time"

// processCPU is not measured here; bounded then limits wall time alone.
func processCPU() (time.Duration, bool) { return 0, false }
