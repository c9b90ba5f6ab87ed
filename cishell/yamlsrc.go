package cishell

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
)

// source is a YAML file with a line index, so that positions from yaml.v3
// (1-based line, rune column) turn into byte offsets without rescanning.
type source struct {
	file  string
	src   []byte
	lines []int // byte offset of the start of each line
}

func newSource(file string, src []byte) *source {
	s := &source{file: file, src: src, lines: []int{0}}
	for i, c := range src {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// lineBounds returns the start and end (before any "\r\n" or "\n") of the
// 1-based line, or ok=false when there is no such line.
func (s *source) lineBounds(line int) (start, end int, ok bool) {
	if line < 1 || line > len(s.lines) {
		return 0, 0, false
	}
	start = s.lines[line-1]
	end = len(s.src)
	if line < len(s.lines) {
		end = s.lines[line] - 1
	}
	if end > start && s.src[end-1] == '\r' {
		end--
	}
	return start, end, true
}

// offset converts a yaml.v3 position (1-based line, 1-based rune column) into
// a byte offset, clamped to the line.
func (s *source) offset(line, runeCol int) int {
	start, end, ok := s.lineBounds(line)
	if !ok {
		if line < 1 {
			return 0
		}
		return len(s.src)
	}
	i := start
	for n := 1; n < runeCol && i < end; n++ {
		_, size := utf8.DecodeRune(s.src[i:end])
		i += size
	}
	return i
}

var errLineRE = regexp.MustCompile(`line (\d+)`)

// decode reads every YAML document in src. A syntax error ends the stream:
// the documents before it are returned together with a DG001 finding at the
// error's line. Panics inside the YAML library become DG001 findings too.
func (s *source) decode() (docs []*yaml.Node, errs []rules.Finding) {
	defer func() {
		if r := recover(); r != nil {
			errs = append(errs, s.parseError(fmt.Errorf("yaml parser failed: %v", r)))
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(s.src))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return docs, []rules.Finding{s.parseError(err)}
		}
		docs = append(docs, &n)
	}
}

// parseError turns a YAML error into a DG001 finding spanning the text of
// the line it names. Errors without a line (encoding problems) point at the
// first invalid UTF-8 byte, or at the start of the file.
func (s *source) parseError(err error) rules.Finding {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	start, end := 0, 0
	if m := errLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		if parserError(msg) {
			// yaml.v3 prints the 0-based line of parser (not scanner)
			// errors; it adds one only for scanner errors.
			n++
			msg = errLineRE.ReplaceAllString(msg, "line "+strconv.Itoa(n))
		}
		n = min(n, len(s.lines))
		// An error at the end of input is shown on the last line with text.
		for n > 1 && s.blank(n) {
			n--
		}
		if ls, le, ok := s.lineBounds(n); ok {
			start, end = ls, le
			for start < end && (s.src[start] == ' ' || s.src[start] == '\t') {
				start++
			}
		}
	} else {
		// Encoding errors carry no line: point at the first byte YAML
		// refuses, an invalid UTF-8 sequence or a control character.
		for i := 0; i < len(s.src); {
			r, size := utf8.DecodeRune(s.src[i:])
			if r == utf8.RuneError && size <= 1 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
				start, end = i, i+size
				break
			}
			i += size
		}
	}
	f := rules.New(rules.MustLookup("DG001"), s.file, s.src, start, end, "YAML syntax error: "+msg)
	f.Key = "yaml: " + errLineRE.ReplaceAllString(msg, "line N")
	return f
}

