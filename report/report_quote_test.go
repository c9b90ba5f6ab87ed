package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// TestTextQuotesHostileNames: a newline in a file name must not split a
// finding in two, and a name that reads as a location must not pass for
// one; ordinary names (spaces, non-ASCII, a colon before a letter) stay
// as they are.
func TestTextQuotesHostileNames(t *testing.T) {
	for name, want := range map[string]string{
		"a\nb.sh":           `"a\nb.sh":1:2: error: x [DG101 n]` + "\n",
		"a:1:2: error: x":   `"a:1:2: error: x":1:2: error: x [DG101 n]` + "\n",
		"dir with space.sh": "dir with space.sh:1:2: error: x [DG101 n]\n",
		"tcp://h:2375":      "tcp://h:2375:1:2: error: x [DG101 n]\n",
		"ünï/c:d.sh":        "ünï/c:d.sh:1:2: error: x [DG101 n]\n",
	} {
		var b bytes.Buffer
		r := &Run{Findings: []rules.Finding{{File: name, Line: 1, Column: 2, Severity: rules.SeverityError, Message: "x", Rule: "DG101", Name: "n"}}}
		if err := Text(&b, r, TextOptions{}); err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(b.String(), "\n")
		if first+"\n" != want {
			t.Errorf("%q: got %q, want %q", name, first, want)
		}
	}
}
