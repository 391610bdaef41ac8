package optimize

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// Options tune a search.
type Options struct {
	// Today judges waiver expiry, as the review does.
	Today time.Time
	// Catalog holds prices and figures; nil means the embedded ones.
	Catalog *estimator.Catalog
	// Workers evaluate configurations in parallel; 0 means one per CPU.
	// The outcome does not depend on it.
	Workers int
}

// Violation is one thing a configuration fails: an operation's p99 SLO,
// the availability SLO, or a finding at or above high.
type Violation struct {
	Kind string `json:"kind"` // "p99", "availability" or "finding"
	Key  string `json:"key"`  // the operation, "availability", or the finding's ID
	Text string `json:"text"`
	// Cost is true for a finding about money (the budget), which more
	// capacity makes worse rather than better.
	Cost bool `json:"cost,omitempty"`
	// amount is how far off it is, for ranking near misses.
	amount float64
}

// Result is one configuration and how it fares.
type Result struct {
	// Values are the knobs' values, in the order of the knob list.
	Values []string `json:"values"`
	Cloud  string   `json:"cloud"`
	// MonthlyUSD is the planned cost on Cloud; Costs on every cloud.
	MonthlyUSD float64            `json:"monthly_usd"`
	Costs      map[string]float64 `json:"monthly_usd_per_cloud"`
	// Unpriced lists price ids the cost on Cloud leaves out.
	Unpriced []string `json:"unpriced,omitempty"`
	// Feasible is true when it meets every SLO with no finding at or
	// above high other than about money; Meets when, in addition, no such
	// finding is about money (the budget). The search minimises cost over
	// feasible configurations, so the cheapest feasible one is the one
	// that can meet the budget if any can.
	Feasible   bool        `json:"feasible"`
	Meets      bool        `json:"meets"`
	Violations []Violation `json:"violations,omitempty"`
	score      float64
	needed     map[string]int
	changes    int // knobs set differently from the design
}

// changes counts the knobs vals sets differently from the design.
func (s *searcher) changes(vals []string, cloud string) int {
	n := 0
	if cloud != s.base.System.Cloud {
		n++
	}
	for i, k := range s.knobs {
		if k.Path != "system.cloud" && vals[i] != k.def.get(s.base) {
			n++
		}
	}
	return n
}

type searcher struct {
	base    *schema.Design
	knobs   []*Knob
	cat     *estimator.Catalog
	today   time.Time
	workers int

	mu    sync.Mutex
	memo  map[string]*Result
	evals int
	err   error
}

func key(cloud string, vals []string) string { return cloud + "|" + strings.Join(vals, "|") }

// design applies a configuration to a copy of the base design. The copy
// is shallow: knobs only set value fields, or replace a pointer.
func (s *searcher) design(cloud string, vals []string) *schema.Design {
	d := *s.base
	d.System.Cloud = cloud
	for i, k := range s.knobs {
		if k.Path != "system.cloud" {
			k.def.set(&d, vals[i])
		}
	}
	return &d
}

// eval estimates and reviews one configuration, once.
func (s *searcher) eval(cloud string, vals []string) *Result {
	k := key(cloud, vals)
	s.mu.Lock()
	if r, ok := s.memo[k]; ok {
		s.mu.Unlock()
		return r
	}
	s.mu.Unlock()
	r := s.compute(cloud, vals)
	s.mu.Lock()
	if prev, ok := s.memo[k]; ok {
		r = prev
	} else {
		s.memo[k] = r
		s.evals++
	}
	s.mu.Unlock()
	return r
}

