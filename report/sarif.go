package report

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"

	"github.com/dockguard/dockguard/rules"
)

// SARIF schema and version written by SARIF.
const (
	SARIFVersion = "2.1.0"
	SARIFSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	// srcRoot is the uriBaseId of repository-relative locations, as GitHub
	// code scanning and other SARIF consumers expect.
	srcRoot = "%SRCROOT%"
	infoURI = "https://github.com/dockguard/dockguard"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool               sarifTool                        `json:"tool"`
	Invocations        []sarifInvocation                `json:"invocations"`
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	ColumnKind         string                           `json:"columnKind"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifMultiText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

// sarifRule is a reportingDescriptor; anything else goes in properties.
type sarifRule struct {
	ID                   string          `json:"id"`
	Name                 string          `json:"name"`
	ShortDescription     sarifText       `json:"shortDescription"`
	FullDescription      sarifText       `json:"fullDescription"`
	Help                 sarifMultiText  `json:"help"`
	HelpURI              string          `json:"helpUri"`
	DefaultConfiguration sarifRuleConfig `json:"defaultConfiguration"`
	Properties           sarifRuleProps  `json:"properties"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifRuleProps struct {
	Tags      []string `json:"tags"`
	Precision string   `json:"precision,omitempty"`
}

type sarifInvocation struct {
	ExecutionSuccessful        bool                `json:"executionSuccessful"`
	ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications,omitempty"`
}

type sarifNotification struct {
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Fixes               []sarifFix         `json:"fixes,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	LogicalLocations []sarifLogical        `json:"logicalLocations,omitempty"`
}

// sarifLogical names what a live finding is about on the daemon that its
// physical location (the endpoint) names.
type sarifLogical struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine,omitempty"`
	StartColumn int `json:"startColumn,omitempty"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
	// ByteOffset and ByteLength locate fix replacements; a pointer so that
	// offset 0 is written.
	ByteOffset *int `json:"byteOffset,omitempty"`
	ByteLength *int `json:"byteLength,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status"`
	Justification string `json:"justification,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Replacements     []sarifReplacement    `json:"replacements"`
}

type sarifReplacement struct {
	DeletedRegion   sarifRegion `json:"deletedRegion"`
	InsertedContent *sarifText  `json:"insertedContent,omitempty"`
}

// sarifLevel maps a severity to a SARIF level.
func sarifLevel(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "error"
	case rules.SeverityWarning:
		return "warning"
	case rules.SeverityInfo:
		return "note"
	}
	return "none"
}

// SARIF writes a SARIF 2.1.0 log. Every catalogue rule is described in
// tool.driver.rules; results carry repository-relative URIs based on
// %SRCROOT%, columns in UTF-16 code units, a primaryLocationLineHash, and,
// for findings hidden by a directive or the baseline, a suppressions entry.
func SARIF(w io.Writer, r *Run) error {
	run := sarifRun{
		Tool:       sarifTool{Driver: sarifDriver{Name: r.Tool.Name, Version: r.Tool.Version, InformationURI: infoURI}},
		Results:    []sarifResult{},
		ColumnKind: "utf16CodeUnits",
	}
	if run.Tool.Driver.Name == "" {
		run.Tool.Driver.Name = "dockguard"
	}
	index := map[string]int{}
	for i, rule := range rules.Catalogue {
		index[rule.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(rule))
	}
	if r.Root != "" {
		root := fileURI(r.Root)
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{srcRoot: {URI: root}}
	}
	seen := map[string]int{} // occurrences of each line hash, per file
	for _, s := range r.allResults() {
		f := &s.Finding
		res := sarifResult{
			RuleID:    f.Rule,
			RuleIndex: index[f.Rule],
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{Text: f.Message},
		}
		if _, ok := index[f.Rule]; !ok {
			res.RuleIndex = -1 // not in the catalogue; the schema allows -1
		}
		ix := r.lines(f.File)
		if f.File != "" {
			loc := r.sarifLocation(f.File)
			if f.Line > 0 {
				sc, ec := utf16Columns(ix, f)
				loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line, StartColumn: sc, EndLine: f.EndLine, EndColumn: ec}
			}
			if f.Container != "" {
				loc.LogicalLocations = []sarifLogical{{Name: f.Container, Kind: "resource"}}
			}
			res.Locations = []sarifLocation{loc}
			hash := lineHash(ix, f)
			seen[f.File+"\x00"+hash]++
			res.PartialFingerprints = map[string]string{"primaryLocationLineHash": fmt.Sprintf("%s:%d", hash, seen[f.File+"\x00"+hash])}
		}
		if s.Kind != "" {
			res.Suppressions = []sarifSuppression{{Kind: s.Kind, Status: "accepted", Justification: s.Justification}}
		}
		if len(f.Fixes) > 0 {
			// A finding's edits are one fix: one SARIF fix whose
			// replacements are applied together.
			var reps []sarifReplacement
			for _, e := range f.Fixes {
				off, length := e.Start, e.End-e.Start
				rep := sarifReplacement{DeletedRegion: sarifRegion{ByteOffset: &off, ByteLength: &length}}
				if e.NewText != "" {
					rep.InsertedContent = &sarifText{Text: e.NewText}
				}
				reps = append(reps, rep)
			}
			res.Fixes = []sarifFix{{
				Description:     sarifText{Text: fixDescription(f.Fixes)},
				ArtifactChanges: []sarifArtifactChange{{ArtifactLocation: r.sarifLocation(f.File).PhysicalLocation.ArtifactLocation, Replacements: reps}},
			}}
		}
		run.Results = append(run.Results, res)
	}
	inv := sarifInvocation{ExecutionSuccessful: len(r.Errors) == 0}
	for _, n := range r.Errors {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, r.sarifNotification("error", n))
	}
	for _, n := range r.Notes {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, r.sarifNotification("note", n))
	}
	run.Invocations = []sarifInvocation{inv}
	results := run.Results
	run.Results = []sarifResult{}
	return writeJSON(w, sarifLog{Schema: SARIFSchema, Version: SARIFVersion, Runs: []sarifRun{run}}, "results", results)
}

