package render

import (
	"encoding/json"
	"io"
	"time"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

// JSONVersion is the version of the report's JSON document. Version 2
// added "compare"; every field of version 1 keeps its name and meaning, so
// ReadJSON reads both.
const JSONVersion = 2

// VerifyJSONVersion is the version of `dockguard verify --format json`.
const VerifyJSONVersion = 1

type jsonReport struct {
	Version   int    `json:"version"`
	Tool      Tool   `json:"tool"`
	Generated string `json:"generated"`
	// Repository, Actions, Commands and Links were added within version
	// 2; readers of it that do not know them still read the rest.
	Repository      *baseline.Checkout `json:"repository,omitempty"`
	Actions         []Action           `json:"actions"`
	Commands        []CommandBlock     `json:"commands"`
	Links           []Link             `json:"links"`
	Status          Status             `json:"status"`
	Summary         jsonSummary        `json:"summary"`
	Checklist       []Check            `json:"checklist"`
	Static          *jsonStatic        `json:"static"`
	Live            *jsonLive          `json:"live"`
	Recommendations []jsonRecommend    `json:"recommendations"`
	// Cleanup is added by report --cleanup-result / --cleanup; a reader
	// of version 1 without it still reads the rest.
	Cleanup *cleanup.Result `json:"cleanup,omitempty"`
	// Compare is the before/after table of report --compare (version 2).
	Compare *Comparison `json:"compare,omitempty"`
	// Guard is added by report --guard-metrics.
	Guard *Guard `json:"guard,omitempty"`
}

type jsonSummary struct {
	Static Counts `json:"static"`
	Live   Counts `json:"live"`
	Total  Counts `json:"total"`
}

type jsonStatic struct {
	Paths        []string        `json:"paths"`
	FilesScanned int             `json:"filesScanned"`
	Suppressed   int             `json:"suppressed"`
	Findings     []rules.Finding `json:"findings"`
	Notes        []rules.Note    `json:"notes"`
	Errors       []rules.Note    `json:"errors"`
}

type jsonLive struct {
	*verify.Facts
	Findings []rules.Finding `json:"findings"`
	Notes    []rules.Note    `json:"notes"`
	Errors   []rules.Note    `json:"errors"`
}

type jsonRecommend struct {
	Rule        string `json:"rule"`
	Name        string `json:"name"`
	Severity    string `json:"severity"`
	Count       int    `json:"count"`
	Summary     string `json:"summary"`
	Alternative string `json:"alternative"`
	HelpURI     string `json:"helpUri"`
}

// JSON writes the report as one JSON document (version JSONVersion).
func JSON(w io.Writer, d *Document) error {
	doc := jsonReport{
		Version:    JSONVersion,
		Tool:       d.Tool,
		Generated:  d.Generated.UTC().Format(time.RFC3339),
		Status:     d.Status(),
		Summary:    jsonSummary{Live: count(d.LiveResult.Findings), Total: count(d.Findings())},
		Checklist:  nonNil(d.Checklist()),
		Repository: d.Repo,
		Actions:    nonNil(d.Actions()),
		Commands:   nonNil(d.Commands()),
		Links:      nonNil(d.Links()),
		Cleanup:    d.Cleanup,
		Compare:    d.Comparison(),
		Guard:      d.Guard,
	}
	if s := d.Static; s != nil {
		doc.Summary.Static = count(s.Result.Findings)
		doc.Static = &jsonStatic{Paths: nonNil(s.Paths), FilesScanned: s.FilesScanned, Suppressed: s.Suppressed,
			Findings: nonNil(s.Result.Findings), Notes: nonNil(s.Result.Notes), Errors: nonNil(s.Result.Errors)}
	}
	if d.Live != nil {
		doc.Live = &jsonLive{Facts: d.Live, Findings: nonNil(d.LiveResult.Findings),
			Notes: nonNil(d.LiveResult.Notes), Errors: nonNil(d.LiveResult.Errors)}
	}
	doc.Recommendations = []jsonRecommend{}
	for _, g := range d.Recommendations() {
		doc.Recommendations = append(doc.Recommendations, jsonRecommend{
			Rule: g.Rule.ID, Name: g.Rule.Name, Severity: g.Rule.Severity.String(), Count: len(g.Findings),
			Summary: g.Rule.Summary, Alternative: g.Rule.Alternative, HelpURI: g.Rule.HelpURI(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// VerifyJSON writes the document of `dockguard verify --format json`: the
// live facts with their findings, notes and errors.
func VerifyJSON(w io.Writer, tool Tool, facts *verify.Facts, res rules.Result) error {
	c := count(res.Findings)
	doc := struct {
		Version  int             `json:"version"`
		Tool     Tool            `json:"tool"`
		Live     *verify.Facts   `json:"live"`
		Findings []rules.Finding `json:"findings"`
		Notes    []rules.Note    `json:"notes"`
		Errors   []rules.Note    `json:"errors"`
		Summary  struct {
			Findings   int            `json:"findings"`
			BySeverity map[string]int `json:"bySeverity"`
		} `json:"summary"`
	}{Version: VerifyJSONVersion, Tool: tool, Live: facts, Findings: nonNil(res.Findings), Notes: nonNil(res.Notes), Errors: nonNil(res.Errors)}
	doc.Summary.Findings = len(res.Findings)
	doc.Summary.BySeverity = map[string]int{"error": c.Error, "warning": c.Warning, "info": c.Info}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