func (s *searcher) compute(cloud string, vals []string) *Result {
	d := s.design(cloud, vals)
	if len(d.Components) > 0 {
		return s.computeGraph(d, cloud, vals)
	}
	r := &Result{Values: append([]string(nil), vals...), Cloud: cloud, Costs: map[string]float64{}}
	est, err := estimator.Estimate(d, estimator.Options{Catalog: s.cat})
	if err != nil {
		return s.failed(r, err)
	}
	cc := est.Cost.For(cloud)
	r.MonthlyUSD = round2(cc.MonthlyUSD)
	r.Unpriced = cc.Unpriced
	for _, c := range estimator.Clouds {
		r.Costs[c] = round2(est.Cost.For(c).MonthlyUSD)
	}
	for _, op := range est.Operations {
		if op.SLOP99Ms == nil || op.MeetsSLO {
			continue
		}
		p99, slo := float64(op.P99Ms), *op.SLOP99Ms
		v := Violation{Kind: "p99", Key: op.Name, amount: 10}
		if math.IsInf(p99, 1) {
			v.Text = fmt.Sprintf("%s p99 unbounded (%s saturated) against the %s ms SLO", op.Name, op.Bottleneck, estimator.Num(slo))
		} else {
			v.Text = fmt.Sprintf("%s p99 %s ms against the %s ms SLO", op.Name, estimator.Num(p99), estimator.Num(slo))
			v.amount = math.Min(10, math.Max(0.01, p99/slo-1))
		}
		r.Violations = append(r.Violations, v)
	}
	if a := est.Availability; !a.MeetsSLO {
		// How many times the error budget the expected downtime is.
		over := 1.0
		if a.ErrorBudgetMinutes > 0 {
			over = math.Max(0.01, math.Log10(math.Max(1, a.DowntimeMinutes/a.ErrorBudgetMinutes))+0.05)
		}
		r.Violations = append(r.Violations, Violation{Kind: "availability", Key: "availability", amount: math.Min(5, over),
			Text: fmt.Sprintf("availability %s on the %s path against the %s SLO", estimator.Pct(a.Estimated), a.WorstOperation, estimator.Pct(a.SLO))})
	}
	s.judge(r, rules.Review(&rules.Context{Design: d, Figures: s.cat, Estimate: est}, rules.Options{Today: s.today}), cloud)
	r.needed = neededCounts(est)
	return r
}

// failed records an estimate's error (the first is returned by Search)
// and scores the configuration out of reach.
func (s *searcher) failed(r *Result, err error) *Result {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
	r.score = math.Inf(1)
	r.Violations = []Violation{{Kind: "estimate", Key: "estimate", Text: err.Error(), amount: 100}}
	return r
}

// judge adds the review's findings at or above high to r's violations and
// scores it.
func (s *searcher) judge(r *Result, rep *rules.Report, cloud string) {
	for _, f := range rep.Findings {
		if f.Waived() || f.Severity < rules.High {
			continue
		}
		r.Violations = append(r.Violations, Violation{Kind: "finding", Key: f.ID, amount: 1, Cost: f.Category == rules.CategoryCost,
			Text: fmt.Sprintf("%s (%s): %s", f.ID, f.Severity, f.Message)})
	}
	r.Feasible, r.Meets = true, len(r.Violations) == 0
	for _, v := range r.Violations {
		if !v.Cost {
			r.score += v.amount
			r.Feasible = false
		}
	}
	r.changes = s.changes(r.Values, cloud)
}

