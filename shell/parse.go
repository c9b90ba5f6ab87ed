package shell

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

type langVariant int

const (
	langBash langVariant = iota
	langZsh
	langMksh
	langBats
)

func (l langVariant) syntax() syntax.LangVariant {
	switch l {
	case langZsh:
		return syntax.LangZsh
	case langMksh:
		return syntax.LangMirBSDKorn
	case langBats:
		return syntax.LangBats
	}
	return syntax.LangBash
}

// maxDepth bounds how deeply code inside strings inside code is followed
// (sh -c "bash -c '...'"), and maxChunks how many pieces a broken file is
// cut into while recovering from parse errors.
const (
	maxDepth  = 12
	maxChunks = 64
)

// unit is one piece of shell code being checked: the top-level code, a
// chunk of it parsed separately after a syntax error, or a string that is
// code (sh -c '...', eval, trap, a here-document fed to a shell).
type unit struct {
	src    []byte
	parent *unit
	// Mapping of src offsets to parent offsets: either a constant shift
	// (base), or per-byte start and end offsets (offS, offE) for code
	// rebuilt from quoted strings.
	base       int
	offS, offE []int
	vars       *vars
	depth      int
	// alias is set on the code of a command whose alias word was
	// replaced by its value.
	alias *aliasUse
	// orig, when set, is src with the bytes normalise replaced for the
	// parser (invalid UTF-8) restored, at the same offsets: literal words
	// are read from it.
	orig []byte
}

// text is src[s:e] as the shell reads it: from orig when it is set.
func (u *unit) text(s, e int) []byte {
	if u.orig != nil && e <= len(u.orig) {
		return u.orig[s:e]
	}
	return u.src[s:e]
}

// toParent maps the range [s, e) of u.src into u.parent's coordinates.
func (u *unit) toParent(s, e int) (int, int) {
	if u.offS == nil {
		// Code past the parent's end (delimiters closeHeredocs added) maps
		// to the parent's end.
		end := len(u.parent.src)
		return min(s+u.base, end), min(e+u.base, end)
	}
	n := len(u.offS)
	if n == 0 {
		return u.base, u.base
	}
	ps := u.offE[n-1]
	if s < n {
		ps = u.offS[max(s, 0)]
	}
	pe := ps
	if e > 0 {
		pe = u.offE[min(e, n)-1]
	}
	if pe < ps {
		pe = ps
	}
	return ps, pe
}

// parse parses src with the checker's dialect, recovering from a panic in
// the parser as an error.
func (c *checker) parse(src []byte, opts ...syntax.ParserOption) (f *syntax.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("shell parser panicked: %v", r)
		}
	}()
	if len(opts) == 0 {
		// The common case: one parser, reused for every string of code.
		if c.parser == nil {
			c.parser = syntax.NewParser(syntax.KeepComments(false), syntax.Variant(c.lang.syntax()))
		}
		return c.parser.Parse(bytes.NewReader(src), "")
	}
	opts = append([]syntax.ParserOption{syntax.KeepComments(false), syntax.Variant(c.lang.syntax())}, opts...)
	return syntax.NewParser(opts...).Parse(bytes.NewReader(src), "")
}

// streamMin is the size from which top-level code is walked one statement
// at a time: the syntax tree of a whole file is about 12 bytes per byte of
// source, so a 50 MB script held as one tree took 1.6 GB.
var streamMin = 1 << 20 // a variable for the tests

// streamTop walks the top-level code u one statement at a time, each
// dropped once walked, so the memory held is the source and one
// statement's tree. It first parses the whole code without keeping
// anything, and returns false, having walked nothing, when that fails: the
// recovery of checkCode (closing here-documents, re-parsing around the
// error) needs the code whole.
func (c *checker) streamTop(u *unit) bool {
	// A parser of its own: the walk parses strings of code (sh -c) with
	// c.parser while this one is still reading.
	p := syntax.NewParser(syntax.KeepComments(false), syntax.Variant(c.lang.syntax()))
	if !parsesWhole(p, u.src) {
		return false
	}
	c.top, c.topFile = u, nil
	mark := len(c.halted)
	// The code parsed once already: the second reading cannot fail, and
	// a panic of the walk is the file's DG001, as for a whole tree.
	for s, err := range p.StmtsSeq(bytes.NewReader(u.src)) {
		if err != nil || s == nil {
			break
		}
		c.topStmt, c.parents, c.listed = s, nil, nil
		c.topLevelStmt(u, s)
	}
	c.topStmt, c.parents, c.listed = nil, nil, nil
	c.halted = c.halted[:min(mark, len(c.halted))]
	return true
}

// parsesWhole reports whether src parses, keeping no statement; a panic of
// the parser is a failure.
func parsesWhole(p *syntax.Parser, src []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	for _, err := range p.StmtsSeq(bytes.NewReader(src)) {
		if err != nil {
			return false
		}
	}
	return true
}

// errPos returns the byte offset and text of a parse error.
func errPos(err error) (int, string) {
	var pe syntax.ParseError
	if errors.As(err, &pe) {
		return int(pe.Pos.Offset()), pe.Text
	}
	var le syntax.LangError
	if errors.As(err, &le) {
		return int(le.Pos.Offset()), le.Error()
	}
	return 0, err.Error()
}

