package schema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReusedLoaderMatchesFresh: a design loaded by a loader that has
// already loaded others gives exactly what a freshly compiled schema
// gives, errors and decoded design alike, whatever came before it. Every
// example, broken example and bad-input design is loaded fresh, then twice
// through one reused loader, forwards and backwards.
func TestReusedLoaderMatchesFresh(t *testing.T) {
	var files []string
	for _, pat := range []string{"../examples/*", "../examples/invalid/*", "../testdata/bad/*"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			switch filepath.Ext(f) {
			case ".cue", ".yaml", ".yml", ".json":
				if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
					files = append(files, f)
				}
			}
		}
	}
	if len(files) < 50 {
		t.Fatalf("found %d designs, want the examples and the bad-input corpus", len(files))
	}
	outcome := func(l *loader, f string) string {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := l.loadBytes(f, data, strings.TrimPrefix(filepath.Ext(f), "."))
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return "design: " + string(b) + " files " + strings.Join(d.Source.Files, ",")
	}
	want := map[string]string{}
	for _, f := range files {
		l, err := newLoader()
		if err != nil {
			t.Fatal(err)
		}
		want[f] = outcome(l, f)
	}
	reused, err := newLoader()
	if err != nil {
		t.Fatal(err)
	}
	check := func(f string) {
		if got := outcome(reused, f); got != want[f] {
			t.Errorf("%s through a reused loader:\n%s\nfresh:\n%s", f, got, want[f])
		}
	}
	for _, f := range files {
		check(f)
	}
	for i := len(files) - 1; i >= 0; i-- {
		check(files[i])
	}
}

// TestLoaderPoolRetires: a loader goes back to the pool after a load and
// is retired once it has built its share, so the pool never holds on to
// more than a bounded amount of built files.
func TestLoaderPoolRetires(t *testing.T) {
	loaders.Lock()
	saved := loaders.free
	loaders.free = nil
	loaders.Unlock()
	t.Cleanup(func() {
		loaders.Lock()
		loaders.free = saved
		loaders.Unlock()
	})
	first, err := getLoader()
	if err != nil {
		t.Fatal(err)
	}
	putLoader(first, 10)
	again, _ := getLoader()
	if again != first {
		t.Fatal("a loader put back was not reused")
	}
	for l := again; l == first; l, _ = getLoader() {
		putLoader(l, 0)
	}
	if first.loads != maxLoaderLoads {
		t.Fatalf("a loader with %d loads was retired, want %d", first.loads, maxLoaderLoads)
	}
	big, _ := getLoader()
	putLoader(big, maxLoaderBytes)
	if l, _ := getLoader(); l == big {
		t.Fatal("a loader that built a megabyte was reused")
	}
}
