package rules

import (
	_ "embed"
	"fmt"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Threshold is one figure a rule compares a design against, with its
// source; judgements are tagged "assumption".
type Threshold struct {
	ID      string  `yaml:"id" json:"id"`
	Value   float64 `yaml:"value" json:"value"`
	Unit    string  `yaml:"unit" json:"unit"`
	Meaning string  `yaml:"meaning" json:"meaning"`
	Source  string  `yaml:"source" json:"source"`
	AsOf    string  `yaml:"as_of" json:"as_of"`
	Tag     string  `yaml:"tag" json:"tag"`
}

//go:embed data/thresholds.yaml
var thresholdsYAML []byte

var thresholds = func() map[string]Threshold {
	var f struct {
		Thresholds []Threshold `yaml:"thresholds"`
	}
	m := map[string]Threshold{}
	if err := yaml.Unmarshal(thresholdsYAML, &f); err != nil {
		// The file is embedded: TestThresholds catches this before release.
		return m
	}
	for _, t := range f.Thresholds {
		m[t.ID] = t
	}
	return m
}()

// Thresholds returns every threshold the rules use, sorted by ID.
func Thresholds() []Threshold {
	out := make([]Threshold, 0, len(thresholds))
	for _, t := range thresholds {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// th returns a threshold's value. A missing id is a bug in this package
// (every rule's bad example runs in the tests), never a user error.
func th(id string) float64 {
	t, ok := thresholds[id]
	if !ok {
		panic(fmt.Sprintf("rules: threshold %q missing from data/thresholds.yaml", id))
	}
	return t.Value
}
