package cli

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/tradeoff-dev/tradeoff/estimator"
	"github.com/tradeoff-dev/tradeoff/rules"
	"github.com/tradeoff-dev/tradeoff/schema"
)

// The commands that run a design through the whole pipeline (report, diff,
// optimize) share these steps, so that each says the same thing about the
// same design as estimate and review do.

// catalogWithPrices returns the embedded figures, with a --prices file
// applied when one is given.
func catalogWithPrices(prices string) (*estimator.Catalog, error) {
	cat, err := estimator.DefaultCatalog()
	if err != nil {
		return nil, err
	}
	if prices == "" {
		return cat, nil
	}
	data, err := os.ReadFile(prices)
	if err != nil {
		return nil, &InputError{Err: fmt.Errorf("cannot read prices file: %v\n\thint: --prices takes a YAML file of prices: and discounts:", err)}
	}
	cat = cat.Clone()
	if err := cat.ApplyOverrides(prices, data); err != nil {
		return nil, &InputError{Err: err}
	}
	return cat, nil
}

// estimateDesign runs the estimator, keeping positioned design errors as
// they are and wrapping anything else as an input error.
func estimateDesign(d *schema.Design, opts estimator.Options) (*estimator.Result, error) {
	r, err := estimator.Estimate(d, opts)
	if err != nil {
		var es schema.Errors
		if errors.As(err, &es) {
			return nil, err
		}
		return nil, &InputError{Err: err}
	}
	return r, nil
}

// reviewDesign runs the rule catalogue with waivers judged as of today.
// The rules read the estimate `tradeoff review` makes (embedded figures,
// 12-month horizon); when the command's own estimate is that one (no
// --prices, the default horizon) it is passed in rather than made twice.
func reviewDesign(d *schema.Design, today time.Time, est *estimator.Result, prices string) (*rules.Report, error) {
	if est != nil && prices == "" && est.HorizonMonths == 12 && est.Scenario == estimator.ScenarioPeak {
		cat, err := estimator.DefaultCatalog()
		if err != nil {
			return nil, err
		}
		return rules.Review(&rules.Context{Design: d, Figures: cat, Estimate: est}, rules.Options{Today: today}), nil
	}
	ctx, err := rules.NewContext(d)
	if err != nil {
		return nil, fmt.Errorf("internal error: %v", err)
	}
	return rules.Review(ctx, rules.Options{Today: today}), nil
}

// parseToday reads --today; empty means the current date.
func parseToday(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, usageErrorf("invalid --today %q: write it as YYYY-MM-DD", s)
	}
	return t, nil
}

// refuseExisting stops before any work when the output file exists and
// --force was not given; writeFileAtomic checks again when it writes.
func refuseExisting(path string, force bool) error {
	if path == "" || path == "-" || force {
		return nil
	}
	if _, err := os.Lstat(path); err == nil {
		return usageErrorf("%s already exists: use --force to replace it", path)
	}
	return nil
}
