// Package svgtest checks SVG that Graphviz wrote, for tests of the
// renderer and of the diagram command.
package svgtest

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// Titles parses svg as strict XML and returns the text of its <title>
// elements, which Graphviz sets to each node's ID (and "a->b" for edges).
// The test fails if the SVG is not well-formed.
func Titles(t testing.TB, svg []byte) map[string]bool {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = true
	got := map[string]bool{}
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return got
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		switch tk := tok.(type) {
		case xml.StartElement:
			in = tk.Name.Local == "title"
		case xml.CharData:
			if in {
				got[string(tk)] = true
			}
		case xml.EndElement:
			in = false
		}
	}
}
