package estimator_test

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// FuzzEstimate runs the estimator and the review over random valid
// designs: one of the examples, with the fuzzer's bytes turning its
// numbers (rates, sizes, counts, instances, ratios, durations, the SLO and
// the budget) to any value the schema and the loader accept, from the
// smallest to the largest. Every number in the estimate must be a number
// (no NaN), finite (an unbounded latency, utilisation, runway or duration,
// the typed Millis, Util, Months and Seconds, may be +Inf, which the JSON
// shows as null), and none may be negative; no finding's message may
// print NaN or an infinity; and nothing may panic. The seed corpus in
// testdata/fuzz/FuzzEstimate holds each example unchanged, at its
// smallest and at its largest.
//
// The bytes are read as knobs of five bytes: the first says whether to
// turn the knob (odd: turn it), the next four where to, spread over the
// knob's range on a log scale so that every magnitude is as likely as any
// other (a range from zero reaches zero exactly).
func FuzzEstimate(f *testing.F) {
	for pick := range len(fuzzBases(f)) {
		f.Add(uint8(pick), uint8(1), []byte{})
		f.Add(uint8(pick), uint8(2), knobsAll(0))
		f.Add(uint8(pick), uint8(3), knobsAll(math.MaxUint32))
	}
	f.Fuzz(func(t *testing.T, pick, options uint8, data []byte) {
		bases := fuzzBases(t)
		d := cloneDesign(bases[int(pick)%len(bases)])
		applyKnobs(d, int(options), data)
		// The review's context holds the estimate the CLI makes (peak
		// scenario, twelve months); its Scenarios cover the other four.
		ctx, err := rules.NewContext(d)
		if err != nil {
			t.Fatalf("estimate of a valid design failed: %v", err)
		}
		res := ctx.Estimate
		if bad := badNumbers(reflect.ValueOf(res), "result"); len(bad) > 0 {
			t.Fatalf("the estimate holds bad numbers:\n%s\ndesign: %s", strings.Join(bad, "\n"), designJSON(d))
		}
		if _, err := json.Marshal(res); err != nil {
			t.Fatalf("the estimate does not marshal: %v", err)
		}
		rep := rules.Review(ctx, rules.Options{Today: time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)})
		for _, fd := range rep.Findings {
			for _, s := range []string{"NaN", "Inf", "inf"} {
				if strings.Contains(fd.Message, s) {
					t.Fatalf("finding %s prints %q: %s\ndesign: %s", fd.ID, s, fd.Message, designJSON(d))
				}
			}
		}
	})
}

var (
	basesOnce sync.Once
	bases     []*schema.Design
	basesErr  error
)

// fuzzBases loads the valid examples once per process.
func fuzzBases(tb testing.TB) []*schema.Design {
	basesOnce.Do(func() {
		var files []string
		for _, pat := range []string{"../examples/*.cue", "../examples/*.yaml", "../examples/*.json"} {
			m, _ := filepath.Glob(pat)
			files = append(files, m...)
		}
		for _, f := range files {
			d, err := schema.Load(f, nil)
			if err != nil {
				basesErr = fmt.Errorf("%s: %v", f, err)
				return
			}
			bases = append(bases, d)
		}
		if len(bases) < 5 {
			basesErr = fmt.Errorf("found %d example designs, want the examples", len(bases))
		}
	})
	if basesErr != nil {
		tb.Fatal(basesErr)
	}
	return bases
}

// cloneDesign copies what applyKnobs changes, so the bases stay as loaded.
func cloneDesign(b *schema.Design) *schema.Design {
	d := *b
	d.Traffic = make(map[string]*schema.Operation, len(b.Traffic))
	for n, op := range b.Traffic {
		c := *op
		if op.Data != nil {
			data := *op.Data
			c.Data = &data
		}
		d.Traffic[n] = &c
	}
	d.SLO.P99 = make(map[string]schema.Duration, len(b.SLO.P99))
	for n, p := range b.SLO.P99 {
		d.SLO.P99[n] = p
	}
	if b.Budget != nil {
		budget := *b.Budget
		d.Budget = &budget
	}
	return &d
}

