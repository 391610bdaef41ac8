package estimator

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Num formats a figure for a derivation the way an engineer writes it on a
// whiteboard: 3.5T, 3B, 2.5M, 86,400, 69.4, 0.29.
func Num(x float64) string {
	switch {
	case math.IsInf(x, 1):
		return "∞"
	case math.IsNaN(x):
		return "?"
	case x < 0:
		return "−" + Num(-x)
	case x >= 1e12:
		return trim(x/1e12, 3) + "T"
	case x >= 1e9:
		return trim(x/1e9, 3) + "B"
	case x >= 1e6:
		return trim(x/1e6, 3) + "M"
	case x >= 100:
		return group(math.Round(x))
	case x >= 10:
		return trim(x, 3)
	case x == 0:
		return "0"
	case x >= 0.01:
		return strconv.FormatFloat(roundSig(x, 2), 'f', -1, 64)
	}
	return strconv.FormatFloat(roundSig(x, 2), 'g', -1, 64)
}

// trim prints x with at most sig significant digits and no trailing zeros.
func trim(x float64, sig int) string {
	return strconv.FormatFloat(roundSig(x, sig), 'f', -1, 64)
}

func roundSig(x float64, sig int) float64 {
	if x == 0 {
		return 0
	}
	p := math.Pow(10, float64(sig)-math.Ceil(math.Log10(math.Abs(x))))
	return math.Round(x*p) / p
}

func group(x float64) string {
	s := strconv.FormatFloat(x, 'f', 0, 64)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// USD formats dollars: $1,234 or $12.34.
func USD(x float64) string {
	if x >= 100 {
		return "$" + group(math.Round(x))
	}
	return fmt.Sprintf("$%.2f", x)
}

// USDCents formats dollars to the cent, for bill lines: $1,234.56.
func USDCents(x float64) string {
	c := math.Round(x * 100)
	whole := math.Floor(c / 100)
	return fmt.Sprintf("$%s.%02d", group(whole), int(c-whole*100))
}

// Pct formats a fraction as a percentage with enough digits to tell
// 99.95% from 99.99%. It never rounds up to a row of nines (99%, 99.9%)
// a value below it: 99.898% against a 99.9% SLO must not read 99.9%.
func Pct(x float64) string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + "%" }
	switch {
	case x >= 1:
		return f(math.Round(x*1000) / 10)
	case x >= 0.999:
		return f(math.Floor(x*1e6) / 1e4)
	case x >= 0.99:
		if v := math.Round(x*1e4) / 100; v < 99.9 {
			return f(v)
		}
		return f(math.Floor(x*1e5) / 1e3)
	case x >= 0.1:
		if v := math.Round(x*1000) / 10; v < 99 {
			return f(v)
		}
		return f(math.Floor(x*1e4) / 100)
	}
	return f(roundSig(x*100, 2))
}

// Ms formats seconds as milliseconds.
func Ms(seconds float64) string {
	if math.IsInf(seconds, 1) {
		return "∞ ms"
	}
	return Num(seconds*1000) + " ms"
}

// Bytes formats a size in binary units.
func Bytes(b float64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for b >= 1024 && i < len(units)-1 {
		b /= 1024
		i++
	}
	return trim(b, 3) + " " + units[i]
}

// Duration formats seconds as a readable span.
func Duration(s float64) string {
	switch {
	case math.IsInf(s, 1):
		return "never"
	case s < 120:
		return Num(s) + " s"
	case s < 2*3600:
		return Num(s/60) + " min"
	case s < 2*SecondsPerDay:
		return Num(s/3600) + " h"
	}
	return Num(s/SecondsPerDay) + " days"
}
