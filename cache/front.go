package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// Results are stored with gob, which keeps every exported field of
// rules.Finding (byte offsets, keys and fixes included), unlike the JSON
// report.
func encode(v any) []byte {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil
	}
	return buf.Bytes()
}

// decode fills v from an entry; any failure (and any panic on data that
// passed the checksum but not gob) is a miss.
func decode(b []byte, v any) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return gob.NewDecoder(bytes.NewReader(b)).Decode(v) == nil
}

// File caches a shell-family checker per file: the key is salt, the kind,
// the reported path and the file's contents.
func File(c *Cache, salt Key, kind engine.Kind, check engine.FileFunc) engine.FileFunc {
	if c == nil {
		return check
	}
	return func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		sum := sha256.Sum256(src)
		k := NewHash("file").Bytes(salt[:]).String(kind.String()).String(file).Bytes(sum[:]).Key()
		if b, ok := c.Get(k); ok {
			var fs []rules.Finding
			if decode(b, &fs) {
				return fs
			}
		}
		fs := check(file, src, cfg)
		if b := encode(fs); b != nil {
			_ = c.Put(k, b) // a cache that cannot be written only makes the next run slower
		}
		return fs
	}
}

// composeVar finds the variables a compose file can interpolate.
var composeVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)`)

// composeElsewhere are the words with which a set selects other compose
// or env files through the environment; such a set is not cached, so it
// is always checked afresh.
var composeElsewhere = [][]byte{[]byte("COMPOSE_FILE"), []byte("COMPOSE_PATH_SEPARATOR"), []byte("COMPOSE_ENV_FILES")}

// Compose caches the compose front end over the whole set of compose
// files of a run. The key holds every file's contents, the files they
// name for compose-go to read (extends, include, env_file, label_file:
// see composeReads), the .env file of each of their folders, and the
// value of every variable they interpolate and of the COMPOSE_* variables
// that select files and profiles.
func Compose(c *Cache, salt Key, check engine.BatchFunc) engine.BatchFunc {
	if c == nil {
		return check
	}
	return func(ctx context.Context, files []string) rules.Result {
		k, ok := composeKey(salt, files)
		if !ok {
			return check(ctx, files)
		}
		if b, hit := c.Get(k); hit {
			var res rules.Result
			if decode(b, &res) {
				return res
			}
		}
		res := check(ctx, files)
		if ctx.Err() == nil {
			if b := encode(res); b != nil {
				_ = c.Put(k, b)
			}
		}
		return res
	}
}

func composeKey(salt Key, files []string) (Key, bool) {
	if _, set := os.LookupEnv("COMPOSE_ENV_FILES"); set {
		return Key{}, false
	}
	h := NewHash("compose").Bytes(salt[:])
	names := map[string]bool{"COMPOSE_PROJECT_NAME": true, "COMPOSE_PROFILES": true, "COMPOSE_FILE": true, "COMPOSE_PATH_SEPARATOR": true}
	dirs := map[string]bool{}
	srcs := map[string][]byte{}
	for _, f := range files {
		src, err := readRegular(f)
		if err != nil {
			return Key{}, false
		}
		for _, w := range composeElsewhere {
			if bytes.Contains(src, w) {
				return Key{}, false
			}
		}
		sum := sha256.Sum256(src)
		h.String(f).Bytes(sum[:])
		for _, m := range composeVar.FindAllSubmatch(src, -1) {
			names[string(m[1])] = true
		}
		dirs[filepath.Dir(f)] = true
		if abs, err := filepath.Abs(f); err == nil {
			srcs[abs] = src
		}
	}
	if !composeReads(h, files, srcs, names) {
		return Key{}, false
	}
	for _, d := range sortedKeys(dirs) {
		env, err := readRegular(filepath.Join(d, ".env"))
		if errors.Is(err, errIrregular) {
			return Key{}, false
		}
		if err == nil {
			for _, w := range composeElsewhere {
				if bytes.Contains(env, w) {
					return Key{}, false
				}
			}
		}
		h.String(d).String(fmt.Sprint(err == nil)).Bytes(env)
	}
	for _, n := range sortedKeys(names) {
		v, set := os.LookupEnv(n)
		h.String(n).String(fmt.Sprint(set)).String(v)
	}
	return h.Key(), true
}

// errIrregular marks a file the key must not read: a FIFO would block the
// run and a device or a huge file would exhaust memory. Such a set is not
// cached; the compose front end vets and reports the file itself.
var errIrregular = errors.New("not a regular file of a bounded size")

// readRegular reads path only if it is, after symlinks, a regular file no
// larger than engine.DefaultMaxFileSize.
func readRegular(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > engine.DefaultMaxFileSize {
		return nil, errIrregular
	}
	return os.ReadFile(path)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
