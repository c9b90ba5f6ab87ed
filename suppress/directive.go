// Package suppress reads dockguard's inline ignore directives and applies
// them to a file's findings.
//
// Shell scripts, Makefiles, YAML and package.json scripts use
//
//	# dockguard:ignore DG101 -- reason
//	# dockguard:ignore-file DG101,DG104 -- reason
//
// Go files use //dockguard:ignore DG301 -- reason, and //nolint:dockguard //
// reason is honoured as golangci-lint users expect. A directive that shares a
// line with code covers that line; a directive alone on its line covers the
// next command (the next code line, its backslash continuations and any lines
// up to the closing bracket it opens, or the block scalar it introduces in
// YAML). A directive without a reason, or naming an unknown rule, is a DG003
// finding and suppresses nothing; a directive that matches no finding is DG002.
package suppress

import (
	"bytes"
	"fmt"
	"go/scanner"
	"go/token"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dockguard/dockguard/rules"
)

// Marker is the text every dockguard directive contains. Files without it
// (and, for Go, without "nolint:") cannot hold a directive.
const Marker = "dockguard:"

// Style is how comments are written in a file.
type Style int

// Comment styles.
const (
	// StyleHash is shell, Makefile and YAML: `#` starts a comment at the
	// beginning of a word, outside quotes.
	StyleHash Style = iota
	// StyleJSON is package.json: there are no JSON comments, but a script
	// value is shell code and may end with a `# ...` comment inside the
	// string, so quotes are not tracked.
	StyleJSON
	// StyleGo is Go: `//` line comments outside string literals.
	StyleGo
	// StylePython is Python: `#` comments as in shell, and flake8's and
	// ruff's `# noqa: DG101` honoured for dockguard's rule IDs.
	StylePython
)

// StyleFor returns the comment style of a file from its name.
func StyleFor(file string) Style {
	switch strings.ToLower(filepath.Ext(file)) {
	case ".go":
		return StyleGo
	case ".json":
		return StyleJSON
	case ".py", ".pyi":
		return StylePython
	}
	return StyleHash
}

// Directive is one parsed ignore directive.
type Directive struct {
	// Text is the directive as written, from "dockguard:" or "nolint:" to
	// the end of the comment, trimmed.
	Text string
	// Line is the 1-based line of the comment; Start and End are the byte
	// offsets of Text in the file.
	Line       int
	Start, End int
	// FileWide is set for ignore-file: it covers every line.
	FileWide bool
	// NoLint is set for //nolint:dockguard, which covers every rule.
	NoLint bool
	// NoQA is set for Python's # noqa: DG101, which covers its line and
	// needs no reason.
	NoQA bool
	// Rules are the rule IDs the directive names (none for NoLint).
	Rules []string
	// Reason is the text after "--" (or after "//" for nolint).
	Reason string
	// From and To are the first and last line covered (inclusive). Both
	// are 0 when a directive alone on the last line covers nothing.
	From, To int
	// Problem says why the directive is malformed; empty when well formed.
	Problem string
}

// Covers reports whether the directive applies to a finding of rule on line.
func (d *Directive) Covers(rule string, line int) bool {
	if d.Problem != "" {
		return false
	}
	if !d.NoLint && !slices.Contains(d.Rules, rule) {
		return false
	}
	return d.FileWide || (line >= d.From && line <= d.To && d.From > 0)
}

// Parse returns the directives in src, a file named file (its extension picks
// the comment style). It never fails: malformed directives carry a Problem.
func Parse(file string, src []byte) []Directive {
	style := StyleFor(file)
	if !bytes.Contains(src, []byte(Marker)) && (style != StyleGo || !bytes.Contains(src, []byte("nolint:"))) &&
		(style != StylePython || !bytes.Contains(src, []byte("noqa"))) {
		return nil
	}
	lines := splitLines(src)
	var goComments map[int]int
	if style == StyleGo {
		goComments = goLineComments(src)
	}
	var ds []Directive
	for i, ln := range lines {
		text := src[ln.start:ln.end]
		cpos := commentStart(text, style)
		if goComments != nil {
			// Go's own scanner knows where comments are: a directive
			// written inside a raw string (a fixture of a test) is not
			// one, and a quote-tracking pass over a single line cannot
			// tell that.
			off, ok := goComments[ln.start]
			if !ok {
				continue
			}
			cpos = off - ln.start
		}
		if cpos < 0 {
			continue
		}
		alone := len(bytes.TrimSpace(text[:cpos])) == 0
		for _, d := range parseComment(text, cpos, style) {
			d.Line = i + 1
			d.Start += ln.start
			d.End += ln.start
			switch {
			case d.FileWide:
				d.From, d.To = 1, len(lines)
			case d.NoQA:
				// noqa covers its own line, as flake8 and ruff read it.
				d.From, d.To = i+1, i+1
			case alone:
				d.From, d.To = nextCommand(src, lines, i+1, style)
			default:
				d.From, d.To = i+1, i+1
			}
			ds = append(ds, d)
		}
	}
	return ds
}