// computeGraph judges a configuration of a design written with components
// by its component estimate and review.
func (s *searcher) computeGraph(d *schema.Design, cloud string, vals []string) *Result {
	r := &Result{Values: append([]string(nil), vals...), Cloud: cloud, Costs: map[string]float64{}}
	est, err := estimator.EstimateGraph(d, estimator.Options{Catalog: s.cat})
	if err != nil {
		return s.failed(r, err)
	}
	cc := est.Costs.For(cloud)
	r.MonthlyUSD, r.Unpriced = round2(cc.MonthlyUSD), cc.Unpriced
	for _, c := range estimator.Clouds {
		r.Costs[c] = round2(est.Costs.For(c).MonthlyUSD)
	}
	for _, op := range est.Operations {
		if op.MeetsSLO {
			continue
		}
		v := Violation{Kind: "p99", Key: op.Name, amount: 10}
		switch p99 := float64(op.P99Ms); {
		case op.SLOP99Ms != nil && math.IsInf(p99, 1):
			v.Text = fmt.Sprintf("%s p99 unbounded (%s saturated) against the %s ms SLO", op.Name, op.Bottleneck, estimator.Num(*op.SLOP99Ms))
		case op.SLOP99Ms != nil && p99 > *op.SLOP99Ms:
			v.Text = fmt.Sprintf("%s p99 %s ms against the %s ms SLO", op.Name, estimator.Num(p99), estimator.Num(*op.SLOP99Ms))
			v.amount = math.Min(10, math.Max(0.01, p99 / *op.SLOP99Ms - 1))
		case op.SLOCompletionMs != nil && op.CompletionP99Ms != nil:
			v.Kind, v.Text = "completion", fmt.Sprintf("%s completes in p99 %s ms against the %s ms completion SLO", op.Name, estimator.Num(float64(*op.CompletionP99Ms)), estimator.Num(*op.SLOCompletionMs))
		default:
			continue
		}
		r.Violations = append(r.Violations, v)
	}
	if a := est.Availability; !a.MeetsSLO {
		over := math.Max(0.01, math.Log10(math.Max(1, (1-a.Estimated)/math.Max(1e-9, 1-a.SLO)))+0.05)
		r.Violations = append(r.Violations, Violation{Kind: "availability", Key: "availability", amount: math.Min(5, over),
			Text: fmt.Sprintf("availability %s on the %s path against the %s SLO", estimator.Pct(a.Estimated), a.WorstOperation, estimator.Pct(a.SLO))})
	}
	s.judge(r, rules.Review(&rules.Context{Design: d, Figures: s.cat, Graph: est, Model: d.Graph()}, rules.Options{Today: s.today}), cloud)
	r.needed = map[string]int{}
	target := 0.6
	if en, ok := s.cat.Lookup("target.utilization"); ok && en.Known() {
		target = en.V()
	}
	for _, c := range est.Components {
		if c.Kind == "worker" || c.Instances == 0 {
			continue
		}
		// What the peak needs at the target utilisation, for the search's
		// first guess.
		if c.Utilization != nil && *c.Utilization > 0 {
			r.needed["components."+c.Name+".instances"] = int(math.Ceil(float64(c.Instances) * *c.Utilization / target))
		}
	}
	return r
}

// evalAll evaluates configurations in parallel and returns them in order.
func (s *searcher) evalAll(cloud string, cands [][]string) []*Result {
	out := make([]*Result, len(cands))
	work := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < s.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i] = s.eval(cloud, cands[i])
			}
		}()
	}
	for i := range cands {
		work <- i
	}
	close(work)
	wg.Wait()
	return out
}

// better orders results: feasible first, then the smaller violation, then
// the cheaper by at least a cent, then the fewer changes to the design,
// then the values (so that ties break the same way always).
func better(a, b *Result) bool {
	if a.Feasible != b.Feasible {
		return a.Feasible
	}
	if !a.Feasible && a.score != b.score {
		return a.score < b.score
	}
	if math.Abs(a.MonthlyUSD-b.MonthlyUSD) >= 0.01 {
		return a.MonthlyUSD < b.MonthlyUSD
	}
	if a.changes != b.changes {
		return a.changes < b.changes
	}
	return strings.Join(a.Values, "|") < strings.Join(b.Values, "|")
}

func (s *searcher) index(path string) int {
	for i, k := range s.knobs {
		if k.Path == path {
			return i
		}
	}
	return -1
}

// with returns vals with knob i set to v.
func with(vals []string, i int, v string) []string {
	out := append([]string(nil), vals...)
	out[i] = v
	return out
}

// jump raises every count knob to what the estimate says its tier needs.
func (s *searcher) jump(vals []string, r *Result) []string {
	out := append([]string(nil), vals...)
	for i, k := range s.knobs {
		n, ok := r.needed[k.Path]
		if !ok || k.def.kind != count {
			continue
		}
		if k.Path == "database.replicas" {
			// Read replicas are per shard.
			if j := s.index("database.shards"); j >= 0 {
				n = int(math.Ceil(float64(n) / float64(max(1, atoi(out[j])))))
			}
		}
		if cur := atoi(out[i]); n > cur {
			out[i] = strconv.Itoa(min(n, k.Max))
		}
	}
	return out
}

