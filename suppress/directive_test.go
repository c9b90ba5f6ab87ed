package suppress

import (
	"fmt"
	"testing"
)

// TestGoDirectiveInStringIsNotOne: a Go test's fixture in a raw string
// holds directive lines; only real comments are directives.
func TestGoDirectiveInStringIsNotOne(t *testing.T) {
	src := "package p\n\nconst fixture = `\n//dockguard:ignore DG101 -- in the fixture\n`\n\n//dockguard:ignore DG104 -- a real one\nvar x = 1 // dockguard:ignore DG107 -- trailing\nvar y = \"// dockguard:ignore DG102 -- a string\"\n"
	ds := Parse("p.go", []byte(src))
	var got []string
	for _, d := range ds {
		got = append(got, fmt.Sprint(d.Line, d.Rules))
	}
	if want := "[7 [DG104] 8 [DG107]]"; fmt.Sprint(got) != want {
		t.Errorf("directives %v, want %s", got, want)
	}
}
