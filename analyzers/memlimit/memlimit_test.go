package memlimit_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/memlimit"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestMemLimit(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, memlimit.Analyzer, "memlimit/moby", "memlimit/docker", "memlimit/fsouza", "memlimit/created")
}