// knob is one number of a design and the range the schema and the loader
// allow it. set is given the design and the operation the knob turns
// (chosen by the fuzzer among the design's operations).
type knob struct {
	name    string
	lo, hi  float64
	integer bool
	set     func(d *schema.Design, op *schema.Operation, v float64)
}

const (
	tib  = 1 << 40
	year = 365 * 24 * float64(time.Hour)
)

func ptr[T any](v T) *T { return &v }

var knobs = []knob{
	// Rates stay within the loader's billion per second, and rate × peak
	// × growth within its hundred billion: set checks the product.
	{"rate", 1e-9, 1e9, false, func(d *schema.Design, op *schema.Operation, v float64) { op.Rate = schema.Rate(v) }},
	{"peakFactor", 1, 1000, false, func(d *schema.Design, op *schema.Operation, v float64) { op.PeakFactor = v }},
	{"growth", 1e-6, 10000, false, func(d *schema.Design, op *schema.Operation, v float64) { op.Growth = v }},
	{"requestSize", 0, tib, false, func(d *schema.Design, op *schema.Operation, v float64) { op.RequestSize = schema.Bytes(v) }},
	{"responseSize", 0, tib, false, func(d *schema.Design, op *schema.Operation, v float64) { op.ResponseSize = schema.Bytes(v) }},
	{"data.objects", 0, 1e15, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if op.Data != nil {
			op.Data.Objects = schema.Count(v)
		}
	}},
	{"data.objectSize", 1, tib, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if op.Data != nil {
			op.Data.ObjectSize = schema.Bytes(v)
		}
	}},
	{"data.retention", 0, 100 * year, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if op.Data != nil {
			op.Data.Retention = schema.Duration(v)
		}
	}},
	{"slo.p99", 1000, float64(time.Hour), true, func(d *schema.Design, op *schema.Operation, v float64) {
		d.SLO.P99[op.Name] = schema.Duration(v)
	}},
	{"slo.availability", 1e-6, 1 - 1e-9, false, func(d *schema.Design, op *schema.Operation, v float64) { d.SLO.Availability = schema.Ratio(v) }},
	{"budget.monthlyUSD", 1e-3, 1e12, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Budget != nil {
			d.Budget.MonthlyUSD = v
		}
	}},
	{"system.regions", 2, 20, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.System.Footprint == schema.MultiRegion {
			d.System.Regions = int(v)
		}
	}},
	{"loadBalancer.instances", 1, 1000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.LoadBalancer.Instances = int(v) }},
	// A single node has one instance in one zone.
	{"services.instances", 1, 100000, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.System.Footprint != schema.SingleNode {
			d.Services.Instances = int(v)
		}
	}},
	{"services.zones", 1, 6, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.System.Footprint != schema.SingleNode {
			d.Services.Zones = int(v)
		}
	}},
	{"services.throughputPerInstance", 1e-6, 1e9, false, func(d *schema.Design, op *schema.Operation, v float64) {
		d.Services.ThroughputPerInstance = ptr(schema.Rate(v))
	}},
	{"services.serviceTime", 1000, float64(time.Minute), true, func(d *schema.Design, op *schema.Operation, v float64) {
		d.Services.ServiceTime = ptr(schema.Duration(v))
	}},
	{"services.serviceTimeCV", 0, 10, false, func(d *schema.Design, op *schema.Operation, v float64) { d.Services.ServiceTimeCV = ptr(v) }},
	{"services.targetUtilization", 1e-6, 1 - 1e-9, false, func(d *schema.Design, op *schema.Operation, v float64) { d.Services.TargetUtilization = v }},
	{"services.connectionsPerInstance", 1, 10000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Services.ConnectionsPerInstance = int(v) }},
	{"cdn.cacheableShare", 0, 1, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.CDN.Enabled {
			d.CDN.CacheableShare = ptr(schema.Ratio(v))
		}
	}},
	// The cache's figures apply to a cache the design has; a cache has a
	// zipf exponent or a hit ratio, and the knobs keep whichever it had.
	{"cache.ttl", 1e6, 100 * year, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Cache.Enabled() {
			d.Cache.TTL = ptr(schema.Duration(v))
		}
	}},
	{"cache.ttlJitter", 0, 1, false, func(d *schema.Design, op *schema.Operation, v float64) { d.Cache.TTLJitter = schema.Ratio(v) }},
	{"cache.memory", 1, 1 << 50, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Cache.Enabled() {
			d.Cache.Memory = ptr(schema.Bytes(v))
		}
	}},
	{"cache.nodes", 1, 1000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Cache.Nodes = int(v) }},
	{"cache.replicas", 0, 10, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Cache.Replicas = int(v) }},
	{"cache.zipf", 1e-6, 3, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Cache.Zipf != nil {
			d.Cache.Zipf = ptr(v)
		}
	}},
	{"cache.hitRatio", 0, 1, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Cache.HitRatio != nil {
			d.Cache.HitRatio = ptr(schema.Ratio(v))
		}
	}},
	{"cache.hotKeyShare", 0, 1, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Cache.Enabled() {
			d.Cache.HotKeyShare = ptr(schema.Ratio(v))
		}
	}},
	// Replicas stay at one or more where the design reads from them (its
	// setting or a path through "replicas") or shards, as the loader
	// requires; shards only where the design has a shard key.
	{"database.replicas", 0, 100, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if v < 1 && needsReplicas(d) {
			v = 1
		}
		d.Database.Replicas = int(v)
	}},
	{"database.shards", 1, 10000, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Database.ShardKey != "" {
			d.Database.Shards = int(v)
			if d.Database.Shards > 1 && d.Database.Replicas < 1 {
				d.Database.Replicas = 1
			}
		}
	}},
	{"database.shardKeyCardinality", 1, 1e15, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Database.ShardKey != "" {
			d.Database.ShardKeyCardinality = ptr(schema.Count(v))
		}
	}},
	{"database.hotShardShare", 0, 1, false, func(d *schema.Design, op *schema.Operation, v float64) {
		d.Database.HotShardShare = ptr(schema.Ratio(v))
	}},
	{"database.storage", 1, 1 << 60, false, func(d *schema.Design, op *schema.Operation, v float64) {
		d.Database.Storage = ptr(schema.Bytes(v))
	}},
	{"database.maxConnections", 1, 1e6, true, func(d *schema.Design, op *schema.Operation, v float64) {
		d.Database.MaxConnections = ptr(int(v))
	}},
	{"queue.partitions", 1, 100000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Queue.Partitions = int(v) }},
	{"queue.consumers", 1, 100000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Queue.Consumers = int(v) }},
	{"queue.workTime", 1000, float64(time.Hour), true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Queue.Enabled() {
			d.Queue.WorkTime = ptr(schema.Duration(v))
		}
	}},
	{"queue.retention", 0, 100 * year, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Queue.Enabled() {
			d.Queue.Retention = ptr(schema.Duration(v))
		}
	}},
	{"queue.consumerGroups", 1, 1000, true, func(d *schema.Design, op *schema.Operation, v float64) { d.Queue.ConsumerGroups = int(v) }},
	{"queue.batchSize", 1, 1e6, true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Queue.Enabled() {
			d.Queue.BatchSize = int(v)
		}
	}},
	{"queue.batchWait", 1000, float64(time.Hour), true, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Queue.Enabled() {
			d.Queue.BatchWait = ptr(schema.Duration(v))
		}
	}},
	{"queue.messageSize", 1, tib, false, func(d *schema.Design, op *schema.Operation, v float64) {
		if d.Queue.Enabled() {
			d.Queue.MessageSize = ptr(schema.Bytes(v))
		}
	}},
}

