package prune_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/prune"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, prune.Analyzer, "prune/a", "prune/wrapper")
}
