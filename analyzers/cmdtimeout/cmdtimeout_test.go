package cmdtimeout_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/cmdtimeout"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, cmdtimeout.Analyzer, "cmdtimeout/a")
	// Golden files hold the fixed sources; traps.go has none, so any fix
	// offered there fails the test.
	analysistest.RunWithSuggestedFixes(t, dir, cmdtimeout.Analyzer, "cmdtimeout/fix")
}
