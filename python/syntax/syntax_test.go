package syntax

import (
	"bytes"
	"strings"
	"testing"
)

// TestErrors checks that each syntax error is reported at the offset
// CPython reports it, and that valid constructs of Python 3.8–3.13 parse.
func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want string // "" for no error; otherwise the error's text at its offset, marked by «
	}{
		{"x = «(1,\ny = 2\n", "'(' was never closed"},
		{"def f«(:\n  pass\n", "'(' was never closed"},
		{"if x«\n  y\n", "expected ':'"},
		{"print «'hello'\n", "invalid syntax"},
		{"x = «'abc\n", "unterminated string literal"},
		{"x = «'''abc\n", "unterminated triple-quoted string literal"},
		{"class A:\n        x = 1\n\t«y = 2\n", "inconsistent use of tabs and spaces"},
		{"if a:\n    b\n  «c\n", "unindent does not match"},
		{"x = 1 «$ 2\n", "invalid character"},
		{"f(a«]\n", "does not match"},
		{"match x:\n    case [1, {\"a\": b}] if b > 1:\n        pass\n    case _:\n        y\n", ""},
		{"match = 1\nmatch(x)\nmatch.x = 2\n", ""},
		{"def f[T](x: T) -> T: return x\ntype Alias[T] = list[T]\ntype = 3\n", ""},
		{"with (open(a) as f, open(b) as g):\n  pass\n", ""},
		{"x = f\"{d[\"key\"]} {x!r:>{w}} {f'{y}'} {z=}\"\n", ""},
		{"if (n := len(a)) > 10: pass\n", ""},
		{"class A:\n\tdef f(self):\n\t\treturn 1\n", ""},
		{"if x:\n\ty = 1\n\tif z:\n\t        w = 2\n", ""},
		{"lambda x, *a, k=1, **kw: x\n", ""},
		{"async def f():\n    async with a as b:\n        await c\n    async for x in y:\n        pass\n    return [i async for i in g()]\n", ""},
		{"@decorator\n@other.attr(1)\ndef f(a, /, b, *, c): ...\n", ""},
		{"x = 1 + \\\n    2\n", ""},
		{"\xef\xbb\xbfimport os\n", ""},
		{"# -*- coding: latin-1 -*-\ns = '\xe9t\xe9'\n", ""},
		{"try:\n    pass\nexcept* ValueError as e:\n    pass\n", ""},
		{"def g():\n    x = yield\n    y = yield from z\n    await_ = 1\n", ""},
		{"f(«a for a in b, c)\n", "Generator expression must be parenthesized"},
		{"f(c, «a for a in b)\n", "Generator expression must be parenthesized"},
		{"f(«a for a in b,)\n", "Generator expression must be parenthesized"},
		{"f(a for a in b)\nf(x=1, *(a for a in b))\nf((a for a in b), c)\n", ""},
		{"print(*a, **k, sep='')\nx[1:2, ::3]\n{**a, 'b': 1}\n{x for x in y}\n{k: v for k, v in d}\n", ""},
	} {
		src := strings.Replace(tc.src, "«", "", 1)
		at := strings.Index(tc.src, "«")
		f := Parse([]byte(src))
		if tc.want == "" {
			if len(f.Errors) > 0 {
				t.Errorf("%q: unexpected error at %d: %s", src, f.Errors[0].Offset, f.Errors[0].Msg)
			}
			continue
		}
		if len(f.Errors) == 0 {
			t.Errorf("%q: no error, want %q at %d", src, tc.want, at)
			continue
		}
		if e := f.Errors[0]; e.Offset != at || !strings.Contains(e.Msg, tc.want) {
			t.Errorf("%q: error %q at %d, want %q at %d", src, e.Msg, e.Offset, tc.want, at)
		}
	}
}

// TestRecovery checks that statements after a syntax error are still
// parsed.
func TestRecovery(t *testing.T) {
	src := "def broken(:\n    pass\n\nimport subprocess\nsubprocess.run(['docker', 'rm', '-f', 'x'])\n"
	f := Parse([]byte(src))
	if len(f.Errors) == 0 {
		t.Fatal("no error")
	}
	found := false
	for _, s := range f.Body {
		if es, ok := s.(*ExprStmt); ok {
			if c, ok := es.X.(*Call); ok {
				if a, ok := c.Func.(*Attribute); ok && a.Attr == "run" {
					found = true
				}
			}
		}
	}
	if !found {
		t.Errorf("the call after the error was not parsed: %#v", f.Body)
	}
}

// TestStrings checks decoded values and the offset of each byte.
func TestStrings(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`"docker rm -f x"`, "docker rm -f x"},
		{`'a\tb\x41\u00e9\101'`, "a\tbAé\x41"},
		{`r'a\tb'`, `a\tb`},
		{`"docker " 'rm'`, "docker rm"},
		{"'a\\\nb'", "ab"},
		{`b'\xff'`, "\xff"},
	} {
		f := Parse([]byte("x = " + tc.src + "\n"))
		if len(f.Errors) > 0 {
			t.Fatalf("%s: %v", tc.src, f.Errors)
		}
		s := f.Body[0].(*Assign).Value.(*Str)
		v, ok := s.Value()
		if !ok || v != tc.want {
			t.Errorf("%s: value %q, want %q", tc.src, v, tc.want)
		}
	}
	src := []byte(`x = "docker rm\t-f"` + "\n")
	s := Parse(src).Body[0].(*Assign).Value.(*Str)
	p := s.Parts[0]
	for i := range p.Lit {
		o := p.Offsets[i]
		if p.Lit[i] == '\t' {
			if string(src[o:o+2]) != `\t` {
				t.Errorf("tab maps to %q", src[o:o+2])
			}
			continue
		}
		if src[o] != p.Lit[i] {
			t.Errorf("byte %d %q maps to %q", i, p.Lit[i], src[o])
		}
	}
}

func TestFStringFields(t *testing.T) {
	src := []byte(`x = f"docker rm -f {name} {cfg['id']!r}"` + "\n")
	s := Parse(src).Body[0].(*Assign).Value.(*Str)
	var lits []string
	var fields int
	for _, p := range s.Parts {
		if p.Field != nil {
			fields++
			continue
		}
		lits = append(lits, p.Lit)
	}
	if fields != 2 || strings.Join(lits, "|") != "docker rm -f | " {
		t.Errorf("parts %q, %d fields", lits, fields)
	}
	if n, ok := s.Parts[1].Field.(*Name); !ok || n.ID != "name" {
		t.Errorf("first field %#v", s.Parts[1].Field)
	}
}

// TestNestingGuard checks that input nested beyond CPython's limits is
// an error, found before parsing, and does not exhaust the stack.
func TestNestingGuard(t *testing.T) {
	deep := "x = " + strings.Repeat("(", 6000) + "1" + strings.Repeat(")", 6000) + "\n"
	f := Parse([]byte(deep))
	if len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Msg, "too many nested parentheses") {
		t.Errorf("errors %v", f.Errors)
	}
	chain := "x = " + strings.Repeat("not ", 100000) + "y\n"
	f = Parse([]byte(chain))
	if len(f.Errors) == 0 {
		t.Error("100,000 chained nots gave no error")
	}
	var b bytes.Buffer
	for i := 0; i < 120; i++ {
		b.WriteString(strings.Repeat(" ", i) + "if x:\n")
	}
	b.WriteString(strings.Repeat(" ", 120) + "pass\n")
	if f := Parse(b.Bytes()); len(f.Errors) == 0 || !strings.Contains(f.Errors[0].Msg, "indentation") {
		t.Errorf("120 indentation levels: %v", f.Errors)
	}
}
