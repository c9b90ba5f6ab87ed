// Package report renders a run's findings. Each renderer is a pure function
// from a Run to bytes, pinned by golden tests.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockguard/dockguard/rules"
)

// Tool identifies dockguard in outputs.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Run is everything a renderer needs.
type Run struct {
	Tool         Tool
	Findings     []rules.Finding
	Notes        []rules.Note
	Errors       []rules.Note
	FilesScanned int
	Suppressed   int
	// SuppressedFindings are findings hidden by an inline directive or the
	// baseline; only formats that show suppressions (SARIF) render them.
	SuppressedFindings []Suppressed
	// Root is the repository root that relative URIs (SARIF) are based on,
	// and Source returns a file's contents for column conversions; both are
	// optional.
	Root   string
	Source func(file string) []byte
	// Dir is the directory relative finding paths are relative to (the
	// working directory); empty means Root.
	Dir string

	// lineIdx indexes each file's source once per render, so that the
	// formats that convert positions (SARIF, github, rdjson) stay linear
	// in the findings of one file.
	lineIdx map[string]*rules.LineIndex
}

// Suppressed is a finding that a directive or the baseline hides.
type Suppressed struct {
	rules.Finding
	// Kind is "inSource" or "external" (the baseline), as SARIF names them.
	Kind          string
	Justification string
}

// Counts returns the number of findings at each severity.
func (r *Run) Counts() map[rules.Severity]int {
	c := map[rules.Severity]int{}
	for _, f := range r.Findings {
		c[f.Severity]++
	}
	return c
}

// Summary is the JSON summary object.
type Summary struct {
	FilesScanned int            `json:"filesScanned"`
	Findings     int            `json:"findings"`
	Suppressed   int            `json:"suppressed"`
	BySeverity   map[string]int `json:"bySeverity"`
}

type jsonDoc struct {
	Version  int             `json:"version"`
	Tool     Tool            `json:"tool"`
	Findings []rules.Finding `json:"findings"`
	Notes    []rules.Note    `json:"notes"`
	Errors   []rules.Note    `json:"errors"`
	Summary  Summary         `json:"summary"`
}

// JSON writes the version-1 JSON document, the stable machine contract.
func JSON(w io.Writer, r *Run) error {
	c := r.Counts()
	doc := jsonDoc{
		Version:  1,
		Tool:     r.Tool,
		Findings: nonNil(r.Findings),
		Notes:    nonNil(r.Notes),
		Errors:   nonNil(r.Errors),
		Summary: Summary{
			FilesScanned: r.FilesScanned,
			Findings:     len(r.Findings),
			Suppressed:   r.Suppressed,
			BySeverity: map[string]int{
				"error":   c[rules.SeverityError],
				"warning": c[rules.SeverityWarning],
				"info":    c[rules.SeverityInfo],
			},
		},
	}
	doc.Findings = []rules.Finding{}
	return writeJSON(w, doc, "findings", nonNil(r.Findings))
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// TextOptions tune the text format.
type TextOptions struct {
	// Color adds ANSI colours (the CLI enables it on a terminal without NO_COLOR).
	Color bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// Text writes one line per finding, `path:line:col: severity: message [ID name]`,
// to w. Positions are omitted for findings without one.
func Text(w io.Writer, r *Run, o TextOptions) error {
	var b strings.Builder
	for _, f := range r.Findings {
		loc := QuoteName(f.File)
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", loc, f.Line, f.Column)
		}
		sev := f.Severity.String()
		tag := fmt.Sprintf("[%s %s]", f.Rule, f.Name)
		if o.Color {
			loc = ansiBold + loc + ansiReset
			sev = severityColor(f.Severity) + sev + ansiReset
			tag = ansiDim + tag + ansiReset
		}
		fmt.Fprintf(&b, "%s: %s: %s %s\n", loc, sev, oneLine(f.Message), tag)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// QuoteName is a file name as text output prints it: quoted, as go vet
// does with %q, when it holds a control character (a newline would split
// the line) or digits between colons (":1:", which reads as a location);
// as it is otherwise, so a daemon address (tcp://host:2375) stays plain.
func QuoteName(name string) string {
	for i, r := range name {
		if unicode.IsControl(r) {
			return strconv.Quote(name)
		}
		if r == ':' {
			j := i + 1
			for j < len(name) && name[j] >= '0' && name[j] <= '9' {
				j++
			}
			if j > i+1 && j < len(name) && name[j] == ':' {
				return strconv.Quote(name)
			}
		}
	}
	return name
}

func severityColor(s rules.Severity) string {
	switch s {
	case rules.SeverityError:
		return ansiRed
	case rules.SeverityWarning:
		return ansiYellow
	}
	return ansiCyan
}

// oneLine keeps one finding on one line, as editors' error parsers need.
func oneLine(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")
}

// SummaryLine is the one-line summary the CLI prints on stderr.
func SummaryLine(r *Run) string {
	c := r.Counts()
	var parts []string
	for _, s := range []rules.Severity{rules.SeverityError, rules.SeverityWarning, rules.SeverityInfo} {
		if c[s] > 0 {
			parts = append(parts, plural(c[s], s.String()))
		}
	}
	line := plural(len(r.Findings), "finding")
	if len(parts) > 0 {
		line += " (" + strings.Join(parts, ", ") + ")"
	}
	line += " in " + plural(r.FilesScanned, "file") + " checked"
	if r.Suppressed > 0 {
		line += fmt.Sprintf(", %d suppressed", r.Suppressed)
	}
	if len(r.Notes) > 0 {
		line += ", " + plural(len(r.Notes), "note")
	}
	if len(r.Errors) > 0 {
		line += ", " + plural(len(r.Errors), "input") + " could not be checked"
	}
	return line
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	if strings.HasSuffix(word, "s") {
		return fmt.Sprintf("%d %s", n, word)
	}
	if word == "info" {
		return fmt.Sprintf("%d info", n)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
