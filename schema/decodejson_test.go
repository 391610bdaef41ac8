package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/tradeoff-dev/tradeoff/bench/synth"
)

// TestDecodeWholeAsParts: the JSON decode of a design with no error gives
// the model, and the parts left out, that the part-by-part decode gives.
func TestDecodeWholeAsParts(t *testing.T) {
	files, err := filepath.Glob("../examples/*.cue")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../examples/components/*.cue")
	yamls, _ := filepath.Glob("../examples/*.yaml")
	jsons, _ := filepath.Glob("../examples/*.json")
	files = append(append(append(files, more...), yamls...), jsons...)
	if len(files) < 10 {
		t.Fatalf("only %d examples found", len(files))
	}
	designs := map[string][]byte{
		"synth-sections.cue":   synth.Design(60, 1),
		"synth-components.cue": synth.Components(60, 60, 1),
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		designs[f] = b
	}
	for f, src := range designs {
		t.Run(filepath.Base(f), func(t *testing.T) {
			d, err := LoadBytes(f, src, filepath.Ext(f)[1:])
			if err != nil {
				t.Fatalf("not a valid design: %v", err)
			}
			l, err := getLoader()
			if err != nil {
				t.Fatal(err)
			}
			u := d.Source.user.Unify(l.def)
			whole, wb, ok := l.decodeWhole(u, d.Source)
			if !ok {
				t.Fatal("the whole design did not decode as JSON")
			}
			parts, pb, errs := l.decodeParts(u, d.Source)
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if !reflect.DeepEqual(whole, parts) {
				t.Errorf("the JSON decode differs from the part-by-part decode:\nwhole %+v\nparts %+v", whole, parts)
			}
			if !reflect.DeepEqual(wb, pb) {
				t.Errorf("parts left out: whole %v, parts %v", wb, pb)
			}
		})
	}
}
