package main

import (
	"flag"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// summaryCmd writes the "summary" section of the Markdown file: one row
// per row of any other section whose target column is set, with the
// measured ratios, the verdict and the command that measures it again. The
// sections stay the source; the summary is rebuilt from them.
func summaryCmd(args []string) error {
	fs := flag.NewFlagSet("summary", flag.ContinueOnError)
	file := fs.String("file", "BENCHMARKS.md", "Markdown file to update")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	body := summarize(string(b))
	out := replaceSection(string(b), "summary", body, 0)
	if err := os.WriteFile(*file+".tmp", []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(*file+".tmp", *file)
}

var (
	beginMarker = regexp.MustCompile(`^<!-- BEGIN (\S+) -->$`)
	measureCol  = regexp.MustCompile(`(^|\s)ratio|÷|growth|peak RSS|^median$`)
)

func summarize(doc string) string {
	var b strings.Builder
	b.WriteString("## Targets at a glance\n\n")
	b.WriteString("Every target of issue 8 with its latest measured ratio, gathered from the sections below (`benchreport summary` rebuilds this table; each row's command measures it again).\n\n")
	b.WriteString("| section | what | measured | target | verdict | date | rerun |\n|---|---|---|---|---|---|---|\n")
	lines := strings.Split(doc, "\n")
	section, heading := "", ""
	n := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if m := beginMarker.FindStringSubmatch(l); m != nil {
			section = m[1]
			continue
		}
		if strings.HasPrefix(l, "## ") {
			heading = strings.TrimPrefix(l, "## ")
			continue
		}
		if section == "summary" || !strings.HasPrefix(l, "|") || i+1 >= len(lines) || !separator.MatchString(lines[i+1]) {
			continue
		}
		header := cells(l)
		col := func(name string) int {
			for j, h := range header {
				if h == name {
					return j
				}
			}
			return -1
		}
		ti, vi, di, ri := col("target"), col("verdict"), col("date"), col("rerun")
		if ti < 0 || vi < 0 {
			continue
		}
		i += 2
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			row := cells(lines[i])
			if len(row) != len(header) || row[ti] == "–" || row[vi] == "–" {
				continue
			}
			var what, measured []string
			for j, h := range header {
				switch {
				case j == ti || j == vi || j == di || j == ri:
				case measureCol.MatchString(h):
					if row[j] != "–" {
						measured = append(measured, h+" "+row[j])
					}
				case j < 3 && len(row[j]) < 100:
					what = append(what, row[j])
				}
			}
			get := func(j int) string {
				if j < 0 {
					return ""
				}
				return row[j]
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", heading, strings.Join(what, ", "),
				strings.Join(measured, "; "), row[ti], row[vi], get(di), get(ri))
			n++
		}
	}
	if n == 0 {
		b.WriteString("| – | nothing measured yet | | | | | |\n")
	}
	return b.String()
}
