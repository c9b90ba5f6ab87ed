package python

import (
	"strings"

	"github.com/dockguard/dockguard/dockercli"
	"github.com/dockguard/dockguard/python/syntax"
)

// follow returns the value a name is bound to once (a constant of its
// function or module), repeatedly; any other expression as it is.
func (ck *checker) follow(e Expr, sc *scope) Expr {
	for range 16 {
		n, ok := e.(*syntax.Name)
		if !ok {
			return e
		}
		b, found := sc.lookup(n.ID)
		if !found || b.unknown || b.value == nil {
			return e
		}
		e = b.value
	}
	return e
}

// constString returns the value of a string constant.
func (ck *checker) constString(e Expr, sc *scope) (string, bool) {
	s, ok := ck.follow(e, sc).(*syntax.Str)
	if !ok {
		return "", false
	}
	return s.Value()
}

type tri int

const (
	unknownTri tri = iota
	yes
	no
)

// truthy says whether a constant expression is true.
func truthy(e Expr) tri {
	switch e := e.(type) {
	case *syntax.Const:
		if e.Value == "True" {
			return yes
		}
		return no
	case *syntax.Num:
		if n, ok := atoi(e.Text); ok {
			if n == 0 {
				return no
			}
			return yes
		}
	case *syntax.Str:
		if v, ok := e.Value(); ok {
			if v == "" {
				return no
			}
			return yes
		}
	}
	return unknownTri
}

// kwarg returns the keyword argument name of call, also from a **dict
// that is a literal (or a constant bound to one). found is false when the
// keyword is certainly absent.
func (ck *checker) kwarg(call *syntax.Call, name string, sc *scope) (Expr, bool) {
	for _, a := range call.Args {
		if a.Name == name {
			return ck.follow(a.Value, sc), true
		}
	}
	for _, a := range call.Args {
		if a.Star != 2 {
			continue
		}
		d, ok := ck.follow(a.Value, sc).(*syntax.Dict)
		if !ok {
			continue
		}
		for i, k := range d.Keys {
			if s, ok := ck.constString(k, sc); ok && s == name {
				return ck.follow(d.Values[i], sc), true
			}
		}
	}
	return nil, false
}

// opaqueKwargs reports a **kwargs argument that is not a literal dict: it
// may hold any keyword.
func (ck *checker) opaqueKwargs(call *syntax.Call, sc *scope) bool {
	for _, a := range call.Args {
		if a.Star == 2 {
			if _, ok := ck.follow(a.Value, sc).(*syntax.Dict); !ok {
				return true
			}
		}
	}
	return false
}

// positional returns the i-th positional argument, or nil.
func positional(call *syntax.Call, i int) Expr {
	k := 0
	for _, a := range call.Args {
		if a.Name != "" || a.Star != 0 {
			if a.Star == 1 {
				return nil // positions after *args are unknown
			}
			continue
		}
		if k == i {
			return a.Value
		}
		k++
	}
	return nil
}

// piece is part of a string value: literal text with the source offset of
// each byte (nil when it has none), or a hole of unknown text.
type piece struct {
	lit      string
	offs     []int32
	hole     bool
	holeText string
	start    int
	end      int
}

// strVal is a string as far as it can be resolved.
type strVal []piece

func (v strVal) known() (string, bool) {
	var b strings.Builder
	for _, p := range v {
		if p.hole {
			return "", false
		}
		b.WriteString(p.lit)
	}
	return b.String(), true
}

// strOf resolves a string expression: literals, f-strings, constants,
// concatenation, str.format, % formatting and " ".join of a resolved
// list; everything else is a hole.
func (ck *checker) strOf(e Expr, sc *scope) strVal {
	return ck.strOfDepth(e, sc, 0)
}

func (ck *checker) hole(e Expr) strVal {
	s, en := e.Span()
	return strVal{{hole: true, holeText: ck.text(e), start: s, end: en}}
}

