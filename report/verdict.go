package report

import (
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/rules/render"
)

// verdict is the answer the document opens with: does the design meet its
// SLOs and its budget, and does the review pass.
type verdict struct {
	Pass     bool
	Headline string
	// Reasons are the estimate's, one per SLO and the budget.
	Reasons []string
	// Review is the review's one-line outcome.
	Review      string
	ReviewPass  bool
	MeetsSLO    bool
	MeetsBudget bool
}

func newVerdict(in *Input) verdict {
	v := in.Estimate.Verdict
	out := verdict{
		MeetsSLO:    v.MeetsSLO,
		MeetsBudget: v.MeetsBudget,
		Reasons:     v.Reasons,
		Review:      render.Verdict(in.Review, in.FailOn),
		ReviewPass:  in.Review.Failing(in.FailOn) == 0,
	}
	out.Pass = out.MeetsSLO && out.MeetsBudget && out.ReviewPass
	name := in.Estimate.Design
	switch {
	case out.Pass:
		out.Headline = name + " meets its SLOs and budget, and the review passes"
	default:
		out.Headline = name + " " + failures(out)
	}
	return out
}

// failures names what fails, in the order a reader fixes them.
func failures(v verdict) string {
	var parts []string
	if !v.MeetsSLO {
		parts = append(parts, "misses its SLOs")
	}
	if !v.MeetsBudget {
		parts = append(parts, "is over budget")
	}
	if !v.ReviewPass {
		parts = append(parts, "fails the review")
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return parts[0] + ", " + parts[1] + " and " + parts[2]
}

// activeAndWaived splits findings into those that count and those a
// current waiver hides.
func activeAndWaived(rep *rules.Report) (active, waived []rules.Finding) {
	for _, f := range rep.Findings {
		if f.Waived() {
			waived = append(waived, f)
		} else {
			active = append(active, f)
		}
	}
	return active, waived
}
