package schema

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"cuelang.org/go/cue"
)

// Limits beyond which a magnitude is a typo, not a design. They are far
// above any real system so that they never reject a real one: the busiest
// public services handle millions of requests per second, not billions.
const (
	maxRatePerSecond = 1e9
	maxObjects       = 1e15
	maxObjectSize    = 1 << 40 // 1 TiB for one object
	// maxInFlight bounds the requests one instance serves at once; the
	// estimator models each as a server of an M/M/c queue, in steps that
	// grow with their number.
	maxInFlight = 1e6
)

// checkDesign finds what the schema cannot express: references between
// fields (an operation named in slo.p99 must exist), contradictions
// between choices, and magnitudes no real system has. Positions come from
// the design's Source. Parts of the design that did not decode (broken)
// have their own errors already; checks that read them are skipped.
func checkDesign(d *Design, broken map[string]bool) Errors {
	c := &checker{d: d, broken: broken}
	c.references()
	c.checkGraph()
	c.paths()
	c.magnitudes()
	c.contradictions()
	c.waivers()
	return c.errs
}

type checker struct {
	d      *Design
	broken map[string]bool
	errs   Errors
}

// ok reports whether every part a check reads decoded.
func (c *checker) ok(paths ...string) bool {
	for _, p := range paths {
		if isBroken(c.broken, p) {
			return false
		}
	}
	return true
}

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, &Error{Pos: c.d.Source.ValuePos(path), Path: path, Msg: fmt.Sprintf(format, args...)})
}

// text is the value as the user wrote it, for quoting in a message.
func (c *checker) text(path, fallback string) string {
	if t := c.d.Source.valueText(path); t != "" {
		return t
	}
	return fallback
}

func (c *checker) references() {
	d := c.d
	if c.ok("queue.kind", "queue.carries") && len(d.Queue.Carries) > 0 && !d.Queue.Enabled() {
		c.errorf("queue.carries", `queue.kind is "none", so it carries nothing: choose a queue kind or remove carries`)
	}
}

