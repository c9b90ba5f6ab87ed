// Package syntax reads Python source for dockguard's Python front end: a
// tokenizer that follows CPython's lexical specification (the token stream
// of the standard library's tokenize module, positions included) and a
// tolerant parser for the statements and expressions the checks need.
//
// No maintained pure-Go parser covers Python 3.8–3.13 (go-python/gpython's
// grammar is Python 3.4's: no f-strings, walrus, match or type
// parameters), and a cgo binding would break `go install` without a C
// compiler, so both are written here. The parser keeps going after a syntax
// error: the first error is reported and the rest of the file is still read
// statement by statement.
package syntax

import (
	"bytes"
	"fmt"
	"unicode"
	"unicode/utf8"
)

// Kind is a token type, named as Python's token module names it.
type Kind uint8

// Token kinds.
const (
	ENDMARKER Kind = iota
	NAME
	NUMBER
	STRING
	NEWLINE
	INDENT
	DEDENT
	OP
	COMMENT
	NL
	ERRORTOKEN
)

var kindNames = [...]string{"ENDMARKER", "NAME", "NUMBER", "STRING", "NEWLINE", "INDENT", "DEDENT", "OP", "COMMENT", "NL", "ERRORTOKEN"}

// String returns the token module's name of the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "?"
}

// Token is one token: its kind and the byte range [Start, End) of its text
// in the source. INDENT, DEDENT, ENDMARKER and an implicit final NEWLINE
// have the positions tokenize gives them (DEDENT is empty, at the first
// token of the line that dedents; the end-of-file tokens are empty at the
// end of the source).
type Token struct {
	Kind       Kind
	Start, End int32
}

// Error is a lexical or syntax error at a byte offset.
type Error struct {
	Offset int
	Msg    string
}

func (e Error) Error() string { return e.Msg }

// Lexer state flags of a file.
type fileInfo struct {
	latin1 bool // a coding declaration names a single-byte encoding
}

// Tokens is the token stream of one file.
type Tokens struct {
	Src    []byte
	Toks   []Token
	Errors []Error
	// Unclosed is the offset of the outermost bracket never closed, or -1:
	// from there on tokenize sees one logical line.
	Unclosed int
	// TooDeep reports nesting beyond CPython's limits (MaxNesting brackets,
	// 100 indentation levels): the file is not parsed.
	TooDeep bool
	// BOM reports a UTF-8 byte order mark, which is skipped.
	BOM bool
	// Latin1 reports a coding declaration of a single-byte encoding
	// (latin-1, iso-8859-*, cp1252…): each byte is one character.
	Latin1 bool
}

// Text returns a token's source text.
func (t *Tokens) Text(tok Token) []byte { return t.Src[tok.Start:tok.End] }

const tabsize = 8

// Tokenize splits src into tokens the way Python's tokenize module does. It
// never fails: problems are in Errors and the stream goes on after them.
func Tokenize(src []byte) *Tokens {
	lx := &lexer{src: src, out: &Tokens{Src: src, Unclosed: -1}}
	lx.out.Toks = make([]Token, 0, len(src)/8+8)
	lx.run()
	return lx.out
}

type lexer struct {
	src       []byte
	out       *Tokens
	pos       int
	parenlev  int
	continued bool
	indents   []int
	brackets  []int // offsets of the open brackets
	alt       []int // indents with tab size 1, for CPython's TabError check
	info      fileInfo
}

func (lx *lexer) emit(k Kind, start, end int) {
	lx.out.Toks = append(lx.out.Toks, Token{Kind: k, Start: int32(start), End: int32(end)})
}

func (lx *lexer) errorf(off int, msg string) {
	lx.out.Errors = append(lx.out.Errors, Error{Offset: off, Msg: msg})
}

