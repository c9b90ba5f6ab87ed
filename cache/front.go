package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
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

// composeElsewhere are the keys with which a project reads files that are
// not in the walked set (other compose files, env files); such a set is not
// cached, so it is always checked afresh.
var composeElsewhere = [][]byte{[]byte("include"), []byte("extends"), []byte("env_file"), []byte("COMPOSE_FILE"), []byte("COMPOSE_PATH_SEPARATOR")}

// Compose caches the compose front end over the whole set of compose
// files of a run. The key holds every file's contents, the .env file of
// each of their folders, and the value of every variable they interpolate
// and of the COMPOSE_* variables that select files and profiles.
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
	names := map[string]bool{"COMPOSE_PROJECT_NAME": true, "COMPOSE_PROFILES": true, "COMPOSE_FILE": true, "COMPOSE_PATH_SEPARATOR": true, "COMPOSE_ENV_FILES": true}
	dirs := map[string]bool{}
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

// goEntry is what Go stores per folder: the folders the result depends on
// with their fingerprints when it was made, and the result.
type goEntry struct {
	Deps   []string
	Prints []Key
	Result rules.Result
}

// goEnv are the variables that change what the go command builds.
var goEnv = []string{"GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOWORK", "GOTOOLCHAIN", "GOAMD64", "GOARM64", "GO386", "GOARM", "GOROOT", "GOPATH", "GOMODCACHE"}

// GoCheck is the Go front end with the units it type-checked.
type GoCheck func(ctx context.Context, files []string) ([]gocheck.Unit, rules.Result)

// Go caches the Go front end per package folder. A folder's entry is keyed
// by salt, the module's go.mod, go.sum, go.work and vendor/modules.txt, the
// go command's environment and binary, and the folder's wanted files; it is
// used only while every local folder its packages were type-checked
// against (its own included) still holds the same Go files. The standard
// library and versioned modules are fixed by the toolchain and go.sum.
func Go(c *Cache, salt Key, check GoCheck) engine.BatchFunc {
	if c == nil {
		return func(ctx context.Context, files []string) rules.Result {
			_, res := check(ctx, files)
			return res
		}
	}
	return func(ctx context.Context, files []string) rules.Result {
		g := &goCache{c: c, salt: salt, prints: map[string]Key{}, mods: map[string]*Hash{}}
		byDir := map[string][]string{}
		for _, f := range files {
			byDir[filepath.Dir(f)] = append(byDir[filepath.Dir(f)], f)
		}
		var res rules.Result
		var missed []string
		keys := map[string]Key{}
		for _, dir := range sortedKeysOf(byDir) {
			k, ok := g.dirKey(dir, byDir[dir])
			if !ok {
				missed = append(missed, byDir[dir]...)
				continue
			}
			keys[dir] = k
			if e, ok := g.get(k); ok {
				res.Merge(e.Result)
				continue
			}
			missed = append(missed, byDir[dir]...)
		}
		if len(missed) == 0 {
			return res
		}
		units, fresh := check(ctx, missed)
		res.Merge(g.store(ctx, units, fresh, byDir, keys))
		return res
	}
}

