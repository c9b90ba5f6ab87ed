package rules

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestBoundMessage(t *testing.T) {
	deep := "`docker rm -f " + strings.Repeat("$(", 5000) + "`"
	got := BoundMessage(deep + " kills the container; stop it first")
	if len(got) > MaxQuotedCode+100 {
		t.Errorf("message of %d bytes, want the code cut near %d", len(got), MaxQuotedCode)
	}
	if !strings.HasSuffix(got, "…` kills the container; stop it first") {
		t.Errorf("the text after the code is lost: %q", got)
	}
	short := "`docker rm -f web` kills it; stop it first"
	if BoundMessage(short) != short {
		t.Errorf("a short message changed: %q", BoundMessage(short))
	}
	long := strings.Repeat("é", 3000)
	if got := BoundMessage(long); len(got) > MaxMessage+len("…") || !utf8.ValidString(got) || !strings.HasSuffix(got, "…") {
		t.Errorf("whole message not cut at a rune boundary: %d bytes, valid %v", len(got), utf8.ValidString(got))
	}
}

func TestSplitAdvice(t *testing.T) {
	for msg, want := range map[string][2]string{
		"a; b":                          {"a", "b"},
		"`x; y` is bad; use `z; w`":     {"`x; y` is bad", "use `z; w`"},
		"no advice":                     {"no advice", ""},
		"first; second; third":          {"first", "second; third"},
		"semicolon;without space; then": {"semicolon;without space", "then"},
	} {
		what, adv := SplitAdvice(msg)
		if what != want[0] || adv != want[1] {
			t.Errorf("SplitAdvice(%q) = %q, %q; want %q, %q", msg, what, adv, want[0], want[1])
		}
	}
}
