package estimator

import (
	"math"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Time constants. The 730-hour month is the billing convention of AWS and
// Infracost (estimation.md §5: HourToMonthUnitMultiplier = 730); using it for
// traffic as well keeps requests-per-month and dollars-per-month on one clock.
const (
	HoursPerMonth    = float64(schema.HoursPerMonth) // 730, shared with the rate parser
	SecondsPerHour   = float64(schema.SecondsPerHour)
	SecondsPerDay    = float64(schema.SecondsPerDay)
	SecondsPerMonth  = HoursPerMonth * SecondsPerHour // 2,628,000 s
	MinutesPerMonth  = HoursPerMonth * 60             // 43,800 min
	DaysPerMonth     = HoursPerMonth / 24             // 30.416… days
	MonthsPerYear    = 12.0
	PrimerSecondsPer = 2.5e6 // system-design-primer's rounded "2.5 million seconds per month"
)

// Byte multiples. Cloud providers bill GiB and call it GB (estimation.md
// conventions), so GB here means 2^30 bytes wherever a price is applied.
const (
	KiB = 1024.0
	MiB = 1024 * KiB
	GiB = 1024 * MiB
	TiB = 1024 * GiB
)

// PerDayToPerSecond converts a daily count to a mean rate per second.
func PerDayToPerSecond(perDay float64) float64 { return perDay / SecondsPerDay }

// PerMonthToPerSecond converts a monthly count to a mean rate per second on
// the 730-hour month.
func PerMonthToPerSecond(perMonth float64) float64 { return perMonth / SecondsPerMonth }

// PerSecondToPerMonth is the inverse of PerMonthToPerSecond.
func PerSecondToPerMonth(perSecond float64) float64 { return perSecond * SecondsPerMonth }

// PrimerPerMonthToPerSecond is the system-design-primer's back-of-envelope
// conversion (1 req/s ≈ 2.5M req/month). It is kept only so derivations can
// quote the familiar rule next to the exact figure.
func PrimerPerMonthToPerSecond(perMonth float64) float64 { return perMonth / PrimerSecondsPer }

// maxCount caps a count of machines, shards or brokers computed from a
// float: a quadrillion is beyond any real fleet, stays exact in float64,
// and leaves int arithmetic on it (× replicas, × zones) room before it
// overflows. Converting a larger float to int is undefined in Go (it gave
// -9223372036854775808 nodes for a petabyte working set; FuzzEstimate).
const maxCount = 1e15

// ceilCount is ⌈x⌉ as an int, capped at maxCount; NaN counts as zero.
func ceilCount(x float64) int {
	switch {
	case x >= maxCount:
		return maxCount
	case x > 0:
		return int(math.Ceil(x))
	}
	return 0
}
