package rules

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestEveryRuleValueIsRegistered parses the package and finds every Rule
// literal: a rule written but never passed to register would silently never
// run, so the catalogue must hold exactly the rules the source defines.
func TestEveryRuleValueIsRegistered(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var defined []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			if id, ok := lit.Type.(*ast.Ident); !ok || id.Name != "Rule" {
				return true
			}
			for _, el := range lit.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				if key, ok := kv.Key.(*ast.Ident); ok && key.Name == "ID" {
					if bl, ok := kv.Value.(*ast.BasicLit); ok {
						v, _ := strconv.Unquote(bl.Value)
						defined = append(defined, v)
					}
				}
			}
			return true
		})
	}
	var registered []string
	for _, r := range All() {
		registered = append(registered, r.ID)
	}
	sort.Strings(defined)
	sort.Strings(registered)
	if strings.Join(defined, " ") != strings.Join(registered, " ") {
		t.Errorf("rules defined in the source and rules registered differ:\ndefined:    %v\nregistered: %v", defined, registered)
	}
}

func TestThresholdsAreSourced(t *testing.T) {
	ts := Thresholds()
	if len(ts) == 0 {
		t.Fatal("no thresholds loaded from data/thresholds.yaml")
	}
	for _, th := range ts {
		if th.Source == "" || th.AsOf == "" || th.Tag == "" || th.Unit == "" || th.Meaning == "" {
			t.Errorf("threshold %s lacks a source, date, tag, unit or meaning", th.ID)
		}
		if th.Tag == "assumption" && !strings.HasPrefix(th.Source, "assumption") {
			t.Errorf("threshold %s is tagged assumption but its source does not say why", th.ID)
		}
	}
}
