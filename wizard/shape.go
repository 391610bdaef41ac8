package wizard

import (
	"sync"

	"cuelang.org/go/cue"
	"cuelang.org/go/cue/cuecontext"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// The schema is the one source of truth for how a value is written: a
// typed answer is checked against the schema's own definition (#Rate,
// #Duration, ...) as well as for its meaning, so that the form can never
// accept what the file would then fail on.
var schemaDefs struct {
	once sync.Once
	ctx  *cue.Context
	root cue.Value
}

// fitsSchema reports whether the string v is a valid instance of the
// schema's definition def, such as "#Rate".
func fitsSchema(def, v string) bool {
	schemaDefs.once.Do(func() {
		schemaDefs.ctx = cuecontext.New()
		schemaDefs.root = schemaDefs.ctx.CompileBytes(schema.Text())
	})
	d := schemaDefs.root.LookupPath(cue.ParsePath(def))
	if !d.Exists() {
		panic("wizard: the schema has no " + def)
	}
	return d.Unify(schemaDefs.ctx.Encode(v)).Validate(cue.Concrete(true)) == nil
}
