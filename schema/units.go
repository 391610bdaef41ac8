package schema

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"cuelang.org/go/cue"
)

// Units are written the way people write them ("50ms", "1KiB", "2M/day",
// "99.95%") and parsed once, here, into typed values. The CUE schema checks
// their shape; these parsers give them meaning and reject magnitudes that
// the shape cannot (overflow, zero where zero is absurd).

// Seconds in the calendar units rates and retentions are written in. A month
// is 730 hours, the constant cloud price lists bill by, so that a rate per
// month and a price per month describe the same month.
const (
	SecondsPerMinute = 60
	SecondsPerHour   = 3600
	SecondsPerDay    = 86400
	HoursPerMonth    = 730
	SecondsPerMonth  = HoursPerMonth * SecondsPerHour
	SecondsPerYear   = 365 * SecondsPerDay
)

// Duration is a length of time. It extends time.Duration's syntax with days
// (d), weeks (w) and 365-day years (y), which retention periods need.
type Duration time.Duration

// Seconds returns d in seconds.
func (d Duration) Seconds() float64 { return time.Duration(d).Seconds() }

// Milliseconds returns d in (fractional) milliseconds.
func (d Duration) Milliseconds() float64 { return float64(d) / float64(time.Millisecond) }

func (d Duration) String() string { return FormatDuration(time.Duration(d)) }

// Forever is the retention of data that is never deleted.
const Forever = Duration(math.MaxInt64)

var durationUnits = map[string]float64{
	"ns": float64(time.Nanosecond), "us": float64(time.Microsecond), "µs": float64(time.Microsecond),
	"ms": float64(time.Millisecond), "s": float64(time.Second), "m": float64(time.Minute),
	"h": float64(time.Hour), "d": 24 * float64(time.Hour), "w": 7 * 24 * float64(time.Hour),
	"y": 365 * 24 * float64(time.Hour),
}

// ParseDuration parses "50ms", "1.5s", "90d", "3y" or "forever".
func ParseDuration(s string) (Duration, error) {
	if s == "forever" {
		return Forever, nil
	}
	num, unit := splitNumber(s)
	mult, ok := durationUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid duration %q: write a number and a unit, such as \"50ms\", \"1.5s\", \"90d\"", s)
	}
	f, err := parseDecimal(num, 0)
	if err != nil {
		return 0, fmt.Errorf("invalid duration %q: write a number and a unit, such as \"50ms\", \"1.5s\", \"90d\"", s)
	}
	// Rounded, not truncated: 0.3 × 1e9 is 299999999.99999994 in floating
	// point, and "0.3s" means 300ms.
	v := math.Round(f * mult)
	if v >= math.MaxInt64 {
		return 0, fmt.Errorf("duration %q is too long: the longest is about 292 years", s)
	}
	return Duration(v), nil
}

// FormatDuration prints d the short way people write it.
func FormatDuration(d time.Duration) string {
	switch {
	case Duration(d) == Forever:
		return "forever"
	case d >= 365*24*time.Hour && d%(365*24*time.Hour) == 0:
		return fmt.Sprintf("%dy", d/(365*24*time.Hour))
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Second:
		return d.String()
	default:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64) + "ms"
	}
}

// Bytes is a size in bytes.
type Bytes float64

// byteUnits are decimal exponents for SI units and multipliers for binary
// ones; a binary multiplier is a power of two, so multiplying by it is exact.
var byteUnits = map[string]struct {
	exp10 int
	mult  float64
}{
	"B": {0, 1}, "KB": {3, 1}, "MB": {6, 1}, "GB": {9, 1}, "TB": {12, 1}, "PB": {15, 1},
	"KiB": {0, 1 << 10}, "MiB": {0, 1 << 20}, "GiB": {0, 1 << 30}, "TiB": {0, 1 << 40}, "PiB": {0, 1 << 50},
}

// ParseBytes parses "512B", "1KiB", "2GB".
func ParseBytes(s string) (Bytes, error) {
	num, unit := splitNumber(s)
	u, ok := byteUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid size %q: write a number and a unit, such as \"512B\", \"1KiB\", \"2GB\"", s)
	}
	f, err := parseDecimal(num, u.exp10)
	if err != nil || math.IsInf(f*u.mult, 0) {
		return 0, fmt.Errorf("invalid size %q: the number is too large or malformed", s)
	}
	return Bytes(f * u.mult), nil
}

func (b Bytes) String() string { return FormatBytes(float64(b)) }

// FormatBytes prints a size with a binary unit and three significant digits.
func FormatBytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return trimFloat(b) + units[i]
}

// Rate is an average rate in events per second.
type Rate float64

var ratePeriods = map[string]float64{
	"s": 1, "sec": 1, "second": 1,
	"min": SecondsPerMinute, "minute": SecondsPerMinute,
	"h": SecondsPerHour, "hour": SecondsPerHour,
	"day": SecondsPerDay, "month": SecondsPerMonth, "year": SecondsPerYear,
}

// magnitudes are the decimal exponents of the suffixes counts are written
// with: "360M" is 360e6.
var magnitudes = map[string]int{"": 0, "k": 3, "K": 3, "M": 6, "B": 9, "T": 12}

// ParseRate parses "1200/s", "2M/day", "30B/month". A month is 730 hours.
func ParseRate(s string) (Rate, error) {
	count, period, ok := strings.Cut(s, "/")
	secs, known := ratePeriods[period]
	if !ok || !known {
		return 0, fmt.Errorf("invalid rate %q: write a count per period, such as \"1200/s\", \"2M/day\" or \"30B/month\"", s)
	}
	n, err := ParseCount(count)
	if err != nil {
		return 0, fmt.Errorf("invalid rate %q: %v", s, err)
	}
	return Rate(n / secs), nil
}

// PerSecond returns r in events per second.
func (r Rate) PerSecond() float64 { return float64(r) }

func (r Rate) String() string { return trimFloat(float64(r)) + "/s" }

// ParseCount parses 1000000, "360M", "1.5k".
func ParseCount(s string) (float64, error) {
	num, mag := splitNumber(s)
	exp, ok := magnitudes[mag]
	if num == "" || !ok {
		return 0, fmt.Errorf("invalid count %q: write a number with an optional k, M, B or T, such as \"360M\"", s)
	}
	f, err := parseDecimal(num, exp)
	if err != nil {
		return 0, fmt.Errorf("invalid count %q: the number is too large or malformed", s)
	}
	return f, nil
}

// Ratio is a fraction between 0 and 1 ("25%" or 0.25).
type Ratio float64

// ParseRatio parses "99.95%" or "0.9995".
func ParseRatio(s string) (Ratio, error) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := parseDecimal(p, -2)
		if err != nil || f > 1 {
			return 0, fmt.Errorf("invalid percentage %q: write a value from 0%% to 100%%, such as \"99.95%%\"", s)
		}
		return Ratio(f), nil
	}
	f, err := parseDecimal(s, 0)
	if err != nil || f > 1 {
		return 0, fmt.Errorf("invalid ratio %q: write a fraction from 0 to 1, or a percentage such as \"25%%\"", s)
	}
	return Ratio(f), nil
}

func (r Ratio) String() string {
	// Six decimals of a percentage keep 99.9995% intact and hide the
	// floating-point noise of ×100.
	p := strconv.FormatFloat(float64(r)*100, 'f', 6, 64)
	p = strings.TrimRight(strings.TrimRight(p, "0"), ".")
	return p + "%"
}

// Count is a number of things (objects, keys).
type Count float64

// parseDecimal parses an unsigned decimal ("2.628") scaled by 10^exp10.
// Scaling in decimal before converting to binary keeps the written value
// exact where it can be: "2.628M" is exactly 2628000 and "99.9%" exactly
// the float nearest 0.999, not 99.9/100. Signs, exponents, NaN and Inf are
// rejected: the schema never lets them through, and fuzzers try them.
func parseDecimal(num string, exp10 int) (float64, error) {
	if num == "" || num == "." || strings.Count(num, ".") > 1 {
		return 0, fmt.Errorf("invalid number %q", num)
	}
	for i := 0; i < len(num); i++ {
		if (num[i] < '0' || num[i] > '9') && num[i] != '.' {
			return 0, fmt.Errorf("invalid number %q", num)
		}
	}
	f, err := strconv.ParseFloat(num+"e"+strconv.Itoa(exp10), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Errorf("number %q is too large", num)
	}
	return f, nil
}

// splitNumber splits "1.5KiB" into "1.5" and "KiB".
func splitNumber(s string) (num, unit string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	return s[:i], s[i:]
}

func trimFloat(f float64) string {
	if f >= 100 || f == math.Trunc(f) {
		return strconv.FormatFloat(math.Round(f), 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', 3, 64)
}

// Decoding from CUE: a unit field may be a string or, for rates, ratios and
// counts, a plain number. Errors carry the field's position.

func decodeString(v cue.Value, parse func(string) (float64, error)) (float64, error) {
	if v.Kind() == cue.StringKind {
		s, err := v.String()
		if err != nil {
			return 0, err
		}
		return parse(s)
	}
	return v.Float64()
}

// UnmarshalCUE implements cue.Unmarshaler.
//
// A duration is parsed straight to its integer nanoseconds, not through a
// float64: float64(Forever) is 2^63, which does not convert back to an
// int64, and a "forever" retention came back as some other duration.
func (d *Duration) UnmarshalCUE(v cue.Value) error {
	if v.Kind() != cue.StringKind {
		f, err := v.Float64()
		*d = Duration(f)
		return posErr(v, err)
	}
	s, err := v.String()
	if err != nil {
		return posErr(v, err)
	}
	*d, err = ParseDuration(s)
	return posErr(v, err)
}

// UnmarshalCUE implements cue.Unmarshaler.
func (b *Bytes) UnmarshalCUE(v cue.Value) error {
	f, err := decodeString(v, func(s string) (float64, error) { b, err := ParseBytes(s); return float64(b), err })
	*b = Bytes(f)
	return posErr(v, err)
}

// UnmarshalCUE implements cue.Unmarshaler.
func (r *Rate) UnmarshalCUE(v cue.Value) error {
	f, err := decodeString(v, func(s string) (float64, error) { r, err := ParseRate(s); return float64(r), err })
	*r = Rate(f)
	return posErr(v, err)
}

// UnmarshalCUE implements cue.Unmarshaler.
func (r *Ratio) UnmarshalCUE(v cue.Value) error {
	f, err := decodeString(v, func(s string) (float64, error) { r, err := ParseRatio(s); return float64(r), err })
	*r = Ratio(f)
	return posErr(v, err)
}

// UnmarshalCUE implements cue.Unmarshaler.
func (c *Count) UnmarshalCUE(v cue.Value) error {
	f, err := decodeString(v, ParseCount)
	*c = Count(f)
	return posErr(v, err)
}
