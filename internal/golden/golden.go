// Package golden compares generated output with a file kept in testdata,
// and rewrites the file when UPDATE_GOLDEN is set, so that an intended
// change of output is one command and a diff to review.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Check fails the test when got differs from the file at path; with
// UPDATE_GOLDEN=1 it writes got to the file instead.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with UPDATE_GOLDEN=1 to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (UPDATE_GOLDEN=1 rewrites it); got:\n%s", path, got)
	}
}