func sarifRuleFor(rule *rules.Rule) sarifRule {
	explain := rule.Explain()
	return sarifRule{
		ID:                   rule.ID,
		Name:                 rule.Name,
		ShortDescription:     sarifText{Text: rule.Summary},
		FullDescription:      sarifText{Text: rule.Summary + " " + rule.Rationale},
		Help:                 sarifMultiText{Text: explain, Markdown: explain},
		HelpURI:              rule.HelpURI(),
		DefaultConfiguration: sarifRuleConfig{Level: sarifLevel(rule.Severity)},
		Properties:           sarifRuleProps{Tags: append([]string{}, rule.Tags...), Precision: rule.Precision},
	}
}

func (r *Run) sarifLocation(file string) sarifLocation {
	uri, rel := r.repoURI(file)
	loc := sarifArtifactLocation{URI: uri}
	if rel {
		loc.URIBaseID = srcRoot
	}
	return sarifLocation{PhysicalLocation: sarifPhysicalLocation{ArtifactLocation: loc}}
}

func (r *Run) sarifNotification(level string, n rules.Note) sarifNotification {
	out := sarifNotification{Level: level, Message: sarifText{Text: n.Message}}
	if n.File != "" {
		out.Locations = []sarifLocation{r.sarifLocation(n.File)}
	}
	return out
}

// lineHash fingerprints the finding's line by content, so that code
// scanning keeps tracking an alert when lines above it move. Without the
// source, the finding's key or message stands in for the line.
func lineHash(ix *rules.LineIndex, f *rules.Finding) string {
	b := make([]byte, 0, 128)
	b = append(b, f.Rule...)
	b = append(b, 0)
	switch {
	case ix != nil && f.Line > 0:
		// The line's fields joined by single spaces, as
		// strings.Join(strings.Fields(line), " ") would give them.
		b = appendFields(b, lineText(ix, f.Line))
	case f.Key != "":
		b = append(b, f.Key...)
	default:
		b = append(b, f.Message...)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// appendFields appends the space-separated fields of s (as strings.Fields
// splits them) to b, joined by single spaces.
func appendFields(b []byte, s string) []byte {
	first := true
	for f := range strings.FieldsSeq(s) {
		if !first {
			b = append(b, ' ')
		}
		first = false
		b = append(b, f...)
	}
	return b
}

func fixDescription(es []rules.Edit) string {
	if len(es) > 1 {
		return fmt.Sprintf("Apply %d edits together.", len(es))
	}
	switch e := es[0]; {
	case e.NewText == "":
		return "Delete the flagged text."
	case e.Start == e.End:
		return fmt.Sprintf("Insert %q.", e.NewText)
	default:
		return fmt.Sprintf("Replace with %q.", e.NewText)
	}
}
