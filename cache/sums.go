package cache

import (
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// sums hashes files' contents, remembering each hash between runs by the
// file's stat data (size, modification and change times, inode), as git's
// index does, so that a re-check of an unchanged tree reads no Go file
// twice. A file whose stat data changed in any way is read again; one
// modified within the last few seconds is not remembered, since a second
// write within the file system's time granularity would keep its stat
// data.
type sums struct {
	c   *Cache
	key Key
	mu  sync.Mutex
	old map[string]sumRecord
	// used are the records of the files hashed in this run: only they are
	// saved, so files that are gone drop out.
	used    map[string]sumRecord
	changed bool
	// start is when the run began; recent are the files hashed that were
	// modified since shortly before it (see sum).
	start  time.Time
	recent map[string]bool
}

// sumRecord is what the index remembers of one file.
type sumRecord struct {
	Stat statKey
	Sum  fileSum
}

// raceWindow is how recently modified a file may be and still have its
// hash remembered.
const raceWindow = 3 * time.Second

// openSums reads the index of the folder the run's files are in; a
// missing or corrupted index is an empty one.
func openSums(c *Cache) *sums {
	wd, _ := os.Getwd()
	s := &sums{c: c, key: NewHash("sums").String(wd).Key(), old: map[string]sumRecord{}, used: map[string]sumRecord{}, start: time.Now(), recent: map[string]bool{}}
	if b, ok := c.Get(s.key); ok {
		var m map[string]sumRecord
		if decode(b, &m) && m != nil {
			s.old = m
		}
	}
	return s
}

// sum returns the content hash of the file at path (false when it cannot
// be read), and whether the file was modified during the run or within
// the race window before it: a result computed from such a file may
// belong to contents other than the hash's, and must not be stored.
func (s *sums) sum(path string) (sum fileSum, ok, recent bool) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fileSum{}, false, true
	}
	fi, err := os.Stat(abs)
	if err != nil || !fi.Mode().IsRegular() {
		return fileSum{}, false, true
	}
	st, stOK := statOf(fi)
	if since := s.start.Add(-modSlack(fi.ModTime())); !fi.ModTime().Before(since) || !st.before(since) {
		s.mu.Lock()
		s.recent[abs] = true
		s.mu.Unlock()
	}
	s.mu.Lock()
	// A file hashed earlier in the run as modified counts as such for
	// every later caller too.
	recent = s.recent[abs]
	if r, ok := s.used[abs]; ok && stOK && r.Stat == st {
		s.mu.Unlock()
		return r.Sum, true, recent
	}
	if r, ok := s.old[abs]; ok && stOK && r.Stat == st {
		s.used[abs] = r
		s.mu.Unlock()
		return r.Sum, true, recent
	}
	s.mu.Unlock()
	f, err := os.Open(abs)
	if err != nil {
		return fileSum{}, false, true
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fileSum{}, false, true
	}
	h.Sum(sum[:0])
	// The stat data is taken again after the read: a write during the
	// read changes it, and the hash is then not remembered.
	fi2, err := f.Stat()
	if err != nil {
		return sum, true, recent
	}
	st2, ok2 := statOf(fi2)
	if stOK && ok2 && st2 == st && time.Since(fi2.ModTime()) > raceWindow && st.settled() {
		s.mu.Lock()
		s.used[abs] = sumRecord{Stat: st, Sum: sum}
		s.changed = true
		s.mu.Unlock()
	}
	return sum, true, recent
}

// modSlack is how far before the run's start a file's times can be and the
// file still have been written during the run: the kernel stamps files
// from a clock that lags by up to a tick, and a file system whose times
// carry no fraction of a second truncates them.
func modSlack(mtime time.Time) time.Duration {
	if mtime.Nanosecond() == 0 {
		return 2 * time.Second
	}
	return 50 * time.Millisecond
}

// save writes the index when it changed: the records of the files hashed
// in this run.
func (s *sums) save() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.changed && len(s.used) == len(s.old) {
		return
	}
	if len(s.used) == 0 {
		return
	}
	if b := encode(s.used); b != nil {
		_ = s.c.Put(s.key, b) // a lost index only makes the next run read the files
	}
}
