package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Scale targets from issue 8.
const (
	maxGrowth        = 12.0  // time at 1,000 ÷ time at 100
	reviewMaxSeconds = 1.0   // 1,000 operations reviewed
	reviewMaxMB      = 300.0 // peak RSS of that review
)

var opsFile = regexp.MustCompile(`^ops(\d+)\.json$`)

// scaleCmd reads DIR/opsN.json (hyperfine, cue vet first), opsN.rss
// (LABEL<TAB>peak KiB lines) and opsN.cmds, and prints the scale section.
func scaleCmd(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: benchreport scale DIR")
	}
	dir := fs.Arg(0)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var sizes []int
	for _, e := range entries {
		if m := opsFile.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			sizes = append(sizes, n)
		}
	}
	if len(sizes) == 0 {
		return fmt.Errorf("no opsN.json files in %s", dir)
	}
	sort.Ints(sizes)

	type cell struct{ secs, refSecs, rssMB float64 }
	byLabel := map[string]map[int]cell{}
	var labels []string
	var cmdLines [][2]string
	refRSS := map[int]float64{}
	for _, n := range sizes {
		h, err := readHyperfine(filepath.Join(dir, fmt.Sprintf("ops%d.json", n)))
		if err != nil {
			return err
		}
		rss := readRSS(filepath.Join(dir, fmt.Sprintf("ops%d.rss", n)))
		ref := h.Results[0]
		refRSS[n] = rss[ref.Command]
		for _, r := range h.Results {
			for _, c := range r.ExitCodes {
				if c != 0 && !(c == 1 && r.Command == "review") {
					return fmt.Errorf("%d operations: %q exited with status %d", n, r.Command, c)
				}
			}
		}
		for _, r := range h.Results[1:] {
			if byLabel[r.Command] == nil {
				byLabel[r.Command] = map[int]cell{}
				labels = append(labels, r.Command)
			}
			byLabel[r.Command][n] = cell{secs: r.Median, refSecs: ref.Median, rssMB: rss[r.Command]}
		}
		if n == sizes[len(sizes)-1] {
			cmdLines = readCmds(filepath.Join(dir, fmt.Sprintf("ops%d.cmds", n)))
		}
	}

	fmt.Printf("## Scale\n\n")
	fmt.Printf("Synthetic designs from `go run ./bench/gen -ops N` (seed 1): N operations — 80%% cached reads from replicas, 10%% writes, 10%% asynchronous writes through the queue — each with its path, data, p99 objective and consistency choice, and the tiers sized with N (N/2 service instances, N/50 cache nodes, N/10 database shards, N queue partitions). The schema has one cache, database and queue, so operations and their paths are what grows. Targets: 1,000 operations reviewed in under %.0f s and %.0f MB; time at 1,000 at most %.0f× the time at 100.\n\n", reviewMaxSeconds, reviewMaxMB, maxGrowth)
	fmt.Println(machineLine())
	fmt.Println()
	fmt.Println("| command | operations | median | peak RSS | `cue vet` median | ratio to `cue vet` | growth from previous size | target | verdict | date | rerun |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---|---|---|---|")
	for _, l := range labels {
		prev := 0
		for _, n := range sizes {
			c, ok := byLabel[l][n]
			if !ok {
				continue
			}
			growth := "–"
			g := 0.0
			if p, ok := byLabel[l][prev]; ok && prev > 0 {
				g = c.secs / p.secs
				growth = fmt.Sprintf("%.1f× (from %d)", g, prev)
			}
			target, verdict := "–", "–"
			if n == 1000 && prev == 100 {
				var miss []string
				target = fmt.Sprintf("growth ≤ %.0f×", maxGrowth)
				if g > maxGrowth {
					miss = append(miss, "growth")
				}
				if l == "review" {
					target += fmt.Sprintf(", < %.0f s, < %.0f MB", reviewMaxSeconds, reviewMaxMB)
					if c.secs >= reviewMaxSeconds {
						miss = append(miss, "time")
					}
					if c.rssMB >= reviewMaxMB {
						miss = append(miss, "memory")
					}
				}
				verdict = "meets"
				if len(miss) > 0 {
					verdict = "**misses** (" + strings.Join(miss, ", ") + ")"
				}
			}
			fmt.Printf("| %s | %d | %s | %.0f MB | %s | %.2f× | %s | %s | %s | %s | `bench/scale.sh %s` |\n",
				l, n, fmtSecs(c.secs), c.rssMB, fmtSecs(c.refSecs), c.secs/c.refSecs, growth, target, verdict, today(), l)
			prev = n
		}
	}
	fmt.Println()
	var refs []string
	for _, n := range sizes {
		refs = append(refs, fmt.Sprintf("%d: %.0f MB", n, refRSS[n]))
	}
	fmt.Printf("Medians of hyperfine runs (20 executions, 10 at 1,000 operations, `-N`); peak RSS is GNU time's maximum resident set size, median of 3 runs (`cue vet`: %s). The commands, at the largest size:\n\n", strings.Join(refs, ", "))
	for _, c := range cmdLines {
		fmt.Printf("- %s: `%s`\n", c[0], c[1])
	}
	return nil
}

// readRSS reads LABEL<TAB>KiB lines and returns each label's median in MB.
func readRSS(path string) map[string]float64 {
	all := map[string][]float64{}
	for _, c := range readCmds(path) {
		if kb, err := strconv.ParseFloat(c[1], 64); err == nil {
			all[c[0]] = append(all[c[0]], kb)
		}
	}
	out := map[string]float64{}
	for l, v := range all {
		out[l] = median(v) * 1024 / 1e6
	}
	return out
}

func fmtSecs(s float64) string {
	if s >= 1 {
		return fmt.Sprintf("%.2f s", s)
	}
	return fmt.Sprintf("%.1f ms", s*1e3)
}
