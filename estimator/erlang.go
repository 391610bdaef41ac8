package estimator

import (
	"errors"
	"math"
)

// ErrUnstable means the offered load meets or exceeds the servers' capacity
// (ρ ≥ 1): the queue grows without bound and no percentile exists.
var ErrUnstable = errors.New("offered load is at or above capacity (utilisation ≥ 100%)")

// ErlangB is the blocking probability of an M/M/c/c system with c servers and
// offered load a Erlangs, by the recurrence B(0)=1, B(k)=a·B(k−1)/(k+a·B(k−1)),
// which never overflows (estimation.md §4.1). Once B underflows to zero it
// stays zero, so the loop stops there: a tier of billions of servers (a
// design's throughput per instance times its service time) costs a few
// times its offered load in steps, not one per server (FuzzEstimate found
// one that ran for minutes).
func ErlangB(c int, a float64) float64 {
	b := 1.0
	for k := 1; k <= c && b != 0; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// ErlangC is the probability that an arrival must wait in an M/M/c queue,
// C = c·B / (c − a(1−B)). It is 1 when a ≥ c (every arrival waits, forever).
func ErlangC(c int, a float64) float64 {
	if c <= 0 || a >= float64(c) {
		return 1
	}
	if a <= 0 {
		return 0
	}
	b := ErlangB(c, a)
	return float64(c) * b / (float64(c) - a*(1-b))
}

// erlangCClosedForm is the textbook formula, used only to check ErlangC for
// small c where the factorials do not overflow.
func erlangCClosedForm(c int, a float64) float64 {
	sum := 0.0
	term := 1.0 // a^k/k!
	for k := 0; k < c; k++ {
		sum += term
		term *= a / float64(k+1)
	}
	top := term * float64(c) / (float64(c) - a) // a^c/c! · c/(c−a)
	return top / (sum + top)
}

// MMc is an M/M/c queue: Poisson arrivals at Lambda per second, C servers
// each completing Mu requests per second.
type MMc struct {
	Lambda float64
	Mu     float64
	C      int
}

// Utilisation is ρ = λ/(cμ).
func (q MMc) Utilisation() float64 { return q.Lambda / (float64(q.C) * q.Mu) }

// Stable reports whether ρ < 1.
func (q MMc) Stable() bool { return q.C > 0 && q.Mu > 0 && q.Lambda >= 0 && q.Utilisation() < 1 }

// PWait is Erlang C for this queue.
func (q MMc) PWait() float64 { return ErlangC(q.C, q.Lambda/q.Mu) }

// theta is the decay rate of the waiting-time tail, cμ − λ.
func (q MMc) theta() float64 { return float64(q.C)*q.Mu - q.Lambda }

// MeanWait is Wq = C(c,a)/(cμ − λ), in seconds.
func (q MMc) MeanWait() (float64, error) {
	if !q.Stable() {
		return math.Inf(1), ErrUnstable
	}
	return q.PWait() / q.theta(), nil
}

// MeanResponse is W = Wq + 1/μ, in seconds.
func (q MMc) MeanResponse() (float64, error) {
	wq, err := q.MeanWait()
	return wq + 1/q.Mu, err
}

// WaitQuantile is the p-quantile of the time spent waiting, in seconds:
// max(0, ln(C/(1−p))/(cμ−λ)), zero when C ≤ 1−p.
func (q MMc) WaitQuantile(p float64) (float64, error) {
	if !q.Stable() {
		return math.Inf(1), ErrUnstable
	}
	c := q.PWait()
	if c <= 1-p {
		return 0, nil
	}
	return math.Log(c/(1-p)) / q.theta(), nil
}

// ResponseTail is P(T > t) for the response time T = S + Wq, where S ~ Exp(μ)
// and Wq is 0 with probability 1−C and Exp(θ) with probability C. It is the
// hypoexponential tail e^{−μt}·[1 + C·μ/(θ−μ)·(1 − e^{−(θ−μ)t})]; the θ = μ
// limit is e^{−μt}(1 + Cμt).
func (q MMc) ResponseTail(t float64) float64 {
	return q.responseTail(t, q.PWait())
}

// responseTail is ResponseTail given C(c,a), which costs a step per server
// and is the same at every t: ResponseQuantile computes it once.
func (q MMc) responseTail(t, c float64) float64 {
	if t <= 0 {
		return 1
	}
	mu, theta := q.Mu, q.theta()
	d := theta - mu
	if math.Abs(d) < 1e-9*mu {
		return math.Exp(-mu*t) * (1 + c*mu*t)
	}
	// Written as a mixture so it stays accurate for either sign of θ−μ:
	// (1−C)·e^{−μt} + C·(θe^{−μt} − μe^{−θt})/(θ−μ).
	return (1-c)*math.Exp(-mu*t) + c*(theta*math.Exp(-mu*t)-mu*math.Exp(-theta*t))/d
}

// ResponseQuantile is the p-quantile of the response time in seconds, found
// by bisection on ResponseTail (estimation.md §4.1).
func (q MMc) ResponseQuantile(p float64) (float64, error) {
	if !q.Stable() {
		return math.Inf(1), ErrUnstable
	}
	target := 1 - p
	c := q.PWait()
	hi := 1 / q.Mu
	for q.responseTail(hi, c) > target {
		hi *= 2
	}
	return bisect(func(t float64) bool { return q.responseTail(t, c) <= target }, 0, hi), nil
}

// ServersFor is the smallest c that keeps utilisation at or below target;
// at least one.
func ServersFor(lambda, mu, target float64) int {
	if lambda <= 0 {
		return 1
	}
	n := ceilCount(lambda/(mu*target) - 1e-9)
	if n < 1 {
		n = 1
	}
	return n
}

// bisect returns the smallest t in [lo, hi] where ok(t) holds, assuming ok is
// monotone (false then true), to a relative precision of about 1e-9.
func bisect(ok func(float64) bool, lo, hi float64) float64 {
	for i := 0; i < 200 && hi-lo > 1e-12*math.Max(1, hi); i++ {
		mid := (lo + hi) / 2
		if ok(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}
