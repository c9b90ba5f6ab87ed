//go:build linux

package cache

import (
	"os"
	"syscall"
	"time"
)

// statKey is the stat data that changes whenever a file's contents can
// have changed: its size, modification and change times, and inode.
type statKey struct {
	Size, Mtime, Ctime int64
	Ino, Dev           uint64
}

func statOf(fi os.FileInfo) (statKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statKey{}, false
	}
	return statKey{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Ctime: st.Ctim.Nano(), Ino: st.Ino, Dev: st.Dev}, true
}

// settled reports that the file's inode has not changed within the race
// window either (a rename or a chmod after the last write).
func (k statKey) settled() bool { return time.Since(time.Unix(0, k.Ctime)) > raceWindow }

// before reports that the inode last changed before t.
func (k statKey) before(t time.Time) bool { return time.Unix(0, k.Ctime).Before(t) }