// lineEnd returns the offset just past the newline ending the line that
// contains off (or len(src)).
func (lx *lexer) lineEnd(off int) int {
	if i := bytes.IndexByte(lx.src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(lx.src)
}

func (lx *lexer) run() {
	src := lx.src
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		lx.pos = 3
		lx.out.BOM = true
	}
	lx.out.Latin1 = singleByteCoding(src[lx.pos:])
	lx.info.latin1 = lx.out.Latin1
	lx.indents = []int{0}
	lx.alt = []int{0}
	n := len(src)
	atLineStart := true
	var lastLineStart int
	eofAt := -1 // where the end-of-file tokens go when not at n
	for {
		if atLineStart {
			lastLineStart = lx.pos
			if lx.pos >= n {
				switch {
				case len(lx.brackets) > 0:
					lx.out.Unclosed = lx.brackets[0]
					b := lx.brackets[len(lx.brackets)-1]
					lx.errorf(b, fmt.Sprintf("'%c' was never closed", src[b]))
				case lx.continued:
					lx.errorf(n, "unexpected EOF in multi-line statement")
				}
				break
			}
			atLineStart = false
			if lx.parenlev == 0 && !lx.continued {
				done, nextLine := lx.lineStart()
				if done {
					eofAt = lastLineStart
					break
				}
				if nextLine {
					atLineStart = true
					continue
				}
			} else {
				lx.continued = false
			}
		}
		// Whitespace = [ \f\t]*
		ws := lx.pos
		for lx.pos < n && (src[lx.pos] == ' ' || src[lx.pos] == '\t' || src[lx.pos] == '\f') {
			lx.pos++
		}
		if lx.pos >= n {
			break
		}
		start := lx.pos
		c := src[start]
		switch {
		case c == '\\' && (start+1 < n && src[start+1] == '\n' || start+2 < n && src[start+1] == '\r' && src[start+2] == '\n'):
			lx.continued = true
			lx.pos = lx.lineEnd(start)
			atLineStart = true
		case c == '#':
			end := start + 1
			for end < n && src[end] != '\r' && src[end] != '\n' {
				end++
			}
			lx.emit(COMMENT, start, end)
			lx.pos = end
		case c == '\n' || c == '\r' && start+1 < n && src[start+1] == '\n':
			end := start + 1
			if c == '\r' {
				end++
			}
			if lx.parenlev > 0 {
				lx.emit(NL, start, end)
			} else {
				lx.emit(NEWLINE, start, end)
			}
			lx.pos = end
			atLineStart = true
		case c >= '0' && c <= '9' || c == '.' && start+1 < n && isDigit(src[start+1]):
			end := start + matchNumber(src[start:])
			lx.emit(NUMBER, start, end)
			lx.pos = end
		default:
			if q, plen, ok := stringStart(src, start); ok {
				atLineStart = lx.string(ws, start, plen, q)
				continue
			}
			if l := matchOp(src[start:]); l > 0 {
				switch c {
				case '(', '[', '{':
					lx.parenlev++
					lx.open(start)
				case ')', ']', '}':
					lx.parenlev--
					lx.close(start)
				}
				lx.emit(OP, start, start+l)
				lx.pos = start + l
				continue
			}
			if end, first := lx.matchName(start); end > start {
				if isIDStart(first) {
					lx.emit(NAME, start, end)
				} else {
					lx.emit(OP, start, end)
				}
				lx.pos = end
				continue
			}
			lx.errorChar(ws, start)
		}
	}
	// An implicit NEWLINE when the input does not end in one.
	if eofAt < 0 && n > 0 && src[n-1] != '\n' && src[n-1] != '\r' && !commentLine(src[lastLine(src, lx.out.BOM):]) {
		lx.emit(NEWLINE, n, n)
	}
	at := n
	if eofAt >= 0 {
		at = eofAt
	}
	for range lx.indents[1:] {
		lx.emit(DEDENT, at, at)
	}
	lx.emit(ENDMARKER, at, at)
}

// lastLine returns the offset where the source's last line starts.
func lastLine(src []byte, bom bool) int {
	i := bytes.LastIndexByte(src[:len(src)-1], '\n')
	if i < 0 {
		if bom {
			return 3
		}
		return 0
	}
	return i + 1
}

