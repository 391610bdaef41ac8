package diagram

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Numbers on a picture are read at a glance: two or three significant
// digits and a magnitude suffix, never a long decimal.

// formatNumber prints 3424 as "3.4k", 34.2 as "34", 0.25 as "0.25".
func formatNumber(v float64) string {
	if math.IsNaN(v) {
		return "?"
	}
	abs := math.Abs(v)
	switch {
	case abs >= 1e9:
		return short(v/1e9) + "G"
	case abs >= 1e6:
		return short(v/1e6) + "M"
	case abs >= 1e3:
		return short(v/1e3) + "k"
	case abs >= 10 || abs == 0:
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	case abs >= 1:
		return trim(strconv.FormatFloat(v, 'f', 1, 64))
	}
	return trim(strconv.FormatFloat(v, 'g', 2, 64))
}

// short keeps one decimal below 100 and none above.
func short(v float64) string {
	if math.Abs(v) >= 100 {
		return strconv.FormatFloat(math.Round(v), 'f', -1, 64)
	}
	return trim(strconv.FormatFloat(v, 'f', 1, 64))
}

func trim(s string) string {
	if strings.Contains(s, ".") && !strings.ContainsAny(s, "e") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// formatRPS prints a request rate; a trickle below 0.1 per second reads
// better per minute, hour or day ("8.3/h", not "0.0023 rps").
func formatRPS(v float64) string {
	if v > 0 && v < 0.1 {
		for _, u := range []struct {
			secs float64
			name string
		}{{60, "min"}, {3600, "h"}} {
			if v*u.secs >= 1 {
				return formatNumber(v*u.secs) + "/" + u.name
			}
		}
		return formatNumber(v*86400) + "/day"
	}
	return formatRate(v, "rps")
}

func formatRate(v float64, unit string) string { return formatNumber(v) + " " + unit }

// formatPercent prints 0.9 as "90%", 0.413 as "41%", 0.055 as "5.5%", and
// keeps the nines of 0.9995 ("99.95%"), where they are the whole point.
func formatPercent(r float64) string {
	p := r * 100
	switch {
	case p >= 99 && p < 100:
		return trim(strconv.FormatFloat(p, 'f', 2, 64)) + "%"
	case p >= 10:
		return strconv.FormatFloat(math.Round(p), 'f', -1, 64) + "%"
	}
	return trim(strconv.FormatFloat(p, 'f', 1, 64)) + "%"
}

// formatUSD prints whole dollars with thousands separators.
func formatUSD(v float64) string {
	n := int64(math.Round(v))
	s := strconv.FormatInt(n, 10)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return "$" + string(out)
}

// formatBytesRate prints a byte rate with decimal units, as network links
// are sold.
func formatBytesRate(bps float64) string { return decimalBytes(bps) + "/s" }

func decimalBytes(bps float64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	i := 0
	for bps >= 1000 && i < len(units)-1 {
		bps /= 1000
		i++
	}
	if bps >= 100 {
		return strconv.FormatFloat(math.Round(bps), 'f', -1, 64) + " " + units[i]
	}
	return trim(strconv.FormatFloat(bps, 'f', 1, 64)) + " " + units[i]
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// formatBytes prints a size in the units it was most likely written in:
// binary when it is a whole number of KiB, MiB, GiB or TiB, decimal
// otherwise, so "500GB" is not shown as "466GiB".
func formatBytes(b float64) string {
	for _, u := range []struct {
		size float64
		name string
	}{{1 << 40, "TiB"}, {1 << 30, "GiB"}, {1 << 20, "MiB"}, {1e12, "TB"}, {1e9, "GB"}, {1e6, "MB"}} {
		if tenths := b / u.size * 10; b >= u.size && math.Abs(tenths-math.Round(tenths)) < 1e-6 {
			return trim(strconv.FormatFloat(b/u.size, 'f', 1, 64)) + " " + u.name
		}
	}
	return decimalBytes(b)
}

// formatDuration prints a duration in its largest whole unit: "1d", "6h",
// "90s", "250ms".
func formatDuration(seconds float64) string {
	for _, u := range []struct {
		secs float64
		name string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}} {
		if seconds >= u.secs && math.Mod(seconds, u.secs) == 0 {
			return strconv.FormatFloat(seconds/u.secs, 'f', -1, 64) + u.name
		}
	}
	return formatNumber(seconds*1000) + "ms"
}
