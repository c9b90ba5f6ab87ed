package python

import (
	"flag"
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// TestGolden checks every fixture under testdata/golden, hits and traps,
// against its .golden file.
func TestGolden(t *testing.T) {
	findingtest.Golden(t, filepath.Join("testdata", "golden", "*.py"), *update, func(path string, src []byte) []rules.Finding {
		fs := Check(path, src, nil)
		findingtest.CheckInvariants(t, path, src, fs)
		return fs
	})
}

// TestConftestFixtures checks that fixtures reach the tests that take
// them by name across conftest.py files in parent folders, and nothing
// else.
func TestConftestFixtures(t *testing.T) {
	findingtest.Golden(t, filepath.Join("testdata", "project", "tests", "integration", "test_*.py"), *update, func(path string, src []byte) []rules.Finding {
		fs := New().Check(path, src, nil)
		findingtest.CheckInvariants(t, path, src, fs)
		return fs
	})
	findingtest.Golden(t, filepath.Join("testdata", "project", "conftest.py"), *update, func(path string, src []byte) []rules.Finding {
		return New().Check(path, src, nil)
	})
}
