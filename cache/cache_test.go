package cache

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

func TestPutGet(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := NewHash("t").String("a").Key()
	if _, ok := c.Get(k); ok {
		t.Fatal("hit on an empty cache")
	}
	if err := c.Put(k, []byte("payload")); err != nil {
		t.Fatal(err)
	}
	b, ok := c.Get(k)
	if !ok || string(b) != "payload" {
		t.Fatalf("Get = %q, %v", b, ok)
	}
	if NewHash("t").String("ab").String("").Key() == NewHash("t").String("a").String("b").Key() {
		t.Error("parts are not delimited: different parts hash alike")
	}
}

func TestNilCacheIsOff(t *testing.T) {
	var c *Cache
	k := NewHash("t").Key()
	if err := c.Put(k, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(k); ok {
		t.Fatal("a nil cache hit")
	}
	if err := c.Trim(1); err != nil {
		t.Fatal(err)
	}
}

// Every flipped byte and every truncation of an entry is a miss, never a
// different payload.
func TestCorruptEntriesMiss(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	k := NewHash("t").String("flip").Key()
	payload := []byte("the findings of one file, gob-encoded")
	if err := c.Put(k, payload); err != nil {
		t.Fatal(err)
	}
	p := c.path(k)
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range good {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(good)
			bad[i] ^= mask
			if err := os.WriteFile(p, bad, 0o644); err != nil {
				t.Fatal(err)
			}
			if b, ok := c.Get(k); ok {
				t.Fatalf("byte %d ^ %#x: hit with %q", i, mask, b)
			}
		}
	}
	for n := range len(good) {
		if err := os.WriteFile(p, good[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if _, ok := c.Get(k); ok {
			t.Fatalf("truncated to %d bytes: hit", n)
		}
	}
	if err := os.WriteFile(p, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if b, ok := c.Get(k); !ok || !bytes.Equal(b, payload) {
		t.Fatal("the restored entry misses")
	}
}

// Writers and readers of the same keys at once never see a partial entry.
func TestConcurrentPutGet(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := NewHash("t").String(fmt.Sprint(i % 10)).Key()
				want := bytes.Repeat([]byte{byte(i % 10)}, 4096*(i%10+1))
				if w%2 == 0 {
					if err := c.Put(k, want); err != nil {
						t.Error(err)
						return
					}
				}
				if b, ok := c.Get(k); ok && !bytes.Equal(b, want) {
					t.Errorf("key %d: read %d bytes of another value", i%10, len(b))
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestTrimDropsLeastRecentlyUsed(t *testing.T) {
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var keys []Key
	old := time.Now().Add(-48 * time.Hour)
	for i := range 10 {
		k := NewHash("t").String(fmt.Sprint(i)).Key()
		keys = append(keys, k)
		if err := c.Put(k, make([]byte, 1000)); err != nil {
			t.Fatal(err)
		}
		// Entry i was last used i hours after the oldest.
		at := old.Add(time.Duration(i) * time.Hour)
		if err := os.Chtimes(c.path(k), at, at); err != nil {
			t.Fatal(err)
		}
	}
	// Reading entry 0 makes it the most recently used.
	if _, ok := c.Get(keys[0]); !ok {
		t.Fatal("miss")
	}
	entry := int64(1000 + headerLen)
	if err := c.Trim(4 * entry); err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		_, ok := c.Get(k)
		want := i == 0 || i >= 7
		if ok != want {
			t.Errorf("entry %d kept = %v, want %v", i, ok, want)
		}
	}
	// A second Trim within the hour does not walk the folder.
	if err := c.Put(NewHash("t").String("new").Key(), make([]byte, 10*entry)); err != nil {
		t.Fatal(err)
	}
	if err := c.Trim(4 * entry); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get(keys[9]); !ok {
		t.Error("a Trim within the hour of the last one removed entries")
	}
	if _, err := os.Stat(filepath.Join(c.Dir(), "trim.txt")); err != nil {
		t.Error(err)
	}
}
