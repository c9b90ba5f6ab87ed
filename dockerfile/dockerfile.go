// Package dockerfile finds the commands of Dockerfiles (RUN, CMD,
// ENTRYPOINT, HEALTHCHECK CMD, and those behind ONBUILD) and checks them
// with the shell front end, reporting findings at their real line and
// column, as hadolint does with ShellCheck.
//
// The file is read by BuildKit's own parser
// (github.com/moby/buildkit/frontend/dockerfile/parser), so instructions,
// line continuations, the `# escape=` directive, comment lines inside a
// continued instruction, JSON (exec) forms and heredocs are what
// `docker build` sees. What the parser does not keep is where each byte
// came from; this package maps the parser's joined instruction back to the
// file, and checks that the bytes agree before it trusts the map.
//
// A shell-form command runs in the stage's shell: /bin/sh unless a SHELL
// instruction says otherwise (a stage built FROM an earlier stage keeps
// that stage's shell; a Windows base image starts with cmd). A POSIX
// shell's code goes to the shell front end, PowerShell's to the
// PowerShell splitter of package cishell, and other shells (cmd) are not
// checked. An exec-form command (["docker", "rm", "-f", "x"]) is argv:
// each element is one word whatever it holds, with no expansion, so a
// ["sh", "-c", "..."] string is checked as the shell code it is.
package dockerfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"unicode"

	"github.com/moby/buildkit/frontend/dockerfile/parser"

	"github.com/dockguard/dockguard/cishell"
	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/internal/shquote"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// shellKind is what a shell-form command runs in.
type shellKind int

const (
	posixShell shellKind = iota
	pwshShell
	otherShell
)

// Check checks the commands of a Dockerfile. Findings have File set to
// file and positions in src. A syntax error BuildKit refuses is a DG001
// finding at its line; the instructions after it are still checked.
func Check(file string, src []byte, cfg *shell.Config) []rules.Finding {
	if !fragment.Relevant(src, cfg) {
		return nil
	}
	res, out := parse(file, src)
	if res == nil || res.AST == nil {
		return out
	}
	c := &checker{file: file, src: src, cfg: cfg, lines: lineStarts(src), host: fragment.NewHost(file, src), escape: byte(res.EscapeToken), stages: map[string]shellKind{}}
	if c.escape == 0 {
		c.escape = '\\'
	}
	for _, n := range res.AST.Children {
		c.instruction(n, n)
	}
	return append(out, c.out...)
}

type checker struct {
	file   string
	src    []byte
	cfg    *shell.Config
	lines  []int
	host   *fragment.Host
	escape byte
	out    []rules.Finding
	// sh is the current stage's shell; stages maps each named stage to
	// its shell, for FROM <stage>.
	sh     shellKind
	stage  string
	stages map[string]shellKind
}

// instruction checks one instruction: n is the node to dispatch on, top
// the instruction as it sits in the file (they differ under ONBUILD).
func (c *checker) instruction(n, top *parser.Node) {
	switch strings.ToLower(n.Value) {
	case "from":
		c.from(n)
	case "shell":
		if n.Attributes["json"] && n.Next != nil {
			c.sh = classifyShell(n.Next.Value)
			if c.stage != "" {
				c.stages[c.stage] = c.sh
			}
		}
	case "run", "cmd", "entrypoint":
		c.command(n, n.Next, top)
	case "healthcheck":
		if n.Next != nil && strings.EqualFold(n.Next.Value, "cmd") {
			c.command(n, n.Next.Next, top)
		}
	case "onbuild":
		if n.Next != nil && len(n.Next.Children) > 0 {
			c.instruction(n.Next.Children[0], top)
		}
	}
}

// from starts a stage: its shell is that of the stage it builds on, else
// cmd for a Windows base image and /bin/sh otherwise.
func (c *checker) from(n *parser.Node) {
	var words []string
	for w := n.Next; w != nil; w = w.Next {
		words = append(words, w.Value)
	}
	c.stage = ""
	if len(words) == 0 {
		return
	}
	image := strings.ToLower(words[0])
	if sh, ok := c.stages[image]; ok {
		c.sh = sh
	} else {
		c.sh = posixShell
		for _, w := range []string{"windows", "nanoserver", "servercore"} {
			if strings.Contains(image, w) {
				c.sh = otherShell
			}
		}
	}
	if len(words) >= 3 && strings.EqualFold(words[1], "as") {
		c.stage = strings.ToLower(words[2])
		c.stages[c.stage] = c.sh
	}
}

