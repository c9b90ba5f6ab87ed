package cache

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
)

// goEntry is what Go stores for a package folder, or for a run's whole
// set of Go files: the folders the result depends on with their
// fingerprints when it was made, the helper facts the folder's packages
// exported (see analyzers.FactStore.Export; none for a whole set), and
// the result.
type goEntry struct {
	Deps   []string
	Prints []Key
	Facts  []byte
	Result rules.Result
}

// goEnv are the variables that change what the go command builds.
var goEnv = []string{"GOOS", "GOARCH", "GOFLAGS", "CGO_ENABLED", "GOEXPERIMENT", "GOWORK", "GOTOOLCHAIN", "GOAMD64", "GOARM64", "GO386", "GOARM", "GOPPC64", "GORISCV64", "GOWASM", "GOROOT", "GOPATH", "GOMODCACHE", "GOENV", "GOINSECURE", "GOPRIVATE", "GONOSUMDB", "GONOSUMCHECK", "GOVCS", "GODEBUG", "CC", "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_LDFLAGS", "PKG_CONFIG"}

// GoCheck is the Go front end with the units it type-checked. facts is
// the store the analyzers pass helper facts through; the cache fills it
// with the facts of the packages it replays. reuse is the cache's answer
// to gocheck.Options.Reuse.
type GoCheck func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result)

// goUnitEntry is what Go stores for one type-checked package, keyed by
// its sources and Inputs (see gocheck.Unit): its result and the facts it
// exported.
type goUnitEntry struct {
	Facts  []byte
	Result rules.Result
}

// Go caches the Go front end at two levels.
//
// The whole set of a run's Go files has an entry keyed by salt, the
// modules' configuration (go.mod, go.sum, go.work, vendor/modules.txt),
// the go command's environment and binary, and the files' names; it
// holds the folders every package was type-checked against with their
// fingerprints (each Go file's name and content hash), and is used only
// while all of them are unchanged. A re-check of an unchanged tree then
// runs neither the go command nor the type-checker.
//
// Otherwise each package folder has an entry of its own, keyed the same
// way by its wanted files and used only while every local folder its
// packages were type-checked against (its own included) still holds the
// same Go files: the standard library and versioned modules are fixed by
// the toolchain and go.sum. The folders that miss are checked, with the
// helper facts of the folders that hit replayed into the analyzers.
//
// Within that check, each package to type-check has an entry of its own
// keyed by its sources and by what it imports as go build sees it: its
// local dependencies' export data content IDs and the facts they exported
// (gocheck.Unit's Inputs). A change that leaves a dependency's API and
// facts as they were (a comment, a function body) leaves its importers'
// entries valid, so touching one file of a package that the whole
// repository imports type-checks that package alone, as go build
// recompiles only it (its "early cutoff").
func Go(c *Cache, salt Key, check GoCheck) engine.BatchFunc {
	if c == nil {
		return func(ctx context.Context, files []string) rules.Result {
			_, res := check(ctx, files, nil, nil)
			return res
		}
	}
	return func(ctx context.Context, files []string) rules.Result {
		g := &goCache{c: c, salt: salt, prints: map[string]Key{}, mods: map[string][]byte{}, unstable: map[string]bool{}, reused: map[string]bool{}, sums: openSums(c)}
		defer g.sums.save()
		setKey, setOK := g.setKey(files)
		if setOK {
			if e, ok := g.get(setKey); ok {
				return e.Result
			}
		}
		byDir := map[string][]string{}
		for _, f := range files {
			byDir[filepath.Dir(f)] = append(byDir[filepath.Dir(f)], f)
		}
		var res rules.Result
		var missed []string
		keys := map[string]Key{}
		facts := analyzers.NewFactStore()
		deps := map[string]bool{}
		complete := setOK
		for _, dir := range sortedKeysOf(byDir) {
			k, ok := g.dirKey(dir, byDir[dir])
			if !ok {
				missed = append(missed, byDir[dir]...)
				complete = false
				continue
			}
			keys[dir] = k
			if e, ok := g.get(k); ok && facts.Import(e.Facts) == nil {
				res.Merge(e.Result)
				for _, d := range e.Deps {
					deps[d] = true
				}
				continue
			}
			missed = append(missed, byDir[dir]...)
		}
		if len(missed) > 0 {
			units, fresh := check(ctx, missed, facts, g.reuse(facts))
			g.storeUnits(ctx, units, fresh, facts)
			stored, storedDeps, all := g.store(ctx, missed, units, fresh, byDir, keys, facts)
			res.Merge(stored)
			complete = complete && all
			for _, d := range storedDeps {
				deps[d] = true
			}
		}
		if complete && ctx.Err() == nil {
			e := goEntry{Result: res}
			for _, d := range sortedKeys(deps) {
				e.Deps = append(e.Deps, d)
				e.Prints = append(e.Prints, g.print(d))
			}
			if b := encode(e); b != nil && g.stable(e.Deps) {
				_ = c.Put(setKey, b)
			}
		}
		return res
	}
}

