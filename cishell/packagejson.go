package cishell

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/dockguard/dockguard/cishell/fragment"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// maxJSONDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxJSONDepth = 1000

// CheckPackageJSON checks the values of the top-level "scripts" object of a
// package.json. Strings are decoded with a position-aware scanner: every
// byte of a script maps back to the file, and an escape sequence (\" or
// \u00e9) maps to the whole sequence. A JSON syntax error is a DG001 finding;
// scripts before the error are still checked.
func CheckPackageJSON(file string, src []byte, cfg *shell.Config) []rules.Finding {
	scripts, err := findScripts(src)
	var out []rules.Finding
	h := fragment.NewHost(file, src)
	for _, s := range scripts {
		out = append(out, h.Check(jsonStringFragment(src, s[0], s[1]), cfg)...)
	}
	if err != nil {
		f := rules.New(rules.MustLookup("DG001"), file, src, err.off, min(err.off+1, len(src)), "JSON syntax error: "+err.msg)
		f.Key = "json: " + err.msg
		out = append(out, f)
	}
	return out
}

// jsonError is a syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return fmt.Sprintf("offset %d: %s", e.off, e.msg) }

// jsonScanner is a minimal JSON reader that records where the script
// strings are; it validates the whole document.
type jsonScanner struct {
	src     []byte
	i       int
	scripts [][2]int // [start, end) of each script string token, quotes included
}

// findScripts returns the spans of the string values of the top-level
// "scripts" object, and the first syntax error, if any.
func findScripts(src []byte) (spans [][2]int, err *jsonError) {
	p := &jsonScanner{src: src}
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		p.i = 3 // a UTF-8 byte order mark, which npm tolerates
	}
	err = p.value(0, 0)
	if err == nil {
		p.ws()
		if p.i < len(src) {
			err = p.errorf("unexpected %s after the top-level value", p.describe())
		}
	}
	return p.scripts, err
}

func (p *jsonScanner) errorf(format string, args ...any) *jsonError {
	return &jsonError{off: p.i, msg: fmt.Sprintf(format, args...)}
}

func (p *jsonScanner) describe() string {
	if p.i >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.i:])
	return strconv.QuoteRune(r)
}

func (p *jsonScanner) ws() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

// role says what a value is, so that only the right strings are recorded.
type role uint8

const (
	roleOther   role = iota
	roleRoot         // the top-level value
	roleScripts      // the value of the top-level "scripts" key
	roleScript       // a member of "scripts"
)

func (p *jsonScanner) value(depth int, r role) *jsonError {
	if depth > maxJSONDepth {
		return p.errorf("nesting deeper than %d levels", maxJSONDepth)
	}
	if r == 0 && depth == 0 {
		r = roleRoot
	}
	p.ws()
	if p.i >= len(p.src) {
		return p.errorf("unexpected end of input")
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object(depth, r)
	case c == '[':
		p.i++
		p.ws()
		if p.i < len(p.src) && p.src[p.i] == ']' {
			p.i++
			return nil
		}
		for {
			if err := p.value(depth+1, roleOther); err != nil {
				return err
			}
			p.ws()
			if p.i < len(p.src) && p.src[p.i] == ',' {
				p.i++
				continue
			}
			if p.i < len(p.src) && p.src[p.i] == ']' {
				p.i++
				return nil
			}
			return p.errorf("expected ',' or ']' in array, found %s", p.describe())
		}
	case c == '"':
		start := p.i
		if err := p.str(); err != nil {
			return err
		}
		if r == roleScript {
			p.scripts = append(p.scripts, [2]int{start, p.i})
		}
		return nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(string(p.src[p.i:min(p.i+len(lit), len(p.src))]), lit) {
				p.i += len(lit)
				return nil
			}
		}
		return p.errorf("unexpected %s, expected a value", p.describe())
	}
}

func (p *jsonScanner) object(depth int, r role) *jsonError {
	p.i++ // {
	p.ws()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return nil
	}
	for {
		p.ws()
		if p.i >= len(p.src) || p.src[p.i] != '"' {
			return p.errorf("expected a string key, found %s", p.describe())
		}
		ks := p.i
		if err := p.str(); err != nil {
			return err
		}
		key := string(decodeJSONString(p.src[ks:p.i]))
		p.ws()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return p.errorf("expected ':' after object key, found %s", p.describe())
		}
		p.i++
		child := roleOther
		switch {
		case r == roleRoot && key == "scripts":
			child = roleScripts
		case r == roleScripts:
			child = roleScript
		}
		if err := p.value(depth+1, child); err != nil {
			return err
		}
		p.ws()
		if p.i < len(p.src) && p.src[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.src) && p.src[p.i] == '}' {
			p.i++
			return nil
		}
		return p.errorf("expected ',' or '}' in object, found %s", p.describe())
	}
}

