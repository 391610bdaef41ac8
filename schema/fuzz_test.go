package schema

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"
)

// The fuzz targets feed arbitrary bytes to the loader in each format, and
// arbitrary strings to the unit parsers. Their seed corpora live in
// testdata/fuzz/<target> (the examples, the bad-input corpus and the
// parsers' table-test inputs); .ci/run runs each target briefly and
// RELIABILITY.md reports longer runs.

func FuzzLoadCUE(f *testing.F)  { fuzzLoad(f, "fuzz.cue", "cue") }
func FuzzLoadYAML(f *testing.F) { fuzzLoad(f, "fuzz.yaml", "yaml") }
func FuzzLoadJSON(f *testing.F) { fuzzLoad(f, "fuzz.json", "json") }

func fuzzLoad(f *testing.F, name, format string) {
	// A runaway evaluation must end in a positioned error, not a hang that
	// stalls the fuzzer: bound it well below the fuzzer's own patience.
	EvalTimeout = time.Second
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		cpu := cpuTime()
		d, err := LoadBytes(name, data, format)
		keepIfSlow(t, format, data, cpuTime()-cpu, err)
		if err != nil {
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error is not a list of positioned errors: %T %v", err, err)
			}
			if len(es) == 0 {
				t.Fatal("an empty list of errors")
			}
			for _, e := range es {
				if e.Pos.File == "" || e.Pos.Line < 1 || e.Pos.Col < 1 {
					t.Fatalf("error without a file:line:col position: %q", e.Error())
				}
				if e.Msg == "" || !utf8.ValidString(e.Msg) {
					t.Fatalf("error without a readable message: %q", e.Error())
				}
			}
			return
		}
		checkLoadedDesign(t, d)
	})
}

// slowLoad is how much CPU one load may take before keepIfSlow keeps its
// input: a real design loads in milliseconds.
const slowLoad = time.Second

// keepIfSlow saves an input that took more than slowLoad of CPU, or ran
// into EvalTimeout, to the directory TRADEOFF_FUZZ_SLOW names (unset: it
// does nothing). A slow input is not a failure the fuzzer should stop at
// (EvalTimeout ends it with a positioned error), but each is a construct
// the loader should refuse up front, and the fuzzer would otherwise
// forget it. CPU time, not wall time, so a loaded machine does not make
// every input look slow; the timeout is on wall time, so an input that hit
// it on a loaded machine is kept and can be timed again.
func keepIfSlow(t *testing.T, format string, data []byte, cpu time.Duration, err error) {
	dir := os.Getenv("TRADEOFF_FUZZ_SLOW")
	if dir == "" {
		return
	}
	var es Errors
	timedOut := errors.As(err, &es) && len(es) == 1 && strings.Contains(es[0].Msg, "to evaluate: simplify")
	if cpu < slowLoad && !timedOut {
		return
	}
	sum := sha256.Sum256(data)
	file := filepath.Join(dir, fmt.Sprintf("%s-%x-%dms.%s", format, sum[:8], cpu.Milliseconds(), format))
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatalf("keeping a slow input: %v", err)
	}
}

// cpuTime is the CPU time this process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// checkLoadedDesign asserts what every valid design guarantees the
// estimator and the rules: names, finite positive rates, an availability
// strictly between 0 and 1, and positions for every operation.
func checkLoadedDesign(t *testing.T, d *Design) {
	t.Helper()
	if d == nil {
		t.Fatal("no design and no error")
	}
	if d.System.Name == "" || d.Source == nil {
		t.Fatalf("design without a name or source: %+v", d.System)
	}
	if a := float64(d.SLO.Availability); !(a > 0 && a < 1) {
		t.Fatalf("availability %v accepted", a)
	}
	for name, op := range d.Traffic {
		r := op.Rate.PerSecond()
		if op.Name != name || !(r > 0) || math.IsInf(r, 0) || r > maxRatePerSecond {
			t.Fatalf("operation %q: name %q, rate %v accepted", name, op.Name, r)
		}
		if op.PeakFactor < 1 || len(op.Path) == 0 {
			t.Fatalf("operation %q: peak factor %v, path %v accepted", name, op.PeakFactor, op.Path)
		}
		if !d.Source.Pos("traffic." + name).IsValid() {
			t.Fatalf("operation %q has no position", name)
		}
	}
	for name, p99 := range d.SLO.P99 {
		if p99 <= 0 {
			t.Fatalf("p99 %v for %q accepted", p99, name)
		}
		if _, ok := d.Traffic[name]; !ok {
			t.Fatalf("p99 for unknown operation %q accepted", name)
		}
	}
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"50ms", "1.5s", "90d", "3y", "forever", "292y", "0.3s", "250µs"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseDuration(%q) = %d, negative", s, d)
		}
	})
}

