package importer

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a problem with an input file, at its position when it has one.
type Error struct {
	File      string
	Line, Col int
	Msg       string
	Hint      string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, max(e.Col, 1))
	}
	b.WriteString(": " + e.Msg)
	if e.Hint != "" {
		b.WriteString("\n  hint: " + e.Hint)
	}
	return b.String()
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError positions a YAML library error in file.
func yamlError(file string, err error, hint string) *Error {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	e := &Error{File: file, Msg: "not valid YAML: " + msg, Hint: hint}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = "not valid YAML: " + m[2]
	}
	return e
}

// docs parses every YAML document of a file into its top node.
func docs(file string, data []byte, hint string) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var out []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, yamlError(file, err, hint)
		}
		if len(n.Content) == 1 {
			out = append(out, n.Content[0])
		}
	}
}

// key returns the key and value nodes of field in a mapping node.
func key(n *yaml.Node, field string) (k, v *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == field {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}

// walk follows a path of mapping fields and sequence indexes ("0",
// "1"...) and returns the key node of the last field (or the item of the
// last index) and the value there; nils when the path is not there.
func walk(n *yaml.Node, path ...string) (k, v *yaml.Node) {
	v = n
	for _, p := range path {
		if v == nil {
			return nil, nil
		}
		if v.Kind == yaml.SequenceNode {
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(v.Content) {
				return nil, nil
			}
			k, v = v.Content[i], v.Content[i]
			continue
		}
		if k, v = key(v, p); k == nil {
			return nil, nil
		}
	}
	return k, v
}

// at is the node whose line is the path's: the last field's key.
func at(n *yaml.Node, path ...string) *yaml.Node {
	k, _ := walk(n, path...)
	return k
}

// node is the value at the path.
func node(n *yaml.Node, path ...string) *yaml.Node {
	_, v := walk(n, path...)
	return v
}

// envLine finds the line of variable name in an environment written as a
// mapping (NAME: value) or a list (- NAME=value, or name: NAME in
// Kubernetes' env list).
func envLine(env *yaml.Node, name string) int {
	if env == nil {
		return 0
	}
	switch env.Kind {
	case yaml.MappingNode:
		if k, _ := key(env, name); k != nil {
			return k.Line
		}
	case yaml.SequenceNode:
		for _, item := range env.Content {
			if item.Kind == yaml.ScalarNode && (item.Value == name || strings.HasPrefix(item.Value, name+"=")) {
				return item.Line
			}
			if k, v := key(item, "name"); k != nil && v.Value == name {
				return k.Line
			}
		}
	}
	return 0
}
