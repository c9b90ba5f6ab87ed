package gocheck

import (
	"bufio"
	"bytes"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/analyzers"
)

// syntaxIndex summarises, from source, the packages of a module that code
// checked without type information imports (analyzers.SyntaxIndex): the
// folder of an import path is found through the nearest go.mod (or
// vendor.mod, which moby's tree has in its place) above the importing
// file, its non-test files for this GOOS and GOARCH are parsed and
// type-checked against stand-ins as the fallback checks any package, and
// what its functions and methods run is summarised once per run. Only the
// summaries are kept.
type syntaxIndex struct {
	binaries []string

	mu     sync.Mutex
	mods   map[string]module          // folder -> the module holding it
	pkgs   map[string]*syntaxPkg      // package folder -> its summaries
	usedBy map[string]map[string]bool // importing file -> package folders read for it
}

type module struct{ root, path string }

type syntaxPkg struct {
	once sync.Once
	sum  analyzers.SyntaxSummaries
}

func newSyntaxIndex(binaries []string) *syntaxIndex {
	return &syntaxIndex{binaries: binaries, mods: map[string]module{}, pkgs: map[string]*syntaxPkg{}, usedBy: map[string]map[string]bool{}}
}

// Helper implements analyzers.SyntaxIndex.
func (x *syntaxIndex) Helper(from, pkg, recv, name string) *analyzers.HelperFact {
	sp := x.load(from, pkg)
	if sp == nil {
		return nil
	}
	return sp.sum.Helpers[analyzers.SummaryKey(recv, name)]
}

// Result implements analyzers.SyntaxIndex.
func (x *syntaxIndex) Result(from, pkg, recv, name string) (string, string, bool) {
	sp := x.load(from, pkg)
	if sp == nil {
		return "", "", false
	}
	r, ok := sp.sum.Results[analyzers.SummaryKey(recv, name)]
	return r[0], r[1], ok
}

// deps returns the package folders read for the file from, sorted: what
// a result for it depends on besides its own folder.
func (x *syntaxIndex) deps(from string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []string
	for d := range x.usedBy[from] {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// load returns the summaries of the package with import path pkg, as the
// file from imports it, or nil when it is not a package of from's module.
func (x *syntaxIndex) load(from, pkg string) *syntaxPkg {
	dir := x.dirOf(filepath.Dir(from), pkg)
	if dir == "" {
		return nil
	}
	x.mu.Lock()
	sp := x.pkgs[dir]
	if sp == nil {
		sp = &syntaxPkg{}
		x.pkgs[dir] = sp
	}
	if x.usedBy[from] == nil {
		x.usedBy[from] = map[string]bool{}
	}
	x.usedBy[from][dir] = true
	x.mu.Unlock()
	sp.once.Do(func() { sp.sum = x.summarise(dir, pkg) })
	return sp
}

// dirOf returns the folder of the package pkg in the module holding the
// folder from, or "".
func (x *syntaxIndex) dirOf(from, pkg string) string {
	m := x.moduleOf(from)
	if m.path == "" || (pkg != m.path && !strings.HasPrefix(pkg, m.path+"/")) {
		return ""
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(pkg, m.path), "/")
	for _, elem := range strings.Split(rel, "/") {
		if elem == "vendor" || elem == "testdata" || elem == ".." || strings.HasPrefix(elem, ".") || strings.HasPrefix(elem, "_") {
			return ""
		}
	}
	dir := filepath.Join(m.root, filepath.FromSlash(rel))
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return ""
	}
	return dir
}

// moduleOf returns the module whose go.mod (or vendor.mod) is nearest at
// or above dir.
func (x *syntaxIndex) moduleOf(dir string) module {
	x.mu.Lock()
	defer x.mu.Unlock()
	var walked []string
	var m module
	for d := dir; ; {
		if got, ok := x.mods[d]; ok {
			m = got
			break
		}
		walked = append(walked, d)
		if path := modulePath(d); path != "" {
			m = module{root: d, path: path}
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, d := range walked {
		x.mods[d] = m
	}
	return m
}

// modulePath reads the module path of dir's go.mod, or of its vendor.mod
// when it has no go.mod; "" when it has neither.
func modulePath(dir string) string {
	for _, name := range []string{"go.mod", "vendor.mod"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if f := strings.Fields(sc.Text()); len(f) >= 2 && f[0] == "module" {
				return strings.Trim(f[1], `"`)
			}
		}
	}
	return ""
}

// summarise parses the package in dir (its files built for this GOOS and
// GOARCH, tests left out) and summarises it.
func (x *syntaxIndex) summarise(dir, pkg string) analyzers.SyntaxSummaries {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return analyzers.SyntaxSummaries{}
	}
	fset := token.NewFileSet()
	byName := map[string][]*ast.File{}
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(dir, n); err == nil && !ok {
			continue
		}
		path := filepath.Join(dir, n)
		src, err := os.ReadFile(path)
		if err != nil || len(src) > maxIndexedFile {
			continue
		}
		af, _ := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if af == nil || af.Name == nil {
			continue
		}
		byName[af.Name.Name] = append(byName[af.Name.Name], af)
	}
	// The package's name: the one most files have (a stray file of
	// another package, such as a generator's main, is left out).
	best := ""
	for name, fs := range byName {
		if best == "" || len(fs) > len(byName[best]) || len(fs) == len(byName[best]) && name < best {
			best = name
		}
	}
	if best == "" {
		return analyzers.SyntaxSummaries{}
	}
	lp := lenientPackage(fset, dir, best, byName[best])
	return analyzers.SummariseSyntax(fset, lp.Syntax, lp.TypesInfo, lp.Types, pkg, x.binaries)
}

// maxIndexedFile bounds the files the index parses: generated tables are
// not where command helpers live.
const maxIndexedFile = 1 << 20