// referenceErrors checks that operation names used across the design (in
// slo.p99, consistency and queue.carries) name operations in traffic. It
// works on the raw CUE value, before unification, so that it reports even
// when other parts of the design have errors.
func referenceErrors(user cue.Value, src *Source) Errors {
	ops := map[string]bool{}
	var names []string
	if it, err := user.LookupPath(cue.ParsePath("traffic")).Fields(); err == nil {
		for it.Next() {
			ops[it.Selector().Unquoted()] = true
			names = append(names, it.Selector().Unquoted())
		}
	}
	if len(ops) == 0 {
		return nil
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	var errs Errors
	unknown := func(path, name string) {
		if !ops[name] {
			errs = append(errs, &Error{Pos: src.Pos(path), Path: path, Msg: fmt.Sprintf("unknown operation %q: the operations are %s", name, list)})
		}
	}
	for _, parent := range []string{"slo.p99", "slo.completion", "consistency"} {
		if it, err := user.LookupPath(cue.ParsePath(parent)).Fields(); err == nil {
			for it.Next() {
				unknown(joinField(parent, it.Selector().Unquoted()), it.Selector().Unquoted())
			}
		}
	}
	if it, err := user.LookupPath(cue.ParsePath("queue.carries")).List(); err == nil {
		for i := 0; it.Next(); i++ {
			if s, err := it.Value().String(); err == nil {
				unknown(fmt.Sprintf("queue.carries[%d]", i), s)
			}
		}
	}
	return errs
}

// paths checks that every tier an operation passes through exists.
func (c *checker) paths() {
	d := c.d
	if len(d.Components) > 0 {
		c.asyncCalls()
		return
	}
	for _, op := range d.Operations() {
		seen := map[string]bool{}
		for i, comp := range op.Path {
			path := fmt.Sprintf("traffic.%s.path[%d]", op.Name, i)
			if seen[comp] {
				c.errorf(path, "%q appears twice in the path", comp)
			}
			seen[comp] = true
			switch comp {
			case "cdn":
				if c.ok("cdn.enabled") && !d.CDN.Enabled {
					c.errorf(path, "the path passes through the CDN but cdn.enabled is false")
				}
			case "loadBalancer":
				if c.ok("loadBalancer.kind") && d.LoadBalancer.Kind == "none" {
					c.errorf(path, `the path passes through the load balancer but loadBalancer.kind is "none"`)
				}
			case "cache":
				if c.ok("cache.kind") && !d.Cache.Enabled() {
					c.errorf(path, `the path passes through the cache but cache.kind is "none"`)
				}
			case "replicas":
				if c.ok("database.replicas") && d.Database.Replicas == 0 {
					c.errorf(path, "the path reads from replicas but database.replicas is 0")
				}
			case "queue", "workers":
				if c.ok("queue.kind") && !d.Queue.Enabled() {
					c.errorf(path, `the path passes through the queue but queue.kind is "none"`)
				}
			}
		}
		if op.Async && !op.Passes("queue") {
			c.errorf("traffic."+op.Name+".async", "an asynchronous operation must pass through the queue: add \"queue\" to its path")
		}
	}
}

func (c *checker) magnitudes() {
	for _, op := range c.d.Operations() {
		base := "traffic." + op.Name
		if r := op.Rate.PerSecond(); r > maxRatePerSecond {
			c.errorf(base+".rate", "%.3g requests per second is beyond any real system (the limit here is a billion per second): check the unit", r)
		} else if r <= 0 {
			c.errorf(base+".rate", "a rate must be greater than zero")
		}
		if r := op.Rate.PerSecond() * op.PeakFactor * op.Growth; r > maxRatePerSecond*100 && op.Rate.PerSecond() <= maxRatePerSecond {
			c.errorf(base+".growth", "peak traffic after a year of growth is %.3g requests per second: check rate, peakFactor and growth", r)
		}
		if op.Data != nil {
			if float64(op.Data.Objects) > maxObjects {
				c.errorf(base+".data.objects", "%.3g objects is beyond any real system: check the magnitude", float64(op.Data.Objects))
			}
			if op.Data.ObjectSize > maxObjectSize {
				c.errorf(base+".data.objectSize", "an object of %s is beyond what one design entry should model: check the unit", c.text(base+".data.objectSize", op.Data.ObjectSize.String()))
			}
			if op.Data.ObjectSize <= 0 {
				c.errorf(base+".data.objectSize", "an object must have a size greater than zero")
			}
		}
		if op.ResponseSize > maxObjectSize || op.RequestSize > maxObjectSize {
			c.errorf(base, "a request or response over 1TiB is beyond what this tool models: check the unit")
		}
	}
	for _, name := range sortedKeys(c.d.SLO.P99) {
		if c.d.SLO.P99[name] <= 0 {
			c.errorf("slo.p99."+name, "a p99 of zero cannot be met: give the latency users can accept, e.g. \"50ms\"")
		}
	}
	if a := float64(c.d.SLO.Availability); c.ok("slo.availability") && (a >= 1 || a <= 0) {
		c.errorf("slo.availability", "availability must be above 0%% and below 100%%: no machine has 100%% uptime")
	}
	if c.d.Cache.TTL != nil && *c.d.Cache.TTL <= 0 {
		c.errorf("cache.ttl", "a TTL of zero caches nothing: give a TTL such as \"1h\"")
	}
	if c.d.Cache.Memory != nil && *c.d.Cache.Memory <= 0 {
		c.errorf("cache.memory", "cache memory must be greater than zero")
	}
	if c.d.Queue.WorkTime != nil && *c.d.Queue.WorkTime <= 0 {
		c.errorf("queue.workTime", "work time must be greater than zero")
	}
	if c.d.Queue.BatchWait != nil && *c.d.Queue.BatchWait <= 0 {
		c.errorf("queue.batchWait", "a batch wait of zero sends every operation alone: leave batchWait out, or give the longest an operation may wait, e.g. \"50ms\"")
	}
	if s := c.d.Services; c.ok("services") && s.ThroughputPerInstance != nil && s.ServiceTime != nil {
		if n := s.ThroughputPerInstance.PerSecond() * s.ServiceTime.Seconds(); n > maxInFlight {
			c.errorf("services.throughputPerInstance", "%.3g requests in flight on one instance (throughputPerInstance × serviceTime) is beyond any real server (the limit here is a million): check both units", n)
		}
	}
}

func (c *checker) contradictions() {
	d := c.d
	if c.ok("system.footprint", "services") && d.System.Footprint == SingleNode {
		if d.Services.Zones > 1 {
			c.errorf("services.zones", "a single-node footprint runs in one zone: set footprint to \"multi-zone\" or zones to 1")
		}
		if d.Services.Instances > 1 {
			c.errorf("services.instances", "a single-node footprint runs one instance: set footprint to \"multi-zone\" or instances to 1")
		}
	}
	if c.ok("system.footprint", "system.regions") && d.System.Footprint != MultiRegion && d.System.Regions > 1 {
		c.errorf("system.regions", "several regions need footprint \"multi-region\"")
	}
	if c.ok("system.peerRegions", "system.regions") && len(d.System.PeerRegions) > 0 && len(d.System.PeerRegions) != d.System.Regions-1 {
		c.errorf("system.peerRegions", "%d regions have %d peers besides system.region, not %d: name each other region once", d.System.Regions, d.System.Regions-1, len(d.System.PeerRegions))
	}
	if c.ok("database.readFromReplicas", "database.replicas") && d.Database.ReadFromReplicas && d.Database.Replicas == 0 {
		c.errorf("database.readFromReplicas", "reads cannot go to replicas when database.replicas is 0")
	}
	if card := d.Database.ShardKeyCardinality; card != nil && float64(*card) < 1 {
		c.errorf("database.shardKeyCardinality", "a shard key needs at least one distinct value")
	}
	if c.ok("cdn.enabled", "cdn.cacheableShare") && d.CDN.CacheableShare != nil && !d.CDN.Enabled {
		c.errorf("cdn.cacheableShare", "cdn.cacheableShare is set but the CDN is not enabled")
	}
	if c.ok("cache.kind", "cache.zipf", "cache.hitRatio") && d.Cache.Enabled() && d.Cache.Zipf == nil && d.Cache.HitRatio == nil {
		c.errorf("cache", "a cache needs its popularity skew (zipf, e.g. 0.9) or the hit ratio the design assumes (hitRatio, e.g. \"90%%\"), so its hit ratio can be estimated")
	}
	if c.ok("cache.kind") && !d.Cache.Enabled() {
		for _, f := range []string{"ttl", "memory", "invalidation", "zipf", "hitRatio", "hotKeyShare"} {
			if d.Source.Has("cache." + f) {
				c.errorf("cache."+f, `cache.kind is "none", so cache.%s has no effect: choose a cache kind or remove it`, f)
			}
		}
	}
	if c.ok("queue.kind", "system.cloud") && d.Queue.Kind == "sqs" && d.System.Cloud != "aws" {
		c.errorf("queue.kind", "SQS is AWS-only, but system.cloud is %q", d.System.Cloud)
	}
	if c.ok("database.kind", "system.cloud") && d.Database.Kind == "dynamodb" && d.System.Cloud != "aws" {
		c.errorf("database.kind", "DynamoDB is AWS-only, but system.cloud is %q", d.System.Cloud)
	}
}

func (c *checker) waivers() {
	for i, w := range c.d.Waivers {
		if w.Expires == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, w.Expires); err != nil {
			c.errorf(fmt.Sprintf("waivers[%d].expires", i), "invalid date %q: write it as YYYY-MM-DD", w.Expires)
		}
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func sortStrings(s []string) { sort.Strings(s) }

// UnmarshalCUE implements cue.Unmarshaler: an override is a plain number,
// a duration or a rate.
func (o *Override) UnmarshalCUE(v cue.Value) error {
	if v.Kind() != cue.StringKind {
		f, err := v.Float64()
		o.Value = f
		return posErr(v, err)
	}
	s, _ := v.String()
	p, err := parseOverride(s)
	*o = p
	return posErr(v, err)
}

// parseOverride reads an override written as a string.
func parseOverride(s string) (Override, error) {
	if d, err := ParseDuration(s); err == nil {
		return Override{Value: d.Seconds(), Unit: "duration"}, nil
	}
	r, err := ParseRate(s)
	if err != nil {
		return Override{}, fmt.Errorf("invalid override %q: write a number, a duration such as \"2ms\" or a rate such as \"5k/s\"", s)
	}
	return Override{Value: float64(r), Unit: "rate"}, nil
}

// asyncCalls checks that an asynchronous operation of a component design
// has a call through a queue: its caller gets an answer at the enqueue.
func (c *checker) asyncCalls() {
	for _, op := range c.d.Operations() {
		if op.Async && !hasAsync(op.Calls) {
			c.errorf("traffic."+op.Name+".async", "an asynchronous operation is answered at the enqueue: give it a call to a queue with async: true")
		}
	}
}

func hasAsync(steps []Step) bool {
	for _, s := range steps {
		if s.Async || hasAsync(s.Calls) || hasAsync(s.Miss) || hasAsync(s.Parallel) {
			return true
		}
	}
	return false
}
