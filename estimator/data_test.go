package estimator

import (
	"errors"
	"strings"
	"testing"
)

func mustCatalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := DefaultCatalog()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmbeddedDataIsSourcedAndDated(t *testing.T) {
	c := mustCatalog(t)
	if len(c.IDs()) < 80 {
		t.Fatalf("only %d figures loaded", len(c.IDs()))
	}
	for _, id := range c.IDs() {
		e, _ := c.Lookup(id)
		if e.Source == "" || e.AsOf == "" {
			t.Errorf("%s: figure without source or date", id)
		}
		if !e.Known() && e.Tag != TagUnsourced && e.Kind != "sla" {
			t.Errorf("%s: null figure must be tagged unsourced", id)
		}
		if e.Kind == "price" && !isCloud(cloudOf(id)) {
			t.Errorf("%s: price id must start with its cloud", id)
		}
	}
	for _, cloud := range Clouds {
		if c.AsOf[cloud] == "" {
			t.Errorf("%s.yaml has no as_of header", cloud)
		}
	}
}

func TestReferenceFiguresAreCopiedExactly(t *testing.T) {
	// A few figures from estimation.md, so an edit to the data files that
	// changes a number without changing the reference fails here.
	c := mustCatalog(t)
	tests := map[string]float64{
		"aws.compute.vm.general.2x8":    0.1008,
		"gcp.compute.vm.general.2x8":    0.097118,
		"azure.compute.vm.general.2x8":  0.096,
		"aws.cache.redis.node":          0.219,
		"gcp.cache.redis.standard.gb":   0.046,
		"azure.cache.redis.standard.c3": 328.50,
		"aws.db.postgres.2x8":           0.145,
		"azure.db.postgres.2x8":         148.19,
		"aws.lb.managed.hour":           0.0225,
		"aws.queue.sqs.request":         0.40,
		"aws.queue.kafka.broker":        0.21,
		"redis.get_per_node":            81000,
		"postgres.pk_reads_per_vcpu":    8750,
		"network.rtt.same_zone":         0.5,
		"aws.db.managed.multi_zone":     0.9995,
		"gcp.compute.multi_zone":        0.9999,
		"azure.db.managed.multi_zone":   0.9999,
	}
	for id, want := range tests {
		e, ok := c.Lookup(id)
		if !ok {
			t.Errorf("%s missing", id)
			continue
		}
		if e.V() != want {
			t.Errorf("%s = %g, want %g", id, e.V(), want)
		}
	}
}

func TestTieredEgress(t *testing.T) {
	c := mustCatalog(t)
	aws, _ := c.Lookup("aws.egress.internet")
	tests := []struct {
		name   string
		gb     float64
		want   float64
		beyond bool
	}{
		{"100 GB all in the first tier", 100, 9, false},
		{"20 TB spans two tiers", 20480, 10240*0.09 + 10240*0.085, false},
		{"beyond the last sourced tier is flagged", 200000, 10240*0.09 + 40960*0.085 + 102400*0.07 + (200000-153600)*0.07, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, beyond := aws.TieredCost(tt.gb)
			if !near(got, tt.want, 1e-12) || beyond != tt.beyond {
				t.Errorf("got $%.2f beyond=%v, want $%.2f beyond=%v", got, beyond, tt.want, tt.beyond)
			}
		})
	}
	az, _ := c.Lookup("azure.egress.internet")
	if got, _ := az.TieredCost(100); got != 0 {
		t.Errorf("Azure's first 100 GB are free, got $%g", got)
	}
}

func TestOverridesAndDiscounts(t *testing.T) {
	c := mustCatalog(t).Clone()
	err := c.ApplyOverrides("p.yaml", []byte(`
prices:
  aws.cache.redis.node: 0.2
  gcp.compute.vm.general.2x8: {usd: 0.05, source: "committed-use quote", as_of: "2026-10-01"}
discounts:
  aws: 10%
  aws.compute.vm.general.2x8: 0.3
`))
	if err != nil {
		t.Fatal(err)
	}
	check := func(id string, want float64, tag Tag) {
		t.Helper()
		e, _ := c.Lookup(id)
		if !near(e.V(), want, 1e-12) || e.Tag != tag {
			t.Errorf("%s = %g (%s), want %g (%s)", id, e.V(), e.Tag, want, tag)
		}
	}
	check("aws.cache.redis.node", 0.2*0.9, TagOverride)
	check("aws.compute.vm.general.2x8", 0.1008*0.7, TagSecondary)
	check("gcp.compute.vm.general.2x8", 0.05, TagOverride)
	check("aws.db.multi_az_multiplier", 2, TagPrimary) // factors take no discount
	check("aws.compute.single", 0.995, TagSecondary)   // nor SLAs
	// The default catalog is untouched.
	if e, _ := mustCatalog(t).Lookup("aws.cache.redis.node"); e.V() != 0.219 {
		t.Errorf("override leaked into the default catalog")
	}
}

func TestOverrideErrorsHavePositionAndHint(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"unknown id", "prices:\n  aws.cache.redis.nod: 1\n", `p.yaml:2:3: unknown price id "aws.cache.redis.nod"`},
		{"not a number", "prices:\n  aws.cache.redis.node: cheap\n", `p.yaml:2:25: price "cheap" is not a number`},
		{"negative", "prices:\n  aws.cache.redis.node: -1\n", "p.yaml:2:25: price must be a non-negative number"},
		{"bad discount", "discounts:\n  aws: 120%\n", `p.yaml:2:8: discount "120%" is not a percentage`},
		{"unknown cloud", "discounts:\n  ibm: 5%\n", `p.yaml:2:3: unknown cloud or price id "ibm"`},
		{"unknown key", "price:\n  aws.cache.redis.node: 1\n", `p.yaml:1:1: unknown key "price"`},
		{"garbage", "\x00\x01{[", "p.yaml:1:1: not valid YAML"},
		{"empty", "", "p.yaml:1:1: empty prices file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mustCatalog(t).Clone().ApplyOverrides("p.yaml", []byte(tt.in))
			var oe *OverrideError
			if !errors.As(err, &oe) {
				t.Fatalf("err = %v, want an OverrideError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || oe.Hint == "" {
				t.Errorf("err = %q, want prefix %q and a hint", err, tt.want)
			}
		})
	}
}
