package estimator

import (
	"fmt"
	"math"
	"slices"
)

// Base62Alphabet is the alphabet of a short code: [0-9A-Za-z], what fits in
// a URL path without escaping (the talk: 62^7 ≈ 3.5 trillion codes).
const Base62Alphabet = 62

// Keyspace is the code length a creating operation that needs uniqueness
// must use for the objects it will hold at the horizon. A random code of
// length L collides with an existing one with probability objects / 62^L,
// so the fill of the space is the share of creates that must retry: the
// trade-off is a shorter link against more retries and an earlier
// exhaustion.
type Keyspace struct {
	Operation        string  `json:"operation"`
	Alphabet         int     `json:"alphabet"`
	ObjectsAtHorizon float64 `json:"objects_at_horizon"`
	// MinLength is the shortest code length whose space holds the objects
	// at the horizon; Fill its share taken, NextFill the share at one
	// character more.
	MinLength  int      `json:"min_length"`
	Fill       float64  `json:"fill"`
	NextFill   float64  `json:"next_fill"`
	Derivation []string `json:"derivation"`
}

// keyspaces reports every write operation that needs uniqueness and stores
// objects.
func (e *estimator) keyspaces(p *plan) []Keyspace {
	var out []Keyspace
	months := float64(e.opts.HorizonMonths)
	for _, op := range p.ops {
		if op.Kind != "write" || op.Data == nil || !slices.Contains(op.Needs, "uniqueness") {
			continue
		}
		n := math.Max(1, opObjectsAt(op, months))
		k := keyspaceFor(n)
		k.Operation = op.Name
		k.Derivation = []string{fmt.Sprintf(
			"%s objects at %d months need a base62 code of %d characters: 62^%d = %s codes, %s full (each random code collides with that probability and retries); 62^%d = %s codes, %s full",
			Num(n), e.opts.HorizonMonths, k.MinLength, k.MinLength, Num(math.Pow(Base62Alphabet, float64(k.MinLength))), Pct(k.Fill),
			k.MinLength+1, Num(math.Pow(Base62Alphabet, float64(k.MinLength+1))), Pct(k.NextFill))}
		out = append(out, k)
	}
	return out
}

// keyspaceFor is the shortest base62 length holding n codes.
func keyspaceFor(n float64) Keyspace {
	l := 1
	for math.Pow(Base62Alphabet, float64(l)) < n {
		l++
	}
	return Keyspace{
		Alphabet:         Base62Alphabet,
		ObjectsAtHorizon: sig(n),
		MinLength:        l,
		Fill:             sig(n / math.Pow(Base62Alphabet, float64(l))),
		NextFill:         sig(n / math.Pow(Base62Alphabet, float64(l+1))),
	}
}