func sortedKeysOf(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type goCache struct {
	c      *Cache
	salt   Key
	mu     sync.Mutex
	prints map[string]Key   // folder -> fingerprint
	mods   map[string]*Hash // module root -> its part of the key
}

// get returns a folder's entry when every folder it depends on is as it
// was.
func (g *goCache) get(k Key) (goEntry, bool) {
	b, ok := g.c.Get(k)
	if !ok {
		return goEntry{}, false
	}
	var e goEntry
	if !decode(b, &e) || len(e.Deps) != len(e.Prints) || len(e.Deps) == 0 {
		return goEntry{}, false
	}
	for i, d := range e.Deps {
		if g.print(d) != e.Prints[i] {
			return goEntry{}, false
		}
	}
	return e, true
}

// store splits a fresh result by folder and stores each folder whose
// wanted files all belong to type-checked units; the rest of the result
// (fallback files, errors without a file) is returned as it is and not
// stored.
func (g *goCache) store(ctx context.Context, units []gocheck.Unit, fresh rules.Result, byDir map[string][]string, keys map[string]Key) rules.Result {
	type part struct {
		deps  map[string]bool
		files map[string]bool
		res   rules.Result
	}
	parts := map[string]*part{}
	fileDir := map[string]string{}
	for _, u := range units {
		for _, f := range u.Files {
			d := filepath.Dir(f)
			p := parts[d]
			if p == nil {
				p = &part{deps: map[string]bool{}, files: map[string]bool{}}
				parts[d] = p
			}
			p.files[f] = true
			for _, dep := range u.Deps {
				p.deps[dep] = true
			}
			fileDir[f] = d
		}
	}
	// A folder is stored only if every wanted file in it was type-checked.
	for d, p := range parts {
		for _, f := range byDir[d] {
			if !p.files[f] {
				delete(parts, d)
				break
			}
		}
	}
	var rest rules.Result
	route := func(file string) *rules.Result {
		if p := parts[fileDir[file]]; p != nil && file != "" {
			return &p.res
		}
		return &rest
	}
	for _, f := range fresh.Findings {
		r := route(f.File)
		r.Findings = append(r.Findings, f)
	}
	for _, n := range fresh.Notes {
		r := route(n.File)
		r.Notes = append(r.Notes, n)
	}
	for _, n := range fresh.Errors {
		r := route(n.File)
		r.Errors = append(r.Errors, n)
	}
	var out rules.Result
	for _, d := range sortedKeysOfParts(parts) {
		p := parts[d]
		out.Merge(p.res)
		k, ok := keys[d]
		if !ok || ctx.Err() != nil {
			continue
		}
		e := goEntry{Result: p.res}
		for _, dep := range sortedKeys(p.deps) {
			e.Deps = append(e.Deps, dep)
			e.Prints = append(e.Prints, g.print(dep))
		}
		if b := encode(e); b != nil {
			_ = g.c.Put(k, b)
		}
	}
	out.Merge(rest)
	return out
}

func sortedKeysOfParts[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// dirKey is the key of a folder's entry; false when the folder is not in a
// module (such files are always checked afresh).
func (g *goCache) dirKey(dir string, files []string) (Key, bool) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return Key{}, false
	}
	root := gocheck.ModuleRoot(abs)
	if root == "" {
		return Key{}, false
	}
	mod := g.module(root)
	h := NewHash("go").Bytes(g.salt[:]).Bytes(mod.buf).String(abs)
	names := append([]string(nil), files...)
	sort.Strings(names)
	for _, f := range names {
		h.String(f)
	}
	return h.Key(), true
}

// module is the part of the key that a module's configuration and the
// go command's environment give.
func (g *goCache) module(root string) *Hash {
	if h, ok := g.mods[root]; ok {
		return h
	}
	h := NewHash("module")
	for _, name := range []string{"go.mod", "go.sum", "go.work", "go.work.sum", filepath.Join("vendor", "modules.txt")} {
		b, err := os.ReadFile(filepath.Join(root, name))
		h.String(name).String(fmt.Sprint(err == nil)).Bytes(b)
	}
	// A go.work above the module changes its build list too.
	for d := filepath.Dir(root); ; d = filepath.Dir(d) {
		if b, err := os.ReadFile(filepath.Join(d, "go.work")); err == nil {
			h.String(d).Bytes(b)
			break
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	for _, v := range goEnv {
		val, set := os.LookupEnv(v)
		h.String(v).String(fmt.Sprint(set)).String(val)
	}
	if p, err := exec.LookPath("go"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if st, err := os.Stat(p); err == nil {
			h.String(p).String(fmt.Sprint(st.Size(), st.ModTime().UnixNano()))
		}
	}
	g.mods[root] = h
	return h
}

// print fingerprints a folder: the names and contents of its Go files.
func (g *goCache) print(dir string) Key {
	g.mu.Lock()
	defer g.mu.Unlock()
	if k, ok := g.prints[dir]; ok {
		return k
	}
	h := NewHash("dir")
	entries, err := os.ReadDir(dir)
	if err != nil {
		h.String("unreadable")
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			h.String(name).String("unreadable")
			continue
		}
		sum := sha256.Sum256(b)
		h.String(name).Bytes(sum[:])
	}
	k := h.Key()
	g.prints[dir] = k
	return k
}
