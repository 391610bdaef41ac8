package diagram

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRenderer writes a stand-in for tradeoff-render: a shell script that
// runs body with the renderer's arguments.
func fakeRenderer(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "render")
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRendererStartedEarly(t *testing.T) {
	tests := []struct {
		name, body, want, wantErr string
	}{
		{name: "echoes", body: `cat`, want: "digraph {}"},
		{name: "fails in its own words", body: `cat >/dev/null; echo "syntax error in line 1" >&2; exit 2`, wantErr: "syntax error in line 1"},
		{name: "writes nothing", body: `cat >/dev/null`, wantErr: "wrote nothing"},
		{name: "exits before reading", body: `exit 3`, wantErr: "exit status 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := StartRenderer(context.Background(), fakeRenderer(t, tt.body))
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			got, err := r.SVG([]byte("digraph {}"))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to say %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestRendererClosedUnused: a design that fails to load must not leave the
// renderer waiting for input.
func TestRendererClosedUnused(t *testing.T) {
	r, err := StartRenderer(context.Background(), fakeRenderer(t, `sleep 60`))
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	if r.cmd.ProcessState == nil {
		t.Fatal("Close returned before the renderer exited")
	}
	r.Close() // a second Close does nothing
}

// TestRendererFallsBackToGraphviz: with no tradeoff-render next to the
// executable or on PATH, Graphviz's own dot on PATH lays out the SVG (with
// its own flag spelling); with neither, the error names both.
func TestRendererFallsBackToGraphviz(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	if _, err := FindRenderer(""); err == nil || !strings.Contains(err.Error(), "Graphviz's dot") || !strings.Contains(err.Error(), "go install github.com/tradeoff-dev/tradeoff/cmd/...@latest") {
		t.Fatalf("with neither renderer: %v, want a hint naming both and the one install", err)
	}
	dot := filepath.Join(dir, "dot")
	// The stand-in checks it was asked for SVG the way dot spells it.
	if err := os.WriteFile(dot, []byte("#!/bin/sh\n[ \"$1\" = -Tsvg ] || exit 9\nwhile read -r l || [ -n \"$l\" ]; do :; done\necho '<svg/>'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	bin, err := FindRenderer("")
	if err != nil || bin != dot {
		t.Fatalf("FindRenderer = %q, %v; want %s", bin, err, dot)
	}
	r, err := StartRenderer(context.Background(), bin)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if svg, err := r.SVG([]byte("digraph {}")); err != nil || strings.TrimSpace(string(svg)) != "<svg/>" {
		t.Fatalf("dot fallback: %q, %v", svg, err)
	}
}
