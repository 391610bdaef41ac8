package rules

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Example is a short CUE overlay on the base design (examples/base.cue):
// fields it sets replace the base's (lists are replaced whole) and fields it
// sets to null are removed. Overlays keep each example to the few lines that
// matter, while the merged design still goes through the real loader.
type Example struct {
	Overlay string
	// Graph examples overlay the base design written with components
	// (examples/graph-base.cue), for the rules only that form has.
	Graph bool
}

//go:embed examples/base.cue
var baseDesign string

//go:embed examples/graph-base.cue
var graphBaseDesign string

// BaseDesign returns the CUE text every example is an overlay on.
func BaseDesign() string { return baseDesign }

// GraphBaseDesign returns the component-form base of the graph rules'
// examples.
func GraphBaseDesign() string { return graphBaseDesign }

// Text returns the overlay without its common indentation, for display.
func (e Example) Text() string { return dedent(e.Overlay) }

// Design merges the overlay into the base design and loads the result with
// schema.LoadBytes, so an example is checked exactly as a user's file is.
func (e Example) Design(name string) (*schema.Design, error) {
	merged, err := e.JSON()
	if err != nil {
		return nil, err
	}
	return schema.LoadBytes(name, merged, "json")
}

// JSON returns the merged design as indented JSON.
func (e Example) JSON() ([]byte, error) {
	ctx := cuecontext.New()
	src, file := baseDesign, "base.cue"
	if e.Graph {
		src, file = graphBaseDesign, "graph-base.cue"
	}
	base, err := cueToMap(ctx, file, src)
	if err != nil {
		return nil, fmt.Errorf("base design: %v", err)
	}
	over, err := cueToMap(ctx, "overlay.cue", e.Text())
	if err != nil {
		return nil, fmt.Errorf("example overlay: %v", err)
	}
	merge(base, over)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(base); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cueToMap(ctx *cue.Context, name, src string) (map[string]any, error) {
	v := ctx.CompileString(src, cue.Filename(name))
	if err := v.Err(); err != nil {
		return nil, err
	}
	b, err := v.MarshalJSON()
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	m := map[string]any{}
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// merge copies over into base: structs merge field by field, null removes
// a field, anything else replaces it.
func merge(base, over map[string]any) {
	for k, v := range over {
		switch v := v.(type) {
		case nil:
			delete(base, k)
		case map[string]any:
			if b, ok := base[k].(map[string]any); ok {
				merge(b, v)
				continue
			}
			base[k] = v
		default:
			base[k] = v
		}
	}
}

func dedent(s string) string {
	lines := strings.Split(strings.TrimLeft(strings.TrimRight(s, " \t\n"), "\n"), "\n")
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, "\t "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			lines[i] = l[indent:]
		} else {
			lines[i] = strings.TrimLeft(l, "\t ")
		}
	}
	return strings.Join(lines, "\n")
}