// needsReplicas reports whether the loader requires database replicas.
func needsReplicas(d *schema.Design) bool {
	if d.Database.ReadFromReplicas || d.Database.Shards > 1 {
		return true
	}
	for _, op := range d.Traffic {
		if op.Passes("replicas") {
			return true
		}
	}
	return false
}

// applyKnobs turns the design's knobs as data says; which operation the
// per-operation knobs turn is chosen by op.
func applyKnobs(d *schema.Design, op int, data []byte) {
	ops := d.Operations()
	for i := 0; len(data) >= 5; i++ {
		k := knobs[i%len(knobs)]
		turn, u := data[0]&1 == 1, binary.LittleEndian.Uint32(data[1:5])
		data = data[5:]
		if !turn {
			continue
		}
		target := ops[(op+i/len(knobs))%len(ops)]
		k.set(d, target, k.value(u))
	}
	// The loader refuses more than a million requests in flight on one
	// instance (throughput × service time): scale the throughput down.
	if s := &d.Services; s.ThroughputPerInstance != nil && s.ServiceTime != nil {
		if n := s.ThroughputPerInstance.PerSecond() * s.ServiceTime.Seconds(); n > 1e6 {
			s.ThroughputPerInstance = ptr(schema.Rate(s.ThroughputPerInstance.PerSecond() * 1e6 / n))
		}
	}
	// The loader refuses a rate whose peak at the horizon's growth passes
	// a hundred billion per second: scale the rate down to fit.
	for _, o := range ops {
		if peak := float64(o.Rate) * o.PeakFactor * o.Growth; peak > 1e11 {
			o.Rate = schema.Rate(float64(o.Rate) * 1e11 / peak)
		}
	}
}