func commentLine(line []byte) bool {
	return bytes.HasPrefix(bytes.TrimSpace(line), []byte("#"))
}

// lineStart handles the start of a line outside brackets: blank and comment
// lines, INDENT and DEDENT. done reports a last line of only whitespace (the
// end of input); nextLine that the line was consumed.
func (lx *lexer) lineStart() (done, nextLine bool) {
	src, n := lx.src, len(lx.src)
	col, alt := 0, 0
	p := lx.pos
	for p < n {
		switch src[p] {
		case ' ':
			col++
			alt++
		case '\t':
			col = (col/tabsize + 1) * tabsize
			alt++
		case '\f':
			col, alt = 0, 0
		default:
			goto measured
		}
		p++
	}
measured:
	if p >= n {
		lx.pos = p
		return true, false
	}
	if c := src[p]; c == '#' || c == '\r' || c == '\n' {
		end := lx.lineEnd(p)
		if c == '#' {
			ce := end
			for ce > p && (src[ce-1] == '\n' || src[ce-1] == '\r') {
				ce--
			}
			lx.emit(COMMENT, p, ce)
			p = ce
		}
		lx.emit(NL, p, end)
		lx.pos = end
		return false, true
	}
	top := len(lx.indents) - 1
	switch {
	case col > lx.indents[top]:
		if alt <= lx.alt[top] {
			lx.errorf(p, "inconsistent use of tabs and spaces in indentation")
		}
		if len(lx.indents) == maxIndent {
			lx.errorf(p, "too many levels of indentation")
			lx.out.TooDeep = true
		}
		lx.indents = append(lx.indents, col)
		lx.alt = append(lx.alt, alt)
		lx.emit(INDENT, lx.pos, p)
	case col == lx.indents[top]:
		if alt != lx.alt[top] {
			lx.errorf(p, "inconsistent use of tabs and spaces in indentation")
		}
	default:
		for len(lx.indents) > 1 && col < lx.indents[len(lx.indents)-1] {
			lx.indents = lx.indents[:len(lx.indents)-1]
			lx.alt = lx.alt[:len(lx.alt)-1]
			lx.emit(DEDENT, p, p)
		}
		if col != lx.indents[len(lx.indents)-1] {
			lx.errorf(p, "unindent does not match any outer indentation level")
		} else if alt != lx.alt[len(lx.alt)-1] {
			lx.errorf(p, "inconsistent use of tabs and spaces in indentation")
		}
	}
	lx.pos = p
	return false, false
}

// errorChar emits a character no token starts with. tokenize's pattern
// fails as a whole there, whitespace included, so each blank before it is
// an ERRORTOKEN of its own too.
func (lx *lexer) errorChar(ws, start int) {
	lx.errorSpace(ws, start)
	r, size := lx.decode(start)
	lx.emit(ERRORTOKEN, start, start+size)
	// A combining mark or other identifier-continue character after a name
	// is part of the name for CPython's own tokenizer, which the parser
	// follows; tokenize's regular expressions split it off.
	afterName := len(lx.out.Toks) > 1 && lx.out.Toks[len(lx.out.Toks)-2].Kind == NAME && int(lx.out.Toks[len(lx.out.Toks)-2].End) == start
	if r != '\r' && (!afterName || !unicode.In(r, unicode.Mn, unicode.Mc, unicode.Pc, unicode.Nd, unicode.Other_ID_Continue)) {
		lx.errorf(start, "invalid character in source")
	}
	lx.pos = start + size
}

func (lx *lexer) errorSpace(ws, start int) {
	for i := ws; i < start; i++ {
		lx.emit(ERRORTOKEN, i, i+1)
	}
}

// MaxNesting is CPython's limit on nested brackets ("too many nested
// parentheses"); deeper input is an error and is not parsed further, which
// also bounds the parser's recursion.
const MaxNesting = 200

