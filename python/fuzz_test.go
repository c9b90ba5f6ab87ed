package python

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/internal/findingtest"
)

// FuzzCheck feeds arbitrary Python to the front end: it must never panic,
// and every finding must lie inside the file.
func FuzzCheck(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "golden", "*.py"))
	for _, p := range files {
		if src, err := os.ReadFile(p); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("import subprocess\nsubprocess.run(f\"docker rm -f {x}\", shell=True)\n"))
	f.Add([]byte("import docker\nfor c in docker.from_env().containers.list(all=True): c.remove(**{'force': True})\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := New().Check("fuzz.py", src, nil)
		findingtest.CheckInvariants(t, "fuzz.py", src, fs)
	})
}
