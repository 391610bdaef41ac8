package schema

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string // a substring of the error, "" for success
	}{
		{in: "50ms", want: 50 * time.Millisecond},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: "0.3s", want: 300 * time.Millisecond},
		{in: "0.1ms", want: 100 * time.Microsecond},
		{in: "250us", want: 250 * time.Microsecond},
		{in: "250µs", want: 250 * time.Microsecond},
		{in: "7ns", want: 7},
		{in: "2m", want: 2 * time.Minute},
		{in: "24h", want: 24 * time.Hour},
		{in: "90d", want: 90 * 24 * time.Hour},
		{in: "2w", want: 14 * 24 * time.Hour},
		{in: "3y", want: 3 * 365 * 24 * time.Hour},
		{in: "0.5d", want: 12 * time.Hour},
		{in: "0s", want: 0},
		{in: "forever", want: time.Duration(Forever)},
		{in: "292y", want: 292 * 365 * 24 * time.Hour},
		{in: "293y", err: "too long"},
		{in: "1e3s", err: "invalid duration"},
		{in: "50", err: "invalid duration"},
		{in: "ms", err: "invalid duration"},
		{in: "-5s", err: "invalid duration"},
		{in: "5 s", err: "invalid duration"},
		{in: "5S", err: "invalid duration"},
		{in: "1.2.3s", err: "invalid duration"},
		{in: ".s", err: "invalid duration"},
		{in: "", err: "invalid duration"},
		{in: "Forever", err: "invalid duration"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDuration(tt.in)
			if !errMatches(t, err, tt.err) {
				return
			}
			if time.Duration(got) != tt.want {
				t.Errorf("ParseDuration(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{50 * time.Millisecond, "50ms"},
		{1500 * time.Microsecond, "1.5ms"},
		{1500 * time.Millisecond, "1.5s"},
		{90 * time.Minute, "1h30m0s"},
		{90 * 24 * time.Hour, "90d"},
		{3 * 365 * 24 * time.Hour, "3y"},
		{time.Duration(Forever), "forever"},
		{0, "0ms"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.in); got != tt.want {
			t.Errorf("FormatDuration(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  string
	}{
		{in: "0B", want: 0},
		{in: "512B", want: 512},
		{in: "1KB", want: 1000},
		{in: "1.1KB", want: 1100},
		{in: "2MB", want: 2e6},
		{in: "2GB", want: 2e9},
		{in: "500GB", want: 500e9},
		{in: "3TB", want: 3e12},
		{in: "1PB", want: 1e15},
		{in: "1KiB", want: 1024},
		{in: "1.5KiB", want: 1536},
		{in: "13GiB", want: 13 * (1 << 30)},
		{in: "2MiB", want: 2 << 20},
		{in: "1TiB", want: 1 << 40},
		{in: "1PiB", want: 1 << 50},
		{in: "0.5B", want: 0.5},
		{in: "1kb", err: "invalid size"},
		{in: "1K", err: "invalid size"},
		{in: "1 KB", err: "invalid size"},
		{in: "KB", err: "invalid size"},
		{in: "-1KB", err: "invalid size"},
		{in: "1e3B", err: "invalid size"},
		{in: strings.Repeat("9", 400) + "PB", err: "invalid size"},
		{in: "", err: "invalid size"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBytes(tt.in)
			if !errMatches(t, err, tt.err) {
				return
			}
			if float64(got) != tt.want {
				t.Errorf("ParseBytes(%q) = %v, want %v", tt.in, float64(got), tt.want)
			}
		})
	}
}

func TestFormatBytes(t *testing.T) {
	tests := []struct {
		in   float64
		want string
	}{
		{0, "0B"},
		{512, "512B"},
		{1024, "1KiB"},
		{1536, "1.5KiB"},
		{13 * (1 << 30), "13GiB"},
		{500e9, "466GiB"},
		{1 << 60, "1EiB"},
	}
	for _, tt := range tests {
		if got := FormatBytes(tt.in); got != tt.want {
			t.Errorf("FormatBytes(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want float64 // per second, compared exactly
		err  string
	}{
		{in: "1200/s", want: 1200},
		{in: "1200/sec", want: 1200},
		{in: "5/second", want: 5},
		{in: "60/min", want: 1},
		{in: "120/minute", want: 2},
		{in: "3600/h", want: 1},
		{in: "7200/hour", want: 2},
		{in: "86400/day", want: 1},
		{in: "1.5k/s", want: 1500},
		{in: "2K/s", want: 2000},
		{in: "172.8k/day", want: 2},
		{in: "2M/day", want: 2e6 / 86400},
		// A month is 730 hours, the month cloud prices are billed by:
		// 730 × 3600 = 2,628,000 seconds.
		{in: "2.628M/month", want: 1},
		{in: "2628000/month", want: 1},
		{in: "26.28B/month", want: 10000},
		{in: "3B/month", want: 3e9 / 2628000},
		{in: "31.536M/year", want: 1},
		{in: "0.5/s", want: 0.5},
		{in: "1200", err: "invalid rate"},
		{in: "1200/d", err: "invalid rate"},
		{in: "1200/fortnight", err: "invalid rate"},
		{in: "/s", err: "invalid rate"},
		{in: "x/s", err: "invalid rate"},
		{in: "2X/s", err: "invalid rate"},
		{in: "-5/s", err: "invalid rate"},
		{in: "5/s/s", err: "invalid rate"},
		{in: "", err: "invalid rate"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRate(tt.in)
			if !errMatches(t, err, tt.err) {
				return
			}
			if got.PerSecond() != tt.want {
				t.Errorf("ParseRate(%q) = %v/s, want exactly %v/s", tt.in, got.PerSecond(), tt.want)
			}
		})
	}
}

func TestMonthIs730Hours(t *testing.T) {
	if SecondsPerMonth != 730*3600 {
		t.Fatalf("SecondsPerMonth = %d, want 730 h = %d s", SecondsPerMonth, 730*3600)
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  string
	}{
		{in: "0", want: 0},
		{in: "1000000", want: 1e6},
		{in: "1.5k", want: 1500},
		{in: "1.5K", want: 1500},
		{in: "360M", want: 360e6},
		{in: "2.628M", want: 2628000},
		{in: "0.1M", want: 100000},
		{in: "30B", want: 30e9},
		{in: "1.2T", want: 1.2e12},
		{in: "5m", err: "invalid count"},
		{in: "M", err: "invalid count"},
		{in: "1e6", err: "invalid count"},
		{in: "-3", err: "invalid count"},
		{in: "3 M", err: "invalid count"},
		{in: "", err: "invalid count"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseCount(tt.in)
			if !errMatches(t, err, tt.err) {
				return
			}
			if got != tt.want {
				t.Errorf("ParseCount(%q) = %v, want exactly %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRatio(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		err  string
	}{
		{in: "25%", want: 0.25},
		{in: "0%", want: 0},
		{in: "100%", want: 1},
		{in: "99.95%", want: 0.9995},
		{in: "99.9%", want: 0.999},
		{in: "99.99%", want: 0.9999},
		{in: "10%", want: 0.1},
		{in: "0.25", want: 0.25},
		{in: "0.9995", want: 0.9995},
		{in: "1", want: 1},
		{in: "0", want: 0},
		{in: "101%", err: "invalid percentage"},
		{in: "-1%", err: "invalid percentage"},
		{in: "NaN%", err: "invalid percentage"},
		{in: "%", err: "invalid percentage"},
		{in: "1.5", err: "invalid ratio"},
		{in: "-0.1", err: "invalid ratio"},
		{in: "NaN", err: "invalid ratio"},
		{in: "Inf", err: "invalid ratio"},
		{in: "abc", err: "invalid ratio"},
		{in: "", err: "invalid ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseRatio(tt.in)
			if !errMatches(t, err, tt.err) {
				return
			}
			if float64(got) != tt.want {
				t.Errorf("ParseRatio(%q) = %v, want exactly %v", tt.in, float64(got), tt.want)
			}
		})
	}
}

// TestAvailabilityNines checks the availabilities people write most: each
// must be the exact fraction, so that downtime budgets derived from them
// (a 99.95% month allows 21.9 minutes) come out clean.
func TestAvailabilityNines(t *testing.T) {
	for in, downMinutesPerMonth := range map[string]float64{
		"99%": 438, "99.5%": 219, "99.9%": 43.8, "99.95%": 21.9, "99.99%": 4.38, "99.999%": 0.438,
	} {
		r, err := ParseRatio(in)
		if err != nil {
			t.Fatalf("ParseRatio(%q): %v", in, err)
		}
		got := (1 - float64(r)) * HoursPerMonth * 60
		if math.Abs(got-downMinutesPerMonth) > 1e-9 {
			t.Errorf("%s allows %v minutes of downtime a month, want %v", in, got, downMinutesPerMonth)
		}
	}
}

func TestUnitStrings(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Rate(1200).String(), "1200/s"},
		{Rate(0.5).String(), "0.5/s"},
		{Rate(1141.5525).String(), "1142/s"},
		{Ratio(0.9995).String(), "99.95%"},
		{Ratio(0.25).String(), "25%"},
		{Bytes(1536).String(), "1.5KiB"},
		{Duration(50 * time.Millisecond).String(), "50ms"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

// errMatches reports whether the test should go on to check the value: it
// fails the test when err does not match want ("" means no error).
func errMatches(t *testing.T, err error, want string) bool {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
	return want == ""
}

// TestRetentionForeverSurvivesDecoding: the default retention and a
// written "forever" both decode to Forever. Through a float64 the sentinel
// came back as another duration and "forever" stored nothing new.
func TestRetentionForeverSurvivesDecoding(t *testing.T) {
	const design = `
system: name: "r"
traffic: {
	a: {kind: "write", rate: 1, peakFactor: 1, requestSize: "1B", responseSize: "1B", path: ["services", "database"], data: {objects: 0, objectSize: "1B"}}
	b: {kind: "write", rate: 1, peakFactor: 1, requestSize: "1B", responseSize: "1B", path: ["services", "database"], data: {objects: 0, objectSize: "1B", retention: "forever"}}
	c: {kind: "write", rate: 1, peakFactor: 1, requestSize: "1B", responseSize: "1B", path: ["services", "database"], data: {objects: 0, objectSize: "1B", retention: "3y"}}
}
slo: availability: "99%"
services: {instances: 1, zones: 1}
database: kind: "postgres"
`
	d, err := LoadBytes("design.cue", []byte(design), "cue")
	if err != nil {
		t.Fatal(err)
	}
	for op, want := range map[string]Duration{"a": Forever, "b": Forever, "c": 3 * 365 * 24 * Duration(time.Hour)} {
		if got := d.Traffic[op].Data.Retention; got != want {
			t.Errorf("%s: retention %v (%d), want %v", op, got, int64(got), want)
		}
	}
}
