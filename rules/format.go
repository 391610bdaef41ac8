package rules

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Numbers in messages are written for people: thousands separated, three
// significant digits where precision would be false.

// num writes f with thousands separators: 1234567 -> "1,234,567"; values
// under 10 keep up to two decimals.
func num(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	if math.Abs(f) < 10 && f != math.Trunc(f) {
		return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	}
	s := strconv.FormatInt(int64(math.Round(f)), 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// rps writes a request rate: "3,425 req/s", or per minute, hour or day
// when it is below one a second.
func rps(f float64) string { return perTime(f, "req") }

// perTime writes a rate of things in the largest unit that keeps it at
// least one: "3,425 msg/s", "12 msg/min", "200 msg/day".
func perTime(perSecond float64, what string) string {
	switch {
	case perSecond >= 1 || perSecond == 0:
		return num(perSecond) + " " + what + "/s"
	case perSecond*60 >= 1:
		return num(perSecond*60) + " " + what + "/min"
	case perSecond*3600 >= 1:
		return num(perSecond*3600) + " " + what + "/h"
	}
	return num(perSecond*86400) + " " + what + "/day"
}

// durText writes a duration the way designs write them: "1h", "90m",
// "24h", rather than time.Duration's "24h0m0s".
func durText(d schema.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// pct writes a fraction as a percentage: 0.9995 -> "99.95%".
func pct(f float64) string {
	p := f * 100
	switch {
	case p == math.Trunc(p):
		return strconv.FormatFloat(p, 'f', 0, 64) + "%"
	case p >= 100:
		return strconv.FormatFloat(math.Round(p), 'f', 0, 64) + "%"
	case p >= 99:
		t := strings.TrimRight(strconv.FormatFloat(p, 'f', 3, 64), "0")
		return strings.TrimSuffix(t, ".") + "%"
	}
	return strconv.FormatFloat(p, 'f', 1, 64) + "%"
}

// dur writes seconds the way durations are written in designs.
func dur(seconds float64) string {
	return schema.FormatDuration(time.Duration(seconds * float64(time.Second)))
}

// ms writes seconds as milliseconds: 0.0005 -> "0.5ms".
func ms(seconds float64) string {
	v := seconds * 1000
	if v >= 10 {
		return num(v) + "ms"
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64) + "ms"
}

// plural picks the singular or plural noun for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}