// classifyShell reads the program of a SHELL instruction.
func classifyShell(prog string) shellKind {
	base := strings.ToLower(path.Base(strings.ReplaceAll(prog, `\`, "/")))
	base = strings.TrimSuffix(base, ".exe")
	switch base {
	case "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox":
		return posixShell
	case "pwsh", "powershell":
		return pwshShell
	}
	return otherShell
}

// command checks the command of one instruction; val is the node holding
// it (the first JSON element in exec form).
func (c *checker) command(n, val, top *parser.Node) {
	if val == nil {
		return
	}
	first := top.StartLine - 1
	if first < 0 || first >= len(c.lines) {
		return
	}
	lg := c.logical(first)
	if lg.text() != top.Original {
		// The map does not reproduce what the parser read (a case this
		// reader does not know): check the command with every finding at
		// the instruction's first line rather than at a wrong column.
		c.collapsed(n, val, first)
		return
	}
	trimmed := strings.TrimRightFunc(top.Original, unicode.IsSpace)
	if n.Attributes["json"] {
		c.execForm(val, lg, trimmed)
		return
	}
	if c.sh == otherShell {
		return
	}
	vStart := len(trimmed) - len(val.Value)
	if vStart < 0 || trimmed[vStart:] != val.Value {
		return
	}
	var b fragment.Builder
	if len(top.Heredocs) > 0 {
		if c.heredocScript(top, val, lg) {
			return
		}
		lg.copyTo(&b, vStart, len(trimmed))
		// The heredoc bodies follow the instruction's line, verbatim;
		// the shell reads them as here-documents, as BuildKit runs them.
		nl := c.lineEnd(lg.last)
		if nl < len(c.src) {
			b.Copy(c.src[nl:nl+1], nl)
			if end := c.lineEnd(top.EndLine - 1); end > nl+1 {
				b.Copy(c.src[nl+1:end], nl+1)
			}
		}
	} else {
		lg.copyTo(&b, vStart, len(trimmed))
	}
	c.checkFragment(&b, c.sh, true)
}

// heredocScript checks the body of a RUN whose command is one heredoc
// (RUN <<EOF): BuildKit runs that body as the script, in the stage's
// shell or in the interpreter of its shebang. It reports false when the
// command is more than the heredoc.
func (c *checker) heredocScript(n, val *parser.Node, lg logical) bool {
	if len(n.Heredocs) != 1 || parser.MustParseHeredoc(val.Value) == nil {
		return false
	}
	start := c.lineEnd(lg.last) + 1
	end := c.lineStart(n.EndLine - 1) // the terminator's line
	if start >= end || end > len(c.src) {
		return true
	}
	body := c.src[start:end]
	sh := c.sh
	if interp := shell.Interpreter(body); interp != "" {
		sh = classifyShell(interp)
	}
	if sh == otherShell {
		return true
	}
	var b fragment.Builder
	b.Copy(body, start)
	c.checkFragment(&b, sh, true)
	return true
}

// execForm checks a JSON array as argv: each element becomes one
// single-quoted shell word, its body mapped to the element's text when it
// holds no JSON escape, so that sh -c strings keep their columns.
func (c *checker) execForm(val *parser.Node, lg logical, trimmed string) {
	start := jsonStart(trimmed, val)
	if start < 0 {
		return
	}
	var b fragment.Builder
	i := start
	for v := val; v != nil; v = v.Next {
		qs, qe := nextString(trimmed, i)
		if qs < 0 {
			return
		}
		if b.Len() > 0 {
			b.Replace([]byte(" "), lg.fileOff(qs), lg.fileOff(qs))
		}
		raw := trimmed[qs+1 : qe-1]
		if raw == v.Value && !strings.ContainsAny(raw, "'\n") {
			b.Replace([]byte("'"), lg.fileOff(qs), lg.fileOff(qs)+1)
			lg.copyTo(&b, qs+1, qe-1)
			b.Replace([]byte("'"), lg.fileOff(qe-1), lg.fileOff(qe-1)+1)
		} else {
			b.Replace([]byte(shquote.Word(v.Value)), lg.fileOff(qs), lg.fileOff(qe-1)+1)
		}
		i = qe
	}
	// An exec form is not shell code: a fix written as shell (`;`, `||`)
	// would be a word of argv, so exec forms get advice, never an edit.
	c.checkFragment(&b, posixShell, false)
}

// collapsed checks an instruction whose bytes could not be mapped: the
// command as the parser read it, every finding at the first line.
func (c *checker) collapsed(n, val *parser.Node, first int) {
	code := val.Value
	if n.Attributes["json"] {
		var words []string
		for v := val; v != nil; v = v.Next {
			words = append(words, shquote.Word(v.Value))
		}
		code = strings.Join(words, " ")
	} else if c.sh == otherShell {
		return
	}
	var b fragment.Builder
	b.Collapse([]byte(code), c.lines[first], c.lineEnd(first))
	c.checkFragment(&b, c.sh, false)
}

// checkFragment checks the code built in b in shell sh; fixes says
// whether edits written as shell code may be applied to the file.
func (c *checker) checkFragment(b *fragment.Builder, sh shellKind, fixes bool) {
	if b.Len() == 0 {
		return
	}
	if !fixes {
		b.FixText(func(string) (string, bool) { return "", false })
	} else if sh == posixShell {
		esc := string(c.escape)
		b.FixText(func(t string) (string, bool) {
			// A newline would end the instruction; under `# escape=``
			// a backtick would be read by the Dockerfile parser.
			return t, !strings.Contains(t, "\n") && (esc == `\` || !strings.Contains(t, esc))
		})
	}
	f := b.Fragment()
	switch sh {
	case posixShell:
		c.out = append(c.out, c.host.Check(f, c.cfg)...)
	case pwshShell:
		c.out = append(c.out, cishell.CheckPowerShell(c.file, c.src, f, c.cfg)...)
	}
}

// jsonStart returns the offset in s of the JSON array that ends s and
// holds the values of val and its successors, or -1.
func jsonStart(s string, val *parser.Node) int {
	var want []string
	for v := val; v != nil; v = v.Next {
		want = append(want, v.Value)
	}
	for i := strings.IndexByte(s, '['); i >= 0; {
		var got []string
		if json.Unmarshal([]byte(s[i:]), &got) == nil && slices.Equal(got, want) {
			return i
		}
		j := strings.IndexByte(s[i+1:], '[')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return -1
}

// nextString returns the span [start, end) of the next JSON string
// literal at or after i, quotes included; (-1, -1) when there is none.
// s is valid JSON from an earlier offset, so escapes are well formed.
func nextString(s string, i int) (int, int) {
	qs := strings.IndexByte(s[i:], '"')
	if qs < 0 {
		return -1, -1
	}
	qs += i
	for j := qs + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '"':
			return qs, j + 1
		}
	}
	return -1, -1
}

// logical is one instruction as BuildKit joins it: the pieces of its
// physical lines (continuation characters, comment lines and empty
// continuation lines dropped), in order.
type logical struct {
	pieces []piece
	// last is the index of the instruction's last physical line.
	last int
}

type piece struct {
	file int // offset of text in the file
	text []byte
}

func (lg logical) text() string {
	var b strings.Builder
	for _, p := range lg.pieces {
		b.Write(p.text)
	}
	return b.String()
}

// fileOff maps an offset in the joined text to the file.
func (lg logical) fileOff(off int) int {
	for _, p := range lg.pieces {
		if off < len(p.text) {
			return p.file + off
		}
		off -= len(p.text)
	}
	if n := len(lg.pieces); n > 0 {
		p := lg.pieces[n-1]
		return p.file + len(p.text)
	}
	return 0
}

// copyTo appends the joined text [start, end) to b, each piece at its
// place in the file.
func (lg logical) copyTo(b *fragment.Builder, start, end int) {
	pos := 0
	for _, p := range lg.pieces {
		ps, pe := pos, pos+len(p.text)
		pos = pe
		lo, hi := max(ps, start), min(pe, end)
		if lo < hi {
			b.Copy(p.text[lo-ps:hi-ps], p.file+lo-ps)
		}
	}
}

// logical joins the instruction starting at line first (0-based) as
// BuildKit's parser does.
func (c *checker) logical(first int) logical {
	var lg logical
	ln := first
	s, e := c.lineStart(ln), c.contentEnd(ln)
	if ln == 0 && bytes.HasPrefix(c.src[s:e], []byte("\xef\xbb\xbf")) {
		s += 3
	}
	s = e - len(bytes.TrimLeftFunc(c.src[s:e], unicode.IsSpace))
	for {
		text, more := c.trimContinuation(c.src[s:e])
		lg.pieces = append(lg.pieces, piece{file: s, text: text})
		lg.last = ln
		if !more {
			return lg
		}
		for {
			ln++
			if ln >= len(c.lines) {
				return lg
			}
			s, e = c.lineStart(ln), c.contentEnd(ln)
			line := c.src[s:e]
			t := bytes.TrimLeftFunc(line, unicode.IsSpace)
			if len(t) > 0 && t[0] == '#' {
				continue // a comment line inside the instruction
			}
			if len(t) == 0 {
				continue // an empty continuation line
			}
			break
		}
	}
}

// trimContinuation strips a line-continuation escape (and the blanks
// after it) from the end of line, as BuildKit's continuation regexp does:
// the escape token at the end, not itself escaped... as far as one
// preceding character tells.
func (c *checker) trimContinuation(line []byte) ([]byte, bool) {
	e := len(line)
	for e > 0 && (line[e-1] == ' ' || line[e-1] == '\t') {
		e--
	}
	if e == 0 || line[e-1] != c.escape {
		return line, false
	}
	if e >= 2 && line[e-2] == c.escape {
		return line, false
	}
	return line[:e-1], true
}

// lineStarts returns the offset of each line's first byte.
func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, ch := range src {
		if ch == '\n' && i+1 <= len(src) {
			starts = append(starts, i+1)
		}
	}
	if len(starts) > 1 && starts[len(starts)-1] == len(src) {
		starts = starts[:len(starts)-1]
	}
	return starts
}

func (c *checker) lineStart(ln int) int {
	if ln < 0 {
		return 0
	}
	if ln >= len(c.lines) {
		return len(c.src)
	}
	return c.lines[ln]
}

// lineEnd is the offset of the newline ending line ln, or the file's end.
func (c *checker) lineEnd(ln int) int {
	s := c.lineStart(ln)
	if i := bytes.IndexByte(c.src[s:], '\n'); i >= 0 {
		return s + i
	}
	return len(c.src)
}

// contentEnd is lineEnd less a CR before the newline.
func (c *checker) contentEnd(ln int) int {
	e := c.lineEnd(ln)
	if e > c.lineStart(ln) && c.src[e-1] == '\r' {
		e--
	}
	return e
}

// maxLine is the longest line BuildKit's scanner reads (bufio's token
// limit, newline included).
const maxLine = 64*1024 - 1

// maxAttempts bounds the re-parses after syntax errors, so a file of
// errors costs a bounded number of passes.
const maxAttempts = 32

// parse runs BuildKit's parser. Each error becomes a DG001 finding, and
// the lines it names are emptied (newlines kept, so every line keeps its
// number) for another pass, so that the rest of the file is still checked.
func parse(file string, src []byte) (*parser.Result, []rules.Finding) {
	r, _ := rules.Lookup("DG001")
	var out []rules.Finding
	lines := lineStarts(src)
	lineSpan := func(ln int) (int, int) { // 1-based
		ln = min(max(ln, 1), len(lines))
		s := lines[ln-1]
		e := len(src)
		if i := bytes.IndexByte(src[s:], '\n'); i >= 0 {
			e = s + i
		}
		return s, e
	}
	empty := map[int]bool{} // 1-based lines left out of the parser's input
	for ln := 1; len(src) > 0 && ln <= len(lines); ln++ {
		if s, e := lineSpan(ln); e-s >= maxLine {
			out = append(out, rules.New(r, file, src, s, s, fmt.Sprintf("Dockerfile: line %d is longer than docker build reads (64 KiB)", ln)))
			empty[ln] = true
		}
	}
	input := func() []byte {
		if len(empty) == 0 {
			return src
		}
		buf := make([]byte, 0, len(src))
		for ln := 1; ln <= len(lines); ln++ {
			s, e := lineSpan(ln)
			if !empty[ln] {
				buf = append(buf, src[s:e]...)
			}
			if e < len(src) {
				buf = append(buf, '\n')
			}
		}
		return buf
	}
	for range maxAttempts {
		res, err := parser.Parse(bytes.NewReader(input()))
		if err == nil {
			return res, out
		}
		var le *parser.LocationError
		if !errors.As(err, &le) || len(le.Locations) == 0 || len(le.Locations[0]) == 0 {
			return res, append(out, rules.New(r, file, src, 0, 0, "Dockerfile: "+err.Error()))
		}
		loc := le.Locations[0]
		first, last := loc[0].Start.Line, loc[len(loc)-1].End.Line
		msg := le.Unwrap().Error()
		if msg == "file with no instructions" {
			return nil, out
		}
		first = min(max(first, 1), len(lines))
		if empty[first] {
			return res, out // emptying did not move the error on
		}
		s, e := lineSpan(first)
		out = append(out, rules.New(r, file, src, s, e, "Dockerfile: "+msg))
		if msg == "unterminated heredoc" {
			last = first // its body is read as the instructions it holds
		}
		for ln := first; ln <= min(max(last, first), len(lines)); ln++ {
			empty[ln] = true
		}
	}
	return nil, out
}
