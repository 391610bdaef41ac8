package schema

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"cuelang.org/go/cue"
	"cuelang.org/go/encoding/yaml"
)

// TestDecodePartsMatchesDecode: decoding a valid design part by part gives
// exactly what decoding it whole gives, defaults, optional fields left nil
// and all.
func TestDecodePartsMatchesDecode(t *testing.T) {
	files, _ := filepath.Glob("../examples/*.*")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			l, err := newLoader()
			if err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var user cue.Value
			if filepath.Ext(f) == ".yaml" {
				af, err := yaml.Extract(f, data)
				if err != nil {
					t.Fatal(err)
				}
				user = l.ctx.BuildFile(af)
			} else {
				user = l.ctx.CompileBytes(data, cue.Filename(f))
			}
			u := user.Unify(l.def)
			var whole Design
			if err := u.Decode(&whole); err != nil {
				t.Fatal(err)
			}
			for name, op := range whole.Traffic {
				op.Name = name
			}
			for i := range whole.Waivers {
				whole.Waivers[i].Index = i
			}
			parts, broken, errs := l.decodeParts(u, nil)
			if len(errs) > 0 {
				t.Fatalf("errors %v", errs)
			}
			for b := range broken {
				if b != "budget" && b != "components" { // the optional sections
					t.Errorf("part %s did not decode", b)
				}
			}
			parts.Source = nil
			if !reflect.DeepEqual(&whole, parts) {
				t.Errorf("part-by-part decoding differs: %s", diffDesigns(&whole, parts))
			}
		})
	}
}
