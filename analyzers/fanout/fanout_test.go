package fanout_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/fanout"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestFanout(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, fanout.Analyzer, "fanout/a", "fanout/follow", "github.com/fsouza/go-dockerclient")
}
