package engine

import (
	"context"
	"github.com/dockguard/dockguard/internal/testfiles"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// TestFilterSeesDirectiveFilesWithoutFindings pins what unused-suppression
// reporting needs: every file holding a directive reaches Filter, even when
// its front end found nothing in it, and stdin is filtered with its own
// contents rather than a file of the same name on disk.
func TestFilterSeesDirectiveFilesWithoutFindings(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"clean.sh":     "docker stop web # dockguard:ignore DG101 -- legacy\n",
		"plain.sh":     "docker stop web\n",
		"main.go":      "package main\nimport \"os/exec\"\n//nolint:dockguard // legacy\nvar _ = exec.Command\n",
		"other.go":     "package main\nimport \"os/exec\"\nvar _ = exec.Command\n",
		"compose.yaml": "services: {} # dockguard:ignore DG201 -- none\n",
		"stdin.go":     "package main\n",
	})
	chdir(t, root)
	var mu sync.Mutex
	seen := map[string]string{}
	filter := func(file string, src []byte, fs []rules.Finding) ([]rules.Finding, int) {
		mu.Lock()
		seen[file] = string(src)
		mu.Unlock()
		return fs, 0
	}
	none := func(context.Context, []string) rules.Result { return rules.Result{} }
	run(t, &Options{Filter: filter, Go: none, Compose: none})
	var got []string
	for f := range seen {
		got = append(got, f)
	}
	sort.Strings(got)
	// plain.sh passes the prefilter and goes through Filter like any shell
	// file; other.go has neither findings nor a directive.
	if strings.Join(got, " ") != "clean.sh compose.yaml main.go plain.sh" {
		t.Errorf("Filter saw %v", got)
	}

	seen = map[string]string{}
	run(t, &Options{Paths: []string{"-"}, StdinFilename: "stdin.go", Filter: filter,
		Stdin:    strings.NewReader("package main\n// dockguard:ignore DG302 -- x\n"),
		GoSource: func(context.Context, string, []byte) rules.Result { return rules.Result{} }})
	if !strings.Contains(seen["stdin.go"], "dockguard:ignore") {
		t.Errorf("stdin filtered with %q, want the stdin contents", seen["stdin.go"])
	}
}
