package estimator

import (
	"fmt"
	"math"
	"slices"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The bill and the stored data of a component design. Fleets are billed at
// the counts the design states (a worker left unsized at what the estimate
// sized); usage (requests, egress, messages) at the operations' average
// rates, since peaks size fleets and bills follow the average. Every line
// is one of the shorthand's price lines, for the component it belongs to.

// graphUsage is one operation's calls at its average rate.
type graphUsage struct {
	op    *schema.Operation
	calls map[string]*compLoad
	tree  []schema.Step
	hit   func(string) float64
}

// averageUsage visits every operation at its average rate, one at a time,
// so that stores can grow by the writes of each operation's own growth.
func (ge *graphEstimate) averageUsage() []graphUsage {
	peak := ge.load
	defer func() { ge.load = peak }()
	var out []graphUsage
	for _, op := range ge.e.d.Operations() {
		// Only the components the operation reaches get an entry.
		ge.load = map[string]*compLoad{}
		ge.visit(op, op.Rate.PerSecond())
		out = append(out, graphUsage{op: op, calls: ge.load, tree: ge.g.Calls[op.Name], hit: func(n string) float64 { return ge.models[n].hit }})
	}
	return out
}

// storeObjectsAt is what a store holds after months: its objects today
// plus, for every write operation, the writes that reach it × new objects
// per write over the operation's growth curve (opObjectsAt's integral),
// capped by retention unless the data is kept forever.
func storeObjectsAt(c *schema.Component, usage []graphUsage, months float64) float64 {
	d := c.Data
	objs, steady := float64(d.Objects), 0.0
	for _, u := range usage {
		if u.op.Kind != "write" || months <= 0 {
			continue
		}
		w := u.op.Rate.PerSecond() * rowsPerRequest(u.tree, c.Name, u.hit) * d.NewPerWrite
		added := w * SecondsPerMonth * months
		if u.op.Growth > 1 {
			added = w * SecondsPerMonth * MonthsPerYear * (GrowthFactor(u.op.Growth, months) - 1) / math.Log(u.op.Growth)
		}
		objs += added
		steady += w * GrowthFactor(u.op.Growth, months) * d.Retention.Seconds()
	}
	if d.Retention != schema.Forever {
		objs = math.Min(objs, math.Max(float64(d.Objects), steady))
	}
	return objs
}

// rowsPerRequest is how many new objects one request writes to the store
// name: calls in sequence count once (an insert, then an update of the
// same row), a call's rows as it states (0 for an update in place), a
// fan-out once per target, a share or a cache miss by its probability.
func rowsPerRequest(steps []schema.Step, name string, hit func(string) float64) float64 {
	most := 0.0
	for _, s := range steps {
		n := 0.0
		switch {
		case s.To == "":
			n = rowsPerRequest(s.Parallel, name, hit)
		case s.To == name:
			n = 1
			if s.Rows != nil {
				n = *s.Rows
			}
		default:
			n = math.Max(rowsPerRequest(s.Calls, name, hit), rowsPerRequest(s.Miss, name, hit)*(1-hit(s.To)))
		}
		most = math.Max(most, n*shareOf(s)*fanoutN(s))
	}
	return most
}

// graphStorage is one store's data now and at the horizon.
type graphStorage struct {
	now, horizon float64 // bytes
}

func (ge *graphEstimate) storage(usage []graphUsage) map[string]graphStorage {
	months := float64(ge.e.opts.HorizonMonths)
	out := map[string]graphStorage{}
	for _, c := range ge.g.Components {
		if c.Data == nil {
			continue
		}
		size := float64(c.Data.ObjectSize)
		out[c.Name] = graphStorage{now: float64(c.Data.Objects) * size, horizon: storeObjectsAt(c, usage, months) * size}
	}
	return out
}

// graphCosts prices every component on every cloud.
func (ge *graphEstimate) graphCosts(usage []graphUsage, stored map[string]graphStorage) Costs {
	return ge.e.priceClouds(func(b *bill) { ge.billGraph(b, usage, stored) })
}

// monthly is a component's calls a month at the average rates.
func monthly(usage []graphUsage, name string) float64 {
	n := 0.0
	for _, u := range usage {
		n += u.calls[name].total()
	}
	return n * SecondsPerMonth
}

func (ge *graphEstimate) billGraph(b *bill, usage []graphUsage, stored map[string]graphStorage) {
	e, cl := ge.e, b.cloud
	// Traffic: responses leave through a CDN in front (its hit share at the
	// edge) or to the internet; a managed balancer bills what it processes.
	var egressGB float64
	cdnGB, cdnReq, lbGB := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, u := range usage {
		op := u.op
		perMonth := op.Rate.PerSecond() * SecondsPerMonth
		for name, l := range u.calls {
			if m := ge.models[name]; m.c.Kind == "managed-lb" && l.total() > 0 {
				lbGB[name] += l.total() * SecondsPerMonth * float64(op.RequestSize+op.ResponseSize) / GiB
			}
		}
		// An asynchronous operation's client gets its acknowledgement.
		respGB := perMonth * float64(op.ResponseSize) / GiB
		edge := 0.0
		if steps := ge.g.Calls[op.Name]; len(steps) > 0 && steps[0].To != "" && ge.models[steps[0].To].c.Family() == schema.FamilyCDN && !ge.isDown(steps[0].To) {
			edge = ge.models[steps[0].To].hit
			cdnGB[steps[0].To] += respGB * edge
			// Every request it receives, the ones it forwards too.
			cdnReq[steps[0].To] += perMonth
		}
		egressGB += respGB * (1 - edge)
	}
	for _, c := range ge.g.Components {
		m := ge.models[c.Name]
		vcpu, gib := sizeOf(c.Size)
		storageGB := func(nodes int) float64 {
			if c.Storage != nil {
				return float64(*c.Storage) / GiB
			}
			if s, ok := stored[c.Name]; ok {
				return math.Ceil(s.horizon / float64(max(1, nodes)) / GiB)
			}
			return 0
		}
		if m.onNode && c.Family() != schema.FamilyService {
			// On the application's VM: a store adds its disk, the rest
			// nothing.
			if c.Family() == schema.FamilyDatabase || c.Family() == schema.FamilySearch {
				gb := storageGB(1)
				b.add(c.Name, blockStorage[cl], gb, fmt.Sprintf("%s on the application's VM: %s GB disk", c.Kind, Num(gb)))
			}
			continue
		}
		switch c.Family() {
		case schema.FamilyService:
			if c.Kind == "worker" && c.Instances == 0 && m.mu > 0 {
				// An autoscaled fleet (no count stated) runs what the load of
				// the moment needs: billed at the average's need, not at
				// the peak's all month.
				avg := monthly(usage, c.Name) / SecondsPerMonth
				n := max(1, ceilCount(avg/(float64(m.servers)*m.mu*e.target)))
				b.vm(c.Name, n, vcpu, fmt.Sprintf("autoscaled, %d at the average %s/s (%d at peak):", n, Num(avg), m.instances))
				break
			}
			b.vm(c.Name, m.instances+m.lost, vcpu, "instances")
		case schema.FamilyLB:
			if c.Kind == "managed-lb" {
				b.managedLB(c.Name, lbGB[c.Name])
			} else {
				b.vm(c.Name, max(1, c.Instances), 2, c.Kind)
			}
		case schema.FamilyCDN:
			b.cdn(c.Name, cdnGB[c.Name], cdnReq[c.Name])
		case schema.FamilyCache:
			b.cacheFleet(c.Name, c.Kind, max(1, c.Nodes), c.Replicas, float64(*c.Memory)/GiB)
		case schema.FamilyDatabase:
			shards := max(1, c.Shards)
			f := dbFleet{component: c.Name, engine: c.Kind, auto: c.Failover == "automatic", primaries: float64(shards),
				replicas: float64(shards * c.Replicas), vcpu: vcpu, gib: gib, storageGB: storageGB(shards)}
			switch {
			case c.Primary():
				b.relational(f)
			case c.Kind == "dynamodb":
				if !ge.billStated(b, c, usage, stored) {
					b.unpriced(cl + ".db.dynamodb")
				}
			default:
				b.selfRunDB(f)
			}
		case schema.FamilySearch:
			e.note("search.priced_as_vms", "a search cluster is priced as self-run nodes of its size with their disks: managed search prices are not in the reference")
			b.selfRunDB(dbFleet{component: c.Name, engine: c.Kind, primaries: float64(max(1, c.Nodes)), vcpu: vcpu, storageGB: storageGB(c.Nodes)})
		case schema.FamilyQueue:
			ge.billQueue(b, c, usage)
		case schema.FamilyObject:
			if !ge.billStated(b, c, usage, stored) {
				gb := 0.0
				if s, ok := stored[c.Name]; ok {
					gb = s.horizon / GiB
				}
				b.unpriced(cl + ".storage.object")
				e.note(cl+".storage.object", fmt.Sprintf("object storage is not priced in the reference: %s GB at the horizon and %s requests a month for %s are left out of the total (state its pricePerGBMonth and pricePerMillionRequests)", Num(gb), Num(monthly(usage, c.Name)), c.Name))
			}
		case schema.FamilyExternal:
			ge.billStated(b, c, usage, stored)
		}
	}
	b.add("egress", cl+".egress.internet", egressGB, "responses to the internet")
	if r := e.regions(); r > 1 {
		// Every region holds the data: each write to a store is shipped to
		// the other regions.
		gb := 0.0
		for _, u := range usage {
			for _, c := range ge.g.Components {
				if f := c.Family(); f != schema.FamilyDatabase && !(f == schema.FamilyCache && !c.IsCache()) {
					continue
				}
				// The object the write writes: the operation's own data's
				// size, else the store's objects', else the request's.
				size := float64(u.op.RequestSize)
				if c.Data != nil && c.Data.ObjectSize > 0 {
					size = float64(c.Data.ObjectSize)
				}
				if d := u.op.Data; d != nil && d.ObjectSize > 0 {
					size = float64(d.ObjectSize)
				}
				gb += u.calls[c.Name].writeRate() * SecondsPerMonth * size * float64(r-1) / GiB
			}
		}
		if gb > 0 {
			b.add("replication", cl+".egress.inter_region", gb, fmt.Sprintf("writes to the stores shipped to the %d other region(s)", r-1))
		}
	}
}

// billQueue prices a queue's brokers (sized at peak with its model, as
// the shorthand's) with its monthly messages and bytes.
func (ge *graphEstimate) billQueue(b *bill, c *schema.Component, usage []graphUsage) {
	msgs, bytes := 0.0, 0.0
	for _, u := range usage {
		if l := u.calls[c.Name]; l != nil {
			msgs += l.total() * SecondsPerMonth
			bytes += l.bytes * SecondsPerMonth
		}
	}
	storeGB := 0.0
	if c.Retention != nil && *c.Retention != schema.Forever {
		storeGB = bytes / SecondsPerMonth * c.Retention.Seconds() / GiB
	}
	brokers := 0
	if c.Kind != "sqs" {
		brokers = ge.models[c.Name].instances
	}
	b.broker(brokerBill{component: c.Name, kind: c.Kind, brokers: brokers, msgs: msgs, bytes: bytes, storeGB: storeGB,
		fifo: c.Delivery == "exactly-once", groups: max(1, c.ConsumerGroups)})
}

// UnpricedHint says how to price what the reference cannot: for the
// renderers, beside a cloud's unpriced list.
const UnpricedHint = "no sourced figure: a price id with --prices, or the component's price fields in the design (pricePerCall, pricePerGBMonth, pricePerMillionRequests, pricePerMillionReads, pricePerMillionWrites)"

// statedPrice is a price the design states for a component the reference
// cannot price (an external API, object storage, DynamoDB), with what it
// multiplies in a month.
type statedPrice struct {
	field string   // the component's field: the price id and the hint
	price *float64 // nil when the design does not state it
	qty   float64  // units a month
	per   float64  // units the price is for: 1, or a million
	unit  string
	what  string // the quantity, in words
}

// statedPrices are the prices a component takes from the design.
func statedPrices(c *schema.Component, usage []graphUsage, stored map[string]graphStorage) []statedPrice {
	gb := 0.0
	if s, ok := stored[c.Name]; ok {
		gb = s.now / GiB
	}
	switch c.Kind {
	case "external":
		return []statedPrice{{"pricePerCall", c.PricePerCall, monthly(usage, c.Name), 1, "call", "calls a month"}}
	case "object-store":
		return []statedPrice{
			{"pricePerGBMonth", c.PricePerGBMonth, gb, 1, "GB-month", "GB stored now"},
			{"pricePerMillionRequests", c.PricePerMillionRequests, monthly(usage, c.Name), 1e6, "request", "requests a month"},
		}
	case "dynamodb":
		reads, writes := 0.0, 0.0
		for _, u := range usage {
			if l := u.calls[c.Name]; l != nil {
				reads += l.reads
				writes += l.writes
			}
		}
		return []statedPrice{
			{"pricePerMillionReads", c.PricePerMillionReads, reads * SecondsPerMonth, 1e6, "read", "reads a month"},
			{"pricePerMillionWrites", c.PricePerMillionWrites, writes * SecondsPerMonth, 1e6, "write", "writes a month"},
			{"pricePerGBMonth", c.PricePerGBMonth, gb, 1, "GB-month", "GB stored now"},
		}
	}
	return nil
}

// statedMissing says whether a component the reference cannot price is
// left out of the bill, in part or whole: an external or a price the
// design leaves out while the component has that quantity, or an object
// store or DynamoDB table with no price stated at all.
func statedMissing(c *schema.Component, usage []graphUsage, stored map[string]graphStorage) bool {
	ps := statedPrices(c, usage, stored)
	if ps == nil {
		return false
	}
	stated := false
	for _, p := range ps {
		if p.price != nil {
			stated = true
		} else if p.qty > 0 {
			return true
		}
	}
	return !stated && c.Kind != "external"
}

// billStated bills the prices the design states for a component; false
// when it states none, for a kind the caller then reports unpriced as a
// whole (an external is always billed here: its calls are its cost).
func (ge *graphEstimate) billStated(b *bill, c *schema.Component, usage []graphUsage, stored map[string]graphStorage) bool {
	ps := statedPrices(c, usage, stored)
	if c.Kind != "external" && !slices.ContainsFunc(ps, func(p statedPrice) bool { return p.price != nil }) {
		return false
	}
	for _, p := range ps {
		id := "components." + c.Name + "." + p.field
		if p.price == nil {
			if p.qty > 0 {
				if !slices.Contains(b.cost.Unpriced, id) {
					b.cost.Unpriced = append(b.cost.Unpriced, id)
				}
				b.cost.Assumed = true
				ge.e.note(id, fmt.Sprintf("%s %s to %s are not priced: state its %s", Num(p.qty), p.what, c.Name, p.field))
			}
			continue
		}
		usd := p.qty / p.per * *p.price
		per := "per " + p.unit
		if p.per != 1 {
			per = "per million"
		}
		b.cost.Items = append(b.cost.Items, CostItem{Component: c.Name, PriceID: id, SKU: c.Kind,
			Quantity: roundTo(p.qty, 2), Unit: p.unit, MonthlyUSD: round2(usd), Tag: TagOverride,
			Derivation: fmt.Sprintf("%s %s × $%s %s (design) = %s", Num(p.qty), p.what, trim(*p.price, 6), per, USDCents(usd))})
		b.cost.MonthlyUSD += usd
	}
	return true
}
