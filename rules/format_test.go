package rules

import (
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/schema"
)

func TestNumbersReadAsPeopleWriteThem(t *testing.T) {
	tests := []struct{ got, want string }{
		{num(1234567), "1,234,567"},
		{num(3424.66), "3,425"},
		{num(1.525), "1.53"},
		{pct(0.9995), "99.95%"},
		{pct(0.99930010), "99.93%"},
		{pct(1.12222), "112%"},
		{pct(0.0562), "5.6%"},
		{pct(0.5), "50%"},
		{rps(3424.66), "3,425 req/s"},
		{rps(100.0 * 2 / 86400), "8.33 req/h"},
		{perTime(1.0/86400, "msg"), "1 msg/day"},
		{durText(schema.Duration(24 * time.Hour)), "1d"},
		{durText(schema.Duration(90 * time.Minute)), "1h30m"},
		{durText(schema.Duration(10 * time.Second)), "10s"},
		{durText(schema.Duration(2 * time.Millisecond)), "2ms"},
		{ms(0.0006), "0.6ms"},
		{ms(0.150), "150ms"},
		{downtime(0.999), "44 min"},
		{downtime(0.995), "3.65 h"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
