package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// horizonMonths is the --horizon flag: a planning horizon in whole months,
// written as a number of months ("36") or with a unit ("36mo", "3y"). A
// capacity plan is read in years as often as in months; both spellings name
// the same horizon.
type horizonMonths int

const maxHorizonMonths = 120

func (h *horizonMonths) String() string { return strconv.Itoa(int(*h)) }

func (h *horizonMonths) Type() string { return "months" }

func (h *horizonMonths) Set(s string) error {
	n, err := parseHorizon(s)
	if err != nil {
		return err
	}
	*h = horizonMonths(n)
	return nil
}

// parseHorizon reads "36", "36mo", "36months", "3y" or "3years" as months.
func parseHorizon(s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	per, num := 1, t
	for _, u := range []struct {
		suffix string
		months int
	}{{"months", 1}, {"month", 1}, {"mo", 1}, {"years", 12}, {"year", 12}, {"y", 12}} {
		if strings.HasSuffix(t, u.suffix) {
			per, num = u.months, strings.TrimSpace(strings.TrimSuffix(t, u.suffix))
			break
		}
	}
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, fmt.Errorf("not a horizon: give whole months (36) or years (3y)")
	}
	if m := n * per; m >= 1 && m <= maxHorizonMonths {
		return m, nil
	}
	return 0, fmt.Errorf("give a horizon from 1 to %d months (%dy)", maxHorizonMonths, maxHorizonMonths/12)
}
