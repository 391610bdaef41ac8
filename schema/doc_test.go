package schema

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

const (
	docPath       = "../docs/schema.md"
	docBeginMark  = "<!-- BEGIN FIELD REFERENCE: generated from schema/design.cue by TestSchemaDoc; UPDATE_GOLDEN=1 go test ./schema rewrites it -->"
	docEndMark    = "<!-- END FIELD REFERENCE -->"
	docPipeEscape = `\|`
)

// TestSchemaDoc keeps the field reference in docs/schema.md in step with
// design.cue: every field, what it accepts, its default and the comment
// that names its trade-off. UPDATE_GOLDEN=1 rewrites the generated part;
// the prose around it is kept.
func TestSchemaDoc(t *testing.T) {
	fields, err := Fields()
	if err != nil {
		t.Fatal(err)
	}
	want := fieldReference(fields)
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	begin := bytes.Index(doc, []byte(docBeginMark))
	end := bytes.Index(doc, []byte(docEndMark))
	if begin < 0 || end < begin {
		t.Fatalf("%s lacks the markers around the generated field reference", docPath)
	}
	got := string(doc[begin+len(docBeginMark) : end])
	if got == want {
		return
	}
	if os.Getenv("UPDATE_GOLDEN") != "" {
		out := append(append(append([]byte{}, doc[:begin+len(docBeginMark)]...), want...), doc[end:]...)
		if err := os.WriteFile(docPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s is stale: run UPDATE_GOLDEN=1 go test ./schema", docPath)
}

// fieldReference writes one section per top-level field of a design, each
// a table of the fields it holds.
func fieldReference(fields []Field) string {
	var b strings.Builder
	b.WriteString("\n")
	for i, f := range fields {
		if strings.ContainsAny(f.Path, ".[") {
			continue
		}
		fmt.Fprintf(&b, "\n### `%s`%s\n\n%s\n\n", f.Path, requiredNote(f), f.Doc)
		fmt.Fprintf(&b, "Accepts %s%s.\n\n", f.Want, defaultNote(f))
		var rows []Field
		for _, sub := range fields[i+1:] {
			if !strings.HasPrefix(sub.Path, f.Path+".") && !strings.HasPrefix(sub.Path, f.Path+"[") {
				break
			}
			rows = append(rows, sub)
		}
		if len(rows) == 0 {
			continue
		}
		b.WriteString("| Field | Accepts | Default | The trade-off |\n| --- | --- | --- | --- |\n")
		for _, r := range rows {
			name := "`" + r.Path + "`"
			switch {
			case len(r.RequiredKinds) > 0:
				name += " (required for " + strings.Join(r.RequiredKinds, ", ") + ")"
			case r.Required:
				name += " (required)"
			}
			def := "—"
			if r.Default != "" {
				def = "`" + r.Default + "`"
			}
			doc := r.Doc
			if doc == "" && strings.HasSuffix(r.Path, ">") {
				doc = "One entry per " + strings.Trim(r.Path[strings.LastIndexByte(r.Path, '.')+1:], "<>") + ", named by the design."
			}
			if len(r.Kinds) > 0 {
				doc = "*" + strings.Join(r.Kinds, ", ") + ":* " + doc
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", name, cell(r.Want), def, cell(doc))
		}
	}
	b.WriteString("\n")
	return b.String()
}

func requiredNote(f Field) string {
	if f.Required {
		return " (required)"
	}
	return ""
}

func defaultNote(f Field) string {
	if f.Default != "" {
		return "; default `" + f.Default + "`"
	}
	return ""
}

func cell(s string) string { return strings.ReplaceAll(s, "|", docPipeEscape) }
