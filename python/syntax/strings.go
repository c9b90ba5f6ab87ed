package syntax

import (
	"strconv"
	"unicode/utf8"
)

// strings parses one or more adjacent string literals.
func (p *parser) strings() Expr {
	s := &Str{}
	start := int(p.tok().Start)
	for p.tok().Kind == STRING {
		t := p.next()
		p.decodeString(s, int(t.Start), int(t.End))
	}
	s.Pos = Pos{start, p.lastEnd()}
	// Merge adjacent literal parts so a concatenation reads as one text.
	merged := s.Parts[:0]
	for _, part := range s.Parts {
		if n := len(merged); n > 0 && part.Field == nil && merged[n-1].Field == nil {
			merged[n-1].Lit += part.Lit
			merged[n-1].Offsets = append(merged[n-1].Offsets, part.Offsets...)
			merged[n-1].End = part.End
			continue
		}
		merged = append(merged, part)
	}
	s.Parts = merged
	return s
}

// decodeString appends the parts of the literal src[start:end] to s.
func (p *parser) decodeString(s *Str, start, end int) {
	src := p.src
	i := start
	raw, fstr := false, false
	for i < end && src[i] != '\'' && src[i] != '"' {
		switch src[i] | 0x20 {
		case 'r':
			raw = true
		case 'b':
			s.Bytes = true
		case 'f':
			fstr = true
		}
		i++
	}
	if fstr {
		s.FString = true
	}
	q := 1
	if i+2 < end && src[i+1] == src[i] && src[i+2] == src[i] && end-i >= 6 {
		q = 3
	}
	body, bodyEnd := i+q, end-q
	if bodyEnd < body {
		return
	}
	lit := StrPart{Pos: Pos{body, body}}
	flush := func(at int) {
		lit.End = at
		if len(lit.Lit) > 0 || len(s.Parts) == 0 {
			s.Parts = append(s.Parts, lit)
		}
		lit = StrPart{Pos: Pos{at, at}}
	}
	var buf []byte
	var offs []int32
	add := func(b []byte, at int) {
		buf = append(buf, b...)
		for range b {
			offs = append(offs, int32(at))
		}
	}
	for j := body; j < bodyEnd; {
		c := src[j]
		switch {
		case fstr && (c == '{' || c == '}'):
			if j+1 < bodyEnd && src[j+1] == c {
				add([]byte{c}, j)
				j += 2
				continue
			}
			if c == '}' {
				add([]byte{c}, j)
				j++
				continue
			}
			lit.Lit, lit.Offsets = string(buf), offs
			buf, offs = nil, nil
			flush(j)
			fe, exprEnd, spec, ok := fieldEnd(src, j+1, bodyEnd)
			if !ok {
				fe, exprEnd = bodyEnd, bodyEnd
			}
			field := StrPart{Pos: Pos{j, fe}, Spec: spec}
			field.Field = p.subExpr(j+1, exprEnd)
			s.Parts = append(s.Parts, field)
			lit = StrPart{Pos: Pos{fe, fe}}
			j = fe
		case c == '\\' && !raw && j+1 < bodyEnd:
			n, val := p.escape(j, bodyEnd, s.Bytes)
			add(val, j)
			j += n
		case c == '\r' && j+1 < bodyEnd && src[j+1] == '\n':
			// Python reads source with universal newlines.
			j++
		case c >= utf8.RuneSelf && p.latin1:
			var b [4]byte
			n := utf8.EncodeRune(b[:], rune(c))
			add(b[:n], j)
			j++
		default:
			add(src[j:j+1], j)
			j++
		}
	}
	lit.Lit, lit.Offsets = string(buf), offs
	flush(bodyEnd)
}

