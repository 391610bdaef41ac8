package estimator

import (
	"encoding/binary"
	"math"
	"slices"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// A review estimates one design several times: at peak, then with an
// external slowed, a cache cold, a CDN down, a component resized. Most
// operations of a large design reach none of the component that changed,
// and an operation's latency, availability and held slots are a pure
// function of its call tree and the models of the components it reaches.
// opMemo remembers each operation's result under exactly those inputs, so
// a scenario composes again only the operations it changes, and every
// result is what composing them again would give.
var opMemo = newMemoTable[opKey, opResult](8192)

// opKey is an operation's call tree (by identity: the key holds the
// pointers, so the tree outlives the entry and its address cannot be
// reused) and the bits of every input it reads.
type opKey struct {
	op     *schema.Operation
	steps  *schema.Step
	n      int
	inputs string
}

type opResult struct {
	out  GraphOperation
	held []heldSlots
}

// memoOperation is operation, remembered.
func (ge *graphEstimate) memoOperation(op *schema.Operation, held *[]heldSlots) GraphOperation {
	steps := ge.g.Calls[op.Name]
	k := opKey{op: op, n: len(steps), inputs: ge.operationInputs(op, steps)}
	if len(steps) > 0 {
		k.steps = &steps[0]
	}
	r := opMemo.get(k, func() opResult {
		var h []heldSlots
		return opResult{out: ge.operation(op, &h), held: h}
	})
	*held = append(*held, r.held...)
	return r.out.clone()
}

// operationInputs is everything operation reads besides the tree itself:
// the network, the operation's SLOs and, for each component the tree
// reaches, its model and load.
func (ge *graphEstimate) operationInputs(op *schema.Operation, steps []schema.Step) string {
	d := ge.e.d
	b := binary.AppendUvarint(nil, uint64(len(ge.e.rttNote)))
	b = append(b, ge.e.rttNote...)
	f := func(x float64) { b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x)) }
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	flag := func(v bool) {
		if v {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	slo, ok := d.SLO.P99[op.Name]
	flag(ok)
	f(slo.Seconds())
	done, ok := d.SLO.Completion[op.Name]
	flag(ok)
	f(done.Seconds())
	var walk func([]schema.Step)
	walk = func(steps []schema.Step) {
		for _, s := range steps {
			walk(s.Parallel)
			if s.To != "" {
				str(s.To)
				f(ge.waitFor(s))
				ge.modelInputs(s.To, f, str, flag)
			}
			walk(s.Calls)
			walk(s.Miss)
		}
	}
	walk(steps)
	if from := ge.g.From[op.Name]; from != "" {
		str(from)
		ge.modelInputs(from, f, str, flag)
	}
	return string(b)
}

// modelInputs writes what an operation reads of one component.
func (ge *graphEstimate) modelInputs(name string, f func(float64), str func(string), flag func(bool)) {
	m, l := ge.models[name], ge.load[name]
	flag(m == nil)
	if m == nil {
		return
	}
	flag(l == nil)
	if l != nil {
		f(l.reads)
		f(l.writes)
	}
	c := m.c
	str(c.Kind)
	str(c.Pattern)
	flag(c.IsCache())
	if c.P50 != nil && c.P99 != nil {
		f(c.P50.Seconds())
		f(c.P99.Seconds())
	}
	flag(m.syncRepl)
	for _, x := range []float64{m.fixed, m.extUpper, m.hit, m.avail, m.slow, m.capacity, m.mu, m.regionRTT} {
		f(x)
	}
	flag(m.external != nil)
	flag(m.saturated)
	flag(m.noSLA)
	flag(ge.isDown(name))
	str(m.availNote)
	str(m.hopKey)
}

// clone is a copy of the operation that shares no memory with it: the
// estimate and its callers append to an operation's lists.
func (o GraphOperation) clone() GraphOperation {
	o.Requires = slices.Clone(o.Requires)
	o.Calls = slices.Clone(o.Calls)
	o.Steps = slices.Clone(o.Steps)
	o.Unmodelled = slices.Clone(o.Unmodelled)
	o.Derivation = slices.Clone(o.Derivation)
	for _, p := range []**float64{&o.SLOP99Ms, &o.SLOCompletionMs} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	for _, p := range []**Millis{&o.CompletionP50Ms, &o.CompletionP99Ms} {
		if *p != nil {
			v := **p
			*p = &v
		}
	}
	return o
}
