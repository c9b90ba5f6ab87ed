package report

import (
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// A fix of several edits is one suggestion in rdjson and one fixed line in
// the GitHub annotation: the span the edits cover, rewritten together.
func TestFixSpan(t *testing.T) {
	src := []byte("x\ndocker rm -f web || true\ny\n")
	edits := []rules.Edit{{Start: 2, End: 2, NewText: "docker stop --time 10 web; "}, {Start: 12, End: 15, NewText: ""}}
	s, e, text, ok := fixSpan(src, edits)
	if !ok || s != 2 || e != 15 || text != "docker stop --time 10 web; docker rm " {
		t.Fatalf("fixSpan = %d, %d, %q, %v", s, e, text, ok)
	}
	line, ok := fixedLines(src, edits)
	if !ok || line != "docker stop --time 10 web; docker rm web || true" {
		t.Fatalf("fixedLines = %q, %v", line, ok)
	}
	if _, _, _, ok := fixSpan(src, []rules.Edit{{Start: 1, End: 99}}); ok {
		t.Error("an edit outside the file made a suggestion")
	}
}
