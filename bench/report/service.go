package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// Service targets from issue 8, as ratios to the in-memory Go server
// (gomap-warm) measured in the same run.
const (
	warmMinRPSRatio = 0.70
	warmMaxP99Ratio = 1.5
	// The Redis-hit path within 10% of the hand-written cache-aside
	// server (cacheaside-warm).
	redisMinRPSRatio = 0.90
)

// wrkResult is one RESULT line of bench/wrk/shortener.lua.
type wrkResult struct {
	requests, rps, p50, p99 float64
	statusErrors, sockErrs  float64
	codes                   float64 // codes available to a cold run
}

var resultField = regexp.MustCompile(`(\w+)=([0-9.]+)`)

func readWrk(path string) (wrkResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return wrkResult{}, err
	}
	defer f.Close()
	var r wrkResult
	found := false
	s := bufio.NewScanner(f)
	for s.Scan() {
		for _, m := range resultField.FindAllStringSubmatch(s.Text(), -1) {
			v, _ := strconv.ParseFloat(m[2], 64)
			switch m[1] {
			case "requests":
				r.requests = v
				found = true
			case "rps":
				r.rps = v
			case "p50_ms":
				r.p50 = v
			case "p99_ms":
				r.p99 = v
			case "status_errors":
				r.statusErrors = v
			case "socket_errors":
				r.sockErrs = v
			case "codes":
				r.codes = v
			}
		}
	}
	if !found {
		return r, fmt.Errorf("%s: no RESULT line (did wrk fail?)", path)
	}
	return r, nil
}

type scenario struct {
	name, server string
}

var serviceScenarios = []scenario{
	{"nginx-302", "nginx 1.22 `return 302`, 1 worker, no access log"},
	{"gomap-warm", "Go `net/http`, in-memory map (`bench/refserver`)"},
	{"cacheaside-warm", "hand-written cache-aside (`bench/refcache`): one Redis GET per redirect"},
	{"shortener-warm", "generated shortener: in-process cache, then Redis, then PostgreSQL"},
	{"shortener-redis", "generated shortener with `LOCAL_CACHE_SIZE=0`: every hit a Redis GET"},
	{"cacheaside-cold", "hand-written cache-aside, empty Redis: GET miss, SELECT, SET"},
	{"shortener-cold", "generated shortener, empty in-process cache and Redis: every request a miss"},
	{"gomap-create", "Go `net/http`, in-memory map: POST /api/links"},
	{"cacheaside-create", "hand-written cache-aside: POST /api/links, INSERT (normal commit)"},
	{"shortener-create", "generated shortener: POST /api/links, INSERT (normal commit)"},
}

// cacheAsideRef is the hand-written server's scenario each generated
// scenario is compared with.
var cacheAsideRef = map[string]string{
	"shortener-warm":   "cacheaside-warm",
	"shortener-redis":  "cacheaside-warm",
	"shortener-cold":   "cacheaside-cold",
	"shortener-create": "cacheaside-create",
}

var wrkFile = regexp.MustCompile(`^(shared|pinned)\.([a-z0-9-]+)\.(\d+)\.txt$`)

