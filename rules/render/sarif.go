package render

import (
	"io"
	"path/filepath"
	"strings"

	"github.com/tradeoff-dev/tradeoff/rules"
)

// SARIF 2.1.0, the subset GitHub code scanning reads: the whole catalogue
// as the driver's rules (so alerts show each rule's trade-off and remedy),
// one result per finding located in the design file, waived findings as
// results with an accepted external suppression, and stale waivers as tool
// notifications.

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	infoURI      = "https://github.com/tradeoff-dev/tradeoff"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifHelp      `json:"help"`
	HelpURI              string         `json:"helpUri"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           sarifRuleProps `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision"`
	// SecuritySeverity (0–10) ranks security rules in GitHub's UI; only
	// the security category carries it.
	SecuritySeverity string `json:"security-severity,omitempty"`
	ProblemSeverity  string `json:"problem.severity"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]string  `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

// sarifLevel maps a severity onto SARIF's three result levels.
func sarifLevel(s rules.Severity) string {
	switch {
	case s >= rules.High:
		return "error"
	case s == rules.Medium:
		return "warning"
	}
	return "note"
}

var securitySeverity = map[rules.Severity]string{
	rules.Critical: "9.5", rules.High: "8.0", rules.Medium: "5.5", rules.Low: "3.0", rules.Info: "1.0",
}

// SARIF writes the report as a SARIF 2.1.0 log.
func SARIF(w io.Writer, rep *rules.Report, opts Options) error {
	all := rules.All()
	index := map[string]int{}
	driver := sarifDriver{Name: "tradeoff", Version: opts.Version, InformationURI: infoURI, Rules: []sarifRule{}}
	for i, r := range all {
		index[r.ID] = i
		driver.Rules = append(driver.Rules, sarifRuleFor(r))
	}
	run := sarifRun{
		Tool:        sarifTool{Driver: driver},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true, ToolExecutionNotifications: []sarifNotification{}}},
		Results:     []sarifResult{},
	}
	for _, f := range rep.Findings {
		res := sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               sarifLevel(f.Severity),
			Message:             sarifText{Text: f.Message + ". Fix: " + f.Remediation},
			Locations:           []sarifLocation{locationOf(f.Pos.File, f.Pos.Line, f.Pos.Col)},
			PartialFingerprints: map[string]string{"tradeoffFinding/v1": f.ID},
			Properties:          map[string]string{"severity": f.Severity.String(), "component": f.Component, "path": f.Path},
		}
		if f.Waived() {
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: waiverWords(f.Waiver)}}
		}
		run.Results = append(run.Results, res)
	}
	for _, s := range rep.StaleWaivers {
		run.Invocations[0].ToolExecutionNotifications = append(run.Invocations[0].ToolExecutionNotifications, sarifNotification{
			Level:     "warning",
			Message:   sarifText{Text: s.Message},
			Locations: []sarifLocation{locationOf(s.Pos.File, s.Pos.Line, s.Pos.Col)},
		})
	}
	return writeJSON(w, sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

func sarifRuleFor(r *rules.Rule) sarifRule {
	props := sarifRuleProps{
		Tags:            []string{"tradeoff", string(r.Category)},
		Precision:       "high",
		ProblemSeverity: map[string]string{"error": "error", "warning": "warning", "note": "recommendation"}[sarifLevel(r.Severity)],
	}
	if r.Category == rules.CategorySecurity {
		props.Tags = append(props.Tags, "security")
		props.SecuritySeverity = securitySeverity[r.Severity]
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 ruleName(r.Title),
		ShortDescription:     sarifText{Text: r.Title},
		FullDescription:      sarifText{Text: r.Why},
		Help:                 sarifHelp{Text: ruleHelpText(r), Markdown: ruleHelpMarkdown(r)},
		HelpURI:              infoURI + "/blob/main/docs/rules.md#" + strings.ToLower(r.ID),
		DefaultConfiguration: sarifConfig{Level: sarifLevel(r.Severity)},
		Properties:           props,
	}
}

// ruleName turns a title into the PascalCase identifier SARIF names use.
func ruleName(title string) string {
	var b strings.Builder
	up := true
	for _, r := range title {
		switch {
		case r >= 'a' && r <= 'z':
			if up {
				r -= 'a' - 'A'
			}
			b.WriteRune(r)
			up = false
		case r >= 'A' && r <= 'Z' || r >= '0' && r <= '9':
			b.WriteRune(r)
			up = false
		default:
			up = true
		}
	}
	return b.String()
}

func ruleHelpText(r *rules.Rule) string {
	return r.Why + "\n\nDetection: " + r.Detection + "\n\nRemediation: " + r.Remediation
}

func ruleHelpMarkdown(r *rules.Rule) string {
	return "**Why it matters.** " + r.Why + "\n\n**Detection.** " + r.Detection + "\n\n**Known false positives.** " +
		r.FalsePositives + "\n\n**Remediation.** " + r.Remediation
}

// locationOf points at a line and column of a design file; paths use
// forward slashes, relative as given, so code scanning can match them to
// the repository.
func locationOf(file string, line, col int) sarifLocation {
	uri := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		uri = "file://" + uri
	}
	loc := sarifLocation{PhysicalLocation: sarifPhysical{ArtifactLocation: sarifArtifact{URI: uri}}}
	if line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: line, StartColumn: col}
	}
	return loc
}
