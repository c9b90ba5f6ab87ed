//go:build unix

package cache

import (
	"context"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// A .env that is a FIFO or a device must not be read for the key: a FIFO
// blocks for ever and /dev/zero never ends. The set is checked uncached.
func TestComposeKeySkipsIrregularDotEnv(t *testing.T) {
	for _, kind := range []string{"fifo", "dev-zero"} {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir)
			write(t, "compose.yaml", "services:\n  web:\n    image: nginx\n")
			switch kind {
			case "fifo":
				if err := syscall.Mkfifo(filepath.Join(dir, ".env"), 0o600); err != nil {
					t.Skipf("mkfifo: %v", err)
				}
			case "dev-zero":
				if err := os.Symlink("/dev/zero", filepath.Join(dir, ".env")); err != nil {
					t.Fatal(err)
				}
			}
			if _, ok := composeKey(NewHash("salt").Key(), []string{"compose.yaml"}); ok {
				t.Fatal("a key was made from an irregular .env")
			}
			var calls atomic.Int32
			check := Compose(open(t), NewHash("salt").Key(), func(ctx context.Context, files []string) rules.Result {
				calls.Add(1)
				return rules.Result{}
			})
			check(context.Background(), []string{"compose.yaml"})
			check(context.Background(), []string{"compose.yaml"})
			if calls.Load() != 2 {
				t.Fatalf("front end called %d times, want 2 (never cached)", calls.Load())
			}
		})
	}
}
