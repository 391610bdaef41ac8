package estimator

import (
	"math"
	"testing"
)

func TestNumbersReadLikeAWhiteboard(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{Num(3.52e12), "3.52T"},
		{Num(3e9), "3B"},
		{Num(2.5e6), "2.5M"},
		{Num(86400), "86,400"},
		{Num(1141.55), "1,142"},
		{Num(69.444), "69.4"},
		{Num(0.2893), "0.29"},
		{Num(0.000123), "0.00012"},
		{Num(0), "0"},
		{Num(math.Inf(1)), "∞"},
		{USD(6000), "$6,000"},
		{USD(16.425), "$16.43"},
		{USDCents(1234.567), "$1,234.57"},
		{USDCents(0.5), "$0.50"},
		{Pct(0.9995), "99.95%"},
		{Pct(0.99989), "99.989%"},
		{Pct(0.5), "50%"},
		{Pct(0.994801), "99.48%"},
		// Never rounded up to the row of nines it is below.
		{Pct(0.99898), "99.898%"},
		{Pct(0.98996), "98.99%"},
		{Pct(0.99), "99%"},
		{Pct(0.9989), "99.89%"},
		{Ms(0.0123), "12.3 ms"},
		{Bytes(13 * GiB), "13 GiB"},
		{Duration(1200), "20 min"},
		{Duration(math.Inf(1)), "never"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
