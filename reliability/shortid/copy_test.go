package shortid

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tradeoff-dev/tradeoff/scaffold"
)

// TestCopyMatchesTemplate renders a project (offline: no module download)
// and checks that base62.go here is, below its own header comment, byte for
// byte the codec the generated service gets. The fuzz targets in this
// package test that code only as long as this holds.
func TestCopyMatchesTemplate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "svc")
	if _, err := scaffold.Generate(context.Background(), scaffold.Params{}, dir, scaffold.Options{Offline: true}); err != nil {
		t.Fatal(err)
	}
	generated, err := os.ReadFile(filepath.Join(dir, "internal", "shortid", "base62.go"))
	if err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile("base62.go")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := body(t, copied), body(t, generated); !bytes.Equal(got, want) {
		t.Fatalf("reliability/shortid/base62.go differs from the generated internal/shortid/base62.go:\n"+
			"copy the generated file's body (from \"// Package shortid\" on) into it.\n--- generated ---\n%s", want)
	}
}

// body is a file from its package comment on: the generated file starts
// with a provenance header, the copy with a note on where it came from.
func body(t *testing.T, src []byte) []byte {
	t.Helper()
	i := bytes.Index(src, []byte("// Package shortid"))
	if i < 0 {
		t.Fatalf("no package comment in:\n%s", src)
	}
	return src[i:]
}
