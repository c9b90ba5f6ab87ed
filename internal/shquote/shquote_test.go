package shquote

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/syntax"
)

func TestWord(t *testing.T) {
	for in, want := range map[string]string{
		"web":          "web",
		"a;b":          "'a;b'",
		"my app":       "'my app'",
		"label=ci":     "label=ci",
		"a=b c":        "'a=b c'",
		"":             "''",
		"it's":         `"it's"`,
		"\xff\xfe":     `$'\xff\xfe'`,
		"$(rm -rf /)":  "'$(rm -rf /)'",
		"*":            "'*'",
		"x\x00y":       "xy",
		"if":           "'if'",
		"--time=10":    "--time=10",
		"tab\there":    `$'tab\there'`,
		"back`tick":    "'back`tick'",
		"glob?":        "'glob?'",
		"~user":        "'~user'",
		"brace{a,b}":   "'brace{a,b}'",
		"comment#here": "'comment#here'",
	} {
		if got := Word(in); got != want {
			t.Errorf("Word(%q) = %s, want %s", in, got, want)
		}
	}
}

// TestRoundTrip parses each quoted word back with the shell's own parser
// and expander: the one field it yields is the original word.
func TestRoundTrip(t *testing.T) {
	for _, in := range []string{"a;b", "my app", "\xff\xfe", "it's", `a"b'c`, "$HOME", "a=b c", "x\ny", "é ü"} {
		q := Word(in)
		f, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(stringsReader("echo "+q), "")
		if err != nil {
			t.Fatalf("parse %s: %v", q, err)
		}
		call := f.Stmts[0].Cmd.(*syntax.CallExpr)
		if len(call.Args) != 2 {
			t.Fatalf("%s: %d words, want 2", q, len(call.Args))
		}
		got, err := expand.Literal(nil, call.Args[1])
		if err != nil {
			t.Fatalf("expand %s: %v", q, err)
		}
		if got != in {
			t.Errorf("%s expands to %q, want %q", q, got, in)
		}
	}
}

func TestJoin(t *testing.T) {
	if got, want := Join("docker", "rm", "my app"), "docker rm 'my app'"; got != want {
		t.Errorf("Join = %s, want %s", got, want)
	}
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }
