package fix

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// errChanged is a file whose bytes on disk are no longer those checked.
var errChanged = errors.New("the file changed on disk while it was being fixed; run again")

// write replaces path with after, atomically: a temporary file in the same
// directory gets the contents and the original's mode, is synced, and is
// renamed over the original. The file is refused when it is read-only or
// its bytes are no longer before.
func write(path string, before, after []byte) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat: %w", unwrap(err))
	}
	if st.Mode().Perm()&0o200 == 0 {
		return errors.New("the file is read-only")
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".dockguard-*")
	if err != nil {
		return fmt.Errorf("create a temporary file beside it: %w", unwrap(err))
	}
	name := tmp.Name()
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if _, err := tmp.Write(after); err != nil {
		return fmt.Errorf("write %s: %w", name, unwrap(err))
	}
	if err := tmp.Chmod(st.Mode().Perm()); err != nil {
		return fmt.Errorf("keep the file mode: %w", unwrap(err))
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", name, unwrap(err))
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close %s: %w", name, unwrap(err))
	}
	// The last look before the rename: an editor that saved meanwhile
	// keeps its version.
	now, err := readHook(path)
	if err != nil {
		return fmt.Errorf("read again: %w", unwrap(err))
	}
	if !bytes.Equal(now, before) {
		return errChanged
	}
	if err := os.Rename(name, path); err != nil {
		return fmt.Errorf("rename over the file: %w", unwrap(err))
	}
	done = true
	return nil
}

// syncDir makes the rename durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// readHook is os.ReadFile; a test replaces it to change the file between
// the check and the rename.
var readHook = os.ReadFile