// checkCode parses and walks u. On a syntax error it reports DG001 (when
// report is set) and then checks what it can: first with the parser's own
// error recovery, else the lines before the error and, separately, the
// lines after it.
func (c *checker) checkCode(u *unit, report bool) {
	if u.depth > maxDepth {
		return
	}
	// mvdan/sh recurses once per nesting level, and a stack overflow is a
	// fatal error no recover catches: measure the nesting first.
	if n, at := nestingDepth(u.src, maxNesting); n > maxNesting {
		if report {
			c.report("DG001", u, at, at, fmt.Sprintf("nesting too deep to check (%d levels, the limit is %d); dockguard did not parse this code", n, maxNesting), "parse-error: nesting too deep")
		}
		return
	}
	if u.parent == nil && len(u.src) >= streamMin && c.streamTop(u) {
		return
	}
	f, err := c.parse(u.src)
	if err == nil {
		if u.parent == nil {
			c.top, c.topFile = u, f
		}
		c.walkFile(u, f)
		return
	}
	if r, f := c.closeHeredocs(u, err); f != nil {
		c.walkFile(r, f)
		return
	}
	off, text := errPos(err)
	off = min(max(off, 0), len(u.src))
	if report && u.parent != nil && substitutedLine(u.src, off) {
		// eval "local v=\${${name}}": the line the parser stopped at
		// holds a value known only at run time (a placeholder here),
		// and the code that runs is not this text; nothing to report.
		report = false
	}
	if report {
		where := "this file"
		if u.parent != nil && u.offS != nil {
			where = "this string of shell code"
		}
		c.report("DG001", u, off, off, fmt.Sprintf("cannot parse %s: %s; dockguard checked the rest as far as it could", where, text), "parse-error: "+text)
	}
	if c.budget > 0 {
		c.budget -= len(u.src)
		if f, err := c.parse(u.src, syntax.RecoverErrors(8)); err == nil {
			c.walkFile(u, f)
			return
		}
	}
	c.chunks++
	if c.chunks > maxChunks || c.budget <= 0 {
		return
	}
	// Recovery re-parses; bound the bytes it may read so a broken huge
	// file costs a small multiple of one parse.
	c.budget -= len(u.src)
	// The lines before the error. An error found late may stem from a
	// construct opened earlier, so cut back until the prefix parses.
	cut := lineStart(u.src, off)
	for try := 0; try < 6 && cut > 0 && c.budget > 0; try++ {
		c.budget -= cut
		f, err := c.parse(u.src[:cut])
		if err == nil {
			c.walkFile(u, f)
			break
		}
		o, _ := errPos(err)
		next := lineStart(u.src, min(max(o, 0), cut))
		if next >= cut {
			next = lineStart(u.src, cut-1)
		}
		cut = next
	}
	// The lines after the error, as a unit of their own.
	if nl := bytes.IndexByte(u.src[off:], '\n'); nl >= 0 {
		rest := off + nl + 1
		if rest < len(u.src) {
			ru := &unit{src: u.src[rest:], parent: u, base: rest, vars: u.vars, depth: u.depth}
			if u.orig != nil && rest <= len(u.orig) {
				ru.orig = u.orig[rest:]
			}
			c.checkCode(ru, false)
		}
	}
}

// maxHdocFixes bounds how many here-documents left open at the end of the
// code closeHeredocs closes (cat <<A <<B leaves two).
const maxHdocFixes = 8

// closeHeredocs handles code whose last here-document runs to the end of
// the code without its delimiter line. bash (with a warning), dash, zsh and
// mksh all end the body at end of file and run the script, so this is not a
// syntax error; the parser rejects it, though. It appends the missing
// delimiter lines past the end of u.src and parses again; the result is a
// child unit holding the longer code, whose offsets are those of u. It
// returns nil when err is another error, or when the code does not parse
// with the delimiters added (the unclosed body was inside $(...), say), so
// that the original error is reported.
func (c *checker) closeHeredocs(u *unit, err error) (*unit, *syntax.File) {
	src := u.src
	for range maxHdocFixes {
		stop, ok := unclosedHeredoc(err)
		if !ok || c.budget <= 0 {
			return nil, nil
		}
		c.budget -= len(src)
		if len(src) == len(u.src) {
			src = bytes.Clone(u.src)
		}
		// A body line that ends the code without a newline (or with a
		// backslash continuing it) swallows the delimiter line; the loop
		// then adds another.
		if len(src) > 0 && src[len(src)-1] != '\n' {
			src = append(src, '\n')
		}
		src = append(append(src, stop...), '\n')
		var f *syntax.File
		if f, err = c.parse(src); err == nil {
			return &unit{src: src, parent: u, vars: u.vars, depth: u.depth}, f
		}
	}
	return nil, nil
}

// unclosedHeredoc returns the delimiter of the here-document that err says
// is unclosed.
func unclosedHeredoc(err error) ([]byte, bool) {
	var pe syntax.ParseError
	if !errors.As(err, &pe) {
		return nil, false
	}
	q, ok := strings.CutPrefix(pe.Text, "unclosed here-document ")
	if !ok {
		return nil, false
	}
	stop, uerr := strconv.Unquote(q)
	if uerr != nil || stop == "" || strings.ContainsRune(stop, '\n') {
		return nil, false
	}
	return []byte(stop), true
}

func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// substitutedLine reports whether the line of code at off holds a
// placeholder: an expansion of the enclosing code whose value is unknown,
// put in when a string was rebuilt as code (eval, sh -c, trap).
func substitutedLine(code []byte, off int) bool {
	start := lineStart(code, off)
	end := len(code)
	if i := bytes.IndexByte(code[min(off, len(code)):], '\n'); i >= 0 {
		end = off + i
	}
	return bytes.Contains(code[start:end], []byte("${__dockguard_"))
}
