package schema

import (
	"strings"
	"testing"
)

// TestEveryFieldIsDocumented: the schema's comments are the docs (see
// docs/schema.md) and each one names the trade-off its field makes, so a
// field without one is a gap in the docs.
func TestEveryFieldIsDocumented(t *testing.T) {
	fields, err := Fields()
	if err != nil {
		t.Fatal(err)
	}
	if len(fields) < 100 {
		t.Fatalf("read only %d fields from the schema", len(fields))
	}
	for _, f := range fields {
		if f.Doc == "" && !strings.HasSuffix(f.Path, ">") {
			t.Errorf("%s has no comment in design.cue", f.Path)
		}
		if f.Want == "" {
			t.Errorf("%s: cannot say what it wants", f.Path)
		}
	}
}

func TestFieldAt(t *testing.T) {
	tests := []struct {
		path, want, wantText string
	}{
		{"system.cloud", "system.cloud", `one of "aws", "gcp", "azure"`},
		{"traffic.redirect.rate", "traffic.<operation>.rate", `a rate such as 1200 (per second), "1200/s", "2M/day" or "30B/month"`},
		{"traffic.redirect.path[2]", "traffic.<operation>.path[]", `one of "cdn", "loadBalancer", "services", "cache", "database", "replicas", "queue", "workers"`},
		{"traffic.click.data.retention", "traffic.<operation>.data.retention", `"forever" or a duration such as "50ms", "1.5s", "90d" or "3y"`},
		{"slo.p99.create", "slo.p99.<operation>", `a duration such as "50ms", "1.5s", "90d" or "3y"`},
		{"services.instances", "services.instances", "an integer from 1 to 100000"},
		{"services.targetUtilization", "services.targetUtilization", "a number greater than 0 and less than 1"},
		{"database.shardKey", "database.shardKey", "text not empty"},
		{"waivers[3].expires", "waivers[].expires", `a date written YYYY-MM-DD, such as "2027-01-31"`},
		{`overrides."app.rps_per_core"`, "overrides.<id>", ""},
		{"queue.carries[0]", "queue.carries[]", `a name of up to 63 letters, digits, "-" and "_", starting with a lower-case letter`},
		{"consistency.redirect.partition", "consistency.<operation>.partition", `one of "CP", "AP", "CA"`},
	}
	for _, tt := range tests {
		f := fieldAt(tt.path)
		if f == nil {
			t.Errorf("fieldAt(%q) = nil, want %s", tt.path, tt.want)
			continue
		}
		if f.Path != tt.want {
			t.Errorf("fieldAt(%q).Path = %q, want %q", tt.path, f.Path, tt.want)
		}
		if tt.wantText != "" && f.Want != tt.wantText {
			t.Errorf("fieldAt(%q).Want = %q, want %q", tt.path, f.Want, tt.wantText)
		}
	}
	for _, p := range []string{"nope", "system.nope", "traffic.x.nope"} {
		if f := fieldAt(p); f != nil {
			t.Errorf("fieldAt(%q) = %q, want nil", p, f.Path)
		}
	}
}

func TestSplitAndJoinPath(t *testing.T) {
	tests := []struct {
		parts []string
		path  string
	}{
		{[]string{"traffic", "redirect", "rate"}, "traffic.redirect.rate"},
		{[]string{"traffic", "redirect", "path", "1"}, "traffic.redirect.path[1]"},
		{[]string{"waivers", "0", "rule"}, "waivers[0].rule"},
		{[]string{"overrides", `"app.rps"`}, `overrides."app.rps"`},
		{[]string{"overrides", "app.rps"}, `overrides."app.rps"`},
	}
	for _, tt := range tests {
		if got := joinPath(tt.parts); got != tt.path {
			t.Errorf("joinPath(%q) = %q, want %q", tt.parts, got, tt.path)
		}
		got := splitPath(tt.path)
		want := make([]string, len(tt.parts))
		for i, p := range tt.parts {
			want[i] = strings.Trim(p, `"`)
		}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("splitPath(%q) = %q, want %q", tt.path, got, want)
		}
	}
}

// TestSizesAreTheSchemas keeps Sizes, which the importer and optimize
// use, the list design.cue accepts, in its order.
func TestSizesAreTheSchemas(t *testing.T) {
	want := `one of "` + strings.Join(Sizes, `", "`) + `"`
	for _, path := range []string{"services.size", "database.size", "components.<component>.size"} {
		if f := fieldAt(path); f == nil || f.Want != want {
			t.Errorf("%s wants %v, Sizes say %s", path, f, want)
		}
	}
	for _, s := range Sizes {
		if _, _, ok := SizeOf(s); !ok {
			t.Errorf("SizeOf(%q) does not parse", s)
		}
	}
}
