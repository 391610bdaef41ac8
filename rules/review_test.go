package rules

import (
	"strings"
	"testing"
	"time"
)

// reviewOverlay reviews the base design with an overlay applied, with the
// whole catalogue, as of 2026-11-01.
func reviewOverlay(t *testing.T, overlay string) *Report {
	t.Helper()
	d, err := Example{Overlay: overlay}.Design("design.json")
	if err != nil {
		t.Fatalf("overlay does not load: %v", err)
	}
	c, err := NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	return Review(c, Options{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
}

func find(rep *Report, id string) *Finding {
	for i := range rep.Findings {
		if rep.Findings[i].ID == id {
			return &rep.Findings[i]
		}
	}
	return nil
}

func TestWaivers(t *testing.T) {
	tests := []struct {
		name        string
		overlay     string
		waived      bool
		expired     bool
		stale       int
		failingHigh int
	}{
		{"a current waiver hides its finding",
			`observability: alertsOn: "none"
			 waivers: [{rule: "OBS006", component: "observability", reason: "pager rota starts in May", expires: "2026-12-31"}]`,
			true, false, 0, 0},
		{"a waiver is good through its expiry day",
			`observability: alertsOn: "none"
			 waivers: [{rule: "OBS006", reason: "pager rota starts in May", expires: "2026-11-01"}]`,
			true, false, 0, 0},
		{"an expired waiver no longer hides its finding",
			`observability: alertsOn: "none"
			 waivers: [{rule: "OBS006", reason: "pager rota starts in May", expires: "2026-10-31"}]`,
			false, true, 0, 1},
		{"a waiver for another component does not match",
			`observability: alertsOn: "none"
			 waivers: [{rule: "OBS006", component: "cache", reason: "wrong component"}]`,
			false, false, 1, 1},
		{"a waiver that matches nothing is stale",
			`waivers: [{rule: "CACHE001", reason: "fixed last sprint"}]`,
			false, false, 1, 0},
		{"a waiver for an unknown rule is stale",
			`waivers: [{rule: "NOPE001", reason: "typo"}]`,
			false, false, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := reviewOverlay(t, tt.overlay)
			if len(rep.StaleWaivers) != tt.stale {
				t.Errorf("stale waivers = %d, want %d: %+v", len(rep.StaleWaivers), tt.stale, rep.StaleWaivers)
			}
			if got := rep.Failing(High); got != tt.failingHigh {
				t.Errorf("failing at high = %d, want %d", got, tt.failingHigh)
			}
			f := find(rep, "OBS006@observability")
			if f == nil {
				return
			}
			if f.Waived() != tt.waived {
				t.Errorf("waived = %v, want %v", f.Waived(), tt.waived)
			}
			if expired := f.Waiver != nil && f.Waiver.Expired; expired != tt.expired {
				t.Errorf("expired = %v, want %v", expired, tt.expired)
			}
		})
	}
}

func TestStaleWaiverNamesTheRuleOrItsAbsence(t *testing.T) {
	rep := reviewOverlay(t, `waivers: [{rule: "NOPE001", reason: "typo"}, {rule: "CACHE001", component: "cache", reason: "gone"}]`)
	if len(rep.StaleWaivers) != 2 {
		t.Fatalf("want 2 stale waivers, got %+v", rep.StaleWaivers)
	}
	if got := rep.StaleWaivers[0].Message; got != "waiver for NOPE001 matches nothing: there is no rule NOPE001 (see `tradeoff rules`)" {
		t.Errorf("unknown rule message: %q", got)
	}
	if got := rep.StaleWaivers[1].Message; got != "waiver for CACHE001@cache matches nothing: the design no longer triggers it; remove the waiver" {
		t.Errorf("stale message: %q", got)
	}
}

func TestFindingsAreOrderedBySeverityThenRuleThenComponent(t *testing.T) {
	rep := reviewOverlay(t, `
		observability: {alertsOn: "none", logs: "plain", uptimeProbe: false}
		consistency: {create: {require: "strong", partition: "AP"}, redirect: {require: "strong", partition: "AP"}}
		budget: null`)
	var ids []string
	for _, f := range rep.Findings {
		ids = append(ids, f.ID)
	}
	want := []string{"CAP002@redirect", "CAP003@create", "CAP006@create", "CAP006@redirect", "OBS006@observability",
		"OBS004@observability", "OBS008@observability", "COST003@budget"}
	if len(ids) != len(want) {
		t.Fatalf("findings = %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("findings = %v, want %v", ids, want)
		}
	}
}

func TestReviewIsDeterministic(t *testing.T) {
	overlay := `observability: {alertsOn: "none", logs: "plain"}
		consistency: {create: {require: "strong", partition: "AP"}, redirect: {require: "strong", partition: "AP"}}`
	first := messages(reviewOverlay(t, overlay).Findings)
	for i := 0; i < 5; i++ {
		again := messages(reviewOverlay(t, overlay).Findings)
		if len(again) != len(first) {
			t.Fatalf("run %d differs", i)
		}
		for j := range first {
			if first[j] != again[j] {
				t.Fatalf("run %d differs at %d: %q vs %q", i, j, first[j], again[j])
			}
		}
	}
}

func TestCacheStampedeStatesTheNumbers(t *testing.T) {
	rep := reviewOverlay(t, `cache: {stampede: "none", hotKeyShare: "5%"}`)
	f := find(rep, "CACHE001@cache")
	if f == nil {
		t.Fatal("CACHE001 did not fire")
	}
	// redirect: 3B/month = 1,141.55/s average × 3 peak = 3,424.66/s; 5% of
	// it is 171.2/s on the hottest key; one read is 0.5ms RTT + 0.1ms
	// lookup = 0.6ms, so 0.1 request in flight, reported as at least 1.
	for _, want := range []string{"3,425 req/s of reads", "171 req/s (5%, cache.hotKeyShare)", "a 0.6ms database read", "read headroom at peak"} {
		if !strings.Contains(f.Message, want) {
			t.Errorf("message %q lacks %q", f.Message, want)
		}
	}
}

// TestQueueRulesCountABatchAsOneMessage: one consumer at 5ms per message
// cannot drain the base design's 1,142 clicks a second one by one, but it
// can when the app publishes them in batches (about 14 clicks per message
// from each of four instances every 50ms).
func TestQueueRulesCountABatchAsOneMessage(t *testing.T) {
	if find(reviewOverlay(t, `queue: {consumers: 1, workTime: "5ms"}`), "QUEUE006@queue") == nil {
		t.Error("QUEUE006 did not fire on unbatched clicks")
	}
	if f := find(reviewOverlay(t, `queue: {consumers: 1, workTime: "5ms", batchSize: 512, batchWait: "50ms"}`), "QUEUE006@queue"); f != nil {
		t.Errorf("QUEUE006 fired on batched clicks: %s", f.Message)
	}
}
