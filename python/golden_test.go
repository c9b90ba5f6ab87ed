package python

import (
	"flag"
	"os"
	"path/filepath"
	"sync"
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

// TestConcurrentChecker checks one Checker from many goroutines, as the
// engine's workers use it (run with -race).
func TestConcurrentChecker(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "project", "tests", "integration", "*.py"))
	c := New()
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		for _, f := range files {
			wg.Add(1)
			go func() {
				defer wg.Done()
				src, err := os.ReadFile(f)
				if err != nil {
					t.Error(err)
					return
				}
				c.Check(f, src, nil)
			}()
		}
	}
	wg.Wait()
}
