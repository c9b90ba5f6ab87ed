// Package rules holds dockguard's rule catalogue and the Finding model that
// every front end (shell, Go, compose, live) produces.
//
// It imports nothing else from dockguard, so every other package may import it.
package rules

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Severity orders findings. The zero value is SeverityNone, which sorts below
// every real severity and is used by --fail-on none.
type Severity int

// Severities, lowest first.
const (
	SeverityNone Severity = iota
	SeverityInfo
	SeverityWarning
	SeverityError
)

// String returns the lower-case name used in every output format.
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return "none"
}

// ParseSeverity parses "error", "warning", "info" or "none".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "error":
		return SeverityError, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "info", "note":
		return SeverityInfo, nil
	case "none", "off":
		return SeverityNone, nil
	}
	return SeverityNone, fmt.Errorf("unknown severity %q (want error, warning, info or none)", s)
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Edit replaces the bytes [Start, End) of a finding's file with NewText.
// Offsets are byte offsets; End is exclusive.
type Edit struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	NewText string `json:"newText"`
}

// Finding is one problem reported by any front end.
//
// Start and End are byte offsets into File (End exclusive). Line and Column are
// 1-based, with Column counted in bytes; EndColumn is exclusive. Findings that
// have no source position (for example a daemon-wide live finding) have Line 0.
type Finding struct {
	Rule      string   `json:"rule"`
	Name      string   `json:"name"`
	Severity  Severity `json:"severity"`
	File      string   `json:"file"`
	Start     int      `json:"-"`
	End       int      `json:"-"`
	Line      int      `json:"line"`
	Column    int      `json:"column"`
	EndLine   int      `json:"endLine"`
	EndColumn int      `json:"endColumn"`
	Message   string   `json:"message"`
	Fixes     []Edit   `json:"fixes,omitempty"`
	// Container names the container a live finding is about (DG401,
	// DG403). File then stays the daemon endpoint, which tools that want a
	// path test for, and renderers show the container as the location:
	// the socket path is the same for every live finding.
	Container string `json:"container,omitempty"`
	// Key is a short, position-independent description of what was flagged
	// (the normalised command, or the service name). Baselines fingerprint it.
	Key string `json:"-"`
}

// New returns a finding of rule r in file, located at the byte range
// [start, end) of src. The line and column fields are derived from src.
func New(r *Rule, file string, src []byte, start, end int, msg string) Finding {
	f := Finding{Rule: r.ID, Name: r.Name, Severity: r.Severity, File: file, Message: msg}
	f.SetRange(src, start, end)
	return f
}

// SetRange sets Start/End and derives Line, Column, EndLine and EndColumn
// from src. Offsets are clamped to src.
func (f *Finding) SetRange(src []byte, start, end int) {
	start = clamp(start, 0, len(src))
	end = clamp(end, start, len(src))
	f.Start, f.End = start, end
	f.Line, f.Column = Position(src, start)
	f.EndLine, f.EndColumn = Position(src, end)
}

func clamp(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// Position returns the 1-based line and byte column of byte offset off in src.
func Position(src []byte, off int) (line, col int) {
	off = clamp(off, 0, len(src))
	before := src[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = off - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// Offset returns the byte offset of the 1-based line and byte column in src.
// Out-of-range positions are clamped to the nearest valid offset.
func Offset(src []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return len(src)
		}
		off += i + 1
	}
	end := bytes.IndexByte(src[off:], '\n')
	if end < 0 {
		end = len(src) - off
	}
	if col < 1 {
		col = 1
	}
	return off + clamp(col-1, 0, end)
}

// RuneColumnToByte converts a 1-based column counted in runes on the given
// 1-based line of src (as gopkg.in/yaml.v3 reports it) into a 1-based byte
// column.
func RuneColumnToByte(src []byte, line, runeCol int) int {
	start := Offset(src, line, 1)
	i := start
	for n := 1; n < runeCol && i < len(src) && src[i] != '\n'; n++ {
		_, size := utf8.DecodeRune(src[i:])
		i += size
	}
	return i - start + 1
}

// UTF16Column converts a 1-based byte column on a line of src into a 1-based
// column counted in UTF-16 code units, as SARIF's default columnKind wants.
func UTF16Column(src []byte, line, byteCol int) int {
	start := Offset(src, line, 1)
	return utf16Units(src, start, clamp(start+byteCol-1, start, len(src)))
}

// utf16Units returns the 1-based UTF-16 column of src[end] on a line that
// starts at start.
func utf16Units(src []byte, start, end int) int {
	n := 1
	for i := start; i < end; {
		r, size := utf8.DecodeRune(src[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}

// Note is a message about one input that is not a finding: a skipped file, a
// fallback that was taken, or (in Result.Errors) an input that could not be
// checked at all. File follows the same path rule as Finding.File and may be
// empty for messages about the run as a whole.
type Note struct {
	File    string `json:"file"`
	Message string `json:"message"`
}

// Result is what a front end returns for the files it was given.
type Result struct {
	Findings []Finding
	Notes    []Note
	Errors   []Note
}

// Merge appends other's contents to r.
func (r *Result) Merge(other Result) {
	r.Findings = append(r.Findings, other.Findings...)
	r.Notes = append(r.Notes, other.Notes...)
	r.Errors = append(r.Errors, other.Errors...)
}
