package schema

import (
	"encoding/json"
	"fmt"

	"cuelang.org/go/cue/format"
	"cuelang.org/go/encoding/jsonschema"
)

// JSONSchema exports #Design as a JSON Schema (draft 2020-12), for the
// editors of people who write designs in YAML or JSON. It cannot express
// the cross-references tradeoff checks itself, so `tradeoff validate`
// remains the authority.
func JSONSchema() ([]byte, error) {
	l, err := newLoader()
	if err != nil {
		return nil, err
	}
	expr, err := jsonschema.Generate(l.def, &jsonschema.GenerateConfig{})
	if err != nil {
		return nil, fmt.Errorf("exporting JSON Schema: %v", err)
	}
	src, err := format.Node(expr)
	if err != nil {
		return nil, err
	}
	v := l.ctx.CompileBytes(src)
	var out any
	if err := v.Decode(&out); err != nil {
		return nil, fmt.Errorf("exporting JSON Schema: %v", err)
	}
	return json.MarshalIndent(out, "", "  ")
}
