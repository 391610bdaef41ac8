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

// Scale targets from issue 8 (operations) and issues 17 and 19
// (components).
const (
	maxGrowth         = 12.0  // time at 1,000 ÷ time at 100
	reviewMaxSeconds  = 1.0   // 1,000 operations (or components) reviewed
	reviewMaxMB       = 300.0 // peak RSS of that review
	diagramMaxSeconds = 2.0   // 1,000 components drawn
)

// scaleForm is what one form of the scale section says and reads.
type scaleForm struct {
	prefix, heading, intro, unit, rerun string
	// diagramTarget: the diagram of the largest size has a time target.
	diagramTarget bool
}

var scaleForms = map[string]scaleForm{
	"sections": {prefix: "ops", heading: "Scale", unit: "operations", rerun: "bench/scale.sh",
		intro: fmt.Sprintf("Synthetic designs from `go run ./bench/gen -ops N` (seed 1): N operations — 80%% cached reads from replicas, 10%% writes, 10%% asynchronous writes through the queue — each with its path, data, p99 objective and consistency choice, and the tiers sized with N (N/2 service instances, N/50 cache nodes, N/10 database shards, N queue partitions). The schema has one cache, database and queue, so operations and their paths are what grows. Targets: 1,000 operations reviewed in under %.0f s and %.0f MB; time at 1,000 at most %.0f× the time at 100.", reviewMaxSeconds, reviewMaxMB, maxGrowth)},
	"components": {prefix: "components", heading: "Scale: component designs", unit: "components", rerun: "FORM=components bench/scale.sh", diagramTarget: true,
		intro: fmt.Sprintf("Synthetic designs from `go run ./bench/gen -components N -ops N` (seed 1): N components (a tenth PostgreSQL stores, a tenth Redis caches, a twentieth externals, a twentieth SQS queues with a worker each, the rest services in four layers, one managed balancer) and N operations whose call trees are six deep (the balancer, four services, then a cache that misses to a store, or a write to the store; some also call an external with a timeout and a retry, or hand work to a queue). Targets (issues 17 and 19): 1,000 components validated, estimated and reviewed in under %.0f s and %.0f MB, drawn in under %.0f s; time at 1,000 at most %.0f× the time at 100. `diagram-dot` is `diagram -f dot`: the estimate and review the picture draws, without the layout.", reviewMaxSeconds, reviewMaxMB, diagramMaxSeconds, maxGrowth)},
}

// scaleCmd reads DIR/opsN.json (hyperfine, cue vet first), opsN.rss
// (LABEL<TAB>peak KiB lines) and opsN.cmds, and prints the scale section.
func scaleCmd(args []string) error {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	formName := fs.String("form", "sections", "sections or components")
	if err := fs.Parse(args); err != nil {
		return err
	}
	form, ok := scaleForms[*formName]
	if !ok {
		return fmt.Errorf("-form is sections or components, not %q", *formName)
	}
	opsFile := regexp.MustCompile(`^` + form.prefix + `(\d+)\.json$`)
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
		return fmt.Errorf("no %sN.json files in %s", form.prefix, dir)
	}
	sort.Ints(sizes)

	type cell struct{ secs, refSecs, rssMB float64 }
	byLabel := map[string]map[int]cell{}
	var labels []string
	var cmdLines [][2]string
	refRSS := map[int]float64{}
	for _, n := range sizes {
		h, err := readHyperfine(filepath.Join(dir, fmt.Sprintf("%s%d.json", form.prefix, n)))
		if err != nil {
			return err
		}
		rss := readRSS(filepath.Join(dir, fmt.Sprintf("%s%d.rss", form.prefix, n)))
		ref := h.Results[0]
		refRSS[n] = rss[ref.Command]
		for _, r := range h.Results {
			for _, c := range r.ExitCodes {
				if c != 0 && !(c == 1 && r.Command == "review") {
					return fmt.Errorf("%d %s: %q exited with status %d", n, form.unit, r.Command, c)
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
			cmdLines = readCmds(filepath.Join(dir, fmt.Sprintf("%s%d.cmds", form.prefix, n)))
		}
	}

	fmt.Printf("## %s\n\n%s\n\n", form.heading, form.intro)
	fmt.Println(machineLine())
	fmt.Println()
	fmt.Println("| command | " + form.unit + " | median | peak RSS | `cue vet` median | ratio to `cue vet` | growth from previous size | target | verdict | date | rerun |")
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
				if l == "diagram" && form.diagramTarget {
					target += fmt.Sprintf(", < %.0f s", diagramMaxSeconds)
					if c.secs >= diagramMaxSeconds {
						miss = append(miss, "time")
					}
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
			fmt.Printf("| %s | %d | %s | %.0f MB | %s | %.2f× | %s | %s | %s | %s | `%s %s` |\n",
				l, n, fmtSecs(c.secs), c.rssMB, fmtSecs(c.refSecs), c.secs/c.refSecs, growth, target, verdict, today(), form.rerun, l)
			prev = n
		}
	}
	fmt.Println()
	var refs []string
	for _, n := range sizes {
		refs = append(refs, fmt.Sprintf("%d: %.0f MB", n, refRSS[n]))
	}
	runs := "20 executions, 10 at 1,000 operations"
	if form.diagramTarget {
		runs = "10 executions, 5 at 1,000 components"
	}
	fmt.Printf("Medians of hyperfine runs (%s, `-N`); peak RSS is GNU time's maximum resident set size, median of 3 runs (`cue vet`: %s). The commands, at the largest size:\n\n", runs, strings.Join(refs, ", "))
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