// goLineComments maps the start offset of each line of a Go source file
// that holds a // comment to that comment's offset. A file that does not
// scan cleanly still yields the comments scanned up to each error.
func goLineComments(src []byte) map[int]int {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var s scanner.Scanner
	s.Init(f, src, func(token.Position, string) {}, scanner.ScanComments)
	out := map[int]int{}
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok != token.COMMENT || !strings.HasPrefix(lit, "//") {
			continue
		}
		off := f.Offset(pos)
		lineStart := f.Offset(f.LineStart(f.Line(pos)))
		if _, seen := out[lineStart]; !seen {
			out[lineStart] = off
		}
	}
}

type lineSpan struct{ start, end int } // end excludes the newline (and a CR before it)

func splitLines(src []byte) []lineSpan {
	var out []lineSpan
	for off := 0; off <= len(src); {
		i := bytes.IndexByte(src[off:], '\n')
		end := len(src)
		next := len(src) + 1
		if i >= 0 {
			end = off + i
			next = end + 1
		}
		e := end
		if e > off && src[e-1] == '\r' {
			e--
		}
		if i < 0 && off == len(src) && len(out) > 0 {
			break // no empty line after a final newline
		}
		out = append(out, lineSpan{off, e})
		off = next
	}
	return out
}

// commentStart returns the offset in line where a comment begins, or -1.
// Quotes are tracked within the line only, which is enough to keep
// `echo "# dockguard:ignore"` from counting as a directive.
func commentStart(line []byte, style Style) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		c := line[i]
		if quote != 0 {
			switch {
			case c == '\\' && quote != '\'' && quote != '`':
				i++
			case c == quote:
				quote = 0
			}
			continue
		}
		switch style {
		case StyleGo:
			switch {
			case c == '"' || c == '`' || c == '\'':
				quote = c
			case c == '/' && i+1 < len(line) && line[i+1] == '/':
				return i
			}
		case StyleJSON:
			if c == '#' && (i == 0 || isSpace(line[i-1]) || line[i-1] == '"') {
				return i
			}
		default:
			switch {
			case c == '\\':
				i++
			case c == '"' || c == '\'':
				quote = c
			case c == '#' && (i == 0 || isSpace(line[i-1]) || line[i-1] == ';'):
				return i
			}
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// parseComment finds the directives in the comment that starts at cpos of
// line. Offsets in the result are relative to line. A comment may chain
// several tools' directives (`# shellcheck disable=SC2086 # dockguard:...`),
// so every comment marker inside it is a candidate.
func parseComment(line []byte, cpos int, style Style) []Directive {
	var out []Directive
	comment := string(line[cpos:])
	for _, at := range candidateStarts(comment, style) {
		body := comment[at:]
		switch {
		case strings.HasPrefix(body, Marker):
			d, ok := parseDockguard(body, style)
			if !ok {
				continue
			}
			d.Start = cpos + at
			d.End = cpos + at + len(d.Text)
			out = append(out, d)
			return out // the rest of the comment is this directive's reason
		case style == StylePython && len(body) >= 4 && strings.EqualFold(body[:4], "noqa"):
			d, ok := parseNoQA(body)
			if !ok {
				continue
			}
			d.Start = cpos + at
			d.End = cpos + at + len(d.Text)
			out = append(out, d)
			return out
		case style == StyleGo && strings.HasPrefix(body, "nolint:"):
			d, ok := parseNoLint(body)
			if !ok {
				continue
			}
			d.Start = cpos + at
			d.End = cpos + at + len(d.Text)
			out = append(out, d)
			return out
		}
	}
	return out
}

// candidateStarts lists offsets in comment just after a comment marker and
// any spaces, where a directive may begin.
func candidateStarts(comment string, style Style) []int {
	marker := "#"
	if style == StyleGo {
		marker = "//"
	}
	var out []int
	for i := 0; ; {
		j := strings.Index(comment[i:], marker)
		if j < 0 {
			return out
		}
		k := i + j + len(marker)
		for k < len(comment) && (isSpace(comment[k]) || style != StyleGo && comment[k] == '#') {
			k++
		}
		if style == StyleGo && len(out) > 0 && !machineToken(comment[out[len(out)-1]:i+j]) {
			// Go doc comments are prose: a directive may follow another
			// tool's (//nolint:errcheck //dockguard:...) but not a
			// sentence that mentions one, as golangci-lint reads nolint
			// only at the start of a comment.
			return out
		}
		out = append(out, k)
		i = k
	}
}

// machineToken reports whether segment starts with a directive-style word
// such as "nolint:errcheck" or "lint:ignore": letters, then a colon, and no
// space before it.
func machineToken(segment string) bool {
	colon := strings.IndexByte(segment, ':')
	if colon <= 0 {
		return false
	}
	for _, c := range []byte(segment[:colon]) {
		if !isLetter(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// parseDockguard parses body, which starts with "dockguard:". ok is false
// when the text is prose that merely mentions dockguard ("dockguard: see
// docs"), not a directive.
func parseDockguard(body string, style Style) (d Directive, ok bool) {
	rest := body[len(Marker):]
	verbEnd := strings.IndexFunc(rest, func(r rune) bool { return r == ' ' || r == '\t' })
	if verbEnd < 0 {
		verbEnd = len(rest)
	}
	verb := rest[:verbEnd]
	if verb == "" || !isLetter(verb[0]) {
		return d, false
	}
	d.Text = strings.TrimRight(body, " \t")
	if style == StyleJSON {
		// The comment ends where the JSON string does.
		if i := strings.IndexByte(d.Text, '"'); i >= 0 {
			d.Text = strings.TrimRight(d.Text[:i], " \t")
		}
	}
	switch verb {
	case "ignore":
	case "ignore-file":
		d.FileWide = true
	default:
		d.Problem = fmt.Sprintf("unknown directive %q", Marker+verb)
		if s := closest(verb, []string{"ignore", "ignore-file"}); s != "" {
			d.Problem += fmt.Sprintf(" (did you mean %s%s?)", Marker, s)
		}
		return d, true
	}
	args := d.Text[len(Marker)+len(verb):]
	ruleText, reason, hasSep := strings.Cut(args, "--")
	d.Reason = strings.TrimSpace(reason)
	d.Rules, d.Problem = parseRules(ruleText)
	switch {
	case d.Problem != "":
	case len(d.Rules) == 0:
		d.Problem = fmt.Sprintf("%s names no rule; write %s%s DG101 -- reason", Marker+verb, Marker, verb)
	case !hasSep || d.Reason == "":
		d.Problem = fmt.Sprintf("%s has no reason; add ` -- why this is safe` after the rule IDs", Marker+verb)
	}
	return d, true
}

// parseNoLint parses body, which starts with "nolint:". Only lists that
// name dockguard are ours; a reason follows as `// reason`.
func parseNoLint(body string) (d Directive, ok bool) {
	text := strings.TrimRight(body, " \t")
	list, reason, hasReason := strings.Cut(text[len("nolint:"):], "//")
	listEnd := strings.IndexAny(list, " \t")
	if listEnd >= 0 {
		list = list[:listEnd]
	}
	found := false
	for _, name := range strings.Split(list, ",") {
		if strings.TrimSpace(name) == "dockguard" {
			found = true
		}
	}
	if !found {
		return d, false
	}
	d.Text = text
	d.NoLint = true
	d.Reason = strings.TrimSpace(reason)
	if !hasReason || d.Reason == "" {
		d.Problem = "nolint:dockguard has no reason; add ` // why this is safe`"
	}
	return d, true
}

// parseNoQA parses body, which starts with "noqa". Only a list naming
// dockguard's rule IDs (DGnnn) is ours; a bare # noqa and other tools'
// codes are left to those tools, so that a blanket noqa written for
// flake8 does not silence a forced removal.
func parseNoQA(body string) (d Directive, ok bool) {
	rest, found := strings.CutPrefix(body[4:], ":")
	if !found {
		return d, false
	}
	d.Text = strings.TrimRight(body, " \t")
	d.NoQA = true
	// The list ends at the first word that is not a code (flake8 reads
	// "# noqa: E501 some prose" the same way).
	for _, f := range strings.FieldsFunc(rest, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		if !isCode(f) {
			break
		}
		if !strings.HasPrefix(strings.ToUpper(f), "DG") {
			continue
		}
		r, known := rules.Lookup(strings.ToUpper(f))
		if !known {
			d.Problem = fmt.Sprintf("unknown rule %q", f)
			return d, true
		}
		if !slices.Contains(d.Rules, r.ID) {
			d.Rules = append(d.Rules, r.ID)
		}
	}
	if len(d.Rules) == 0 && d.Problem == "" {
		return d, false
	}
	return d, true
}

// isCode reports a flake8-style code: letters then digits (E501, DG101).
func isCode(s string) bool {
	i := 0
	for i < len(s) && isLetter(s[i]) {
		i++
	}
	if i == 0 || i == len(s) {
		return false
	}
	for ; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// parseRules reads a comma- or space-separated rule list; names are
// accepted and normalised to IDs.
func parseRules(s string) (ids []string, problem string) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' })
	for _, f := range fields {
		r, ok := rules.Lookup(f)
		if !ok {
			problem = fmt.Sprintf("unknown rule %q", f)
			if sug := rules.Suggest(f); len(sug) > 0 {
				problem += fmt.Sprintf(" (did you mean %s?)", sug[0])
			}
			return nil, problem
		}
		if !slices.Contains(ids, r.ID) {
			ids = append(ids, r.ID)
		}
	}
	return ids, ""
}

func closest(s string, options []string) string {
	best, bestD := "", 3
	for _, o := range options {
		if d := rules.EditDistance(s, o); d < bestD {
			best, bestD = o, d
		}
	}
	return best
}

// maxCommandLines bounds how far a directive alone on its line reaches.
const maxCommandLines = 200

// nextCommand returns the lines (1-based, inclusive) of the command that
// follows line index from: the next line that is neither blank nor only a
// comment, extended over backslash continuations, unclosed brackets and,
// in YAML, the block scalar the line introduces.
func nextCommand(src []byte, lines []lineSpan, from int, style Style) (first, last int) {
	i := from
	for ; i < len(lines); i++ {
		t := bytes.TrimSpace(src[lines[i].start:lines[i].end])
		if len(t) == 0 {
			continue
		}
		if cp := commentStart(src[lines[i].start:lines[i].end], style); cp >= 0 && len(bytes.TrimSpace(src[lines[i].start:lines[i].start+cp])) == 0 {
			continue
		}
		break
	}
	if i >= len(lines) {
		return 0, 0
	}
	first = i
	depth := 0
	for j := i; j < len(lines) && j < i+maxCommandLines; j++ {
		text := src[lines[j].start:lines[j].end]
		code := text
		if cp := commentStart(text, style); cp >= 0 {
			code = text[:cp]
		}
		depth += bracketDelta(code)
		trimmed := bytes.TrimRight(code, " \t")
		cont := bytes.HasSuffix(trimmed, []byte{'\\'}) && style != StyleGo
		if j == first && style == StyleHash && opensBlockScalar(trimmed) {
			return first + 1, blockEnd(src, lines, j) + 1
		}
		if depth <= 0 && !cont {
			return first + 1, j + 1
		}
	}
	return first + 1, min(len(lines), i+maxCommandLines)
}

// bracketDelta counts opening minus closing brackets outside quotes.
func bracketDelta(code []byte) int {
	n := 0
	var quote byte
	for i := 0; i < len(code); i++ {
		c := code[i]
		if quote != 0 {
			if c == '\\' && quote != '\'' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\\':
			i++
		case '"', '\'', '`':
			quote = c
		case '(', '[', '{':
			n++
		case ')', ']', '}':
			n--
		}
	}
	return n
}

// opensBlockScalar reports a YAML line ending in a block scalar header
// (`run: |`, `script: >-`, `- |2`).
func opensBlockScalar(line []byte) bool {
	i := len(line) - 1
	for i >= 0 && (line[i] >= '0' && line[i] <= '9' || line[i] == '-' || line[i] == '+') {
		i--
	}
	if i < 0 || (line[i] != '|' && line[i] != '>') {
		return false
	}
	return i == 0 || isSpace(line[i-1])
}

// blockEnd returns the index of the last line of the block scalar whose
// header is on line index h: the following lines indented deeper than h
// (blank lines included when more block lines follow).
func blockEnd(src []byte, lines []lineSpan, h int) int {
	indent := indentOf(src[lines[h].start:lines[h].end])
	last := h
	for j := h + 1; j < len(lines); j++ {
		text := src[lines[j].start:lines[j].end]
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		if indentOf(text) <= indent {
			break
		}
		last = j
	}
	return last
}

func indentOf(line []byte) int {
	n := 0
	for n < len(line) && (line[n] == ' ' || line[n] == '\t') {
		n++
	}
	return n
}