// value spreads u over the knob's range on a log scale: 0 is the bottom
// (zero exactly for a range from zero), MaxUint32 the top.
func (k knob) value(u uint32) float64 {
	frac := float64(u) / math.MaxUint32
	lo := k.lo
	if lo == 0 {
		if u == 0 {
			return 0
		}
		lo = math.Min(1e-9, k.hi/1e12)
		if k.integer {
			lo = 1
		}
	}
	v := lo * math.Pow(k.hi/lo, frac)
	if k.integer {
		v = math.Round(v)
	}
	return math.Max(k.lo, math.Min(k.hi, v))
}

// knobsAll turns every knob to u, for the seed corpus.
func knobsAll(u uint32) []byte {
	var b []byte
	for range knobs {
		b = append(b, 1)
		b = binary.LittleEndian.AppendUint32(b, u)
	}
	return b
}

// unbounded are the result's types that may be +Inf: a saturated tier's
// latency or utilisation, a runway that never ends, a duration that never
// comes (each is null in the JSON).
var unbounded = map[reflect.Type]bool{
	reflect.TypeFor[estimator.Millis]():  true,
	reflect.TypeFor[estimator.Util]():    true,
	reflect.TypeFor[estimator.Months]():  true,
	reflect.TypeFor[estimator.Seconds](): true,
}

// mayBeNegative are the result's fields whose negative values mean
// something: a write headroom of 1 − load ÷ capacity is below zero when
// the hot shard is over capacity.
var mayBeNegative = map[string]bool{"WriteHeadroom": true}

// badNumbers walks v and lists every float that is NaN, negative, or
// infinite where its type does not mean "unbounded".
func badNumbers(v reflect.Value, path string) []string {
	var bad []string
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			bad = append(bad, badNumbers(v.Elem(), path)...)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				bad = append(bad, badNumbers(v.Field(i), path+"."+v.Type().Field(i).Name)...)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			bad = append(bad, badNumbers(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			bad = append(bad, badNumbers(v.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))...)
		}
	case reflect.Float32, reflect.Float64:
		x := v.Float()
		switch {
		case math.IsNaN(x):
			bad = append(bad, path+" is NaN")
		case x < 0 && !mayBeNegative[path[strings.LastIndexByte(path, '.')+1:]]:
			bad = append(bad, fmt.Sprintf("%s is negative: %v", path, x))
		case math.IsInf(x, 1) && !unbounded[v.Type()]:
			bad = append(bad, path+" is infinite")
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() < 0 {
			bad = append(bad, fmt.Sprintf("%s is negative: %d", path, v.Int()))
		}
	}
	return bad
}

// designJSON shows the design a failure was found with.
func designJSON(d *schema.Design) string {
	b, err := json.Marshal(d)
	if err != nil {
		return err.Error()
	}
	return string(b)
}
