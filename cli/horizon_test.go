package cli

import "testing"

func TestParseHorizon(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"36", 36, true},
		{"36mo", 36, true},
		{"36 months", 36, true},
		{"1month", 1, true},
		{"3y", 36, true},
		{"10years", 120, true},
		{"1Y", 12, true},
		{"0", 0, false},
		{"121", 0, false},
		{"11y", 0, false},
		{"3.5y", 0, false},
		{"36m", 0, false}, // minutes or months: refused, not guessed
		{"", 0, false},
		{"-3", 0, false},
	} {
		got, err := parseHorizon(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseHorizon(%q) = %d, %v; want %d (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
