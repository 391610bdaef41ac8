package estimator

import (
	"math"
)

// ConsumersFor is the number of consumers a queue needs so that they are busy
// at most target of the time. By Little's law the mean number of messages in
// service is L = λ·W (arrival rate × per-message work time); dividing by the
// target utilisation leaves headroom for bursts.
func ConsumersFor(lambda, workSeconds, target float64) int {
	if lambda <= 0 || workSeconds <= 0 {
		return 1
	}
	return ServersFor(lambda, 1/workSeconds, target)
}

// BacklogGrowth is how fast the backlog grows, in messages per second, when
// consumers can drain at most capacity messages per second (0 when they keep up).
func BacklogGrowth(lambda, capacity float64) float64 {
	return math.Max(0, lambda-capacity)
}

// DrainSeconds is how long a backlog takes to clear after consumers were down
// for outage seconds while producers kept arriving at λ: the backlog λ·outage
// drains at the spare rate capacity − λ. It is +Inf when there is no spare.
func DrainSeconds(lambda, capacity, outage float64) float64 {
	backlog := lambda * outage
	if backlog == 0 {
		return 0
	}
	spare := capacity - lambda
	if spare <= 0 {
		return math.Inf(1)
	}
	return backlog / spare
}

// RunwayMonths is how many months of growth a tier can absorb: load grows by
// growthPerYear× a year, compounding monthly, and the tier saturates when the
// load reaches capacity, at 12·ln(capacity/load)/ln(growth) months. It is 0
// when the tier is already saturated and +Inf when load does not grow.
func RunwayMonths(load, capacity, growthPerYear float64) float64 {
	if capacity <= 0 || load >= capacity {
		return 0
	}
	if load <= 0 || growthPerYear <= 1 {
		return math.Inf(1)
	}
	return MonthsPerYear * math.Log(capacity/load) / math.Log(growthPerYear)
}

// GrowthFactor is the load multiplier after months of growth at
// growthPerYear× a year: growth^(months/12).
func GrowthFactor(growthPerYear, months float64) float64 {
	if growthPerYear <= 0 {
		return 1
	}
	return math.Pow(growthPerYear, months/MonthsPerYear)
}