func FuzzParseBytes(f *testing.F) {
	for _, s := range []string{"512B", "1KiB", "2GB", "1.5TiB", "13GiB", "0B"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBytes(s)
		if err == nil && !finiteNonNegative(float64(b)) {
			t.Fatalf("ParseBytes(%q) = %v", s, float64(b))
		}
	})
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{"1200/s", "2M/day", "30B/month", "2.628M/month", "1.5k/min", "5/hour", "1/year"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRate(s)
		if err == nil && !finiteNonNegative(float64(r)) {
			t.Fatalf("ParseRate(%q) = %v", s, float64(r))
		}
	})
}

func FuzzParseCount(f *testing.F) {
	for _, s := range []string{"1000000", "360M", "1.5k", "2T", "0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCount(s)
		if err == nil && !finiteNonNegative(c) {
			t.Fatalf("ParseCount(%q) = %v", s, c)
		}
	})
}

func FuzzParseRatio(f *testing.F) {
	for _, s := range []string{"99.95%", "0.9995", "25%", "100%", "0", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRatio(s)
		if err == nil && !(r >= 0 && r <= 1) {
			t.Fatalf("ParseRatio(%q) = %v, outside [0, 1]", s, float64(r))
		}
		// A ratio printed and parsed again is the same ratio, to the six
		// decimals of a percentage String keeps.
		if err == nil {
			back, err := ParseRatio(r.String())
			if err != nil || math.Abs(float64(back-r)) > 1e-8 {
				t.Fatalf("ParseRatio(%q) = %v prints as %q, which parses as %v (%v)", s, float64(r), r.String(), float64(back), err)
			}
		}
	})
}

func finiteNonNegative(f float64) bool { return f >= 0 && !math.IsInf(f, 0) && !math.IsNaN(f) }

func TestLoadGivesUpOnARunawayEvaluation(t *testing.T) {
	saved := EvalTimeout
	t.Cleanup(func() { EvalTimeout = saved })
	EvalTimeout = 10 * time.Millisecond
	// The load spins until the test ends, so only the limit can end it. A
	// real design under a 1 ns limit raced the limit: a pooled loader could
	// finish before the limit was checked (it failed once under load).
	stop := make(chan struct{})
	defer close(stop)
	_, err := bounded("slow.cue", func() (*Design, error) {
		for {
			select {
			case <-stop:
				return nil, nil
			default:
			}
		}
	})
	var es Errors
	if !errors.As(err, &es) || len(es) != 1 || !strings.Contains(es[0].Msg, "took more than 10ms to evaluate") || es[0].Pos.String() != "slow.cue:1:1" {
		t.Fatalf("want one positioned timeout error, got %v", err)
	}
}

// TestLoadLimitIsOnCPUTime: a load that waits (as one starved of CPU by a
// busy machine does) is not refused at EvalTimeout of wall time, only at
// evalWallFactor times it.
func TestLoadLimitIsOnCPUTime(t *testing.T) {
	if _, ok := processCPU(); !ok {
		t.Skip("CPU time is not measured on this system")
	}
	saved := EvalTimeout
	t.Cleanup(func() { EvalTimeout = saved })
	EvalTimeout = 50 * time.Millisecond
	waiting := func(d time.Duration) func() (*Design, error) {
		return func() (*Design, error) { time.Sleep(d); return &Design{}, nil }
	}
	if _, err := bounded("idle.cue", waiting(2*EvalTimeout)); err != nil {
		t.Errorf("a load that used no CPU for twice the limit was refused: %v", err)
	}
	if _, err := bounded("idle.cue", waiting(2*evalWallFactor*EvalTimeout)); err == nil {
		t.Error("a load past the wall-time bound was not refused")
	}
}