// maxIndent is CPython's limit on indentation levels.
const maxIndent = 100

func (lx *lexer) open(off int) {
	lx.brackets = append(lx.brackets, off)
	if len(lx.brackets) == MaxNesting+1 {
		lx.errorf(off, "too many nested parentheses")
		lx.out.TooDeep = true
	}
}

func (lx *lexer) close(off int) {
	c := lx.src[off]
	if len(lx.brackets) == 0 {
		lx.errorf(off, fmt.Sprintf("unmatched '%c'", c))
		return
	}
	b := lx.brackets[len(lx.brackets)-1]
	lx.brackets = lx.brackets[:len(lx.brackets)-1]
	if o := lx.src[b]; o == '(' && c != ')' || o == '[' && c != ']' || o == '{' && c != '}' {
		lx.errorf(off, fmt.Sprintf("closing parenthesis '%c' does not match opening parenthesis '%c'", c, o))
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// decode returns the character at off: one byte in a single-byte encoding,
// otherwise a UTF-8 rune (an invalid byte counts as one character).
func (lx *lexer) decode(off int) (rune, int) {
	c := lx.src[off]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	if lx.info.latin1 {
		return rune(c), 1
	}
	return utf8.DecodeRune(lx.src[off:])
}

// matchName matches Python's \w+ at start and returns its end and first
// character.
func (lx *lexer) matchName(start int) (end int, first rune) {
	p := start
	first = -1
	for p < len(lx.src) {
		c := lx.src[p]
		if c < utf8.RuneSelf {
			if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
				if first < 0 {
					first = rune(c)
				}
				p++
				continue
			}
			break
		}
		r, size := lx.decode(p)
		if r == utf8.RuneError && size == 1 || !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			break
		}
		if first < 0 {
			first = r
		}
		p += size
	}
	return p, first
}

func isIDStart(r rune) bool {
	return r == '_' || r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') ||
		r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.Is(unicode.Nl, r))
}

// matchOp returns the length of the operator or delimiter at the start
// of b (the longest that matches), or 0.
func matchOp(b []byte) int {
	at := func(i int) byte {
		if i < len(b) {
			return b[i]
		}
		return 0
	}
	c1 := at(1)
	switch b[0] {
	case '(', ')', '[', ']', '{', '}', ',', ';', '~':
		return 1
	case '.':
		if c1 == '.' && at(2) == '.' {
			return 3
		}
		return 1
	case '!':
		if c1 == '=' {
			return 2
		}
		return 0
	case '%', '&', '^', '|', '@', '=', '+':
		if c1 == '=' {
			return 2
		}
		return 1
	case ':':
		if c1 == '=' {
			return 2
		}
		return 1
	case '-':
		if c1 == '=' || c1 == '>' {
			return 2
		}
		return 1
	case '*', '/', '<', '>':
		// **, //, <<, >> and their augmented forms; <=, >=
		c0 := b[0]
		if c1 == c0 {
			if at(2) == '=' {
				return 3
			}
			return 2
		}
		if c1 == '=' {
			return 2
		}
		return 1
	}
	return 0
}

// digits matches [0-9](?:_?[0-9])* and returns its length (0: no match).
func digits(b []byte, p int) int {
	if p >= len(b) || !isDigit(b[p]) {
		return 0
	}
	q := p + 1
	for q < len(b) {
		switch {
		case isDigit(b[q]):
			q++
		case b[q] == '_' && q+1 < len(b) && isDigit(b[q+1]):
			q += 2
		default:
			return q - p
		}
	}
	return q - p
}

