//go:build !linux

package cache

import (
	"os"
	"time"
)

// statKey is the stat data this system gives: the size and modification
// time. Without a change time it cannot tell a file whose modification
// time was set back, so hashes are never remembered.
type statKey struct {
	Size, Mtime int64
}

func statOf(fi os.FileInfo) (statKey, bool) {
	return statKey{Size: fi.Size(), Mtime: fi.ModTime().UnixNano()}, false
}

func (statKey) settled() bool { return false }

// before cannot tell without a change time; the modification time is
// checked on its own.
func (statKey) before(time.Time) bool { return true }
