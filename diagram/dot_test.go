package diagram

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestLargeGraphLayoutLimits: a graph above largeGraph nodes asks dot for
// bounded crossing minimisation; one at the limit is laid out as before.
func TestLargeGraphLayoutLimits(t *testing.T) {
	for _, tc := range []struct {
		nodes int
		want  bool
	}{{largeGraph, false}, {largeGraph + 1, true}} {
		g := &Graph{Title: "t"}
		for i := range tc.nodes {
			g.Nodes = append(g.Nodes, &Node{ID: fmt.Sprintf("n%d", i), Title: fmt.Sprintf("n%d", i)})
		}
		var b bytes.Buffer
		if err := WriteDOT(&b, g); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(b.String(), largeGraphLayout); got != tc.want {
			t.Errorf("%d nodes: layout limits present %v, want %v", tc.nodes, got, tc.want)
		}
	}
}