// serviceCmd reads DIR/CONFIG.SCENARIO.ROUND.txt and prints the service
// section: per configuration and scenario the medians over rounds, and the
// median of the per-round ratios to gomap-warm of the same round.
func serviceCmd(args []string) error {
	fs := flag.NewFlagSet("service", flag.ContinueOnError)
	duration := fs.String("duration", "10s", "wrk duration (for the text)")
	conns := fs.Int("conns", 64, "wrk connections (for the text)")
	codes := fs.Int("codes", 100000, "links seeded for the warm runs (for the text)")
	coldCodes := fs.Int("cold-codes", 200000, "links walked by the cold runs (for the text)")
	only := fs.String("scenarios", "", "space-separated scenarios measured (default all found)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: benchreport service DIR")
	}
	dir := fs.Arg(0)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	// results[config][scenario][round]
	results := map[string]map[string]map[int]wrkResult{}
	for _, e := range entries {
		m := wrkFile.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		r, err := readWrk(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		round, _ := strconv.Atoi(m[3])
		if results[m[1]] == nil {
			results[m[1]] = map[string]map[int]wrkResult{}
		}
		if results[m[1]][m[2]] == nil {
			results[m[1]][m[2]] = map[int]wrkResult{}
		}
		results[m[1]][m[2]][round] = r
	}
	if len(results) == 0 {
		return fmt.Errorf("no wrk results in %s", dir)
	}
	want := map[string]bool{}
	for _, s := range strings.Fields(*only) {
		want[s] = true
	}

	fmt.Printf("## Generated service under load\n\n")
	fmt.Printf("`tradeoff scaffold bench/service/shortener.cue` (the example's shortener on one machine: PostgreSQL, Redis cache-aside with coalescing, clicks through NATS JetStream to the worker) built and run against the machine's services, next to nginx `return 302` (the ceiling for a redirect here), a minimal Go map server and a hand-written cache-aside server (Redis, then PostgreSQL; pgxpool of 8, go-redis), in the same run. wrk 4.1 on 127.0.0.1, %d connections, %s per run, GETs of codes picked at random from %s created through the API (`bench/wrk/shortener.lua`); cold runs walk %s codes in order against an instance of their own whose caches were emptied just before. \"shared\": `wrk -t2` and the servers share both cores; \"pinned\": `taskset -c 0 wrk -t1`, and the server processes moved to core 1 with `taskset -a -pc 1` (PostgreSQL, Redis and NATS are the machine's own and stay unpinned). Targets: the warm redirect at ≥ %.0f%% of the Go map server's requests/s with p99 ≤ %.1f× of its p99; the Redis-hit path at ≥ %.0f%% of the hand-written cache-aside server's requests/s.\n\n",
		*conns, *duration, thousands(float64(*codes))+" links", thousands(float64(*coldCodes)), warmMinRPSRatio*100, warmMaxP99Ratio, redisMinRPSRatio*100)
	fmt.Print(pinningNote)
	fmt.Println(machineLine())
	fmt.Println()
	measured := false
	for _, byScenario := range results {
		for name := range byScenario {
			measured = measured || strings.HasPrefix(name, "shortener-")
		}
	}
	if !measured {
		fmt.Print("The generated shortener is not in this run (`tradeoff scaffold` was not available): only the references were measured.\n\n")
	}
	fmt.Println("| scenario | server | configuration | requests/s | p50 | p99 | requests/s ÷ Go map | p99 ÷ Go map | requests/s ÷ cache-aside | target | verdict | date | rerun |")
	fmt.Println("|---|---|---|---:|---:|---:|---:|---:|---:|---|---|---|---|")
	var notes []string
	for _, config := range []string{"shared", "pinned"} {
		byScenario := results[config]
		if byScenario == nil {
			continue
		}
		ref := byScenario["gomap-warm"]
		for _, sc := range serviceScenarios {
			runs := byScenario[sc.name]
			if len(runs) == 0 || len(want) > 0 && !want[sc.name] {
				continue
			}
			var rps, p50, p99, rpsRatio, p99Ratio, caRatio []float64
			ca := byScenario[cacheAsideRef[sc.name]]
			errs := 0.0
			for round, r := range runs {
				rps = append(rps, r.rps)
				p50 = append(p50, r.p50)
				p99 = append(p99, r.p99)
				errs += r.statusErrors + r.sockErrs
				if g, ok := ref[round]; ok && g.rps > 0 && g.p99 > 0 {
					rpsRatio = append(rpsRatio, r.rps/g.rps)
					p99Ratio = append(p99Ratio, r.p99/g.p99)
				}
				if c, ok := ca[round]; ok && c.rps > 0 {
					caRatio = append(caRatio, r.rps/c.rps)
				}
				if r.codes > 0 && r.requests > r.codes {
					notes = append(notes, fmt.Sprintf("%s %s round %d asked %.0f codes of %.0f: %.0f%% were asked twice", config, sc.name, round, r.requests, r.codes, 100*(r.requests-r.codes)/r.requests))
				}
			}
			ratio, p99r, car := "–", "–", "–"
			if len(caRatio) > 0 {
				car = fmt.Sprintf("%.2f×", median(caRatio))
			}
			if len(rpsRatio) > 0 && sc.name != "gomap-warm" {
				ratio = fmt.Sprintf("%.2f×", median(rpsRatio))
				p99r = fmt.Sprintf("%.2f×", median(p99Ratio))
			}
			target, verdict := "–", "–"
			var miss []string
			switch sc.name {
			case "shortener-warm":
				target = fmt.Sprintf("≥ %.2f× Go map, p99 ≤ %.1f×", warmMinRPSRatio, warmMaxP99Ratio)
				if median(rpsRatio) < warmMinRPSRatio {
					miss = append(miss, "throughput")
				}
				if median(p99Ratio) > warmMaxP99Ratio {
					miss = append(miss, "p99")
				}
			case "shortener-redis":
				target = fmt.Sprintf("≥ %.2f× cache-aside", redisMinRPSRatio)
				if len(caRatio) == 0 {
					miss = append(miss, "no cache-aside reference in the run")
				} else if median(caRatio) < redisMinRPSRatio {
					miss = append(miss, "throughput")
				}
			}
			if errs > 0 {
				miss = append(miss, fmt.Sprintf("%.0f errors", errs))
			}
			if target != "–" || errs > 0 {
				verdict = "meets"
				if len(miss) > 0 {
					verdict = "**misses** (" + strings.Join(miss, ", ") + ")"
				}
			}
			fmt.Printf("| %s | %s | %s | %s | %.2f ms | %.2f ms | %s | %s | %s | %s | %s | %s | `bench/service.sh %s` |\n",
				sc.name, sc.server, config, thousands(median(rps)), median(p50), median(p99), ratio, p99r, car, target, verdict, today(), sc.name)
		}
	}
	fmt.Println()
	fmt.Printf("Each figure is the median over rounds; ratios are medians of per-round ratios to gomap-warm of the same round and configuration. Rerunning one scenario reruns gomap-warm with it.\n")
	for _, n := range notes {
		fmt.Printf("\nNote: %s.\n", n)
	}
	return nil
}

// thousands writes 12345.6 as "12,346".
func thousands(x float64) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pinningNote says why the service is measured in two configurations and
// what each leaves out.
const pinningNote = "Why two configurations. With two cores, wrk and the server under test compete for the same CPU. " +
	"In \"shared\" the scheduler decides who runs when: wrk's own cost per request (about that of a minimal server) comes out of the server's share, " +
	"and a request's latency includes time the server spent waiting for a core that wrk held, so p99 measures the machine as much as the server. " +
	"\"pinned\" sets CPU affinity instead (`taskset -c 0` for wrk, `taskset -a -pc 1` for every thread of each server this script started, after start-up): " +
	"requests/s is then what one core of server does, and p99 is mostly the server's own queueing. " +
	"Neither configuration is the whole truth. Affinity only confines our processes; it reserves nothing, " +
	"so other processes on this shared machine still run on both cores (hence the load average printed below). " +
	"PostgreSQL, Redis and NATS are the machine's services and stay unpinned: in \"pinned\" the Redis-hit and miss paths borrow core 0 for their backing services while the in-memory servers cannot, " +
	"which flatters those paths against the Go map server. " +
	"That is why every figure is judged as a ratio to a reference measured in the same round and configuration, never by its absolute value.\n\n"
