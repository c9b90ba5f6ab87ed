package makefiles

import (
	"flag"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// checkFindings asserts the invariants every finding must keep.
func checkFindings(t *testing.T, file string, src []byte, fs []rules.Finding) {
	t.Helper()
	findingtest.CheckInvariants(t, file, src, fs)
}

func TestGolden(t *testing.T) {
	findingtest.Golden(t, "testdata/*", *update, func(path string, src []byte) []rules.Finding {
		return Check(path, src, nil)
	})
}
