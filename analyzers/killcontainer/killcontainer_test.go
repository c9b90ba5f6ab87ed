package killcontainer_test

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/killcontainer"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestKillContainer(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, killcontainer.Analyzer,
		"killcontainer/moby", "killcontainer/docker", "killcontainer/fsouza", "killcontainer/execs")
}
