package estimator

import (
	"math"
	"testing"
)

func TestKeyspaceFor(t *testing.T) {
	for _, tc := range []struct {
		objects float64
		length  int
		fill    float64
	}{
		{1, 1, 1.0 / 62},
		{62, 1, 1},
		{63, 2, 63.0 / 3844},
		// A paste bin of 10M pastes a month for three years: 360M codes,
		// 62^5 = 916M holds them, 39% full.
		{360e6, 5, 360e6 / 916132832},
		// The talk's figure: 62^7 ≈ 3.5e12 codes hold 3.5 trillion links.
		{3.5e12, 7, 3.5e12 / 3521614606208},
		{3.6e12, 8, 3.6e12 / 218340105584896},
	} {
		k := keyspaceFor(tc.objects)
		if k.MinLength != tc.length || math.Abs(k.Fill-tc.fill) > 1e-5*tc.fill {
			t.Errorf("keyspaceFor(%g) = length %d, fill %g; want %d, %g", tc.objects, k.MinLength, k.Fill, tc.length, tc.fill)
		}
		if math.Abs(k.NextFill*62-k.Fill) > 1e-5*k.Fill {
			t.Errorf("keyspaceFor(%g): next fill %g is not fill/62", tc.objects, k.NextFill)
		}
	}
}