// str scans a string token starting at its opening quote.
func (p *jsonScanner) str() *jsonError {
	open := p.i
	p.i++
	for p.i < len(p.src) {
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			return nil
		case c == '\\':
			if p.i+1 >= len(p.src) {
				return &jsonError{off: open, msg: "unterminated string"}
			}
			switch p.src[p.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.i += 2
			case 'u':
				if p.i+6 > len(p.src) || !isHex4(p.src[p.i+2:p.i+6]) {
					return p.errorf(`invalid \u escape`)
				}
				p.i += 6
			default:
				return p.errorf("invalid escape %s", strconv.Quote(string(p.src[p.i:p.i+2])))
			}
		case c == '\n':
			return &jsonError{off: open, msg: "unterminated string"}
		case c < 0x20:
			return p.errorf("control character %U in string", rune(c))
		default:
			p.i++
		}
	}
	return &jsonError{off: open, msg: "unterminated string"}
}

func (p *jsonScanner) number() *jsonError {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.src) && p.src[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return p.errorf("invalid number")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return p.errorf("invalid number")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return p.errorf("invalid number")
		}
	}
	if p.i == start {
		return p.errorf("invalid number")
	}
	return nil
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return len(b) == 4
}

// jsonStringFragment decodes the string token src[start:end) (quotes
// included, already validated) into a fragment: runs of plain bytes map
// exactly, each escape sequence maps to its whole span.
func jsonStringFragment(src []byte, start, end int) *fragment.Fragment {
	var b fragment.Builder
	i, run := start+1, start+1
	last := end - 1 // the closing quote
	flush := func() {
		if i > run {
			b.Copy(src[run:i], run)
		}
	}
	for i < last {
		if src[i] != '\\' {
			i++
			continue
		}
		flush()
		text, n := decodeEscape(src[i:last])
		b.Replace(text, i, i+n)
		i += n
		run = i
	}
	flush()
	b.FixText(func(t string) (string, bool) { return escapeJSON(t), true })
	return b.Fragment()
}

// decodeEscape decodes the escape sequence at the start of s and returns its
// UTF-8 text and length. Surrogate pairs are joined; lone surrogates become
// U+FFFD, as encoding/json does.
func decodeEscape(s []byte) ([]byte, int) {
	if len(s) < 2 {
		return s, len(s)
	}
	switch s[1] {
	case 'b':
		return []byte{'\b'}, 2
	case 'f':
		return []byte{'\f'}, 2
	case 'n':
		return []byte{'\n'}, 2
	case 'r':
		return []byte{'\r'}, 2
	case 't':
		return []byte{'\t'}, 2
	case 'u':
		if len(s) < 6 || !isHex4(s[2:6]) {
			return s[:2], 2
		}
		r1, _ := strconv.ParseUint(string(s[2:6]), 16, 32)
		r, n := rune(r1), 6
		if utf16.IsSurrogate(r) {
			r = utf8.RuneError
			if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' && isHex4(s[8:12]) {
				r2, _ := strconv.ParseUint(string(s[8:12]), 16, 32)
				if d := utf16.DecodeRune(rune(r1), rune(r2)); d != utf8.RuneError {
					r, n = d, 12
				}
			}
		}
		return utf8.AppendRune(nil, r), n
	}
	return s[1:2], 2
}

// decodeJSONString decodes a validated string token, quotes included.
func decodeJSONString(tok []byte) []byte {
	if len(tok) < 2 {
		return nil
	}
	body := tok[1 : len(tok)-1]
	var out []byte
	for i := 0; i < len(body); {
		if body[i] != '\\' {
			out = append(out, body[i])
			i++
			continue
		}
		t, n := decodeEscape(body[i:])
		out = append(out, t...)
		i += n
	}
	return out
}

// escapeJSON escapes text for the inside of a JSON string.
func escapeJSON(s string) string {
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString(`\n`)
		case r == '\t':
			sb.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
