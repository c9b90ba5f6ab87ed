package jenkinsfile

import (
	"fmt"
	"unicode/utf8"
)

// tokKind is the kind of a Groovy token, as far as finding steps needs.
type tokKind uint8

const (
	tokIdent tokKind = iota
	tokString
	tokPunct   // one byte of punctuation or operator
	tokNewline // a newline outside any string or comment
	tokOther   // numbers and whatever else
)

type token struct {
	kind       tokKind
	start, end int // the token's span in the file
	// lit is the string literal, for tokString.
	lit *literal
}

// literal is a Groovy string literal: its quote and its body, in parts
// that are text (verbatim or escaped) or interpolations.
type literal struct {
	quote string // ', ", ''', """, / or $/
	parts []part
}

type part struct {
	start, end int // span in the file
	// text is what the span stands for; interp marks a GString
	// interpolation (${expr}, $name), whose value is unknown.
	text   string
	interp bool
	exact  bool // text is the file's bytes at the span
}

// scanError is a lexical error at an offset: an unterminated string or
// comment.
type scanError struct {
	off int
	msg string
}

// scanner splits Groovy source into tokens. It knows comments, every
// string literal form (single, double and triple quotes, slashy and
// dollar-slashy strings, GString interpolation with nested braces and
// strings), and nothing of Groovy's grammar beyond that.
type scanner struct {
	src  []byte
	toks []token
	errs []scanError
}

func scan(src []byte) *scanner {
	s := &scanner{src: src}
	s.run()
	return s
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= utf8.RuneSelf
}

func isIdentPart(c byte) bool { return isIdentStart(c) || '0' <= c && c <= '9' }

// slashyAllowed reports whether a / here starts a slashy string rather
// than dividing: it does after an operator, an opening bracket, a comma
// or the start, as Groovy's lexer decides.
func (s *scanner) slashyAllowed() bool {
	for i := len(s.toks) - 1; i >= 0; i-- {
		t := s.toks[i]
		switch t.kind {
		case tokNewline:
			continue
		case tokIdent, tokString, tokOther:
			return false
		case tokPunct:
			c := s.src[t.start]
			return c != ')' && c != ']' && c != '}'
		}
	}
	return true
}

func (s *scanner) run() {
	src := s.src
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			s.toks = append(s.toks, token{kind: tokNewline, start: i, end: i + 1})
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			j := indexFrom(src, i+2, "*/")
			if j < 0 {
				s.errs = append(s.errs, scanError{i, "unterminated /* comment"})
				return
			}
			i = j + 2
		case c == '\'' || c == '"':
			i = s.str(i)
		case c == '$' && i+1 < len(src) && src[i+1] == '/':
			i = s.str(i)
		case c == '/' && s.slashyAllowed():
			i = s.str(i)
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) {
				j++
			}
			s.toks = append(s.toks, token{kind: tokIdent, start: i, end: j})
			i = j
		case '0' <= c && c <= '9':
			j := i + 1
			for j < len(src) && (isIdentPart(src[j]) || src[j] == '.') {
				j++
			}
			s.toks = append(s.toks, token{kind: tokOther, start: i, end: j})
			i = j
		default:
			s.toks = append(s.toks, token{kind: tokPunct, start: i, end: i + 1})
			i++
		}
	}
}

func indexFrom(src []byte, i int, sub string) int {
	for j := i; j+len(sub) <= len(src); j++ {
		if string(src[j:j+len(sub)]) == sub {
			return j
		}
	}
	return -1
}

// str scans the string literal starting at i and returns the offset after
// it; an unterminated literal is an error, and the scan goes on after the
// line (single-line quotes) or stops (multi-line forms).
func (s *scanner) str(i int) int {
	src := s.src
	var quote string
	switch {
	case hasAt(src, i, "'''"):
		quote = "'''"
	case hasAt(src, i, `"""`):
		quote = `"""`
	case hasAt(src, i, "$/"):
		quote = "$/"
	default:
		quote = string(src[i])
	}
	lit := &literal{quote: quote}
	end, ok := s.body(lit, i+len(quote), 0)
	if !ok {
		s.errs = append(s.errs, scanError{i, fmt.Sprintf("unterminated %s string", quote)})
		if quote == "'" || quote == `"` {
			return end
		}
		return len(src)
	}
	s.toks = append(s.toks, token{kind: tokString, start: i, end: end, lit: lit})
	return end
}

func hasAt(src []byte, i int, s string) bool {
	return i+len(s) <= len(src) && string(src[i:i+len(s)]) == s
}

