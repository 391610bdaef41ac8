package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
)

// sectionCmd replaces the section -name of the Markdown file -file with
// standard input. With -key N, the rows of the section's first table whose
// first N cells are not in the new table are kept: a script rerun for one
// row updates that row and leaves the others as they were measured.
func sectionCmd(args []string) error {
	fs := flag.NewFlagSet("section", flag.ContinueOnError)
	file := fs.String("file", "BENCHMARKS.md", "Markdown file to update")
	name := fs.String("name", "", "section name")
	key := fs.Int("key", 0, "merge the first table's rows by their first N cells")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("-name is required")
	}
	body, err := io.ReadAll(os.Stdin)
	if err != nil {
		return err
	}
	old, err := os.ReadFile(*file)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	out := replaceSection(string(old), *name, string(body), *key)
	if err := os.WriteFile(*file+".tmp", []byte(out), 0o644); err != nil {
		return err
	}
	return os.Rename(*file+".tmp", *file)
}

func markers(name string) (begin, end string) {
	return "<!-- BEGIN " + name + " -->\n", "<!-- END " + name + " -->\n"
}

// replaceSection returns doc with the named section's content replaced by
// body, appending the section when doc does not have it yet.
func replaceSection(doc, name, body string, key int) string {
	begin, end := markers(name)
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i < 0 || j < i {
		if doc != "" && !strings.HasSuffix(doc, "\n\n") {
			if !strings.HasSuffix(doc, "\n") {
				doc += "\n"
			}
			doc += "\n"
		}
		return doc + begin + body + end
	}
	old := doc[i+len(begin) : j]
	if key > 0 {
		body = mergeRows(old, body, key)
	}
	return doc[:i+len(begin)] + body + doc[j:]
}

// table locates the first Markdown table of text: the lines of its rows
// (after the header and the separator) and where they sit.
type table struct {
	start, end int // line indices of the rows, end exclusive
}

func firstTable(lines []string) (table, bool) {
	for i := 0; i+1 < len(lines); i++ {
		if strings.HasPrefix(lines[i], "|") && separator.MatchString(lines[i+1]) {
			j := i + 2
			for j < len(lines) && strings.HasPrefix(lines[j], "|") {
				j++
			}
			return table{start: i + 2, end: j}, true
		}
	}
	return table{}, false
}

var separator = regexp.MustCompile(`^\|[-:| ]+$`)

func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimPrefix(row, "|")
	row = strings.TrimSuffix(row, "|")
	parts := strings.Split(row, "|")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func rowKey(row string, n int) string {
	c := cells(row)
	if len(c) > n {
		c = c[:n]
	}
	return strings.Join(c, "\x00")
}

// mergeRows keeps the old table's row order, replaces rows measured again,
// and appends rows that are new.
func mergeRows(old, body string, key int) string {
	oldLines := strings.Split(old, "\n")
	newLines := strings.Split(body, "\n")
	ot, ok1 := firstTable(oldLines)
	nt, ok2 := firstTable(newLines)
	if !ok1 || !ok2 {
		return body
	}
	fresh := map[string]string{}
	var order []string
	for _, r := range newLines[nt.start:nt.end] {
		k := rowKey(r, key)
		fresh[k] = r
		order = append(order, k)
	}
	var rows []string
	used := map[string]bool{}
	for _, r := range oldLines[ot.start:ot.end] {
		k := rowKey(r, key)
		if nr, ok := fresh[k]; ok {
			rows = append(rows, nr)
			used[k] = true
		} else {
			rows = append(rows, r)
		}
	}
	for _, k := range order {
		if !used[k] {
			rows = append(rows, fresh[k])
		}
	}
	var b bytes.Buffer
	out := append(append(append([]string{}, newLines[:nt.start]...), rows...), newLines[nt.end:]...)
	b.WriteString(strings.Join(out, "\n"))
	return b.String()
}