// escape decodes the escape sequence at src[j] ('\\') and returns its
// length and value.
func (p *parser) escape(j, end int, bytesLit bool) (int, []byte) {
	src := p.src
	c := src[j+1]
	switch c {
	case '\n':
		return 2, nil
	case '\r':
		if j+2 < end && src[j+2] == '\n' {
			return 3, nil
		}
		return 2, nil
	case '\\', '\'', '"':
		return 2, []byte{c}
	case 'a':
		return 2, []byte{7}
	case 'b':
		return 2, []byte{8}
	case 'f':
		return 2, []byte{12}
	case 'n':
		return 2, []byte{'\n'}
	case 'r':
		return 2, []byte{'\r'}
	case 't':
		return 2, []byte{'\t'}
	case 'v':
		return 2, []byte{11}
	case '0', '1', '2', '3', '4', '5', '6', '7':
		k := j + 1
		v := 0
		for k < end && k < j+4 && src[k] >= '0' && src[k] <= '7' {
			v = v*8 + int(src[k]-'0')
			k++
		}
		return k - j, encode(rune(v), bytesLit)
	case 'x':
		if v, ok := hexAt(src, j+2, 2, end); ok {
			return 4, encode(rune(v), bytesLit)
		}
	case 'u', 'U':
		if bytesLit {
			break
		}
		n := 4
		if c == 'U' {
			n = 8
		}
		if v, ok := hexAt(src, j+2, n, end); ok {
			return 2 + n, encode(rune(v), false)
		}
	case 'N':
		if bytesLit || j+2 >= end || src[j+2] != '{' {
			break
		}
		for k := j + 3; k < end; k++ {
			if src[k] == '}' {
				// The character's name is not looked up: it never matters
				// to a docker command line.
				return k + 1 - j, []byte("\uFFFD")
			}
		}
	}
	return 1, []byte{'\\'}
}

func hexAt(src []byte, at, n, end int) (int, bool) {
	if at+n > end {
		return 0, false
	}
	v, err := strconv.ParseUint(string(src[at:at+n]), 16, 32)
	return int(v), err == nil
}

func encode(r rune, bytesLit bool) []byte {
	if bytesLit || r < utf8.RuneSelf {
		return []byte{byte(r)}
	}
	if !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	var b [4]byte
	n := utf8.EncodeRune(b[:], r)
	return b[:n]
}

// fieldEnd finds the end of the replacement field whose expression starts
// at from: the offset after its '}', the end of the expression, and
// whether a conversion, format spec or '=' follows the expression.
func fieldEnd(src []byte, from, end int) (fe, exprEnd int, spec, ok bool) {
	depth := 0
	for j := from; j < end; j++ {
		c := src[j]
		switch c {
		case '(', '[', '{':
			depth++
		case ')', ']':
			depth--
		case '}':
			if depth == 0 {
				return j + 1, j, false, true
			}
			depth--
		case '\'', '"':
			q, plen, ok := stringStart(src, j)
			if !ok {
				q = c
			}
			_ = plen
			tri := j+2 < end && src[j+1] == q && src[j+2] == q
			b := j + 1
			if tri {
				b = j + 3
			}
			budget := fieldBudget
			e, sok, _ := scanBody(src, b, q, tri, j > 0 && src[j-1]|0x20 == 'f', 1, &budget)
			if !sok {
				return 0, 0, false, false
			}
			j = e - 1
		case '!', ':', '=':
			if depth != 0 {
				continue
			}
			next := byte(0)
			if j+1 < end {
				next = src[j+1]
			}
			prev := src[j-1]
			if c == '!' && next == '=' || c == '=' && (next == '=' || prev == '=' || prev == '!' || prev == '<' || prev == '>' || prev == ':') || c == ':' && next == '=' {
				if c != '=' || next == '=' {
					j++
				}
				continue
			}
			budget := fieldBudget
			close, fok := scanSpec(src, j+1, 0, true, 1, &budget)
			if !fok || close > end {
				return 0, 0, false, false
			}
			return close, j, true, true
		}
	}
	return 0, 0, false, false
}

// subExpr parses the expression of an f-string field, src[start:end].
// Errors inside fields are not reported: CPython's own diagnostics for
// them differ between versions, and a field never hides a docker command.
func (p *parser) subExpr(start, end int) (x Expr) {
	if start >= end {
		return &BadExpr{Pos: Pos{start, end}}
	}
	ts := Tokenize(p.src[start:end])
	toks := make([]Token, 0, len(ts.Toks))
	for _, t := range ts.Toks {
		switch t.Kind {
		case COMMENT, NL, ERRORTOKEN, NEWLINE, INDENT, DEDENT, ENDMARKER:
			continue
		}
		t.Start += int32(start)
		t.End += int32(start)
		toks = append(toks, t)
	}
	sp := &parser{src: p.src, toks: toks, latin1: p.latin1, sub: true, depth: p.depth, broken: -1}
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(bailout); !ok {
				panic(r)
			}
			x = &BadExpr{Pos: Pos{start, end}}
		}
	}()
	if sp.is("yield") {
		return sp.yieldExpr()
	}
	return sp.starExprList()
}
