//go:build ignore

// gen_fuzz_corpus writes the fuzz targets' seed corpora from the designs
// the repository already has: the examples, the broken examples and the
// bad-input corpus. Run from the repository root:
//
//	go run schema/gen_fuzz_corpus.go
package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func main() {
	targets := map[string][]string{
		"FuzzLoadCUE":  {".cue"},
		"FuzzLoadYAML": {".yaml", ".yml"},
		"FuzzLoadJSON": {".json"},
	}
	var files []string
	for _, pattern := range []string{"examples/*", "examples/invalid/*", "testdata/bad/*", "testdata/bad/*/*"} {
		m, err := filepath.Glob(pattern)
		if err != nil {
			panic(err)
		}
		files = append(files, m...)
	}
	for target, exts := range targets {
		dir := filepath.Join("schema", "testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		for _, f := range files {
			if !matches(f, exts) {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				panic(err)
			}
			write(dir, "[]byte("+strconv.Quote(string(data))+")")
		}
	}
	units := map[string][]string{
		"FuzzParseDuration": {"50ms", "1.5s", "0.3s", "90d", "2w", "3y", "forever", "293y", "1e3s", "-5s", "5 s", ".s"},
		"FuzzParseBytes":    {"512B", "1.1KB", "13GiB", "1PiB", "1kb", "-1KB", "1e3B", strings.Repeat("9", 400) + "PB"},
		"FuzzParseRate":     {"1200/s", "2M/day", "2.628M/month", "31.536M/year", "1200/d", "x/s", "5/s/s", "2X/s"},
		"FuzzParseCount":    {"360M", "1.5k", "1.2T", "5m", "1e6", "-3", "."},
		"FuzzParseRatio":    {"99.95%", "99.9%", "0.9995", "100%", "101%", "NaN", "Inf", "-0.1", "%"},
	}
	for target, inputs := range units {
		dir := filepath.Join("schema", "testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			panic(err)
		}
		for _, in := range inputs {
			write(dir, "string("+strconv.Quote(in)+")")
		}
	}
}

func matches(f string, exts []string) bool {
	for _, e := range exts {
		if strings.HasSuffix(f, e) {
			return true
		}
	}
	return false
}

// write stores one corpus entry in the go test fuzz v1 format, named by
// its hash so that rerunning the generator changes nothing.
func write(dir, value string) {
	body := "go test fuzz v1\n" + value + "\n"
	name := fmt.Sprintf("%x", sha256.Sum256([]byte(body)))[:16]
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		panic(err)
	}
}