// matchNumber matches tokenize's Number pattern at the start of b, with
// the same ordered alternatives (imaginary, float, then integer), so that
// "0777" is NUMBER "0" then NUMBER "777" as tokenize has it.
func matchNumber(b []byte) int {
	pointfloat := func() int {
		var l int
		if d := digits(b, 0); d > 0 {
			if d >= len(b) || b[d] != '.' {
				return 0
			}
			l = d + 1 + digits(b, d+1)
		} else {
			if len(b) < 2 || b[0] != '.' {
				return 0
			}
			d := digits(b, 1)
			if d == 0 {
				return 0
			}
			l = 1 + d
		}
		return l + exponent(b, l)
	}
	expfloat := func() int {
		d := digits(b, 0)
		if d == 0 {
			return 0
		}
		e := exponent(b, d)
		if e == 0 {
			return 0
		}
		return d + e
	}
	isJ := func(p int) bool { return p < len(b) && (b[p] == 'j' || b[p] == 'J') }
	// Imagnumber: [0-9](?:_?[0-9])*[jJ] | Floatnumber[jJ]
	if d := digits(b, 0); d > 0 && isJ(d) {
		return d + 1
	}
	if l := pointfloat(); l > 0 && isJ(l) {
		return l + 1
	}
	if l := expfloat(); l > 0 && isJ(l) {
		return l + 1
	}
	if l := pointfloat(); l > 0 {
		return l
	}
	if l := expfloat(); l > 0 {
		return l
	}
	if len(b) >= 3 && b[0] == '0' {
		var ok func(byte) bool
		switch b[1] {
		case 'x', 'X':
			ok = func(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }
		case 'b', 'B':
			ok = func(c byte) bool { return c == '0' || c == '1' }
		case 'o', 'O':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		}
		if ok != nil {
			q := 2
			for q < len(b) {
				switch {
				case ok(b[q]):
					q++
				case b[q] == '_' && q+1 < len(b) && ok(b[q+1]):
					q += 2
				default:
					return q
				}
			}
			if q > 2 {
				return q
			}
		}
	}
	if b[0] == '0' {
		q := 1
		for q < len(b) {
			switch {
			case b[q] == '0':
				q++
			case b[q] == '_' && q+1 < len(b) && b[q+1] == '0':
				q += 2
			default:
				return q
			}
		}
		return q
	}
	return digits(b, 0)
}

// exponent matches [eE][-+]?[0-9](?:_?[0-9])* at p.
func exponent(b []byte, p int) int {
	if p >= len(b) || b[p] != 'e' && b[p] != 'E' {
		return 0
	}
	q := p + 1
	if q < len(b) && (b[q] == '+' || b[q] == '-') {
		q++
	}
	d := digits(b, q)
	if d == 0 {
		return 0
	}
	return q + d - p
}

// stringStart reports whether a string literal starts at off: a valid
// prefix (b, r, u, f, br, fr in any order and case) and a quote. It returns
// the quote byte and the prefix length.
func stringStart(src []byte, off int) (q byte, plen int, ok bool) {
	var pre [2]byte
	for plen < 3 && off+plen < len(src) {
		c := src[off+plen]
		if c == '\'' || c == '"' {
			if validPrefix(pre[:plen]) {
				return c, plen, true
			}
			return 0, 0, false
		}
		if plen == 2 {
			return 0, 0, false
		}
		switch c | 0x20 {
		case 'b', 'r', 'u', 'f':
			pre[plen] = c | 0x20
		default:
			return 0, 0, false
		}
		plen++
	}
	return 0, 0, false
}

func validPrefix(p []byte) bool {
	switch len(p) {
	case 0, 1:
		return true
	case 2:
		a, b := p[0], p[1]
		return a == 'r' && (b == 'b' || b == 'f') || b == 'r' && (a == 'b' || a == 'f')
	}
	return false
}