// maxNest bounds GString interpolations nested in strings nested in
// interpolations, so hostile input cannot exhaust the stack.
const maxNest = 64

// body scans the body of lit from i to its closing quote, which it
// returns the offset after. It reports false when the body is not closed
// (for single-line quotes, at the end of the line).
func (s *scanner) body(lit *literal, i, depth int) (int, bool) {
	src := s.src
	q := lit.quote
	gstring := q == `"` || q == `"""` || q == "/" || q == "$/"
	close := q
	if q == "$/" {
		close = "/$"
	}
	textStart := i
	var text []byte
	exact := true
	flush := func(end int) {
		if end > textStart || len(text) > 0 {
			lit.parts = append(lit.parts, part{start: textStart, end: end, text: string(text), exact: exact})
		}
		text, exact = nil, true
	}
	addEscape := func(start, end int, val string) {
		flush(start)
		lit.parts = append(lit.parts, part{start: start, end: end, text: val})
		textStart = end
	}
	for i < len(src) {
		c := src[i]
		if hasAt(src, i, close) {
			flush(i)
			return i + len(close), true
		}
		if c == '\n' && (q == "'" || q == `"`) {
			flush(i)
			return i, false
		}
		switch {
		case c == '\\' && q != "$/" && i+1 < len(src):
			if q == "/" {
				// A slashy string escapes only the slash.
				if src[i+1] == '/' {
					addEscape(i, i+2, "/")
					i += 2
					continue
				}
				break
			}
			val, n := unescape(src, i)
			addEscape(i, i+n, val)
			i += n
			continue
		case q == "$/" && c == '$' && i+1 < len(src) && (src[i+1] == '$' || src[i+1] == '/'):
			addEscape(i, i+2, string(src[i+1]))
			i += 2
			continue
		case gstring && c == '$' && i+1 < len(src) && src[i+1] == '{':
			flush(i)
			end, ok := s.interpolation(i+2, depth)
			lit.parts = append(lit.parts, part{start: i, end: end, interp: true})
			if !ok {
				return end, false
			}
			i, textStart = end, end
			continue
		case gstring && c == '$' && i+1 < len(src) && isIdentStart(src[i+1]) && src[i+1] != '$':
			// $name and $name.prop.prop are interpolations.
			flush(i)
			j := i + 1
			for j < len(src) && isIdentPart(src[j]) && src[j] != '$' {
				j++
			}
			for j+1 < len(src) && src[j] == '.' && isIdentStart(src[j+1]) && src[j+1] != '$' {
				j += 2
				for j < len(src) && isIdentPart(src[j]) && src[j] != '$' {
					j++
				}
			}
			lit.parts = append(lit.parts, part{start: i, end: j, interp: true})
			i, textStart = j, j
			continue
		}
		text = append(text, c)
		i++
	}
	flush(i)
	return i, false
}

// interpolation skips a ${...} expression whose body starts at i, nested
// braces and strings included, and returns the offset after its }.
func (s *scanner) interpolation(i, depth int) (int, bool) {
	src := s.src
	if depth >= maxNest {
		return len(src), false
	}
	level := 1
	for i < len(src) {
		c := src[i]
		switch c {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				return i + 1, true
			}
		case '\'', '"':
			quote := string(c)
			if hasAt(src, i, "'''") || hasAt(src, i, `"""`) {
				quote = string(src[i : i+3])
			}
			end, ok := s.body(&literal{quote: quote}, i+len(quote), depth+1)
			if !ok {
				return end, false
			}
			i = end
			continue
		}
		i++
	}
	return i, false
}

// unescape decodes the Groovy escape at src[i] (a backslash) and returns
// its value and length. A backslash before a newline continues the line.
func unescape(src []byte, i int) (string, int) {
	c := src[i+1]
	switch c {
	case 'n':
		return "\n", 2
	case 't':
		return "\t", 2
	case 'r':
		return "\r", 2
	case 'b':
		return "\b", 2
	case 'f':
		return "\f", 2
	case 's':
		return " ", 2
	case '\n':
		return "", 2
	case 'u':
		if i+6 <= len(src) {
			var r rune
			for _, h := range src[i+2 : i+6] {
				switch {
				case '0' <= h && h <= '9':
					r = r*16 + rune(h-'0')
				case 'a' <= h && h <= 'f':
					r = r*16 + rune(h-'a'+10)
				case 'A' <= h && h <= 'F':
					r = r*16 + rune(h-'A'+10)
				default:
					return "u", 2
				}
			}
			return string(r), 6
		}
	}
	return string(c), 2
}
