package schema

import (
	"bytes"
	"encoding/json"

	"cuelang.org/go/cue"
)

// The whole-design decode. A design that passed every check is concrete
// everywhere, so it is exported to JSON once and read with encoding/json.
// cue's Value.Decode builds an evaluation context for every value it
// visits, which made decoding a 1,000-component design take as long as
// evaluating it. A design with errors is still decoded part by part
// (decodeParts), so that each part that decodes can be checked; the
// UnmarshalJSON methods below read each value as its UnmarshalCUE does,
// and TestDecodeWholeAsParts holds the two to the same model.

// decodeWhole decodes a design that has no error so far, and which parts
// decodeParts would mark as left out (broken). ok is false when the JSON
// does not decode (a unit that does not parse): decodeParts then says
// where.
func (l *loader) decodeWhole(u cue.Value, src *Source) (d *Design, broken map[string]bool, ok bool) {
	b, err := u.MarshalJSON()
	if err != nil {
		return nil, nil, false
	}
	d = &Design{Source: src}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(d); err != nil {
		return nil, nil, false
	}
	_, broken, _ = l.walkParts(u, src, false)
	named(d)
	return d, broken, true
}

// unmarshalUnit reads a number, or a string of a unit parse reads.
func unmarshalUnit(b []byte, parse func(string) (float64, error)) (float64, error) {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return 0, err
		}
		return parse(s)
	}
	var f float64
	err := json.Unmarshal(b, &f)
	return f, err
}

// UnmarshalJSON reads a duration as UnmarshalCUE does: a string straight
// to integer nanoseconds, not through unmarshalUnit's float64, which
// cannot hold "forever".
func (d *Duration) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		*d = v
		return err
	}
	var f float64
	err := json.Unmarshal(b, &f)
	*d = Duration(f)
	return err
}

// UnmarshalJSON reads a size as UnmarshalCUE does.
func (b *Bytes) UnmarshalJSON(data []byte) error {
	f, err := unmarshalUnit(data, func(s string) (float64, error) { b, err := ParseBytes(s); return float64(b), err })
	*b = Bytes(f)
	return err
}

// UnmarshalJSON reads a rate as UnmarshalCUE does.
func (r *Rate) UnmarshalJSON(b []byte) error {
	f, err := unmarshalUnit(b, func(s string) (float64, error) { r, err := ParseRate(s); return float64(r), err })
	*r = Rate(f)
	return err
}

// UnmarshalJSON reads a ratio as UnmarshalCUE does.
func (r *Ratio) UnmarshalJSON(b []byte) error {
	f, err := unmarshalUnit(b, func(s string) (float64, error) { r, err := ParseRatio(s); return float64(r), err })
	*r = Ratio(f)
	return err
}

// UnmarshalJSON reads a count as UnmarshalCUE does.
func (c *Count) UnmarshalJSON(b []byte) error {
	f, err := unmarshalUnit(b, ParseCount)
	*c = Count(f)
	return err
}

// UnmarshalJSON reads an override as UnmarshalCUE does.
func (o *Override) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '"' {
		return json.Unmarshal(b, &o.Value)
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := parseOverride(s)
	*o = v
	return err
}

// UnmarshalJSON reads a step as UnmarshalCUE does: a component's name or
// a call written out, its fanout a count or a struct.
func (s *Step) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		*s = Step{}
		return json.Unmarshal(b, &s.To)
	}
	type plain Step
	var p struct {
		plain
		Fanout json.RawMessage `json:"fanout"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = Step(p.plain)
	s.Fanout = nil
	if len(p.Fanout) == 0 {
		return nil
	}
	fo := &Fanout{Wait: "all"}
	if p.Fanout[0] == '{' {
		if err := json.Unmarshal(p.Fanout, fo); err != nil {
			return err
		}
	} else if err := json.Unmarshal(p.Fanout, &fo.N); err != nil {
		return err
	}
	s.Fanout = fo
	return nil
}
