package estimator

// Composite availability (system-design-primer, "Availability in parallel vs
// in sequence"). Availabilities are fractions in [0, 1].

// Series is the availability of components that must all be up: Π A_i.
func Series(a ...float64) float64 {
	r := 1.0
	for _, x := range a {
		r *= x
	}
	return r
}

// Parallel is the availability of redundant components of which one
// suffices: 1 − Π(1 − A_i).
func Parallel(a ...float64) float64 {
	down := 1.0
	for _, x := range a {
		down *= 1 - x
	}
	return 1 - down
}

// ParallelN is Parallel of n identical members.
func ParallelN(a float64, n int) float64 {
	down := 1.0
	for i := 0; i < n; i++ {
		down *= 1 - a
	}
	return 1 - down
}

// Failover is a primary with a standby that takes over with probability
// pSwitch when the primary is down: A = A_p + (1 − A_p)·A_s·pSwitch. With
// pSwitch = 1 it equals Parallel(A_p, A_s); with 0 it is the primary alone.
func Failover(primary, standby, pSwitch float64) float64 {
	return primary + (1-primary)*standby*pSwitch
}

// DowntimeMinutesPerMonth is the error budget: (1 − A) × 43,800 minutes.
func DowntimeMinutesPerMonth(a float64) float64 { return (1 - a) * MinutesPerMonth }
