package report

import (
	"io"

	"github.com/dockguard/dockguard/rules"
)

// The reviewdog Diagnostic Format (rdjson). Columns are 1-based UTF-8 byte
// columns, which is what Finding carries; ends are exclusive.
type rdResult struct {
	Source      rdSource       `json:"source"`
	Diagnostics []rdDiagnostic `json:"diagnostics"`
}

type rdSource struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type rdDiagnostic struct {
	Message     string         `json:"message"`
	Location    rdLocation     `json:"location"`
	Severity    string         `json:"severity"`
	Source      rdSource       `json:"source"`
	Code        rdCode         `json:"code"`
	Suggestions []rdSuggestion `json:"suggestions,omitempty"`
}

type rdLocation struct {
	Path  string   `json:"path"`
	Range *rdRange `json:"range,omitempty"`
}

type rdRange struct {
	Start rdPosition `json:"start"`
	End   rdPosition `json:"end"`
}

type rdPosition struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

type rdCode struct {
	Value string `json:"value"`
	URL   string `json:"url,omitempty"`
}

type rdSuggestion struct {
	Range rdRange `json:"range"`
	Text  string  `json:"text"`
}

// RDJSON writes the reviewdog Diagnostic Format. Findings with fixes carry
// them as suggestions when the file's source is available to turn byte
// offsets into line and column.
func RDJSON(w io.Writer, r *Run) error {
	doc := rdResult{Source: rdSource{Name: "dockguard", URL: infoURI}, Diagnostics: []rdDiagnostic{}}
	for i := range r.Findings {
		f := &r.Findings[i]
		d := rdDiagnostic{
			Message:  f.Message,
			Location: rdLocation{Path: f.File},
			Severity: rdSeverity(f.Severity),
			Source:   rdSource{Name: "dockguard"},
			Code:     rdCode{Value: f.Rule, URL: helpURI(f.Rule)},
		}
		if f.Line > 0 {
			d.Location.Range = &rdRange{Start: rdPosition{f.Line, f.Column}, End: rdPosition{f.EndLine, f.EndColumn}}
		}
		if len(f.Fixes) > 0 {
			if ix := r.lines(f.File); ix != nil {
				src := ix.Src()
				// reviewdog offers each suggestion on its own, so a fix
				// of several edits becomes one replacement of the span
				// they cover.
				if s, e, text, ok := fixSpan(src, f.Fixes); ok {
					sl, sc := ix.Position(s)
					el, ec := ix.Position(e)
					d.Suggestions = append(d.Suggestions, rdSuggestion{Range: rdRange{Start: rdPosition{sl, sc}, End: rdPosition{el, ec}}, Text: text})
				}
			}
		}
		doc.Diagnostics = append(doc.Diagnostics, d)
	}
	diags := doc.Diagnostics
	doc.Diagnostics = []rdDiagnostic{}
	return writeJSON(w, doc, "diagnostics", diags)
}

func rdSeverity(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return "ERROR"
	case rules.SeverityWarning:
		return "WARNING"
	case rules.SeverityInfo:
		return "INFO"
	}
	return "UNKNOWN_SEVERITY"
}
