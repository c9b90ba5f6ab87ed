package forceremove_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/forceremove"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestForceRemove(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, forceremove.Analyzer,
		"forceremove/mobyv2", "forceremove/dockerv28", "forceremove/fsouza",
		"forceremove/execs", "forceremove/traps", "forceremove/shells",
		"forceremove/stopfirst", "forceremove/stoptarget", "forceremove/dockertest", "forceremove/created",
		"forceremove/wrappers", "forceremove/sdkwrap", "forceremove/cmdops", "forceremove/daemonsuite")
}

// TestFixes applies the suggested fixes and compares each file with its
// .golden; traps.go files have none, so a fix offered there fails.
func TestFixes(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.RunWithSuggestedFixes(t, dir, forceremove.Analyzer, "forceremove/fixmoby", "forceremove/fixdocker", "forceremove/fixfsouza", "forceremove/fixexec")
}