func (ck *checker) strOfDepth(e Expr, sc *scope, depth int) strVal {
	if depth > 16 {
		return ck.hole(e)
	}
	switch x := e.(type) {
	case *syntax.Str:
		var out strVal
		for _, p := range x.Parts {
			if p.Field == nil {
				out = append(out, piece{lit: p.Lit, offs: p.Offsets, start: p.Start, end: p.End})
				continue
			}
			if !p.Spec {
				if v := ck.strOfDepth(p.Field, sc, depth+1); !v.hasHole() {
					out = append(out, v...)
					continue
				}
			}
			out = append(out, piece{hole: true, holeText: ck.text(p.Field), start: p.Start, end: p.End})
		}
		return out
	case *syntax.Name:
		if v := ck.follow(x, sc); v != e {
			return ck.strOfDepth(v, sc, depth+1)
		}
	case *syntax.BinOp:
		switch x.Op {
		case "+":
			return append(ck.strOfDepth(x.X, sc, depth+1), ck.strOfDepth(x.Y, sc, depth+1)...)
		case "%":
			if s, ok := ck.follow(x.X, sc).(*syntax.Str); ok {
				return ck.format(s, sc, depth, percentHoles)
			}
		}
	case *syntax.Call:
		a, ok := x.Func.(*syntax.Attribute)
		if !ok {
			break
		}
		switch a.Attr {
		case "format":
			if s, ok := ck.follow(a.X, sc).(*syntax.Str); ok {
				return ck.format(s, sc, depth, braceHoles)
			}
		case "join":
			sep, ok := ck.constString(a.X, sc)
			if !ok || len(x.Args) != 1 {
				break
			}
			ws, ok := ck.words(x.Args[0].Value, sc)
			if !ok {
				break
			}
			var out strVal
			for i, w := range ws {
				if i > 0 {
					out = append(out, piece{lit: sep})
				}
				if w.Known {
					out = append(out, piece{lit: w.Value})
				} else {
					out = append(out, piece{hole: true, holeText: w.Text, start: w.Start, end: w.End})
				}
			}
			return out
		}
	}
	return ck.hole(e)
}

func (v strVal) hasHole() bool {
	for _, p := range v {
		if p.hole {
			return true
		}
	}
	return false
}

// format turns the literal of a str.format or % expression into text
// with holes where the arguments go.
func (ck *checker) format(s *syntax.Str, sc *scope, depth int, holes func(string) [][2]int) strVal {
	v := ck.strOfDepth(s, sc, depth+1)
	var out strVal
	for _, p := range v {
		if p.hole {
			out = append(out, p)
			continue
		}
		last := 0
		for _, h := range holes(p.lit) {
			out = append(out, sub(p, last, h[0]))
			start, end := p.start, p.end
			if p.offs != nil && h[0] < len(p.offs) {
				start = int(p.offs[h[0]])
				end = int(p.offs[h[1]-1]) + 1
			}
			out = append(out, piece{hole: true, holeText: p.lit[h[0]:h[1]], start: start, end: end})
			last = h[1]
		}
		out = append(out, sub(p, last, len(p.lit)))
	}
	return out
}

func sub(p piece, i, j int) piece {
	q := piece{lit: p.lit[i:j], start: p.start, end: p.end}
	if p.offs != nil && j <= len(p.offs) {
		q.offs = p.offs[i:j]
	}
	return q
}

// braceHoles finds the {…} fields of a str.format template ({{ and }} are
// left as they are, which is what they print minus one brace).
func braceHoles(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '{' {
			i++
			continue
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, [2]int{i, i + j + 1})
		i += j
	}
	return out
}

// percentHoles finds the %s-style conversions of a % template.
func percentHoles(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && strings.IndexByte("#0- +.*()abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", s[j]) >= 0 {
			c := s[j]
			j++
			if strings.IndexByte("sdirfxXoeEgGc", c) >= 0 {
				break
			}
		}
		out = append(out, [2]int{i, j})
		i = j - 1
	}
	return out
}

// word is an argv element: the docker-CLI word and, for a string, its
// value with positions (for shell code).
type word struct {
	dockercli.Word
	str strVal
}

// words resolves an argv expression: a list or tuple display (with
// *starred parts), concatenation, a constant, shlex.split or str.split.
// ok is false when e is none of these.
func (ck *checker) words(e Expr, sc *scope) ([]dockercli.Word, bool) {
	ws, ok := ck.wordsOf(e, sc, 0)
	out := make([]dockercli.Word, len(ws))
	for i, w := range ws {
		out[i] = w.Word
	}
	return out, ok
}

func (ck *checker) wordsOf(e Expr, sc *scope, depth int) ([]word, bool) {
	if depth > 16 {
		return nil, false
	}
	switch x := e.(type) {
	case *syntax.Seq:
		if x.Kind == '{' {
			return nil, false
		}
		var out []word
		for _, el := range x.Elts {
			if st, ok := el.(*syntax.Starred); ok {
				ws, ok := ck.wordsOf(st.X, sc, depth+1)
				if !ok {
					out = append(out, word{Word: dockercli.Word{Text: ck.text(el), Start: -1, End: -1}})
					continue
				}
				out = append(out, ws...)
				continue
			}
			out = append(out, ck.wordOf(el, sc))
		}
		return out, true
	case *syntax.Name:
		if v := ck.follow(x, sc); v != e {
			return ck.wordsOf(v, sc, depth+1)
		}
	case *syntax.BinOp:
		if x.Op == "+" {
			a, ok1 := ck.wordsOf(x.X, sc, depth+1)
			b, ok2 := ck.wordsOf(x.Y, sc, depth+1)
			if ok1 && ok2 {
				return append(a, b...), true
			}
		}
	case *syntax.Call:
		q := ck.mod.qualified(x.Func)
		if q == "shlex.split" && len(x.Args) >= 1 {
			return splitShell(ck.strOf(x.Args[0].Value, sc)), true
		}
		if a, ok := x.Func.(*syntax.Attribute); ok && a.Attr == "split" && len(x.Args) == 0 {
			if _, isStr := ck.follow(a.X, sc).(*syntax.Str); isStr {
				return splitFields(ck.strOf(a.X, sc)), true
			}
		}
	}
	return nil, false
}