// neighbours are the moves the repair step tries: the estimate's jump,
// each count up by one and doubled, each choice one step bigger.
func (s *searcher) neighbours(vals []string, r *Result) [][]string {
	var out [][]string
	seen := map[string]bool{strings.Join(vals, "|"): true}
	add := func(c []string) {
		if k := strings.Join(c, "|"); !seen[k] {
			seen[k] = true
			out = append(out, c)
		}
	}
	add(s.jump(vals, r))
	for i, k := range s.knobs {
		for _, v := range s.stepsUp(vals, i) {
			add(with(vals, i, v))
		}
		if k.def.kind == choice && k.Path != "system.cloud" && indexOf(k.Values, vals[i]) < 0 && len(k.Values) > 0 {
			add(with(vals, i, k.Values[len(k.Values)-1]))
		}
	}
	return out
}

// stepsUp are the values one step up from knob i's in vals: a count one
// more and doubled (within its bounds), a choice the next size; never the
// cloud, which is not bigger or smaller.
func (s *searcher) stepsUp(vals []string, i int) []string {
	k := s.knobs[i]
	var out []string
	switch k.def.kind {
	case count:
		cur := atoi(vals[i])
		for _, n := range []int{cur + 1, cur * 2} {
			if v := strconv.Itoa(n); n <= k.Max && n >= k.Min && n != cur && !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	case choice:
		if j := indexOf(k.Values, vals[i]); k.Path != "system.cloud" && j >= 0 && j+1 < len(k.Values) {
			out = append(out, k.Values[j+1])
		}
	}
	return out
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// repair climbs from vals towards a configuration that meets every
// constraint, taking the move that shrinks the violation most (the
// cheaper on a tie). It returns the best configuration it reached.
func (s *searcher) repair(cloud string, vals []string) *Result {
	cur := s.eval(cloud, vals)
	for step := 0; step < 12 && !cur.Feasible; step++ {
		results := s.evalAll(cloud, s.neighbours(cur.Values, cur))
		best := cur
		for _, r := range results {
			if better(r, best) {
				best = r
			}
		}
		if best == cur {
			break
		}
		cur = best
	}
	return cur
}

// lowest finds the smallest value of count knob i, between its minimum
// and the current value, that keeps the configuration feasible (more of a
// tier never breaks a constraint that fewer meets, so the feasible values
// form a range). Each round probes a few points in parallel.
func (s *searcher) lowest(cloud string, cur *Result, i int) *Result {
	k := s.knobs[i]
	lo, hi := k.Min, atoi(cur.Values[i])
	best := cur
	for lo < hi {
		n := min(s.workers, hi-lo)
		var probes []int
		for j := 1; j <= n; j++ {
			p := lo + (hi-lo)*j/(n+1)
			if p >= hi {
				p = hi - 1
			}
			if len(probes) == 0 || probes[len(probes)-1] != p {
				probes = append(probes, p)
			}
		}
		cands := make([][]string, len(probes))
		for j, p := range probes {
			cands[j] = with(best.Values, i, strconv.Itoa(p))
		}
		results := s.evalAll(cloud, cands)
		newLo, newHi := lo, hi
		for j, r := range results {
			if r.Feasible {
				newHi = probes[j]
				if better(r, best) {
					best = r
				}
				break
			}
			newLo = probes[j] + 1
		}
		if newLo == lo && newHi == hi {
			break
		}
		lo, hi = newLo, newHi
	}
	return best
}

// coupled are the counts worth re-minimising after a choice changes: a
// bigger instance needs fewer of them, more cache memory fewer reads.
var coupled = map[string][]string{
	"services.size": {"services.instances"},
	"database.size": {"database.replicas", "database.shards"},
	"cache.memory":  {"cache.nodes", "database.replicas"},
	"system.cloud":  {"services.instances", "database.replicas", "cache.replicas"},
}

// descend lowers the cost of a feasible configuration knob by knob until
// a whole pass finds nothing cheaper. A light descent keeps the choices
// (sizes, memory) and lowers only the counts.
func (s *searcher) descend(cloud string, cur *Result, light bool) *Result {
	for pass := 0; pass < 4; pass++ {
		start := cur
		for i, k := range s.knobs {
			switch {
			case k.def.kind == count:
				cur = s.lowest(cloud, cur, i)
			case k.Path != "system.cloud" && !light:
				cur = s.tryChoices(cloud, cur, i)
			}
		}
		if cur == start {
			break
		}
	}
	return cur
}

// tryChoices tries every other value of choice knob i, with its coupled
// counts scaled to keep capacity, repaired once with the estimate's jump
// if that is not enough, and then minimised.
func (s *searcher) tryChoices(cloud string, cur *Result, i int) *Result {
	k := s.knobs[i]
	var cands [][]string
	for _, v := range k.Values {
		if v == cur.Values[i] {
			continue
		}
		cands = append(cands, s.scale(with(cur.Values, i, v), cur.Values, i))
	}
	results := s.evalAll(cloud, cands)
	// The same values with the coupled counts at their least are what the
	// candidate costs at best: when that is no cheaper, minimising its
	// counts cannot win, and the search skips it.
	floors := make([][]string, len(results))
	for j, r := range results {
		floors[j] = append([]string(nil), r.Values...)
		for _, path := range coupled[k.Path] {
			if c := s.index(path); c >= 0 && s.knobs[c].def.kind == count {
				floors[j][c] = strconv.Itoa(s.knobs[c].Min)
			}
		}
	}
	floorResults := s.evalAll(cloud, floors)
	best := cur
	for j, r := range results {
		if floorResults[j].MonthlyUSD >= best.MonthlyUSD-0.01 {
			continue
		}
		if !r.Feasible {
			r = s.eval(cloud, s.jump(r.Values, r))
			if !r.Feasible {
				continue
			}
		}
		for _, path := range coupled[k.Path] {
			if j := s.index(path); j >= 0 && s.knobs[j].def.kind == count {
				r = s.lowest(cloud, r, j)
			}
		}
		if better(r, best) {
			best = r
		}
	}
	return best
}

// scale adjusts the counts coupled to choice knob i so that the tier keeps
// its capacity: twice the vCPUs, half the instances (rounded up).
func (s *searcher) scale(vals, old []string, i int) []string {
	k := s.knobs[i]
	ratio := 1.0
	switch k.Path {
	case "services.size", "database.size":
		ratio = vcpus(old[i]) / vcpus(vals[i])
	case "cache.memory":
		a, _ := schema.ParseBytes(old[i])
		b, _ := schema.ParseBytes(vals[i])
		if b > 0 {
			ratio = float64(a) / float64(b)
		}
	default:
		return vals
	}
	for _, path := range coupled[k.Path][:1] {
		j := s.index(path)
		if j < 0 {
			continue
		}
		kj := s.knobs[j]
		n := int(math.Ceil(float64(atoi(vals[j])) * ratio))
		vals[j] = strconv.Itoa(min(kj.Max, max(kj.Min, n)))
	}
	return vals
}

func vcpus(size string) float64 {
	var v, g float64
	if _, err := fmt.Sscanf(size, "%gx%g", &v, &g); err != nil || v <= 0 {
		return 1
	}
	return v
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// neededCounts reads what the estimate says each count knob's tier needs
// at peak (and with a zone down, for the application tier).
func neededCounts(est *estimator.Result) map[string]int {
	out := map[string]int{}
	for _, c := range est.Components {
		switch c.Name {
		case "services":
			out["services.instances"] = c.Needed
		case "cache":
			out["cache.nodes"] = c.Needed
		case "database":
			if c.DB != nil {
				out["database.shards"] = max(c.DB.ShardsForWrites, c.DB.ShardsForSize)
				out["database.replicas"] = c.DB.ReplicasForReads
			}
		case "queue":
			if c.Queue != nil {
				out["queue.partitions"] = c.Queue.PartitionsNeeded
				out["queue.consumers"] = c.Queue.ConsumersNeeded
			}
		}
	}
	for _, sc := range est.Scenarios {
		if sc.Name != estimator.ScenarioZoneDown {
			continue
		}
		for _, t := range sc.Components {
			if t.Name == "services" && t.Needed > out["services.instances"] {
				out["services.instances"] = t.Needed
			}
		}
	}
	return out
}

// sortedClouds puts the design's cloud first, then the others in the
// estimator's order.
func sortedClouds(first string) []string {
	out := []string{first}
	for _, c := range estimator.Clouds {
		if c != first {
			out = append(out, c)
		}
	}
	return out
}
