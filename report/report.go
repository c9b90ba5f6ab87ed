// Package report renders a run's findings. Each renderer is a pure function
// from a Run to bytes, pinned by golden tests.
package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

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
	// Color adds ANSI colours (the CLI decides: --color, NO_COLOR,
	// FORCE_COLOR, CLICOLOR_FORCE, TERM=dumb, a terminal).
	Color bool
	// ShowSource prints the source line under each finding with a caret
	// span, as ShellCheck and actionlint do; it needs Run.Source.
	ShowSource bool
}

const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

// MaxFirstLine is the width the first line of a finding in text output is
// kept to, as far as its location allows: what is wrong and where (the
// [ID name] tag comes on top). The advice follows on a "help:" line.
const MaxFirstLine = 120

// proseSlack is how far past MaxFirstLine the text (not the quoted code)
// of a first line may run before it is cut.
const proseSlack = 25

// Text writes each finding as `path:line:col: severity: what [ID name]`,
// the first line kept to about MaxFirstLine characters, then the advice on
// an indented `help:` line and the rule's documentation on a `see:` line,
// as rustc and clippy do. Positions are omitted for findings without one.
// Only the first line of a finding starts at the left margin, so editors'
// error parsers still read one finding per location line.
func Text(w io.Writer, r *Run, o TextOptions) error {
	var b strings.Builder
	var ix *rules.LineIndex
	var ixFile string
	for _, f := range r.Findings {
		loc := QuoteName(Where(&f))
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d:%d", loc, f.Line, f.Column)
		}
		sev := f.Severity.String()
		tag := fmt.Sprintf("[%s %s]", f.Rule, f.Name)
		what, advice := rules.SplitAdvice(oneLine(f.Message))
		// The rule tag is not counted: it is a fixed-width label, and
		// what and where are what must fit.
		room := MaxFirstLine - utf8.RuneCountInString(loc) - len(sev) - 4
		what, advice = moveReason(what, advice, max(room, 50))
		what = shorten(what, max(room, 50))
		if o.Color {
			loc = ansiBold + loc + ansiReset
			sev = severityColor(f.Severity) + sev + ansiReset
			tag = ansiDim + tag + ansiReset
		}
		fmt.Fprintf(&b, "%s: %s: %s %s\n", loc, sev, what, tag)
		if o.ShowSource && r.Source != nil && f.Line > 0 {
			// Findings come sorted by file: one line index per file,
			// not a scan from the file's start per finding.
			if ix == nil || ixFile != f.File {
				ix, ixFile = nil, f.File
				if src := r.Source(f.File); src != nil {
					ix = rules.NewLineIndex(src)
				}
			}
			writeSource(&b, ix, f, o.Color)
		}
		if advice != "" {
			fmt.Fprintf(&b, "  %s %s\n", paint(o.Color, ansiCyan, "help:"), advice)
		}
		if rule, ok := rules.Lookup(f.Rule); ok {
			fmt.Fprintf(&b, "  %s %s\n", paint(o.Color, ansiDim, "see:"), rule.HelpURI())
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Where is what a finding's location is shown as: the container of a live
// finding about one (its File is the daemon endpoint, the same for every
// live finding), else its file.
func Where(f *rules.Finding) string {
	if f.Container != "" {
		return f.Container
	}
	return f.File
}

func paint(on bool, color, s string) string {
	if !on {
		return s
	}
	return color + s + ansiReset
}

// moveReason shortens a first part longer than n by moving its trailing
// explanation (after a ": " outside quoted code and brackets) to the front
// of the help line, so nothing is lost: "caps Redis at 1gb, above its
// limit 512 MiB: the kernel OOM-kills the container first". The cut is the
// last such ": " that leaves a first part of n or less, else the last one;
// never one in the first half, which is part of what is wrong (Force: true).
func moveReason(what, advice string, n int) (string, string) {
	if utf8.RuneCountInString(what) <= n {
		return what, advice
	}
	inCode, depth, cut, fits := false, 0, -1, -1
	for i := 0; i+1 < len(what); i++ {
		switch c := what[i]; {
		case c == '`':
			inCode = !inCode
		case inCode:
		case c == '(' || c == '[':
			depth++
		case (c == ')' || c == ']') && depth > 0:
			depth--
		case depth == 0 && c == ':' && what[i+1] == ' ':
			cut = i
			if utf8.RuneCountInString(what[:i]) <= n {
				fits = i
			}
		}
	}
	if fits >= n/2 {
		cut = fits
	}
	if cut < n/2 {
		return what, advice
	}
	reason := what[cut+2:]
	if advice != "" {
		reason += "; " + advice
	}
	return what[:cut], reason
}

// shorten keeps a message's first part to about n characters: quoted code
// is cut first (it is what grows), then the text, with an ellipsis.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	var b strings.Builder
	rest := s
	for {
		open := strings.IndexByte(rest, '`')
		end := -1
		if open >= 0 {
			end = strings.IndexByte(rest[open+1:], '`')
		}
		if end < 0 {
			break
		}
		b.WriteString(rest[:open+1])
		b.WriteString(rules.Cut(rest[open+1:open+1+end], 40))
		b.WriteByte('`')
		rest = rest[open+1+end+1:]
	}
	b.WriteString(rest)
	s = b.String()
	// Prose gets some slack past the bound before it is cut: a sentence
	// cut a few words short says less than a line a little long.
	if n += proseSlack; utf8.RuneCountInString(s) <= n {
		return s
	}
	runes := []rune(s)
	return string(runes[:n-1]) + "…"
}

// Bounds of the source line shown under a finding.
const (
	maxSourceWidth = 160 // runes of the line shown
	sourceLead     = 40  // runes kept before the span when the line is cut
)

// writeSource prints the finding's first source line with a gutter and a
// caret span under the finding's columns (to the end of the line when the
// span continues below). Tabs become spaces and characters a terminal
// would act on (escapes, invalid UTF-8) become U+FFFD, so the carets line
// up and the source cannot drive the terminal.
func writeSource(b *strings.Builder, ix *rules.LineIndex, f rules.Finding, color bool) {
	if ix == nil {
		return
	}
	src := ix.Src()
	start := ix.LineStart(f.Line)
	end := start
	for end < len(src) && src[end] != '\n' {
		end++
	}
	line := src[start:end]
	from := min(max(f.Column-1, 0), len(line))
	to := len(line)
	if f.EndLine == f.Line {
		to = min(max(f.EndColumn-1, from), len(line))
	}
	var text []rune
	caretFrom, caretTo := -1, -1
	for i := 0; i <= len(line); {
		if i == from {
			caretFrom = len(text)
		}
		if i == to {
			caretTo = len(text)
		}
		if i == len(line) {
			break
		}
		r, size := utf8.DecodeRune(line[i:])
		switch {
		case r == '\t':
			text = append(text, ' ', ' ', ' ', ' ')
		case r == '\r' && i+size == len(line):
		case r == utf8.RuneError || !unicode.IsPrint(r) && r != ' ':
			text = append(text, '\uFFFD')
		default:
			text = append(text, r)
		}
		i += size
	}
	if caretTo <= caretFrom {
		caretTo = caretFrom + 1
	}
	lead := ""
	if len(text) > maxSourceWidth {
		cut := max(0, min(caretFrom-sourceLead, len(text)-maxSourceWidth))
		if cut > 0 {
			text, caretFrom, caretTo, lead = text[cut:], caretFrom-cut, caretTo-cut, "…"
		}
		if len(text) > maxSourceWidth {
			text = append(text[:maxSourceWidth], '…')
		}
		caretTo = min(caretTo, maxSourceWidth)
	}
	num := strconv.Itoa(f.Line)
	gutter := strings.Repeat(" ", len(num))
	pad := strings.Repeat(" ", utf8.RuneCountInString(lead)+caretFrom)
	carets := strings.Repeat("^", max(caretTo-caretFrom, 1))
	fmt.Fprintf(b, "  %s %s\n", paint(color, ansiDim, num+" |"), lead+string(text))
	fmt.Fprintf(b, "  %s %s%s\n", paint(color, ansiDim, gutter+" |"), pad, paint(color, severityColor(f.Severity), carets))
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