// parserError reports whether a yaml.v3 message comes from its parser,
// whose line numbers are off by one, rather than its scanner.
func parserError(msg string) bool {
	if i := strings.Index(msg, ": "); i >= 0 && strings.HasPrefix(msg, "line ") {
		msg = msg[i+2:]
	}
	for _, p := range []string{"did not find expected", "found duplicate %", "found incompatible YAML document", "found undefined tag handle"} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// blank reports whether the 1-based line holds only blanks.
func (s *source) blank(line int) bool {
	ls, le, ok := s.lineBounds(line)
	return !ok || len(bytes.Trim(s.src[ls:le], " \t")) == 0
}

// template says which CI template syntax a scalar may contain; such
// expressions are replaced by same-width placeholders before parsing.
type template uint8

const (
	noTemplate      template = iota
	githubTemplate           // ${{ expr }}
	circleTemplate           // << parameters.x >>
	gitlabTemplate           // $[[ inputs.x ]]
	goTemplate               // {{.VAR}} (go-task)
	azureTemplate            // $(macro), $[ runtime ], ${{ template }}
	composeTemplate          // $$, Compose's escape of $
)

// scalarFragment extracts the shell code of scalar node n with a map to its
// real position:
//   - literal block scalars (|, |-, |+, |2) map line by line and column by column;
//   - single-line plain and quoted scalars that appear verbatim map by column;
//   - everything else (folded, escaped or multi-line flow scalars) maps to the
//     start of the value.
func (s *source) scalarFragment(n *yaml.Node, t template) *fragment.Fragment {
	var b fragment.Builder
	start := s.offset(n.Line, n.Column)
	switch {
	case n.Style&yaml.LiteralStyle != 0:
		if !s.literal(&b, n) {
			b = fragment.Builder{}
			s.collapse(&b, n, start)
		}
	case n.Style&yaml.FoldedStyle != 0:
		s.collapse(&b, n, start)
	default:
		if !s.inline(&b, n, start) {
			s.collapse(&b, n, start)
		}
	}
	maskTemplates(&b, t)
	return b.Fragment()
}

func (s *source) collapse(b *fragment.Builder, n *yaml.Node, start int) {
	_, end, _ := s.lineBounds(n.Line)
	if end < start {
		end = start
	}
	for end > start && (s.src[end-1] == ' ' || s.src[end-1] == '\t') {
		end--
	}
	b.Collapse([]byte(n.Value), start, end)
	b.FixText(func(string) (string, bool) { return "", false })
}

// inline maps a scalar that sits on one line verbatim (plain, or quoted
// without escapes). Tags and anchors before the value are skipped by looking
// for the value on the node's line.
func (s *source) inline(b *fragment.Builder, n *yaml.Node, start int) bool {
	if strings.ContainsAny(n.Value, "\n\r") {
		return false
	}
	_, end, ok := s.lineBounds(n.Line)
	if !ok || start > end {
		return false
	}
	line := s.src[start:end]
	quoted := n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	var i int
	switch {
	case quoted:
		q := byte('"')
		if n.Style&yaml.SingleQuotedStyle != 0 {
			q = '\''
		}
		qi := bytes.IndexByte(line, q)
		if qi < 0 || !bytes.HasPrefix(line[qi+1:], []byte(n.Value)) ||
			qi+1+len(n.Value) >= len(line) || line[qi+1+len(n.Value)] != q {
			return false
		}
		i = qi + 1
	case bytes.HasPrefix(line, []byte(n.Value)):
		i = 0
	default:
		i = bytes.Index(line, []byte(n.Value))
		if i < 0 {
			return false
		}
	}
	b.Copy([]byte(n.Value), start+i)
	b.FixText(func(t string) (string, bool) {
		if strings.ContainsAny(t, "\n\r") {
			return "", false
		}
		if quoted {
			// Quotes or backslashes would end or escape the YAML string.
			return t, !strings.ContainsAny(t, `"'\`)
		}
		return t, !strings.Contains(t, ": ") && !strings.Contains(t, " #")
	})
	return true
}

// literal maps a literal block scalar. Line k of the value is line
// header+1+k of the file, indented by a fixed number of spaces that is
// derived from the first non-empty line and then verified on every line.
func (s *source) literal(b *fragment.Builder, n *yaml.Node) bool {
	vlines := strings.Split(n.Value, "\n")
	if len(vlines) > 0 && vlines[len(vlines)-1] == "" {
		vlines = vlines[:len(vlines)-1] // the final line break, not a line
	}
	indent := -1
	for k, vl := range vlines {
		if vl == "" {
			continue
		}
		ls, le, ok := s.lineBounds(n.Line + 1 + k)
		if !ok {
			return false
		}
		indent = le - ls - len(vl)
		break
	}
	if indent < 0 {
		indent = 0
	}
	for k, vl := range vlines {
		ls, le, ok := s.lineBounds(n.Line + 1 + k)
		if !ok {
			return false
		}
		raw := s.src[ls:le]
		if vl == "" {
			if len(bytes.Trim(raw, " ")) != 0 && len(raw) > indent {
				return false
			}
			b.Copy([]byte("\n"), min(ls+indent, le))
			continue
		}
		if len(raw) != indent+len(vl) || string(raw[indent:]) != vl ||
			len(bytes.Trim(raw[:indent], " ")) != 0 {
			return false
		}
		b.Copy(raw[indent:], ls+indent)
		if k < len(vlines)-1 || strings.HasSuffix(n.Value, "\n") {
			// Copy the line break as the file's newline byte position.
			b.Copy([]byte("\n"), le)
		}
	}
	if string(b.Bytes()) != n.Value {
		return false
	}
	pad := "\n" + strings.Repeat(" ", indent)
	b.FixText(func(t string) (string, bool) {
		t = strings.ReplaceAll(t, "\r\n", "\n")
		return strings.ReplaceAll(t, "\n", pad), true
	})
	return true
}

// maskTemplates replaces CI template expressions in the code by same-width
// placeholders, so that `docker rm ${{ inputs.name }}` parses and the name is
// an unknown word.
func maskTemplates(b *fragment.Builder, t template) {
	code := b.Bytes()
	switch t {
	case githubTemplate:
		for i := 0; i+2 < len(code); i++ {
			if code[i] != '$' || code[i+1] != '{' || code[i+2] != '{' {
				continue
			}
			end := githubExprEnd(code, i+3)
			b.Mask(i, end)
			i = end - 1
		}
	case circleTemplate:
		for _, m := range circleParamRE.FindAllIndex(code, -1) {
			b.Mask(m[0], m[1])
		}
		// CircleCI reads "\<<" as a literal "<<" (a heredoc, say). The
		// space keeps the width; it only separates words, as the
		// backslash did.
		for i := 0; i+2 < len(code); i++ {
			if code[i] == '\\' && code[i+1] == '<' && code[i+2] == '<' {
				b.Rewrite(i, i+3, []byte(" <<"))
				i += 2
			}
		}
	case gitlabTemplate:
		for _, m := range gitlabInputRE.FindAllIndex(code, -1) {
			b.Mask(m[0], m[1])
		}
	case goTemplate:
		for _, m := range goTemplateRE.FindAllIndex(code, -1) {
			b.Mask(m[0], m[1])
		}
	case composeTemplate:
		// Compose reads $$ as $ before the shell runs. After a blank,
		// a quote or a bracket the space that keeps the width only
		// separates words; inside a word the expansion is unknown.
		for i := 0; i+1 < len(code); i++ {
			if code[i] != '$' || code[i+1] != '$' {
				continue
			}
			if i == 0 || strings.IndexByte(" \t\n\"'(`;|&", code[i-1]) >= 0 {
				b.Rewrite(i, i+2, []byte(" $"))
			} else {
				j := i + 2
				for j < len(code) && (code[j] == '_' || 'a' <= code[j]|0x20 && code[j]|0x20 <= 'z' || '0' <= code[j] && code[j] <= '9') {
					j++
				}
				b.Mask(i, j)
			}
			i++
		}
	case azureTemplate:
		maskTemplates(b, githubTemplate) // ${{ }} is written as GitHub writes it
		for _, m := range azureMacroRE.FindAllIndex(b.Bytes(), -1) {
			b.Mask(m[0], m[1])
		}
	}
}

var gitlabInputRE = regexp.MustCompile(`\$\[\[[^\]\n]*\]\]`)

var circleParamRE = regexp.MustCompile(`<<\s*(?:parameters|pipeline|matrix)\.[A-Za-z0-9_.\-]+\s*>>`)

// githubExprEnd returns the offset just past the "}}" that closes an
// expression whose body starts at i. String literals in expressions are
// single-quoted, with a doubled quote as the escape, and may contain "}}". An unclosed
// expression runs to the end of its line.
func githubExprEnd(code []byte, i int) int {
	inStr := false
	for ; i < len(code); i++ {
		c := code[i]
		switch {
		case inStr:
			if c == '\'' {
				if i+1 < len(code) && code[i+1] == '\'' {
					i++
				} else {
					inStr = false
				}
			}
		case c == '\'':
			inStr = true
		case c == '}' && i+1 < len(code) && code[i+1] == '}':
			return i + 2
		case c == '\n':
			return i
		}
	}
	return len(code)
}
