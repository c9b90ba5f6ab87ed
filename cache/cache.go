// Package cache stores check results on disk between runs, so that a
// re-check of an unchanged tree costs little more than reading it. Entries
// are addressed by a Key that hashes everything that changes a result; the
// front-end wrappers in this package (File, Compose, Go) compute those keys
// around the front ends, which do not know the cache exists.
//
// Entries are written atomically (a temporary file renamed into place), so
// concurrent runs never see half an entry; every entry carries a checksum
// of its payload, so a corrupted or truncated entry is a miss. Trim keeps
// the folder under a size limit, least recently used first, as the go
// command's build cache does.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// DefaultLimit is the size Trim keeps the cache under.
const DefaultLimit = 500 << 20

// Key addresses one entry.
type Key [sha256.Size]byte

// Hash builds a Key from parts; each part is length-prefixed, so no two
// different lists of parts hash alike.
type Hash struct{ buf []byte }

// NewHash starts a key for one kind of entry.
func NewHash(kind string) *Hash {
	h := &Hash{}
	h.String(kind)
	return h
}

// Bytes adds a part.
func (h *Hash) Bytes(b []byte) *Hash {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(b)))
	h.buf = append(h.buf, b...)
	return h
}

// String adds a part.
func (h *Hash) String(s string) *Hash {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
	return h
}

// Key returns the key of the parts added so far.
func (h *Hash) Key() Key { return sha256.Sum256(h.buf) }

// Cache is a folder of entries. A nil *Cache is a cache that is off: Get
// misses and Put does nothing.
type Cache struct {
	dir string
}

// DefaultDir is os.UserCacheDir()/dockguard.
func DefaultDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user cache folder: %w", err)
	}
	return filepath.Join(d, "dockguard"), nil
}

// Open returns the cache in dir, creating the folder.
func Open(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create cache folder: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Dir is the cache's folder.
func (c *Cache) Dir() string { return c.dir }

// magic starts every entry; the version digit changes with the format.
var magic = []byte("dgcache1")

const headerLen = 8 + sha256.Size + 8 // magic, checksum, payload length

func (c *Cache) path(k Key) string {
	name := hex.EncodeToString(k[:])
	return filepath.Join(c.dir, name[:2], name+"-r")
}

// Get returns the payload stored under k. A missing, truncated or
// corrupted entry is a miss.
func (c *Cache) Get(k Key) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	p := c.path(k)
	data, err := os.ReadFile(p)
	if err != nil || len(data) < headerLen || !bytes.Equal(data[:8], magic) {
		return nil, false
	}
	n := binary.LittleEndian.Uint64(data[8+sha256.Size : headerLen])
	payload := data[headerLen:]
	if uint64(len(payload)) != n {
		return nil, false
	}
	sum := sha256.Sum256(payload)
	if !bytes.Equal(sum[:], data[8:8+sha256.Size]) {
		return nil, false
	}
	c.used(p)
	return payload, true
}

// used marks an entry as recently used for Trim. Like the go command, it
// only rewrites the modification time when it is over an hour old, so a
// hit costs no write most of the time.
func (c *Cache) used(p string) {
	st, err := os.Stat(p)
	if err != nil {
		return
	}
	if now := time.Now(); now.Sub(st.ModTime()) > time.Hour {
		_ = os.Chtimes(p, now, now) // best effort: an old time only makes Trim drop it sooner
	}
}

// Put stores payload under k atomically: readers see the old entry, no
// entry, or the whole new one.
func (c *Cache) Put(k Key, payload []byte) error {
	if c == nil {
		return nil
	}
	p := c.path(k)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	sum := sha256.Sum256(payload)
	buf := make([]byte, 0, headerLen+len(payload))
	buf = append(buf, magic...)
	buf = append(buf, sum[:]...)
	buf = binary.LittleEndian.AppendUint64(buf, uint64(len(payload)))
	buf = append(buf, payload...)
	// The .tmp extension keeps a half-written entry out of a walk of a
	// cache folder inside the checked tree: no front end reads such files.
	tmp, err := os.CreateTemp(filepath.Dir(p), "entry-*.tmp")
	if err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	_, werr := tmp.Write(buf)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("cache: write entry: %w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("cache: %w", err)
	}
	return nil
}

// trimInterval is how often Trim walks the folder; between walks it only
// reads one marker file.
const trimInterval = time.Hour

// Trim removes the least recently used entries until the entries take at
// most limit bytes. It walks the folder at most once an hour (a marker
// file records the last walk), so calling it after every run is cheap.
func (c *Cache) Trim(limit int64) error {
	if c == nil {
		return nil
	}
	marker := filepath.Join(c.dir, "trim.txt")
	if st, err := os.Stat(marker); err == nil && time.Since(st.ModTime()) < trimInterval {
		return nil
	}
	if err := os.WriteFile(marker, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o644); err != nil {
		return fmt.Errorf("cache: %w", err)
	}
	return c.trimNow(limit)
}

func (c *Cache) trimNow(limit int64) error {
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var entries []entry
	var total int64
	err := filepath.WalkDir(c.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a folder removed by a concurrent trim
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, ".tmp") {
			// A writer that died mid-write; a live one finishes in far
			// less than an hour.
			if info, err := d.Info(); err == nil && time.Since(info.ModTime()) > time.Hour {
				_ = os.Remove(p)
			}
			return nil
		}
		if !strings.HasSuffix(name, "-r") {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		entries = append(entries, entry{p, info.Size(), info.ModTime()})
		total += info.Size()
		return nil
	})
	if err != nil {
		return fmt.Errorf("cache: trim: %w", err)
	}
	if total <= limit {
		return nil
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].mod.Before(entries[j].mod) })
	for _, e := range entries {
		if total <= limit {
			break
		}
		if err := os.Remove(e.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			total -= e.size
		}
	}
	return nil
}
