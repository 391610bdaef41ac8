package main

import (
	"strings"
	"testing"
)

func TestReplaceSection(t *testing.T) {
	tests := []struct {
		name, doc, body string
		key             int
		want            string
	}{
		{
			name: "a missing section is appended after a blank line",
			doc:  "# Benchmarks\n",
			body: "new\n",
			want: "# Benchmarks\n\n<!-- BEGIN s -->\nnew\n<!-- END s -->\n",
		},
		{
			name: "an existing section is replaced and the rest kept",
			doc:  "a\n<!-- BEGIN s -->\nold\n<!-- END s -->\nb\n",
			body: "new",
			want: "a\n<!-- BEGIN s -->\nnew\n<!-- END s -->\nb\n",
		},
		{
			name: "rows measured again replace old ones in place, others are kept",
			doc:  "<!-- BEGIN s -->\nold text\n| d | c | v |\n|---|---|--:|\n| x | a | 1 |\n| y | a | 2 |\n<!-- END s -->\n",
			body: "new text\n| d | c | v |\n|---|---|--:|\n| y | a | 3 |\n| z | a | 4 |\n",
			key:  2,
			want: "<!-- BEGIN s -->\nnew text\n| d | c | v |\n|---|---|--:|\n| x | a | 1 |\n| y | a | 3 |\n| z | a | 4 |\n<!-- END s -->\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := replaceSection(tt.doc, "s", tt.body, tt.key); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestSummaryListsRowsWithATarget(t *testing.T) {
	doc := "<!-- BEGIN summary -->\nold\n<!-- END summary -->\n<!-- BEGIN cli -->\n## CLI\n\n" +
		"| design | command | median | ratio | target | verdict | date | rerun |\n|---|---|---:|---:|---:|---|---|---|\n" +
		"| shortener | validate | 9 ms | 1.05× | ≤ 1.3× | meets | 2026-11-26 | `bench/cli.sh shortener` |\n" +
		"| shortener | other | 9 ms | 1.05× | – | – | 2026-11-26 | `bench/cli.sh shortener` |\n<!-- END cli -->\n"
	got := summarize(doc)
	want := "| CLI | shortener, validate | median 9 ms; ratio 1.05× | ≤ 1.3× | meets | 2026-11-26 | `bench/cli.sh shortener` |\n"
	if !strings.Contains(got, want) {
		t.Errorf("summary lacks\n%s\ngot\n%s", want, got)
	}
	if strings.Contains(got, "other") {
		t.Errorf("a row without a target was summarised:\n%s", got)
	}
}
