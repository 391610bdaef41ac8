package diagram

import (
	"fmt"
	"strconv"
	"strings"
)

// Options change how much detail a diagram draws.
type Options struct {
	// ExpandShards draws every shard's primary and replicas as nodes of
	// their own instead of one node for all of them.
	ExpandShards bool
}

// expandShards replaces the database primary and replica nodes by one pair
// per shard and splits the traffic between them: evenly, except that the
// hot shard (shard 1) takes the design's hotShardShare of the primaries'
// traffic when it gives one.
func (b *builder) expandShards() {
	shards := b.d.Database.Shards
	if shards <= 1 {
		return
	}
	hot := -1.0
	if h := b.d.Database.HotShardShare; h != nil {
		hot = float64(*h)
		b.notes = append(b.notes, fmt.Sprintf("shard 1 is the hot shard: it takes %s of the primaries' traffic", formatPercent(hot)))
	}
	share := func(id string, k int) float64 {
		if id == idDB && hot >= 0 {
			if k == 1 {
				return hot
			}
			return (1 - hot) / float64(shards-1)
		}
		return 1 / float64(shards)
	}
	var nodes []*Node
	perShardCost := false
	for _, n := range b.all {
		if n.ID != idDB && n.ID != idReplicas {
			nodes = append(nodes, n)
			continue
		}
		for k := 1; k <= shards; k++ {
			c := *n
			c.ID = shardID(n.ID, k)
			c.Title = fmt.Sprintf("shard %d %s", k, map[string]string{idDB: "primary", idReplicas: "replicas"}[n.ID])
			c.Lines = nil
			for _, l := range n.Lines {
				if !strings.Contains(l, " shards by ") {
					c.Lines = append(c.Lines, strings.TrimSuffix(l, " per shard"))
				}
			}
			// A shard costs its tier's cost divided evenly; its
			// utilisation is the tier's, which the estimator works out
			// per shard.
			if nums := b.in.Numbers; nums != nil {
				if load, ok := nums.Components[n.Component]; ok {
					load.MonthlyUSD /= float64(shards)
					b.setFigures(&c, load)
					perShardCost = perShardCost || load.MonthlyUSD > 0
				}
			}
			nodes = append(nodes, &c)
		}
		if v := b.fail[n.ID]; v != nil {
			// The estimator loses the same share of every shard's
			// replicas: say it per shard.
			if zd := b.zoneDown(); n.ID == idReplicas && zd != nil && v.status != StatusDown {
				if s, ok := zd.Components["replicas"]; ok {
					s.Instances, s.Serving = s.Instances/shards, s.Serving/shards
					if pv := b.tierVerdict("replicas", s, false); pv != nil {
						v = pv
					}
				}
			}
			for k := 1; k <= shards; k++ {
				b.fail[shardID(n.ID, k)] = v
			}
		}
	}
	if perShardCost {
		b.notes = append(b.notes, fmt.Sprintf("a shard's cost is its tier's divided by %d", shards))
	}
	b.all = nodes
	old := b.edges
	b.edges = map[edgeKey]*flow{}
	for k, f := range old {
		split := func(id string) bool { return id == idDB || id == idReplicas }
		if !split(k.from) && !split(k.to) {
			b.edges[k] = f
			continue
		}
		for s := 1; s <= shards; s++ {
			c := *f
			c.edgeKey = k
			frac := 1.0
			if split(k.to) {
				c.to = shardID(k.to, s)
				frac = share(k.to, s)
			}
			if split(k.from) {
				// A shard's replicas replicate what its primary takes.
				c.from = shardID(k.from, s)
				frac = share(k.from, s)
			}
			c.rps = make([]float64, len(f.rps))
			for i, r := range f.rps {
				c.rps[i] = r * frac
			}
			c.bytesIn, c.bytesOut, c.msgBytes = f.bytesIn*frac, f.bytesOut*frac, f.msgBytes*frac
			b.edges[c.edgeKey] = &c
		}
	}
}

func shardID(id string, k int) string { return id + "_" + strconv.Itoa(k) }

// rankOf places a node in the talk's order; shard copies follow their tier
// in shard order.
func rankOf(id string) float64 {
	base, k := id, 0
	if i := strings.LastIndexByte(id, '_'); i > 0 {
		if n, err := strconv.Atoi(id[i+1:]); err == nil {
			base, k = id[:i], n
		}
	}
	for i, o := range nodeOrder {
		if o == base {
			return float64(i) + float64(k)/1e6
		}
	}
	return float64(len(nodeOrder))
}
