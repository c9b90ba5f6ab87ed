package cache

import (
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dockguard/dockguard/engine"
)

// prefilter is an engine.Memo: an index, kept in the cache, of the
// prefilter's verdict for every file of the folder a run checks, by the
// file's stat data (size, modification and change times, inode), as sums
// keeps content hashes. A file whose stat data changed in any way is read
// again; one modified within the race window is not remembered.
type prefilter struct {
	c    *Cache
	key  Key
	once sync.Once
	mu   sync.Mutex
	old  map[string]prefilterRecord
	// used are the records of this run's files: only they are saved, so
	// files that are gone drop out.
	used    map[string]prefilterRecord
	changed bool
	// hits counts the verdicts replayed (for tests).
	hits atomic.Int64
}

type prefilterRecord struct {
	Stat    statKey
	Kind    engine.Kind
	Verdict engine.Verdict
}

// Prefilter returns an engine.Memo backed by c (nil when c is nil). The
// index is keyed by salt, which holds the configuration the prefilter's
// words come from, and the working folder.
func Prefilter(c *Cache, salt Key) engine.Memo {
	if c == nil {
		return nil
	}
	wd, _ := os.Getwd()
	return &prefilter{c: c, key: NewHash("prefilter").Bytes(salt[:]).String(wd).Key(), used: map[string]prefilterRecord{}}
}

func (p *prefilter) load() {
	p.once.Do(func() {
		if b, ok := p.c.Get(p.key); ok {
			var m map[string]prefilterRecord
			if decode(b, &m) {
				p.old = m
			}
		}
	})
}

// Verdict implements engine.Memo.
func (p *prefilter) Verdict(abs string, kind engine.Kind, fi fs.FileInfo) (engine.Verdict, bool) {
	st, ok := statOf(fi)
	if !ok {
		return engine.VerdictNone, false
	}
	p.load()
	p.mu.Lock()
	defer p.mu.Unlock()
	r, ok := p.old[abs]
	if !ok || r.Stat != st || r.Kind != kind || r.Verdict == engine.VerdictNone {
		return engine.VerdictNone, false
	}
	p.used[abs] = r
	p.hits.Add(1)
	return r.Verdict, true
}

// Remember implements engine.Memo. The contents were read after fi was
// taken: if they changed in between, fi no longer matches the file, so
// the record is never used.
func (p *prefilter) Remember(abs string, kind engine.Kind, fi fs.FileInfo, v engine.Verdict) {
	st, ok := statOf(fi)
	if !ok || time.Since(fi.ModTime()) <= raceWindow || !st.settled() {
		return
	}
	p.mu.Lock()
	p.used[abs] = prefilterRecord{Stat: st, Kind: kind, Verdict: v}
	p.changed = true
	p.mu.Unlock()
}

// Done implements engine.Memo: it saves the index when it changed.
func (p *prefilter) Done() {
	p.load()
	p.mu.Lock()
	defer p.mu.Unlock()
	if (!p.changed && len(p.used) == len(p.old)) || len(p.used) == 0 {
		return
	}
	if b := encode(p.used); b != nil {
		_ = p.c.Put(p.key, b) // a lost index only makes the next run read the files
	}
}