// wordOf resolves one argv element.
func (ck *checker) wordOf(e Expr, sc *scope) word {
	s, en := e.Span()
	v := ck.strOf(e, sc)
	w := word{Word: dockercli.Word{Start: s, End: en, Text: ck.text(e)}, str: v}
	if val, ok := v.known(); ok {
		w.Value, w.Known = val, true
	}
	return w
}

// splitFields splits like str.split(): on blanks, no quoting.
func splitFields(v strVal) []word {
	return splitWords(v, false)
}

// splitShell splits like shlex.split: blanks separate words, quotes and
// backslashes are removed. A word with a hole is unknown.
func splitShell(v strVal) []word {
	return splitWords(v, true)
}

func splitWords(v strVal, quotes bool) []word {
	var out []word
	var cur strings.Builder
	in, hasHole := false, false
	start, end := -1, -1
	var text strings.Builder
	flush := func() {
		if !in {
			return
		}
		w := word{Word: dockercli.Word{Start: start, End: end, Text: text.String()}}
		if !hasHole {
			w.Value, w.Known = cur.String(), true
		}
		out = append(out, w)
		cur.Reset()
		text.Reset()
		in, hasHole, start, end = false, false, -1, -1
	}
	var quote byte
	for _, p := range v {
		if p.hole {
			if !in {
				in, start = true, p.start
			}
			hasHole = true
			end = p.end
			text.WriteString("{" + p.holeText + "}")
			continue
		}
		for i := 0; i < len(p.lit); i++ {
			c := p.lit[i]
			at := -1
			if p.offs != nil && i < len(p.offs) {
				at = int(p.offs[i])
			}
			if quote == 0 && (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
				flush()
				continue
			}
			if !in {
				in, start = true, at
			}
			if at >= 0 {
				end = at + 1
			}
			text.WriteByte(c)
			if !quotes {
				cur.WriteByte(c)
				continue
			}
			switch {
			case quote == 0 && (c == '\'' || c == '"'):
				quote = c
			case quote != 0 && c == quote:
				quote = 0
			case c == '\\' && quote != '\'' && i+1 < len(p.lit):
				i++
				cur.WriteByte(p.lit[i])
			default:
				cur.WriteByte(c)
			}
		}
	}
	flush()
	return out
}

// holeVar is the shell stand-in for an unknown part of a command
// string: the Python expression's name when it is one (so messages read
// "docker rm -f ${cid}"), otherwise a neutral name.
func holeVar(expr string) string {
	ok := expr != ""
	for i, c := range expr {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (i == 0 || c < '0' || c > '9') {
			ok = false
			break
		}
	}
	if !ok {
		expr = "PYTHON_EXPR"
	}
	return "${" + expr + "}"
}

// shellCode turns a string value into shell code for the shell front end
// and the map from code offsets to file offsets. A hole becomes an unset
// variable, an unknown word to the shell; it maps to the hole's start.
// When some byte has no position in [lo, hi) (a constant defined
// elsewhere), every byte maps to lo.
func shellCode(v strVal, lo, hi int) ([]byte, func(int) int) {
	var code []byte
	var offs []int
	exact := true
	for _, p := range v {
		if p.hole {
			ph := holeVar(p.holeText)
			code = append(code, ph...)
			for range ph {
				offs = append(offs, p.start)
			}
			if p.start < lo || p.start > hi {
				exact = false
			}
			continue
		}
		for i := range len(p.lit) {
			code = append(code, p.lit[i])
			at := -1
			if p.offs != nil && i < len(p.offs) {
				at = int(p.offs[i])
			}
			if at < lo || at >= hi {
				exact = false
			}
			offs = append(offs, at)
		}
	}
	if !exact {
		return code, func(int) int { return lo }
	}
	return code, func(i int) int {
		switch {
		case i < 0:
			return lo
		case i < len(offs):
			return offs[i]
		case len(offs) > 0:
			return offs[len(offs)-1] + 1
		}
		return lo
	}
}