func sortedKeysOf[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

type goCache struct {
	c    *Cache
	salt Key
	sums *sums
	mu   sync.Mutex
	// prints holds folder fingerprints, mods each module root's part of
	// the key (nil: the folder is in no module).
	prints map[string]Key
	mods   map[string][]byte
	// unstable are the folders holding a file modified during the run:
	// no entry that depends on them is stored.
	unstable map[string]bool
	// reused are the package entries replayed in this run (by Inputs),
	// which need not be written again.
	reused map[string]bool
}

// unitKey is the key of a type-checked package's entry: salt, its
// module's part, its Inputs, its import path, the wanted files shown and
// the names and content hashes of its sources. False when a source cannot
// be read or was modified during the run, or the package is in no
// module.
func (g *goCache) unitKey(u gocheck.Unit) (Key, bool) {
	if u.Inputs == "" || len(u.Sources) == 0 {
		return Key{}, false
	}
	root := gocheck.ModuleRoot(filepath.Dir(u.Sources[0]))
	if root == "" {
		return Key{}, false
	}
	h := NewHash("gounit").Bytes(g.salt[:]).Bytes(g.module(root)).String(u.Inputs).String(u.Pkg)
	files := append([]string(nil), u.Files...)
	sort.Strings(files)
	h.String(fmt.Sprint(len(files)))
	for _, f := range files {
		h.String(f)
	}
	for _, f := range u.Sources {
		sum, ok, recent := g.sums.sum(f)
		if !ok || recent {
			return Key{}, false
		}
		h.String(f).Bytes(sum[:])
	}
	return h.Key(), true
}

// reuse answers gocheck's Reuse from the package entries, importing the
// facts of a package it replays into facts.
func (g *goCache) reuse(facts *analyzers.FactStore) gocheck.ReuseFunc {
	return func(u gocheck.Unit) (rules.Result, bool) {
		k, ok := g.unitKey(u)
		if !ok {
			return rules.Result{}, false
		}
		b, ok := g.c.Get(k)
		if !ok {
			return rules.Result{}, false
		}
		var e goUnitEntry
		if !decode(b, &e) || facts.Import(e.Facts) != nil {
			return rules.Result{}, false
		}
		g.mu.Lock()
		g.reused[u.Inputs] = true
		g.mu.Unlock()
		return e.Result, true
	}
}

// storeUnits writes the entry of each package type-checked afresh: its
// part of the result (the findings and notes on its files) and its facts.
func (g *goCache) storeUnits(ctx context.Context, units []gocheck.Unit, fresh rules.Result, facts *analyzers.FactStore) {
	for _, u := range units {
		g.mu.Lock()
		done := g.reused[u.Inputs]
		g.mu.Unlock()
		if done || u.Inputs == "" || ctx.Err() != nil {
			continue
		}
		k, ok := g.unitKey(u)
		if !ok {
			continue
		}
		mine := map[string]bool{}
		for _, f := range u.Files {
			mine[f] = true
		}
		var e goUnitEntry
		for _, f := range fresh.Findings {
			if mine[f.File] {
				e.Result.Findings = append(e.Result.Findings, f)
			}
		}
		for _, n := range fresh.Notes {
			if mine[n.File] {
				e.Result.Notes = append(e.Result.Notes, n)
			}
		}
		for _, n := range fresh.Errors {
			if mine[n.File] {
				e.Result.Errors = append(e.Result.Errors, n)
			}
		}
		fb, err := facts.Export([]string{u.Pkg})
		if err != nil {
			continue
		}
		e.Facts = fb
		if b := encode(e); b != nil {
			_ = g.c.Put(k, b)
		}
	}
}

// get returns an entry when every folder it depends on is as it was.
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
// wanted files all belong to units, with the facts its packages
// exported. It returns the result (the stored folders' parts and the rest:
// fallback files, errors without a file, which are not stored), the
// stored folders' dependencies, and whether everything was stored.
func (g *goCache) store(ctx context.Context, missed []string, units []gocheck.Unit, fresh rules.Result, byDir map[string][]string, keys map[string]Key, facts *analyzers.FactStore) (rules.Result, []string, bool) {
	type part struct {
		deps  map[string]bool
		files map[string]bool
		pkgs  map[string]bool
		res   rules.Result
	}
	parts := map[string]*part{}
	fileDir := map[string]string{}
	for _, u := range units {
		for _, f := range u.Files {
			d := filepath.Dir(f)
			p := parts[d]
			if p == nil {
				p = &part{deps: map[string]bool{}, files: map[string]bool{}, pkgs: map[string]bool{}}
				parts[d] = p
			}
			p.files[f] = true
			for _, dep := range u.Deps {
				p.deps[dep] = true
			}
			if u.Pkg != "" {
				p.pkgs[u.Pkg] = true
			}
			fileDir[f] = d
		}
	}
	all := true
	// A folder is stored only if every wanted file in it is in a unit.
	for d, p := range parts {
		for _, f := range byDir[d] {
			if !p.files[f] {
				delete(parts, d)
				all = false
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
	var deps []string
	stored := map[string]bool{}
	for _, d := range sortedKeysOf(parts) {
		p := parts[d]
		out.Merge(p.res)
		k, ok := keys[d]
		if !ok || ctx.Err() != nil || len(p.deps) == 0 {
			continue
		}
		fb, err := facts.Export(sortedKeys(p.pkgs))
		if err != nil {
			continue
		}
		e := goEntry{Result: p.res, Facts: fb}
		for _, dep := range sortedKeys(p.deps) {
			e.Deps = append(e.Deps, dep)
			e.Prints = append(e.Prints, g.print(dep))
			deps = append(deps, dep)
		}
		if !g.stable(e.Deps) {
			continue
		}
		if b := encode(e); b != nil {
			_ = g.c.Put(k, b)
			stored[d] = true
		}
	}
	for _, f := range missed {
		if !stored[filepath.Dir(f)] {
			all = false
		}
	}
	if len(rest.Findings)+len(rest.Notes)+len(rest.Errors) > 0 {
		all = false
	}
	out.Merge(rest)
	return out, deps, all
}

// setKey is the key of the whole-set entry; false when a file is not in
// a module.
func (g *goCache) setKey(files []string) (Key, bool) {
	names := append([]string(nil), files...)
	sort.Strings(names)
	h := NewHash("goset").Bytes(g.salt[:])
	roots := map[string]bool{}
	rootOf := map[string]string{} // by folder: a folder's files share a module
	for _, f := range names {
		dir := filepath.Dir(f)
		root, seen := rootOf[dir]
		if !seen {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return Key{}, false
			}
			root = gocheck.ModuleRoot(abs)
			rootOf[dir] = root
		}
		if root == "" {
			return Key{}, false
		}
		roots[root] = true
		h.String(f)
	}
	for _, r := range sortedKeys(roots) {
		h.String(r).Bytes(g.module(r))
	}
	return h.Key(), true
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
	h := NewHash("go").Bytes(g.salt[:]).Bytes(g.module(root)).String(abs)
	names := append([]string(nil), files...)
	sort.Strings(names)
	for _, f := range names {
		h.String(f)
	}
	return h.Key(), true
}

// module is the part of the key that a module's configuration and the
// go command's environment give.
func (g *goCache) module(root string) []byte {
	g.mu.Lock()
	defer g.mu.Unlock()
	if b, ok := g.mods[root]; ok {
		return b
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
	// The go command's own settings file (go env -w) sets the same
	// variables.
	if cfg, err := os.UserConfigDir(); err == nil {
		b, err := os.ReadFile(filepath.Join(cfg, "go", "env"))
		h.String("goenv").String(fmt.Sprint(err == nil)).Bytes(b)
	}
	if p, err := exec.LookPath("go"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		if st, err := os.Stat(p); err == nil {
			h.String(p).String(fmt.Sprint(st.Size(), st.ModTime().UnixNano()))
		}
	} else {
		h.String("no go command")
	}
	k := h.Key()
	g.mods[root] = k[:]
	return k[:]
}

// print fingerprints a folder: the names and content hashes of its Go
// files, and its module's go.mod (a locally replaced module's
// requirements take part in the build list).
func (g *goCache) print(dir string) Key {
	g.mu.Lock()
	if k, ok := g.prints[dir]; ok {
		g.mu.Unlock()
		return k
	}
	g.mu.Unlock()
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
		sum, ok, recent := g.sums.sum(filepath.Join(dir, name))
		if recent {
			g.markUnstable(dir)
		}
		if !ok {
			h.String(name).String("unreadable")
			continue
		}
		h.String(name).Bytes(sum[:])
	}
	if root := gocheck.ModuleRoot(dir); root != "" {
		sum, ok, recent := g.sums.sum(filepath.Join(root, "go.mod"))
		if recent {
			g.markUnstable(dir)
		}
		if ok {
			h.String(root).Bytes(sum[:])
		}
	}
	k := h.Key()
	g.mu.Lock()
	g.prints[dir] = k
	g.mu.Unlock()
	return k
}

func (g *goCache) markUnstable(dir string) {
	g.mu.Lock()
	g.unstable[dir] = true
	g.mu.Unlock()
}

// stable reports that no folder of deps held a file modified during the
// run (print must have been called for each).
func (g *goCache) stable(deps []string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, d := range deps {
		if g.unstable[d] {
			return false
		}
	}
	return true
}

// fileSum is a file's content hash.
type fileSum = [sha256.Size]byte
