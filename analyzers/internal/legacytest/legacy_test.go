// Package legacytest runs the analyzers against stubs of the docker/docker
// client as it was before v25 (options in package types, ContainerStop with
// a *time.Duration).
package legacytest

import (
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/analyzers/forceremove"
	"github.com/dockguard/dockguard/analyzers/killcontainer"
	"github.com/dockguard/dockguard/analyzers/memlimit"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestLegacyClient(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "legacy"))
	if err != nil {
		t.Fatal(err)
	}
	pkgs := map[string]string{"forceremove": "remove", "killcontainer": "kill", "memlimit": "mem"}
	for _, a := range []*analysis.Analyzer{forceremove.Analyzer, killcontainer.Analyzer, memlimit.Analyzer} {
		t.Run(a.Name, func(t *testing.T) {
			analysistest.Run(t, dir, a, "legacy/"+pkgs[a.Name])
		})
	}
}

// TestLegacyFix: ContainerStop(ctx, id, *time.Duration) gets a
// time.Duration, and the file imports time for it.
func TestLegacyFix(t *testing.T) {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "legacy"))
	if err != nil {
		t.Fatal(err)
	}
	analysistest.RunWithSuggestedFixes(t, dir, forceremove.Analyzer, "legacy/fix")
}
