// Package testfiles writes small file trees for tests.
package testfiles

import (
	"os"
	"path/filepath"
	"testing"
)

// Write creates each file of files (slash-separated path → content) under
// dir, with its parent folders, and fails the test on any error.
func Write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
