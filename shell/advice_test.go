package shell

import (
	"strings"
	"testing"

	"github.com/dockguard/dockguard/fix"
)

// TestDG101AdviceIsTheFix asserts that DG101's message advises exactly
// what its fix writes for a plain removal, so that a user who pastes the
// advice gets the fixed line.
func TestDG101AdviceIsTheFix(t *testing.T) {
	for _, line := range []string{
		"docker rm -f web",
		"docker rm -fv web db",
		"podman rm -f \"$id\"",
	} {
		src := []byte(line + "\n")
		fs := CheckScript("s.sh", src, nil)
		if len(fs) != 1 || fs[0].Rule != "DG101" || len(fs[0].Fixes) == 0 {
			t.Fatalf("%s: want one DG101 with a fix, got %+v", line, fs)
		}
		_, advice, ok := strings.Cut(fs[0].Message, "stop it first: ")
		if !ok {
			t.Fatalf("%s: no advice in %q", line, fs[0].Message)
		}
		fixed, err := fix.Apply(src, fs[0].Fixes)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(string(fixed), "\n"); got != advice {
			t.Errorf("%s:\nadvice %q\nfix    %q", line, advice, got)
		}
	}
}