// string scans the string literal at start and emits its token. It reports
// whether the scan ended at the start of a new line (a continued
// single-quoted string left unterminated).
func (lx *lexer) string(ws, start, plen int, q byte) (atLineStart bool) {
	src := lx.src
	p := start + plen
	triple := p+2 < len(src) && src[p+1] == q && src[p+2] == q
	fstr := bytes.ContainsAny(src[start:start+plen], "fF")
	body := p + 1
	if triple {
		body = p + 3
	}
	budget := fieldBudget
	if fstr {
		// The work on fields is bounded by the string's length as 3.11
		// reads it (up to the first quote like the opening one), so that
		// hostile nesting stays linear.
		plain := len(src)
		pend, _, _ := scanBody(src, body, q, triple, false, 0, &plain)
		budget = 16*(pend-body) + 4096
	}
	end, ok, brokeLine := scanBody(src, body, q, triple, fstr, 0, &budget)
	if budget < 0 {
		// Fields nested beyond reason: read the string as 3.11 does.
		budget = len(src)
		end, ok, brokeLine = scanBody(src, body, q, triple, false, 0, &budget)
	}
	switch {
	case ok:
		lx.emit(STRING, start, end)
		lx.pos = end
		return false
	case triple:
		lx.errorf(start, "unterminated triple-quoted string literal")
		lx.emit(ERRORTOKEN, start, len(src))
		lx.pos = len(src)
		return true
	case brokeLine:
		// A backslash-continued string that then ends without its quote:
		// tokenize gives the whole text to the end of that line as one
		// ERRORTOKEN and starts a new line.
		lx.errorf(start, "unterminated string literal")
		lx.emit(ERRORTOKEN, start, end)
		lx.pos = end
		return true
	default:
		lx.errorf(start, "unterminated string literal")
		if plen > 0 {
			lx.emit(NAME, start, start+plen)
		} else {
			lx.errorSpace(ws, start)
		}
		lx.emit(ERRORTOKEN, start+plen, start+plen+1)
		lx.pos = start + plen + 1
		return false
	}
}

// fieldBudget bounds the work of scanning one string's replacement
// fields; past it the string is read without them, in linear time.
const fieldBudget = 1 << 20

// maxFStringNesting bounds replacement fields nested in format specs and
// strings nested in fields, as CPython does (it allows 150 levels).
const maxFStringNesting = 150

// scanBody scans a string body from p to its closing quote. It returns the
// offset after the closing quote and ok; when not ok, end is where the scan
// stopped and brokeLine reports a single-quoted string that continued over
// a backslash-newline and then hit a newline. In an f-string, replacement
// fields are skipped as Python 3.12 does: they may hold strings with the
// same quote.
func scanBody(src []byte, p int, q byte, triple, fstr bool, depth int, budget *int) (end int, ok, brokeLine bool) {
	n := len(src)
	cont := false
	for p < n {
		if *budget--; *budget < 0 {
			return p, false, false
		}
		c := src[p]
		switch {
		case c == '\\':
			if p+1 < n && src[p+1] == '\n' {
				cont = true
			} else if p+2 < n && src[p+1] == '\r' && src[p+2] == '\n' {
				cont = true
				p++
			}
			p += 2
			continue
		case c == q:
			if !triple {
				return p + 1, true, false
			}
			if p+2 < n && src[p+1] == q && src[p+2] == q {
				return p + 3, true, false
			}
		case c == '\n' && !triple:
			return p + 1, false, cont
		case fstr && c == '{':
			if p+1 < n && src[p+1] == '{' {
				p += 2
				continue
			}
			if depth >= maxFStringNesting {
				return p, false, false
			}
			e, fok := scanField(src, p+1, q, triple, depth+1, budget)
			if !fok {
				// Not a 3.12 field either: read the rest as 3.11 does,
				// text up to the closing quote. Not trying fields again
				// keeps hostile nesting linear.
				fstr = false
				p++
				continue
			}
			p = e
			continue
		}
		p++
	}
	return n, false, cont
}

