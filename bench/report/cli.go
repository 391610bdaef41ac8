package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// hyperfineRun is the part of hyperfine's --export-json output we read.
type hyperfineRun struct {
	Results []struct {
		Command   string    `json:"command"`
		Median    float64   `json:"median"`
		User      float64   `json:"user"`
		System    float64   `json:"system"`
		Times     []float64 `json:"times"`
		ExitCodes []int     `json:"exit_codes"`
	} `json:"results"`
}

func readHyperfine(path string) (*hyperfineRun, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var h hyperfineRun
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if len(h.Results) < 2 {
		return nil, fmt.Errorf("%s: want a reference and at least one command", path)
	}
	return &h, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// cliCmd reads rounds of hyperfine runs named DESIGN.ROUND.json, whose
// first command is the reference (cue vet), and prints the CLI section:
// per design and command, the median of the per-round ratios of medians.
// Ratios of medians taken in the same hyperfine run cancel most of the
// machine's drift; the median over rounds drops an unlucky round.
func cliCmd(args []string) error {
	fs := flag.NewFlagSet("cli", flag.ContinueOnError)
	target := fs.Float64("target", 1.3, "target ratio to the reference")
	runs := fs.Int("runs", 30, "executions per hyperfine run (for the text)")
	okExit := fs.String("allow-exit-1", "review", "comma-separated labels for which exit status 1 (findings) is expected")
	if err := fs.Parse(args); err != nil {
		return err
	}
	allow1 := map[string]bool{}
	for _, l := range strings.Split(*okExit, ",") {
		allow1[l] = true
	}
	type acc struct {
		ratios, medians, refs, cpuRatios []float64
	}
	type key struct{ design, label string }
	data := map[key]*acc{}
	var order []key
	cmds := map[string][][2]string{}
	var designs []string
	for _, path := range fs.Args() {
		base := filepath.Base(path)
		design, _, _ := strings.Cut(base, ".")
		h, err := readHyperfine(path)
		if err != nil {
			return err
		}
		if _, ok := cmds[design]; !ok {
			designs = append(designs, design)
			cmds[design] = readCmds(filepath.Join(filepath.Dir(path), design+".cmds"))
		}
		ref := h.Results[0]
		for _, r := range h.Results {
			for _, c := range r.ExitCodes {
				if c != 0 && !(c == 1 && allow1[r.Command]) {
					return fmt.Errorf("%s: %q exited with status %d: the figure would time a failure", path, r.Command, c)
				}
			}
		}
		for _, r := range h.Results[1:] {
			k := key{design, r.Command}
			a := data[k]
			if a == nil {
				a = &acc{}
				data[k] = a
				order = append(order, k)
			}
			a.ratios = append(a.ratios, r.Median/ref.Median)
			a.cpuRatios = append(a.cpuRatios, (r.User+r.System)/(ref.User+ref.System))
			a.medians = append(a.medians, r.Median)
			a.refs = append(a.refs, ref.Median)
		}
	}
	if len(order) == 0 {
		return fmt.Errorf("no hyperfine results given")
	}
	rounds := len(data[order[0]].ratios)
	refLabel := "cue vet"
	fmt.Printf("## CLI start to finish\n\n")
	fmt.Printf("Wall time of one whole process, from exec to exit, for each command on each example, against the stock `cue vet` of the same design and the same schema in the same hyperfine run. Target: within %.1f× of `cue vet`.\n\n", *target)
	fmt.Println(machineLine())
	fmt.Println()
	fmt.Printf("| design | command | median | `%s` median | ratio | CPU ratio | target | verdict | date | rerun |\n", refLabel)
	fmt.Println("|---|---|---:|---:|---:|---:|---:|---|---|---|")
	for _, k := range order {
		a := data[k]
		r := median(a.ratios)
		verdict := "meets"
		if r > *target {
			verdict = "**misses**"
		}
		fmt.Printf("| %s | %s | %.1f ms | %.1f ms | %.2f× | %.2f× | ≤ %.1f× | %s | %s | `bench/cli.sh %s` |\n",
			k.design, k.label, median(a.medians)*1e3, median(a.refs)*1e3, r, median(a.cpuRatios), *target, verdict, today(), k.design)
	}
	fmt.Println()
	fmt.Printf("Each row is the median over %d rounds of (median of the command ÷ median of `cue vet`), each round a hyperfine run of %d executions after 3 warm-ups, `-N` (no shell); the verdict is on wall time. \"CPU ratio\" is the same for user + system CPU time (hyperfine's means), which a busy machine disturbs less than wall time. The exact commands:\n\n", rounds, *runs)
	for _, d := range designs {
		for _, c := range cmds[d] {
			fmt.Printf("- %s, %s: `%s`\n", d, c[0], c[1])
		}
	}
	fmt.Println()
	fmt.Println("`cue vet` checks the design's YAML form (exported with `cue export --out yaml`) against `tradeoff schema` unified with `#Design`; it cannot apply `-d` to a `.cue` design, and the schema and a package-less design file do not unify as one instance. So the reference reads the same data and the same schema, and does only the schema check, while `tradeoff validate` also parses the CUE source, checks cross-references and magnitudes and decodes the Go model.")
	return nil
}

// readCmds reads the LABEL<TAB>COMMAND lines the script wrote beside the
// hyperfine output.
func readCmds(path string) [][2]string {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var out [][2]string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if label, cmd, ok := strings.Cut(l, "\t"); ok {
			out = append(out, [2]string{label, cmd})
		}
	}
	return out
}
