package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// cacheTree writes shell, Makefile, CI and compose files with findings.
func cacheTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"Makefile":                 "clean:\n\tdocker rm -f $$(docker ps -aq)\n",
		".github/workflows/ci.yml": "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker kill web\n",
		"compose.yaml":             "services:\n  web:\n    image: nginx:${TAG:-1}\n",
	}
	for i := range 30 {
		files[fmt.Sprintf("scripts/s%02d.sh", i)] = fmt.Sprintf("#!/bin/sh\necho docker rm -f not-this\ndocker rm -f web%d\n", i)
	}
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runCapture(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

// Runs that share a cache folder at once, and runs over a cache whose
// entries were all corrupted, report exactly what a run without the cache
// reports.
func TestCacheParallelRunsAndCorruption(t *testing.T) {
	tree := cacheTree(t)
	t.Chdir(tree)
	t.Setenv("DOCKGUARD_CACHE", "")
	cacheDir := t.TempDir()
	code, want, stderr := runCapture("check", "--no-cache", "--format", "json", ".")
	if code != ExitFindings || !strings.Contains(want, `"DG101"`) {
		t.Fatalf("reference run: exit %d\n%s\n%s", code, want, stderr)
	}
	var wg sync.WaitGroup
	outs := make([]string, 6)
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, outs[i], _ = runCapture("check", "--cache-dir", cacheDir, "--format", "json", ".")
		}()
	}
	wg.Wait()
	for i, o := range outs {
		if o != want {
			t.Errorf("parallel run %d differs from the uncached run:\n%s\nwant:\n%s", i, o, want)
		}
	}
	entries := 0
	err := filepath.WalkDir(cacheDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "-r") {
			return err
		}
		entries++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b[len(b)/2] ^= 0x5a
		return os.WriteFile(p, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries < 30 {
		t.Fatalf("%d cache entries, want one per checked file at least", entries)
	}
	if _, got, _ := runCapture("check", "--cache-dir", cacheDir, "--format", "json", "."); got != want {
		t.Errorf("run over corrupted entries differs:\n%s\nwant:\n%s", got, want)
	}
	// The corrupted entries were rewritten: this run hits and agrees.
	if _, got, _ := runCapture("check", "--cache-dir", cacheDir, "--format", "json", "."); got != want {
		t.Errorf("run after repair differs:\n%s\nwant:\n%s", got, want)
	}
	// DOCKGUARD_CACHE=off wins over --cache-dir: nothing is written.
	off := t.TempDir()
	t.Setenv("DOCKGUARD_CACHE", "off")
	runCapture("check", "--cache-dir", off, ".")
	if ents, _ := os.ReadDir(off); len(ents) != 0 {
		t.Errorf("DOCKGUARD_CACHE=off still wrote %d entries", len(ents))
	}
}