// scanField skips a replacement field's expression, conversion and format
// spec from p (after the '{') and returns the offset after its '}'.
func scanField(src []byte, p int, q byte, triple bool, depth int, budget *int) (int, bool) {
	n := len(src)
	brackets := 0
	for p < n {
		if *budget--; *budget < 0 {
			return p, false
		}
		c := src[p]
		switch c {
		case '\n':
			if !triple && brackets == 0 {
				return p, false
			}
		case '(', '[', '{':
			brackets++
		case ')', ']':
			brackets--
		case '}':
			if brackets == 0 {
				return p + 1, true
			}
			brackets--
		case ':':
			if brackets == 0 && (p+1 >= n || src[p+1] != '=') {
				return scanSpec(src, p+1, q, triple, depth, budget)
			}
		case '!':
			if brackets == 0 && (p+1 >= n || src[p+1] != '=') {
				// conversion: !r, !s, !a, then ':' or '}'
				p++
				for p < n && (src[p] >= 'a' && src[p] <= 'z') {
					p++
				}
				if p < n && src[p] == ':' {
					return scanSpec(src, p+1, q, triple, depth, budget)
				}
				if p < n && src[p] == '}' {
					return p + 1, true
				}
				return p, false
			}
		case '\'', '"':
			tri := p+2 < n && src[p+1] == c && src[p+2] == c
			body := p + 1
			if tri {
				body = p + 3
			}
			fs := p > 0 && (src[p-1]|0x20 == 'f' || p > 1 && src[p-2]|0x20 == 'f' && src[p-1]|0x20 == 'r')
			e, sok, _ := scanBody(src, body, c, tri, fs, depth+1, budget)
			if !sok {
				return p, false
			}
			p = e
			continue
		}
		p++
	}
	return p, false
}

// scanSpec skips a format spec (literal text with nested fields) up to the
// field's closing '}'.
func scanSpec(src []byte, p int, q byte, triple bool, depth int, budget *int) (int, bool) {
	n := len(src)
	for p < n {
		if *budget--; *budget < 0 {
			return p, false
		}
		c := src[p]
		switch {
		case c == '}':
			return p + 1, true
		case c == '{':
			e, ok := scanField(src, p+1, q, triple, depth+1, budget)
			if !ok {
				return p, false
			}
			p = e
			continue
		case c == q || c == '\n' && !triple:
			return p, false
		case c == '\\':
			p++
		}
		p++
	}
	return p, false
}

// singleByteCoding reports a PEP 263 coding declaration on the first two
// lines that names a single-byte encoding.
func singleByteCoding(src []byte) bool {
	for line := 0; line < 2 && len(src) > 0; line++ {
		end := bytes.IndexByte(src, '\n')
		l := src
		if end >= 0 {
			l = src[:end]
			src = src[end+1:]
		} else {
			src = nil
		}
		t := bytes.TrimLeft(l, " \t\f")
		if len(t) == 0 || t[0] != '#' {
			if len(t) > 0 {
				return false // code before a declaration ends the search
			}
			continue
		}
		i := bytes.Index(t, []byte("coding"))
		if i < 0 || i+6 >= len(t) || t[i+6] != ':' && t[i+6] != '=' {
			continue
		}
		name := bytes.TrimLeft(t[i+7:], " \t")
		j := 0
		for j < len(name) && (name[j] == '-' || name[j] == '_' || name[j] == '.' || isDigit(name[j]) || name[j]|0x20 >= 'a' && name[j]|0x20 <= 'z') {
			j++
		}
		enc := string(bytes.ToLower(name[:j]))
		switch {
		case enc == "utf-8" || enc == "utf8" || bytes.HasPrefix([]byte(enc), []byte("utf-8-")) || bytes.HasPrefix([]byte(enc), []byte("utf_8")):
			return false
		case enc == "latin-1" || enc == "latin1" || enc == "l1" || bytes.HasPrefix([]byte(enc), []byte("iso-8859")) ||
			bytes.HasPrefix([]byte(enc), []byte("iso8859")) || bytes.HasPrefix([]byte(enc), []byte("cp125")) ||
			bytes.HasPrefix([]byte(enc), []byte("windows-125")) || enc == "ascii" || enc == "us-ascii":
			return true
		}
		return false
	}
	return false
}
