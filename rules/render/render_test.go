package render

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// sampleReport reviews the base design with a few flaws and a waiver of
// each kind: current, expired and stale.
func sampleReport(t *testing.T) *rules.Report {
	t.Helper()
	d, err := rules.Example{Overlay: `
		observability: {alertsOn: "none", logs: "plain", uptimeProbe: false}
		consistency: create: {require: "strong", partition: "AP"}
		waivers: [
			{rule: "OBS008", component: "observability", reason: "moving to slog", owner: "sam", expires: "2027-01-01"},
			{rule: "OBS004", reason: "probe contract signed", expires: "2026-01-01"},
			{rule: "CACHE001", reason: "fixed"},
		]`}.Design("design.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := rules.NewContext(d)
	if err != nil {
		t.Fatal(err)
	}
	return rules.Review(c, rules.Options{Today: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)})
}

// TestSARIFEssentials checks the output against what the SARIF 2.1.0
// schema requires and what GitHub code scanning reads: version, runs,
// tool.driver.name, rules with ids and descriptions, results whose ruleId
// and ruleIndex agree, levels from the schema's enum, a message text, and
// physical locations with 1-based lines and columns.
func TestSARIFEssentials(t *testing.T) {
	rep := sampleReport(t)
	var buf bytes.Buffer
	if err := SARIF(&buf, rep, Options{FailOn: rules.High, Version: "test"}); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log["version"] != "2.1.0" {
		t.Errorf("version = %v", log["version"])
	}
	if s, _ := log["$schema"].(string); !strings.Contains(s, "sarif-2.1.0") {
		t.Errorf("$schema = %v", log["$schema"])
	}
	runs := arr(t, log, "runs")
	if len(runs) != 1 {
		t.Fatalf("want one run, got %d", len(runs))
	}
	run := runs[0].(map[string]any)
	driver := obj(t, obj(t, run, "tool"), "driver")
	if driver["name"] != "tradeoff" {
		t.Errorf("driver.name = %v", driver["name"])
	}
	ruleList := arr(t, driver, "rules")
	if len(ruleList) != len(rules.All()) {
		t.Errorf("driver has %d rules, catalogue %d", len(ruleList), len(rules.All()))
	}
	levels := map[string]bool{"none": true, "note": true, "warning": true, "error": true}
	for i, r := range ruleList {
		rm := r.(map[string]any)
		if id, _ := rm["id"].(string); id == "" {
			t.Errorf("rule %d has no id", i)
		}
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if txt, _ := obj(t, rm, k)["text"].(string); txt == "" {
				t.Errorf("rule %v has no %s.text", rm["id"], k)
			}
		}
		if lv, _ := obj(t, rm, "defaultConfiguration")["level"].(string); !levels[lv] {
			t.Errorf("rule %v has level %q", rm["id"], lv)
		}
		if name, _ := rm["name"].(string); !regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`).MatchString(name) {
			t.Errorf("rule %v has name %q", rm["id"], name)
		}
	}
	results := arr(t, run, "results")
	if len(results) != len(rep.Findings) {
		t.Fatalf("%d results for %d findings", len(results), len(rep.Findings))
	}
	suppressed := 0
	for _, r := range results {
		rm := r.(map[string]any)
		idx := int(rm["ruleIndex"].(float64))
		if ruleList[idx].(map[string]any)["id"] != rm["ruleId"] {
			t.Errorf("result %v: ruleIndex %d names %v", rm["ruleId"], idx, ruleList[idx].(map[string]any)["id"])
		}
		if lv, _ := rm["level"].(string); !levels[lv] {
			t.Errorf("result %v: level %q", rm["ruleId"], lv)
		}
		if txt, _ := obj(t, rm, "message")["text"].(string); txt == "" {
			t.Errorf("result %v: no message", rm["ruleId"])
		}
		locs := arr(t, rm, "locations")
		if len(locs) != 1 {
			t.Fatalf("result %v: %d locations", rm["ruleId"], len(locs))
		}
		phys := obj(t, locs[0].(map[string]any), "physicalLocation")
		if uri, _ := obj(t, phys, "artifactLocation")["uri"].(string); uri != "design.json" {
			t.Errorf("result %v: uri %q", rm["ruleId"], uri)
		}
		region := obj(t, phys, "region")
		if region["startLine"].(float64) < 1 || region["startColumn"].(float64) < 1 {
			t.Errorf("result %v: region %v", rm["ruleId"], region)
		}
		if fp := obj(t, rm, "partialFingerprints"); len(fp) == 0 {
			t.Errorf("result %v: no partialFingerprints", rm["ruleId"])
		}
		if s, ok := rm["suppressions"].([]any); ok {
			suppressed++
			sup := s[0].(map[string]any)
			if sup["kind"] != "external" || sup["status"] != "accepted" || sup["justification"] == "" {
				t.Errorf("result %v: suppression %v", rm["ruleId"], sup)
			}
		}
	}
	if suppressed != 1 {
		t.Errorf("%d suppressed results, want 1 (the current waiver)", suppressed)
	}
	inv := arr(t, run, "invocations")[0].(map[string]any)
	if inv["executionSuccessful"] != true {
		t.Error("invocation not marked successful")
	}
	if n := len(arr(t, inv, "toolExecutionNotifications")); n != 1 {
		t.Errorf("%d notifications, want 1 (the stale waiver)", n)
	}
}

func TestTextWithoutColorHasNoEscapes(t *testing.T) {
	var plain, colored bytes.Buffer
	rep := sampleReport(t)
	if err := Text(&plain, rep, Options{FailOn: rules.High}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Errorf("plain text carries escape codes:\n%s", plain.String())
	}
	for _, want := range []string{"HIGH (3)", "WAIVED (1)", "STALE WAIVERS (1)", "waiver expired:", "FAIL: 3 finding(s) at or above high"} {
		if !strings.Contains(plain.String(), want) {
			t.Errorf("text lacks %q:\n%s", want, plain.String())
		}
	}
	if err := Text(&colored, rep, Options{FailOn: rules.High, Color: true}); err != nil {
		t.Fatal(err)
	}
}

func TestMarkdownIsACommentWithOneRowPerFinding(t *testing.T) {
	var buf bytes.Buffer
	rep := sampleReport(t)
	if err := Markdown(&buf, rep, Options{FailOn: rules.High}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	rows := strings.Count(out, "\n| high |") + strings.Count(out, "\n| medium |") + strings.Count(out, "\n| low |")
	active := 0
	for _, f := range rep.Findings {
		if !f.Waived() {
			active++
		}
	}
	if rows != active {
		t.Errorf("%d table rows for %d unwaived findings:\n%s", rows, active, out)
	}
	if !strings.HasPrefix(out, "### tradeoff review: `example`\n") {
		t.Errorf("comment does not start with its heading:\n%s", out)
	}
}

// TestDocs keeps docs/rules.md in step with the rules' metadata. Run with
// UPDATE_GOLDEN=1 to regenerate it.
func TestDocs(t *testing.T) {
	var buf bytes.Buffer
	if err := Docs(&buf, rules.All()); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("..", "..", "docs", "rules.md")
	if os.Getenv("UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run UPDATE_GOLDEN=1 go test ./rules/render -run TestDocs", err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Errorf("docs/rules.md is stale: run UPDATE_GOLDEN=1 go test ./rules/render -run TestDocs")
	}
	for _, r := range rules.All() {
		if !strings.Contains(buf.String(), "\n### "+r.ID+"\n") {
			t.Errorf("docs lack a section for %s", r.ID)
		}
	}
}

func obj(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	v, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("%q is not an object in %v", key, m)
	}
	return v
}

func arr(t *testing.T, m map[string]any, key string) []any {
	t.Helper()
	v, ok := m[key].([]any)
	if !ok {
		t.Fatalf("%q is not an array", key)
	}
	return v
}
