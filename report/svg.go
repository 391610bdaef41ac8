package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
)

var (
	svgComment = regexp.MustCompile(`(?s)<!--.*?-->\n?`)
	svgSize    = regexp.MustCompile(`\s(width|height)="([0-9.]+)(pt|px)?"`)
)

// InlineSVG turns a standalone SVG document (tradeoff-render's) into an
// element to embed in HTML: no XML prolog, doctype or comments (Graphviz
// writes its version in one, which would make the report depend on it),
// and a width that follows the page up to the picture's natural size.
func InlineSVG(doc []byte) ([]byte, error) {
	if err := wellFormed(doc); err != nil {
		return nil, fmt.Errorf("the diagram SVG is not well-formed: %v", err)
	}
	start := bytes.Index(doc, []byte("<svg"))
	if start < 0 {
		return nil, fmt.Errorf("the diagram has no <svg> element")
	}
	body := svgComment.ReplaceAll(doc[start:], nil)
	end := bytes.IndexByte(body, '>')
	if end < 0 {
		return nil, fmt.Errorf("the diagram's <svg> element is not closed")
	}
	tag := body[:end]
	width := ""
	if m := svgSize.FindSubmatch(tag); m != nil && string(m[1]) == "width" {
		width = string(m[2]) + string(m[3])
		if len(m[3]) == 0 {
			width += "px"
		}
	}
	tag = svgSize.ReplaceAll(tag, nil)
	style := ""
	if width != "" {
		style = ` style="max-width:` + width + `"`
	}
	var out bytes.Buffer
	out.Write(tag)
	fmt.Fprintf(&out, ` class="diagram" role="img"%s`, style)
	out.Write(bytes.TrimSpace(body[end:]))
	return out.Bytes(), nil
}

// wellFormed parses the document as strict XML.
func wellFormed(doc []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(doc))
	dec.Strict = true
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
