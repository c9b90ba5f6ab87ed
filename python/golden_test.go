package python

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
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

// TestMassKillWording: a kill of every listed container removes nothing,
// so its message names a SIGKILL storm, never a removal; a forced removal
// of the same listing is the removal storm.
func TestMassKillWording(t *testing.T) {
	src := []byte("import docker\nclient = docker.from_env()\nfor c in client.containers.list():\n    c.kill()\nfor c in client.containers.list():\n    c.remove(force=True)\n")
	fs := Check("mass.py", src, nil)
	var kill, remove string
	for _, f := range fs {
		if f.Rule != "DG105" {
			continue
		}
		switch f.Line {
		case 4:
			kill = f.Message
		case 6:
			remove = f.Message
		}
	}
	if !strings.Contains(kill, "SIGKILL storm") || strings.Contains(kill, "removal") || strings.Contains(kill, "removes each") {
		t.Errorf("mass kill message: %q", kill)
	}
	if !strings.Contains(remove, "removal storm") {
		t.Errorf("mass removal message: %q", remove)
	}
}
