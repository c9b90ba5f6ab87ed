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
	"slices"
	"sort"

	"github.com/dockguard/dockguard/compose"
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
	h := NewHash("compose").Bytes(salt[:])
	if !composeInputs(h, files, nil) {
		return Key{}, false
	}
	return h.Key(), true
}

// composeInputs adds to h what the compose front end reads for files:
// their contents, the files they name (composeReads), the .env file of
// their folders and of dirs, and the value of every variable the compose
// and .env files can interpolate. false: an input the key cannot follow.
func composeInputs(h *Hash, files, dirs []string) bool {
	if _, set := os.LookupEnv("COMPOSE_ENV_FILES"); set {
		return false
	}
	names := map[string]bool{"COMPOSE_PROJECT_NAME": true, "COMPOSE_PROFILES": true, "COMPOSE_FILE": true, "COMPOSE_PATH_SEPARATOR": true}
	dirSet := map[string]bool{}
	for _, d := range dirs {
		dirSet[d] = true
	}
	srcs := map[string][]byte{}
	for _, f := range files {
		src, err := readRegular(f)
		if err != nil {
			return false
		}
		for _, w := range composeElsewhere {
			if bytes.Contains(src, w) {
				return false
			}
		}
		sum := sha256.Sum256(src)
		h.String(f).Bytes(sum[:])
		for _, m := range composeVar.FindAllSubmatch(src, -1) {
			names[string(m[1])] = true
		}
		dirSet[filepath.Dir(f)] = true
		if abs, err := filepath.Abs(f); err == nil {
			srcs[abs] = src
		}
	}
	if !composeReads(h, files, srcs, names) {
		return false
	}
	for _, d := range sortedKeys(dirSet) {
		env, err := readRegular(filepath.Join(d, ".env"))
		if errors.Is(err, errIrregular) {
			return false
		}
		if err == nil {
			for _, w := range composeElsewhere {
				if bytes.Contains(env, w) {
					return false
				}
			}
			// A .env value can interpolate the OS environment too.
			for _, m := range composeVar.FindAllSubmatch(env, -1) {
				names[string(m[1])] = true
			}
		}
		h.String(d).String(fmt.Sprint(err == nil)).Bytes(env)
	}
	for _, n := range sortedKeys(names) {
		v, set := os.LookupEnv(n)
		h.String(n).String(fmt.Sprint(set)).String(v)
	}
	return true
}

// ComposeProjects returns a compose.Options.Memo that keeps each compose
// project's result in c, so that touching one project's file re-loads
// that project only. A project's key is salt, its folder, name and
// origin, its files' paths (absolute and reported) in order, and what
// composeInputs adds for them (contents, every file they read, .env
// files, interpolated variables). The key is taken again after the
// check, and the result stored only if it is unchanged: a file written
// during the check would otherwise be stored with the old contents'
// result. trace, when set, is called with the first reported path of
// every project that was checked rather than replayed.
func ComposeProjects(c *Cache, salt Key, trace func(project string)) func(ctx context.Context, p compose.ProjectInputs, check func() rules.Result) rules.Result {
	if c == nil {
		return nil
	}
	return func(ctx context.Context, p compose.ProjectInputs, check func() rules.Result) rules.Result {
		k, ok := projectKey(salt, p)
		if ok {
			if b, hit := c.Get(k); hit {
				var res rules.Result
				if decode(b, &res) {
					return res
				}
			}
		}
		if trace != nil && len(p.Display) > 0 {
			trace(p.Display[0])
		}
		res := check()
		if ok && ctx.Err() == nil {
			if k2, ok2 := projectKey(salt, p); ok2 && k2 == k {
				if b := encode(res); b != nil {
					_ = c.Put(k, b)
				}
			}
		}
		return res
	}
}

func projectKey(salt Key, p compose.ProjectInputs) (Key, bool) {
	h := NewHash("compose-project").Bytes(salt[:]).String(p.Dir).String(p.Name).String(p.Origin)
	files := append(slices.Clone(p.Configs), p.Included...)
	h.String(fmt.Sprint(len(p.Configs), len(p.Included), len(p.Display)))
	for _, d := range p.Display {
		h.String(d)
	}
	if !composeInputs(h, files, []string{p.Dir}) {
		return Key{}, false
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
