package diagram

import (
	"strings"

	"github.com/tradeoff-dev/tradeoff/schema"
)

// Input is everything a diagram can show: the design always, the
// estimator's numbers and the review's findings when the caller has them.
type Input struct {
	Design *schema.Design
	// Numbers are nil when the diagram is drawn from the design alone.
	Numbers *Numbers
	// Findings may be empty.
	Findings []Finding
}

// Numbers are the estimator's figures the diagram prints, keyed by the
// schema's component names ("loadBalancer", "services", "cache",
// "database", "replicas", "queue", "workers", "cdn").
type Numbers struct {
	// Cloud is the provider the costs are for.
	Cloud string
	// PeakRPS is each operation's peak request rate; an operation missing
	// here falls back to the design's rate × peak factor.
	PeakRPS map[string]float64
	// HitRatio is the cache tier's hit ratio in the estimate, if it has one.
	HitRatio *float64
	// OpHitRatio is each read operation's hit ratio on its path through
	// the cache; an operation missing here falls back to HitRatio.
	OpHitRatio map[string]float64
	// Components holds the per-tier figures.
	Components map[string]Load
	// Unpriced lists the price ids the estimate could not source on Cloud:
	// the costs drawn leave them out.
	Unpriced []string
	// ZoneDown is the estimator's zone-down scenario, which the failure
	// view draws; nil when the caller did not estimate it.
	ZoneDown *ZoneDown
}

// ZoneDown is what the estimator's zone-down scenario leaves of each tier.
type ZoneDown struct {
	// Components holds the survivors per tier, keyed like Numbers.Components.
	Components map[string]Survivors
	// HitRatio and OpHitRatio are the cache's hit ratios with the zone's
	// cache nodes gone.
	HitRatio   *float64
	OpHitRatio map[string]float64
	// Down lists the tiers with nothing left serving.
	Down []string
}

// Survivors is one tier after a zone is lost.
type Survivors struct {
	Instances, Serving int
	// Utilisation of what is left at peak; negative when the estimator has
	// no figure (a managed tier), +Inf when nothing is left.
	Utilisation float64
}

// Load is one tier's size and cost at peak.
type Load struct {
	Instances int
	// Utilisation at peak, 0..1 and beyond when overloaded; negative when
	// the estimator has no figure for this tier.
	Utilisation float64
	MonthlyUSD  float64
	// Assumed marks figures resting on an estimator assumption rather
	// than a sourced number.
	Assumed bool
}

// Severity orders findings; the diagram colours a component by its worst.
type Severity int

// Severities from mildest to worst.
const (
	SevInfo Severity = iota
	SevLow
	SevMedium
	SevHigh
	SevCritical
)

var severityNames = []string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return "unknown"
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name case-insensitively ("warning" counts
// as medium, "error" as high); unknown names are medium, so a finding is
// never dropped from the picture.
func ParseSeverity(s string) Severity {
	switch strings.ToLower(s) {
	case "info", "note":
		return SevInfo
	case "low":
		return SevLow
	case "medium", "warning", "warn":
		return SevMedium
	case "high", "error":
		return SevHigh
	case "critical":
		return SevCritical
	}
	return SevMedium
}

// Finding is one review finding as far as the picture cares: which tier it
// is about, how bad it is, and whether the team waived it.
type Finding struct {
	Rule      string
	Component string
	Severity  Severity
	Waived    bool
}

// Badge summarises a node's findings.
type Badge struct {
	// Worst is the worst severity among the open (unwaived) findings.
	Worst Severity
	// Open counts unwaived findings; Waived counts waived ones.
	Open, Waived int
	// Rules lists the rule IDs, open ones first, for tooltips.
	Rules []string
}
