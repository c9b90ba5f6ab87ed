package syntax

import (
	"testing"
)

// FuzzParse feeds arbitrary bytes to the tokenizer and the parser: they
// must never panic, tokens must tile the source in order, and every error
// offset must lie within it.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"import subprocess\nsubprocess.run(['docker', 'rm', '-f', c], check=True)\n",
		"x = f\"{d[\"k\"]!r:>{w}}\"\n",
		"match x:\n    case {'a': b} if b:\n        pass\n",
		"def f[T](a, /, *b, c=1, **d) -> T:\n\treturn (yield)\n",
		"class A(B, metaclass=M):\n    @property\n    def x(self): ...\n",
		"s = '''\\\n'''\nr = rb'\\''\n",
		"\xef\xbb\xbf# coding: latin-1\nx = '\xe9'\n",
		"if (x := 1): pass\nelse:\n  y\n",
		"((((((",
		"'unterminated\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		ts := Tokenize(src)
		prev := int32(0)
		for _, tk := range ts.Toks {
			if tk.Start < prev || tk.End < tk.Start || int(tk.End) > len(src) {
				t.Fatalf("token %v out of order or range (prev end %d, len %d)", tk, prev, len(src))
			}
			prev = tk.End
		}
		for _, e := range Parse(src).Errors {
			if e.Offset < 0 || e.Offset > len(src) {
				t.Fatalf("error offset %d outside [0, %d]", e.Offset, len(src))
			}
		}
	})
}
