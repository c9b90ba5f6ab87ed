// Package gocheck runs dockguard's Go analyzers for `dockguard check`: it
// loads only the packages that hold the files the walker kept, type-checks
// them with golang.org/x/tools/go/packages, runs the analyzers with
// golang.org/x/tools/go/analysis/checker and turns the diagnostics into
// rules.Finding.
//
// A package that cannot be type-checked (no go.mod, a module that is not
// downloaded, build errors, a lone file) is still checked: names are then
// resolved through each file's imports, and a note says so. A file with
// syntax errors gives a DG001 finding at the error's position, and what can
// be parsed of it is still checked.
package gocheck

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Options configure a check.
type Options struct {
	// Binaries are the container CLIs recognised in os/exec calls (nil:
	// docker, podman, nerdctl).
	Binaries []string
	// ParallelLimit is the largest accepted concurrency for DG106 (0: 3).
	ParallelLimit int
	// Fix shapes the fixes attached to findings (see rules.FixSettings).
	Fix rules.FixSettings
	// Jobs bounds how many packages are parsed, type-checked and analysed
	// at once (0: GOMAXPROCS). Each holds its syntax and types only while
	// it is being checked.
	Jobs int
	// Mode is ModeTyped (the default) or ModeSyntax.
	Mode Mode
	// Load is where ModeTyped takes the dependencies' types from:
	// LoadExport (the default) reads export data; LoadAuto chooses, per
	// load, export data when the build cache holds it and the from-source
	// load when it does not; LoadSource always loads from source.
	Load Load
	// Progress, when set, is called after each type-checked package with
	// the number done and the number to check.
	Progress func(done, total int)
	// Loading, when set, is called before the go command lists a
	// module's packages, which builds their export data: minutes on a
	// cold build cache, with no package done yet. When it was called,
	// Progress (if set) is called with done == total at the end.
	Loading func()
	// AllPackages type-checks every package that holds a wanted file,
	// without the relevance rule decided from the go command's imports
	// (relevantVariant): slower, for measuring what the rule drops.
	AllPackages bool
	// Facts, when set, is the store of the helper facts the analyzers
	// pass between packages (nil: a new one). A caller that replays some
	// packages' results instead of checking them again imports their
	// facts into it first, so that the packages checked see them as a
	// full run would.
	Facts *analyzers.FactStore
	// Reuse, when set (with CheckUnits), is called before each package
	// is type-checked, with its Unit, once the packages it imports have
	// been checked or replayed (so their facts are in Facts). When it
	// returns true, its result stands for the package's (each of its
	// findings and notes on the unit's Files), the package is not
	// type-checked, and the caller has imported the facts the package
	// exported into Facts. It may be called from several goroutines at
	// once.
	Reuse ReuseFunc
}

// Mode selects how much of the Go toolchain a check uses.
type Mode int

const (
	// ModeTyped loads the package graph with the go command and
	// type-checks each package that holds a wanted file against its
	// dependencies' export data.
	ModeTyped Mode = iota
	// ModeSyntax skips the go command and type-checking: every file is
	// parsed and its names are resolved through its imports, as for a
	// package that cannot be loaded. It needs no build cache.
	ModeSyntax
)

// ParseMode reads a --go-mode value.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "", "typed":
		return ModeTyped, nil
	case "syntax":
		return ModeSyntax, nil
	}
	return ModeTyped, fmt.Errorf("unknown Go mode %q (want typed or syntax)", s)
}

// metaMode is what the streaming load asks go/packages for: the package
// graph, and the export data files the go command compiles (not their
// types: a universe reads only those the checked packages import). No
// package is parsed or type-checked from source by the load; the packages
// that hold wanted files are, one at a time, by checkRoot.
const metaMode = packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
	packages.NeedImports | packages.NeedDeps | packages.NeedExportFile | packages.NeedTypesSizes |
	packages.NeedModule

// Check analyses the Go packages holding files. The paths are reported as
// given.
func Check(ctx context.Context, files []string, opts Options) rules.Result {
	return newRun(opts).check(ctx, files)
}

func (c *run) check(ctx context.Context, files []string) rules.Result {
	opts := c.opts
	groups := map[string][]string{} // module root ("" for none) -> absolute files
	var roots []string
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			c.res.Errors = append(c.res.Errors, rules.Note{File: f, Message: fmt.Sprintf("resolve path: %v", err)})
			continue
		}
		abs = filepath.Clean(abs)
		if _, dup := c.display[abs]; dup {
			continue
		}
		c.display[abs] = f
		root := c.moduleRoot(filepath.Dir(abs))
		if _, seen := groups[root]; !seen {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], abs)
	}
	sort.Strings(roots)
	if opts.Mode == ModeSyntax {
		var all []string
		for _, root := range roots {
			all = append(all, groups[root]...)
		}
		if len(all) > 0 {
			c.fallback(all, "--go-mode=syntax")
			c.res.Notes = append(c.res.Notes, rules.Note{Message: fmt.Sprintf("Go: %d files checked at syntax level (--go-mode=syntax): names were resolved through each file's imports, without type information", len(all))})
		}
		c.finish()
		return c.res
	}
	loading := false
	for _, root := range roots {
		if ctx.Err() != nil {
			c.res.Errors = append(c.res.Errors, rules.Note{Message: fmt.Sprintf("Go check interrupted: %v", ctx.Err())})
			break
		}
		if root == "" {
			c.fallback(groups[root], "not in a Go module (no go.mod)")
			continue
		}
		if c.opts.Loading != nil {
			c.opts.Loading()
			loading = true
		}
		c.loadModule(ctx, root, groups[root])
	}
	if c.opts.Progress != nil && (c.done < c.total || loading) {
		c.opts.Progress(c.total, c.total) // a predicted package was not loaded: end the line
	}
	c.finish()
	return c.res
}

// Unit is one type-checked package of a CheckUnits result: the wanted
// files it covers (as given) and the folders of every package whose source
// its result depends on. Those are its own folder and the folders of the
// dependencies that are not versioned modules (the main module, local
// replacements, workspace modules); the standard library and versioned
// modules are fixed by the toolchain and go.sum.
//
// A unit can also be a package the go command's graph showed cannot hold
// a finding (see relevantVariant): its wanted files were neither
// type-checked nor sent to the fallback, and that decision depends on the
// same folders. Or it is a file left out by build constraints, or a cgo
// file, which the fallback checks with its own folder's files only. Pkg
// is the import path of a type-checked package, whose facts the analyzers
// may have stored, and "" for a unit that was not type-checked.
//
// A type-checked unit also has Sources, the absolute paths of the files
// the package was compiled from, and Inputs, a digest of everything else
// its result was computed from: the package's ID, Go version and import
// map, and for each dependency whose source is local (see Deps) its ID,
// a digest of the API its export data describes (see apiID) and the
// helper facts it exported. A comment, a function body or a change of
// line numbers in a dependency leaves its API digest as it was. Inputs is
// "" when a dependency's export data could not be read.
type Unit struct {
	Files   []string
	Deps    []string
	Pkg     string
	Sources []string
	Inputs  string
}

// ReuseFunc is asked, before a package is type-checked, whether a result
// computed before from the same Sources and Inputs can stand in for
// checking it (see Options.Reuse).
type ReuseFunc func(u Unit) (rules.Result, bool)

// CheckUnits is Check that also reports the packages it type-checked.
// Files checked by the fallback belong to no unit.
func CheckUnits(ctx context.Context, files []string, opts Options) ([]Unit, rules.Result) {
	c := newRun(opts)
	c.wantUnits = true
	c.units = []Unit{}
	res := c.check(ctx, files)
	return c.units, res
}

// CheckSource analyses one Go file whose contents are given (standard
// input). Without its package around it, names are resolved through the
// file's imports.
func CheckSource(ctx context.Context, file string, src []byte, opts Options) rules.Result {
	c := newRun(opts)
	c.display[file] = file
	c.srcs[file] = src
	c.fallback([]string{file}, "read from standard input")
	c.finish()
	return c.res
}

// CheckFixed re-checks file, a Go file on disk whose fixed contents are
// src, as Check would check it with src in its place: its package is
// loaded and type-checked around it (the other files as they are on disk),
// so a fix is judged with the same type information as the finding it
// fixes. When src brings type errors that the file on disk does not have,
// the result holds a DG001 finding whose message starts with
// rules.TypeCheckFailed: the fix does not compile. A file outside a module,
// or ModeSyntax, is checked as CheckSource checks it.
func CheckFixed(ctx context.Context, file string, src []byte, opts Options) rules.Result {
	abs, err := filepath.Abs(file)
	if err != nil || opts.Mode == ModeSyntax || ModuleRoot(filepath.Dir(abs)) == "" {
		return CheckSource(ctx, file, src, opts)
	}
	abs = filepath.Clean(abs)
	c := newRun(opts)
	c.overlay = map[string][]byte{abs: src}
	c.srcs[abs] = src
	c.typeErrs = []types.Error{}
	c.check(ctx, []string{file})
	if len(c.typeErrs) > 0 {
		// Only errors the fix brought count: the package may not have
		// type-checked before it either.
		orig := newRun(opts)
		orig.overlay = map[string][]byte{} // the files on disk, through the memoised graph
		orig.typeErrs = []types.Error{}
		orig.check(ctx, []string{file})
		if e, ok := newTypeError(orig.typeErrs, c.typeErrs); ok {
			off := 0
			if pos := e.Fset.Position(e.Pos); filepath.Clean(pos.Filename) == abs {
				off = rules.Offset(src, pos.Line, pos.Column)
			}
			f := rules.New(rules.MustLookup("DG001"), file, src, off, off, rules.TypeCheckFailed+e.Msg)
			f.Key = "type error: " + e.Msg
			c.add(f)
			c.finish()
		}
	}
	return c.res
}

// fixedLoads memoises the package graphs CheckFixed loads, by module,
// patterns and tests: the fixes of one run re-check the same packages
// again and again (each file, each fix tried alone after a failure, the
// check of the original contents), and one `go list -deps -export` per
// package is the cost of a re-check. A graph stays valid while the fixed
// files import what the files on disk do; other fixes load their own.
var fixedLoads sync.Map // string -> *fixedLoad

type fixedLoad struct {
	once sync.Once
	pkgs []*packages.Package
	err  error
}

// load is packages.Load, memoised for CheckFixed (see loadFixed).
func (c *run) load(cfg *packages.Config, patterns []string) ([]*packages.Package, error) {
	if c.overlay != nil {
		return c.loadFixed(cfg, patterns)
	}
	return packages.Load(cfg, patterns...)
}

// loadFixed loads the graph for CheckFixed: the memoised one when the
// overlay keeps every file's imports, else one listed with the overlay, so
// that the go command sees an import a fix added (time, for the old SDK's
// stop timeout).
func (c *run) loadFixed(cfg *packages.Config, patterns []string) ([]*packages.Package, error) {
	for abs, src := range c.overlay {
		disk, err := os.ReadFile(abs)
		if err != nil || !sameImports(disk, src) {
			cfg.Overlay = c.overlay
			return packages.Load(cfg, patterns...)
		}
	}
	k := fmt.Sprintf("%s\x00%s\x00%v\x00%d", cfg.Dir, strings.Join(patterns, "\x00"), cfg.Tests, cfg.Mode)
	v, _ := fixedLoads.LoadOrStore(k, &fixedLoad{})
	l := v.(*fixedLoad)
	l.once.Do(func() {
		cfg := *cfg
		cfg.Context = context.Background() // shared: one caller's end must not fail the others
		l.pkgs, l.err = packages.Load(&cfg, patterns...)
	})
	return l.pkgs, l.err
}

// sameImports reports whether two Go sources import the same paths under
// the same names; sources that do not parse count as different.
func sameImports(a, b []byte) bool {
	imports := func(src []byte) (string, bool) {
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
		if err != nil {
			return "", false
		}
		var out []string
		for _, im := range f.Imports {
			name := ""
			if im.Name != nil {
				name = im.Name.Name
			}
			out = append(out, name+" "+im.Path.Value)
		}
		sort.Strings(out)
		return strings.Join(out, "\n"), true
	}
	x, ok1 := imports(a)
	y, ok2 := imports(b)
	return ok1 && ok2 && x == y
}

// newTypeError returns the first error of after whose message before does
// not hold as often.
func newTypeError(before, after []types.Error) (types.Error, bool) {
	seen := map[string]int{}
	for _, e := range before {
		seen[e.Msg]++
	}
	for _, e := range after {
		if seen[e.Msg] == 0 {
			return e, true
		}
		seen[e.Msg]--
	}
	return types.Error{}, false
}

type run struct {
	opts      Options
	analyzers []*analysis.Analyzer
	res       rules.Result
	display   map[string]string // absolute path -> path to report
	srcs      map[string][]byte
	modRoots  map[string]string
	seen      map[string]bool // finding dedup key
	noted     map[string]bool
	units     []Unit
	facts     *analyzers.FactStore
	// apiIDs memoises the API digests of export files (see apiID).
	apiIDs sync.Map // string -> string
	// wantUnits is set by CheckUnits before the check starts, and only
	// read while packages are checked concurrently (units is guarded by
	// mu).
	wantUnits bool
	// cgoFiles are the wanted cgo files of the packages loaded, for
	// CheckUnits.
	cgoFiles map[string]bool
	// budget is the universe budget (universeBudget; tests make it tiny
	// to check every package in a batch of its own).
	budget int64
	// done and total count the packages type-checked and to check, over
	// every load of the run, for Options.Progress.
	done, total int
	// overlay replaces files on disk (absolute paths) for CheckFixed;
	// typeErrs, when non-nil, collects the type errors of the packages
	// checked with types.
	overlay  map[string][]byte
	typeErrs []types.Error
	// index summarises, for the code checked without types, the module's
	// packages it imports, from their source.
	index *syntaxIndex
	// mu guards res, seen and noted; srcMu guards srcs. Packages are
	// checked concurrently.
	mu    sync.Mutex
	srcMu sync.Mutex
}

func newRun(opts Options) *run {
	facts := opts.Facts
	if facts == nil {
		facts = analyzers.NewFactStore()
	}
	index := newSyntaxIndex(opts.Binaries)
	return &run{
		opts:      opts,
		facts:     facts,
		index:     index,
		analyzers: analyzers.New(analyzers.Config{Binaries: opts.Binaries, ParallelLimit: opts.ParallelLimit, StopTimeout: opts.Fix.Timeout(), Facts: facts, Syntax: index}),
		display:   map[string]string{},
		cgoFiles:  map[string]bool{},
		budget:    universeBudget,
		srcs:      map[string][]byte{},
		modRoots:  map[string]string{},
		seen:      map[string]bool{},
		noted:     map[string]bool{},
	}
}

// ModuleRoot returns the directory of the nearest go.mod at or above the
// absolute directory dir, or "".
func ModuleRoot(dir string) string { return moduleRoot(dir, map[string]string{}) }

func (c *run) moduleRoot(dir string) string { return moduleRoot(dir, c.modRoots) }

// moduleRoot is ModuleRoot with a memo of the directories already walked.
func moduleRoot(dir string, modRoots map[string]string) string {
	var walked []string
	root := ""
	for d := dir; ; {
		if r, ok := modRoots[d]; ok {
			root = r
			break
		}
		walked = append(walked, d)
		if fi, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !fi.IsDir() {
			root = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for _, d := range walked {
		modRoots[d] = root
	}
	return root
}

// loadModule type-checks the packages of files (all inside the module at
// root) and analyses them. A first go/packages load, without export data,
// gives the package graph; selectPackages keeps the packages that can hold
// a finding. Then one load with export data (one `go list -deps -export`)
// for the selected folders, and a second one with test variants only for
// the folders where a test variant was selected, each followed by a
// bounded pool of workers that parses, type-checks and analyses each
// selected package and drops its syntax and types when done. Memory holds
// one load's export data plus one package per worker, instead of every
// package's syntax at once, and the test variants of folders whose tests
// were not wanted are never compiled.
func (c *run) loadModule(ctx context.Context, root string, files []string) {
	dirs := map[string]bool{}
	tests := false
	want := map[string]bool{}
	for _, f := range files {
		dirs[filepath.Dir(f)] = true
		tests = tests || strings.HasSuffix(f, "_test.go")
		want[f] = true
	}
	var patterns []string
	for d := range dirs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			continue
		}
		patterns = append(patterns, "./"+filepath.ToSlash(rel))
	}
	sort.Strings(patterns)
	var sel *selection
	var loaded []*packages.Package
	var err error
	single := len(patterns) <= singleLoadPatterns && c.overlay == nil && c.opts.Load != LoadSource
	if single && c.opts.Load == LoadAuto {
		// The single load compiles what it lists: with a cold build
		// cache the from-source load below is the cheaper one.
		cold, _, _ := coldBuild(ctx, root, patterns, tests)
		single = !cold
	}
	if single {
		// A few folders (a re-check of the packages a change touched):
		// one go command lists and compiles them, test variants
		// included where a test file is wanted; compiling a package
		// the rule then drops costs less here than a second go list.
		cfg := &packages.Config{Context: ctx, Mode: metaMode, Dir: root, Tests: tests}
		if loaded, err = c.load(cfg, patterns); err == nil {
			sel = c.selectFrom(root, loaded, want)
		}
	} else {
		sel, err = c.selectPackages(ctx, root, patterns, want, tests)
	}
	if err != nil {
		c.fallback(files, fmt.Sprintf("go/packages could not load the module at %s: %v", c.shown(root), oneLine(err.Error())))
		return
	}
	c.total += sel.roots
	covered := map[string]bool{}
	if loaded != nil {
		// The test variants of the folders where none was selected are
		// not checked, as the two loads below would not list them.
		tested := map[string]bool{}
		for _, pat := range sel.tests {
			tested[pat] = true
		}
		var pkgs []*packages.Package
		for _, p := range loaded {
			if strings.Contains(p.ID, " [") || strings.HasSuffix(p.ID, ".test") {
				if len(p.GoFiles) == 0 || !tested[patternOf(root, p.GoFiles[0])] {
					continue
				}
			}
			pkgs = append(pkgs, p)
		}
		c.checkLoaded(ctx, pkgs, sel.selected, covered)
	}
	for _, load := range []struct {
		patterns []string
		tests    bool
	}{{sel.plain, false}, {sel.tests, true}} {
		if loaded != nil || len(load.patterns) == 0 || ctx.Err() != nil {
			continue
		}
		if err := c.loadAndCheck(ctx, root, load.patterns, load.tests, sel.selected, covered); err != nil {
			var rest []string
			for _, f := range files {
				if sel.selected[f] && !covered[f] && inPatterns(root, f, load.patterns) {
					rest = append(rest, f)
				}
			}
			c.fallback(rest, fmt.Sprintf("go/packages could not load the module at %s: %v", c.shown(root), oneLine(err.Error())))
			for _, f := range rest {
				covered[f] = true
			}
		}
	}
	var rest []string
	for _, f := range files {
		if !covered[f] && !sel.dropped[f] {
			rest = append(rest, f)
		}
	}
	if len(rest) > 0 {
		c.fallback(rest, "not part of a package that could be loaded (build constraints, or a load error)")
	}
	if c.wantUnits {
		// A file left out by build constraints, or a cgo file, is
		// checked by the fallback, with the files of its own folder
		// only.
		for _, f := range rest {
			if sel.ignored[f] || c.cgoFiles[f] {
				c.units = append(c.units, Unit{Files: []string{c.display[f]}, Deps: append([]string{filepath.Dir(f)}, c.index.deps(f)...)})
			}
		}
	}
}

// inPatterns reports whether file's folder is one of the ./rel patterns.
func inPatterns(root, file string, patterns []string) bool {
	rel, err := filepath.Rel(root, filepath.Dir(file))
	if err != nil {
		return false
	}
	pat := "./" + filepath.ToSlash(rel)
	for _, p := range patterns {
		if p == pat {
			return true
		}
	}
	return false
}

// loadAndCheck loads patterns with export data and checks the variants
// that hold a selected file, adding the files type-checked to covered.
// The load's packages are garbage once it returns.
func (c *run) loadAndCheck(ctx context.Context, root string, patterns []string, tests bool, selected, covered map[string]bool) error {
	if c.fromSource(ctx, root, patterns, tests) {
		return c.loadAndCheckSource(ctx, root, patterns, tests, selected, covered)
	}
	cfg := &packages.Config{
		Context: ctx,
		Mode:    metaMode,
		Dir:     root,
		Tests:   tests,
	}
	pkgs, err := c.load(cfg, patterns)
	if err != nil {
		return err
	}
	c.checkLoaded(ctx, pkgs, selected, covered)
	return nil
}

// singleLoadPatterns is the most folders of a module that loadModule
// lists with one go command (see there).
var singleLoadPatterns = 8

// patternOf is the ./rel pattern of file's folder in the module at root.
func patternOf(root, file string) string {
	rel, err := filepath.Rel(root, filepath.Dir(file))
	if err != nil {
		return ""
	}
	return "./" + filepath.ToSlash(rel)
}

// checkLoaded checks the variants of a load that hold a selected file,
// adding the files type-checked to covered.
func (c *run) checkLoaded(ctx context.Context, pkgs []*packages.Package, selected, covered map[string]bool) {
	var roots []*packages.Package
	for _, p := range chooseVariants(pkgs) {
		for _, f := range p.CompiledGoFiles {
			if selected[filepath.Clean(f)] {
				roots = append(roots, p)
				break
			}
		}
		if c.wantUnits {
			// A cgo file is compiled as a generated file: the source
			// file goes to the fallback.
			compiled := map[string]bool{}
			for _, f := range p.CompiledGoFiles {
				compiled[filepath.Clean(f)] = true
			}
			for _, f := range p.GoFiles {
				if f = filepath.Clean(f); selected[f] && !compiled[f] {
					c.cgoFiles[f] = true
				}
			}
		}
	}
	for f := range c.checkRoots(ctx, roots, selected) {
		covered[f] = true
	}
}

// universeBudget bounds the export data, in bytes, that one universe
// reads before its batch of packages is checked and the universe dropped.
// The types read keep their export data alive, so this bounds most of the
// live heap: on moby, a universe holding every checked package's imports
// is 108 MiB of export data for 134 MiB of heap; batches of 24 MiB re-read
// a shared package once per batch instead (about a fifth more bytes
// allocated in all).
const universeBudget = 24 << 20

// checkRoots checks roots on a bounded pool of workers and returns the
// wanted files that were type-checked.
//
// The roots go in batches, in import path order (imports first) so that
// neighbours, which import much the same packages, share a batch: the imports of a batch's
// packages are read into one universe until it holds universeBudget bytes
// of export data, then the batch is checked and the universe dropped with
// its types and positions. Memory holds one universe plus one package per
// worker. (Reading the next universe while a batch is checked gained no
// measurable wall time on 2 CPUs and held two universes: 141 against
// 99 MiB of live heap on moby.) A package that depends on a test variant
// reads a universe of its own.
func (c *run) checkRoots(ctx context.Context, roots []*packages.Package, want map[string]bool) map[string]bool {
	covered := map[string]bool{}
	if len(roots) == 0 {
		return covered
	}
	jobs := c.opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	var plain, own []*packages.Package
	for _, p := range roots {
		if hasTestVariantDeps(p) {
			own = append(own, p)
		} else {
			plain = append(plain, p)
		}
	}
	// Batches follow the imports-first order over all plain roots, so a
	// root's imported roots (and their facts) are done in its batch or an
	// earlier one; an own-universe root can import plain roots, never the
	// reverse, so those go last.
	sort.SliceStable(plain, func(i, j int) bool { return plain[i].PkgPath < plain[j].PkgPath })
	plain = importsFirst(plain)
	for i := 0; i < len(plain) && ctx.Err() == nil; {
		u := newUniverse()
		var batch []*packages.Package
		for i < len(plain) && (len(batch) == 0 || u.size < c.budget) {
			u.readImports(plain[i])
			batch = append(batch, plain[i])
			i++
		}
		c.checkBatch(ctx, batch, u, jobs, want, covered)
	}
	c.checkBatch(ctx, own, nil, jobs, want, covered)
	if ctx.Err() != nil {
		c.addError(rules.Note{Message: fmt.Sprintf("Go check interrupted: %v", ctx.Err())})
	}
	return covered
}

// checkBatch checks roots on a bounded pool of workers against shared, a
// universe already filled with their imports, or, when shared is nil,
// each against a universe of its own. Packages are handed out imports
// first, and a package waits for those of its imports that are in the
// batch: the helpers they export (facts) must be known before its calls of
// them are judged. A worker only waits for packages handed out before its
// own, so the pool cannot deadlock.
func (c *run) checkBatch(ctx context.Context, roots []*packages.Package, shared *universe, jobs int, want, covered map[string]bool) {
	done := make(map[*packages.Package]chan struct{}, len(roots))
	for _, p := range roots {
		done[p] = make(chan struct{})
	}
	work := make(chan *packages.Package)
	var wg sync.WaitGroup
	for range min(jobs, len(roots)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				for _, imp := range p.Imports {
					if ch, inBatch := done[imp]; inBatch {
						<-ch
					}
				}
				var checked []string
				inputs, ok := c.reuse(p, want)
				if ok {
					for _, f := range p.CompiledGoFiles {
						checked = append(checked, filepath.Clean(f))
					}
				} else {
					u := shared
					if u == nil {
						u = newUniverse()
						u.readImports(p)
					}
					checked = c.checkRoot(p, u, want, inputs)
				}
				close(done[p])
				c.mu.Lock()
				for _, f := range checked {
					covered[f] = true
				}
				c.done++
				if c.opts.Progress != nil {
					// Under the lock, so that the counts reach the
					// callback in order.
					c.opts.Progress(c.done, max(c.total, c.done))
				}
				c.mu.Unlock()
			}
		}()
	}
	for _, p := range importsFirst(roots) {
		if ctx.Err() != nil {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
}

// importsFirst orders roots so that each comes after those of its
// (transitive) imports that are roots too, keeping the given order
// otherwise.
func importsFirst(roots []*packages.Package) []*packages.Package {
	isRoot := make(map[*packages.Package]bool, len(roots))
	for _, p := range roots {
		isRoot[p] = true
	}
	out := make([]*packages.Package, 0, len(roots))
	postorder(roots, func(p *packages.Package) {
		if isRoot[p] {
			out = append(out, p)
		}
	})
	return out
}

// postorder calls emit for every package reachable from starts through
// imports, once each, imports before their importers (in import path
// order among siblings, so the order is stable).
func postorder(starts []*packages.Package, emit func(*packages.Package)) {
	seen := map[*packages.Package]bool{}
	var visit func(p *packages.Package)
	visit = func(p *packages.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		paths := make([]string, 0, len(p.Imports))
		for path := range p.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			visit(p.Imports[path])
		}
		emit(p)
	}
	for _, p := range starts {
		visit(p)
	}
}

// checkRoot parses and type-checks one package from source against its
// dependencies' export data, analyses it and lets its syntax and types go.
// It returns the files it type-checked and analysed (cleaned), none when
// the package could not be type-checked at all (its files then go to the
// fallback).
//
// Against a universe read from source, the package's files are its source
// files, cgo files among them: they are type-checked with FakeImportC, for
// the package's types to be whole, but neither analysed nor reported as
// checked, so that the fallback checks them, as it checks the cgo files
// that the export-data load replaces with cgo's output.
func (c *run) checkRoot(meta *packages.Package, u *universe, want map[string]bool, inputs string) []string {
	names := meta.CompiledGoFiles
	if u.source {
		names = meta.GoFiles // the source load lists no compiled files
	}
	if len(names) == 0 {
		return nil
	}
	fset := u.fset
	var syntax []*ast.File
	var checked []string
	parseErr := false
	firstParse := "" // the first syntax error, where the go command gave none
	cgo := map[*ast.File]bool{}
	for _, name := range names {
		src, ok := c.overlay[filepath.Clean(name)]
		if !ok {
			var err error
			if src, err = os.ReadFile(name); err != nil {
				return nil
			}
		}
		af, perr := parser.ParseFile(fset, name, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if perr != nil && !parseErr {
			// The first syntax error explains the rest of the package's.
			parseErr = true
			var list scanner.ErrorList
			if errors.As(perr, &list) && len(list) > 0 {
				list.Sort()
				c.reportAt(list[0].Pos.Filename, list[0].Pos.Line, list[0].Pos.Column, list[0].Msg)
				firstParse = c.shownPos(fmt.Sprintf("%s:%d:%d", list[0].Pos.Filename, list[0].Pos.Line, list[0].Pos.Column), "") + ": syntax error: " + list[0].Msg
			}
		}
		if af == nil {
			return nil
		}
		if u.source && importsC(af) {
			cgo[af] = true
			if f := filepath.Clean(name); want[f] && c.wantUnits {
				c.mu.Lock()
				c.cgoFiles[f] = true
				c.mu.Unlock()
			}
		} else {
			checked = append(checked, filepath.Clean(name))
		}
		syntax = append(syntax, af)
	}
	defer func() {
		for _, f := range syntax {
			if tf := fset.File(f.FileStart); tf != nil {
				fset.RemoveFile(tf)
			}
		}
	}()
	info := &types.Info{
		Types:        map[ast.Expr]types.TypeAndValue{},
		Defs:         map[*ast.Ident]types.Object{},
		Uses:         map[*ast.Ident]types.Object{},
		Implicits:    map[ast.Node]types.Object{},
		Selections:   map[*ast.SelectorExpr]*types.Selection{},
		Scopes:       map[ast.Node]*types.Scope{},
		Instances:    map[*ast.Ident]types.Instance{},
		FileVersions: map[*ast.File]string{},
	}
	var typeErrs []types.Error
	conf := types.Config{
		Importer:    importer{u, meta},
		Sizes:       meta.TypesSizes,
		FakeImportC: u.source,
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) {
				typeErrs = append(typeErrs, te)
			}
		},
	}
	if meta.Module != nil && meta.Module.GoVersion != "" {
		conf.GoVersion = "go" + meta.Module.GoVersion
	}
	tpkg, _ := conf.Check(meta.PkgPath, fset, syntax, info) // errors are in typeErrs
	if c.typeErrs != nil {
		c.mu.Lock()
		c.typeErrs = append(c.typeErrs, typeErrs...)
		c.mu.Unlock()
	}
	p := *meta
	p.Fset, p.Syntax, p.Types, p.TypesInfo, p.TypeErrors = fset, syntax, tpkg, info, typeErrs
	p.CompiledGoFiles = checked
	if len(cgo) > 0 {
		p.Syntax = make([]*ast.File, 0, len(syntax)-len(cgo))
		for _, f := range syntax {
			if !cgo[f] {
				p.Syntax = append(p.Syntax, f)
			}
		}
	}
	p.IllTyped = parseErr || len(typeErrs) > 0 || hasLoadErrors(meta)
	if p.IllTyped {
		// The go command's own words come first: a missing module is
		// "no required module provides package X; to add it: go get X"
		// there, and only "could not import X (…)" to the type checker.
		why := ""
		if i := firstLoadError(meta); i >= 0 {
			why = c.goError(meta.Errors[i], moduleDir(meta))
		} else {
			why = c.importFailure(meta)
		}
		switch {
		case why != "":
		case firstParse != "":
			why = firstParse
		case len(typeErrs) > 0:
			why = typeErrs[0].Error()
		default:
			why = firstError(meta)
		}
		for _, f := range p.CompiledGoFiles {
			if want[filepath.Clean(f)] {
				c.note(f, "type-checking failed ("+why+"); Go rules matched names through the file's imports where types were missing")
			}
		}
	}
	c.analyze([]*packages.Package{&p})
	if c.wantUnits {
		c.addUnit(c.unitOf(&p, want, inputs))
	}
	return checked
}

// unitOf is the Unit of the type-checked package meta.
func (c *run) unitOf(meta *packages.Package, want map[string]bool, inputs string) Unit {
	u := Unit{Deps: localDeps(meta), Pkg: meta.PkgPath, Inputs: inputs}
	for _, f := range meta.CompiledGoFiles {
		f = filepath.Clean(f)
		u.Sources = append(u.Sources, f)
		if want[f] {
			u.Files = append(u.Files, c.display[f])
		}
	}
	return u
}

func (c *run) addUnit(u Unit) {
	c.mu.Lock()
	c.units = append(c.units, u)
	c.mu.Unlock()
}

// reuse computes p's Inputs and asks Options.Reuse for a result that
// stands in for checking p; on a hit the result is added and p's unit
// recorded. The inputs are returned for the unit of a check.
func (c *run) reuse(p *packages.Package, want map[string]bool) (string, bool) {
	if !c.wantUnits || c.overlay != nil {
		return "", false
	}
	inputs := c.inputs(p)
	if c.opts.Reuse == nil || inputs == "" || len(p.CompiledGoFiles) == 0 {
		return inputs, false
	}
	u := c.unitOf(p, want, inputs)
	res, ok := c.opts.Reuse(u)
	if !ok {
		return inputs, false
	}
	for _, f := range res.Findings {
		c.add(f)
	}
	c.mu.Lock()
	for _, n := range res.Notes {
		if !c.noted[n.File] {
			c.noted[n.File] = true
			c.res.Notes = append(c.res.Notes, n)
		}
	}
	c.res.Errors = append(c.res.Errors, res.Errors...)
	c.mu.Unlock()
	c.addUnit(u)
	return inputs, true
}

// inputs is the Inputs digest of p (see Unit), "" when a local
// dependency's export data has no readable content ID.
func (c *run) inputs(p *packages.Package) string {
	h := sha256.New()
	fmt.Fprintf(h, "package %q %q %q\n", p.ID, p.PkgPath, p.Name)
	if p.Module != nil {
		fmt.Fprintf(h, "go %q\n", p.Module.GoVersion)
	}
	imports := make([]string, 0, len(p.Imports))
	for path := range p.Imports {
		imports = append(imports, path)
	}
	sort.Strings(imports)
	for _, path := range imports {
		fmt.Fprintf(h, "import %q %q\n", path, p.Imports[path].ID)
	}
	seen := map[*packages.Package]bool{p: true}
	var local []*packages.Package
	var visit func(q *packages.Package)
	visit = func(q *packages.Package) {
		for _, imp := range q.Imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if isLocal(imp) {
				local = append(local, imp)
			}
			visit(imp)
		}
	}
	visit(p)
	sort.Slice(local, func(i, j int) bool { return local[i].ID < local[j].ID })
	paths := make([]string, 0, len(local))
	for _, q := range local {
		id := c.apiID(q)
		if id == "" {
			return ""
		}
		fmt.Fprintf(h, "dep %q %q\n", q.ID, id)
		paths = append(paths, q.PkgPath)
	}
	h.Write(c.facts.Digest(paths))
	return hex.EncodeToString(h.Sum(nil))
}

// localDeps lists the folders of p and of its transitive dependencies that
// are not versioned modules or the standard library, sorted.
func localDeps(p *packages.Package) []string {
	seen := map[*packages.Package]bool{}
	dirs := map[string]bool{}
	var visit func(q *packages.Package)
	visit = func(q *packages.Package) {
		if seen[q] {
			return
		}
		seen[q] = true
		if isLocal(q) {
			for _, f := range q.GoFiles {
				dirs[filepath.Dir(f)] = true
			}
		}
		for _, imp := range q.Imports {
			visit(imp)
		}
	}
	visit(p)
	out := make([]string, 0, len(dirs))
	for d := range dirs {
		out = append(out, d)
	}
	sort.Strings(out)
	return out
}

// isLocal reports whether q's source is local: in a module that is not
// versioned (the main module, a local replacement, a workspace module).
func isLocal(q *packages.Package) bool {
	return q.Module != nil && q.Module.Version == "" && (q.Module.Replace == nil || q.Module.Replace.Version == "")
}

// hasLoadErrors reports errors the go command found in the package itself
// (not in its dependencies).
func hasLoadErrors(p *packages.Package) bool { return firstLoadError(p) >= 0 }

// firstLoadError is the index of the first of p's errors that is not a
// syntax error (those are DG001 findings of their own), or -1.
func firstLoadError(p *packages.Package) int {
	for i, e := range p.Errors {
		if e.Kind != packages.ParseError {
			return i
		}
	}
	return -1
}

// importFailure returns the go command's error for the first package in
// p's import graph that has no export data because it could not be found
// or built (a module no go.mod requires, a lookup that GOPROXY=off or
// -mod=readonly refused, a dependency that does not compile), as go build
// prints it, followed by the chain of imports that leads there when it is
// not a direct import; "" when every import has export data.
func (c *run) importFailure(p *packages.Package) string {
	seen := map[*packages.Package]bool{}
	var find func(q *packages.Package, chain []string) string
	find = func(q *packages.Package, chain []string) string {
		paths := make([]string, 0, len(q.Imports))
		for path := range q.Imports {
			paths = append(paths, path)
		}
		sort.Strings(paths)
		for _, path := range paths {
			dep := q.Imports[path]
			if seen[dep] || dep.ExportFile != "" || dep.PkgPath == "unsafe" {
				continue
			}
			seen[dep] = true
			if len(dep.Errors) > 0 {
				msg := c.goError(dep.Errors[0], moduleDir(p))
				if len(chain) > 0 {
					msg += " (imported through " + strings.Join(chain, " → ") + ")"
				}
				return msg
			}
			if msg := find(dep, append(chain[:len(chain):len(chain)], dep.PkgPath)); msg != "" {
				return msg
			}
		}
		return ""
	}
	return find(p, nil)
}

// moduleDir is the folder the go command ran in for p (its module's
// root), against which the positions of its errors are relative.
func moduleDir(p *packages.Package) string {
	if p.Module != nil {
		return p.Module.Dir
	}
	return ""
}

// maxGoError bounds an error of the go command quoted in a note.
const maxGoError = 400

// goError renders an error of the go command on one line, as go build
// prints it ("a/a.go:6:2: no required module provides package X; to add
// it: go get X"): the "# package" header dropped, the continuation lines
// joined, the position relative to where dockguard reports files.
func (c *run) goError(e packages.Error, dir string) string {
	msg := oneLine(e.Msg)
	if pos := c.shownPos(e.Pos, dir); pos != "" && !strings.Contains(msg, e.Pos) {
		msg = pos + ": " + msg
	}
	return msg
}

// shownPos rewrites a go command position ("file:line:col", relative to
// dir) with the file as dockguard shows it; "" for no position.
func (c *run) shownPos(pos, dir string) string {
	if pos == "" || pos == "-" {
		return ""
	}
	file, rest := pos, ""
	for range 2 {
		i := strings.LastIndexByte(file, ':')
		if i < 0 {
			break
		}
		if _, err := strconv.Atoi(file[i+1:]); err != nil {
			break
		}
		file, rest = file[:i], file[i:]+rest
	}
	abs := file
	if !filepath.IsAbs(abs) {
		if dir == "" {
			return pos
		}
		abs = filepath.Join(dir, abs)
	}
	abs = filepath.Clean(abs)
	if shown, ok := c.display[abs]; ok {
		return shown + rest
	}
	return c.shown(abs) + rest
}

// oneLine joins the lines of a go command message, without its "# package"
// headers, and bounds its length.
func oneLine(s string) string {
	var parts []string
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "# ") {
			continue
		}
		parts = append(parts, line)
	}
	out := strings.Join(parts, " ")
	if len(out) > maxGoError {
		cut := maxGoError
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut] + "…"
	}
	return out
}

// chooseVariants drops package variants whose files another variant
// includes: with tests, "p [p.test]" supersedes "p", and the generated test
// main is never analysed.
func chooseVariants(pkgs []*packages.Package) []*packages.Package {
	byPath := map[string][]*packages.Package{}
	var order []string
	for _, p := range pkgs {
		if strings.HasSuffix(p.ID, ".test") {
			continue
		}
		if _, ok := byPath[p.PkgPath]; !ok {
			order = append(order, p.PkgPath)
		}
		byPath[p.PkgPath] = append(byPath[p.PkgPath], p)
	}
	var out []*packages.Package
	for _, path := range order {
		vs := byPath[path]
		best := vs[0]
		for _, v := range vs[1:] {
			if variantFiles(v) > variantFiles(best) {
				best = v
			}
		}
		out = append(out, best)
	}
	return out
}

// variantFiles is the number of files a variant compiles: its compiled
// files, or its source files when the load listed none (the source load).
func variantFiles(p *packages.Package) int {
	if len(p.CompiledGoFiles) > 0 {
		return len(p.CompiledGoFiles)
	}
	return len(p.GoFiles)
}

// reportAt records a DG001 finding at a 1-based line and byte column.
func (c *run) reportAt(file string, line, col int, msg string) {
	abs := filepath.Clean(file)
	shown, ok := c.display[abs]
	if !ok {
		return
	}
	src, err := c.source(abs)
	if err != nil {
		return
	}
	off := rules.Offset(src, line, col)
	f := rules.New(rules.MustLookup("DG001"), shown, src, off, off, "Go syntax error: "+msg)
	f.Key = "syntax error: " + msg
	c.add(f)
}

// analyze runs the analyzers on typed packages and converts the results.
func (c *run) analyze(pkgs []*packages.Package) {
	if len(pkgs) == 0 {
		return
	}
	graph, err := safeAnalyze(c.analyzers, pkgs)
	if err != nil {
		// On the first file shown, so that a cached package's result
		// (its files' findings and notes) keeps it.
		n := rules.Note{Message: "Go analysis failed: " + err.Error()}
	files:
		for _, p := range pkgs {
			for _, f := range p.CompiledGoFiles {
				if shown, ok := c.display[filepath.Clean(f)]; ok {
					n.File = shown
					break files
				}
			}
		}
		c.addError(n)
		return
	}
	for _, act := range graph.Roots {
		if act.Err != nil {
			for _, f := range act.Package.CompiledGoFiles {
				if shown, ok := c.display[filepath.Clean(f)]; ok {
					c.addError(rules.Note{File: shown, Message: fmt.Sprintf("Go analyzer %s: %v", act.Analyzer.Name, act.Err)})
					break
				}
			}
			continue
		}
		for _, d := range act.Diagnostics {
			c.diagnostic(act.Package.Fset, d)
		}
	}
}

func safeAnalyze(as []*analysis.Analyzer, pkgs []*packages.Package) (g *checker.Graph, err error) {
	defer func() {
		if r := recover(); r != nil {
			buf := make([]byte, 4096)
			buf = buf[:runtime.Stack(buf, false)]
			err = fmt.Errorf("internal error (recovered panic): %v\n%s", r, buf)
		}
	}()
	return checker.Analyze(as, pkgs, nil)
}

// diagnostic converts one analysis diagnostic.
func (c *run) diagnostic(fset *token.FileSet, d analysis.Diagnostic) {
	tf := fset.File(d.Pos)
	if tf == nil {
		return
	}
	abs := filepath.Clean(tf.Name())
	shown, ok := c.display[abs]
	if !ok {
		return
	}
	r, ok := rules.Lookup(d.Category)
	if !ok {
		return
	}
	src, err := c.source(abs)
	if err != nil {
		return
	}
	start := tf.Offset(d.Pos)
	end := start
	if d.End.IsValid() && int(d.End) >= tf.Base() && int(d.End) <= tf.Base()+tf.Size() {
		end = tf.Offset(d.End)
	}
	f := rules.New(r, shown, src, start, end, analyzers.PlainMessage(d))
	f.Key = key(src, f.Start, f.End)
	if len(d.SuggestedFixes) > 0 {
		f.Fixes = edits(tf, d.SuggestedFixes[0], len(src))
	}
	c.add(f)
}

// edits converts a suggested fix into byte-offset edits of the finding's
// file, as go vet -fix applies the first fix of a diagnostic. A fix that
// touches another file, or lies outside the file read, is dropped whole:
// half a fix does not compile.
func edits(tf *token.File, fix analysis.SuggestedFix, size int) []rules.Edit {
	if tf.Size() != size {
		return nil // the file changed since it was parsed
	}
	inFile := func(p token.Pos) bool { return int(p) >= tf.Base() && int(p) <= tf.Base()+tf.Size() }
	out := make([]rules.Edit, 0, len(fix.TextEdits))
	for _, e := range fix.TextEdits {
		end := e.End
		if !end.IsValid() {
			end = e.Pos
		}
		if !inFile(e.Pos) || !inFile(end) || end < e.Pos {
			return nil
		}
		out = append(out, rules.Edit{Start: tf.Offset(e.Pos), End: tf.Offset(end), NewText: string(e.NewText)})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

// key is the flagged source text, extended to the end of its first line,
// with whitespace collapsed: stable when the code moves, and distinct for
// short ranges such as a go keyword or exec.Command.
func key(src []byte, start, end int) string {
	eol := start + bytes.IndexByte(src[start:], '\n')
	if eol < start {
		eol = len(src)
	}
	end = max(end, eol)
	s := strings.Join(strings.Fields(string(src[start:end])), " ")
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}

func (c *run) add(f rules.Finding) {
	k := fmt.Sprintf("%s\x00%d\x00%d\x00%s\x00%s", f.File, f.Start, f.End, f.Rule, f.Message)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	c.res.Findings = append(c.res.Findings, f)
}

func (c *run) addError(n rules.Note) {
	c.mu.Lock()
	c.res.Errors = append(c.res.Errors, n)
	c.mu.Unlock()
}

func (c *run) note(file, msg string) {
	shown, ok := c.display[filepath.Clean(file)]
	if !ok {
		shown = file
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.noted[shown] {
		return
	}
	c.noted[shown] = true
	c.res.Notes = append(c.res.Notes, rules.Note{File: shown, Message: msg})
}

func (c *run) source(abs string) ([]byte, error) {
	c.srcMu.Lock()
	defer c.srcMu.Unlock()
	if src, ok := c.srcs[abs]; ok {
		return src, nil
	}
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", abs, err)
	}
	c.srcs[abs] = src
	return src, nil
}

func (c *run) shown(abs string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return rel
		}
	}
	return abs
}

// finish sorts the result for stable output.
func (c *run) finish() {
	sort.SliceStable(c.res.Findings, func(i, j int) bool {
		a, b := c.res.Findings[i], c.res.Findings[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.Rule < b.Rule
	})
}

// fallback checks files without complete type information: each directory's
// files of one package name are parsed, type-checked against empty stand-ins
// for every import, and analysed; names are then resolved through the
// files' imports.
func (c *run) fallback(files []string, why string) {
	// A batch of whole folders at a time: the syntax, type information and
	// sources of one batch are dropped before the next is parsed, so memory
	// follows the batch, not the repository (--go-mode=syntax on moby held
	// every file at once: 573 MiB). Fallback packages import nothing of each
	// other (their imports are stand-ins), so batches are independent.
	byDir := map[string][]string{}
	var dirs []string
	for _, f := range files {
		d := filepath.Dir(f)
		if _, ok := byDir[d]; !ok {
			dirs = append(dirs, d)
		}
		byDir[d] = append(byDir[d], f)
	}
	var batch []string
	for _, d := range dirs {
		batch = append(batch, byDir[d]...)
		if len(batch) >= fallbackBatchFiles {
			c.fallbackBatch(batch, why)
			batch = nil
		}
	}
	if len(batch) > 0 {
		c.fallbackBatch(batch, why)
	}
}

// fallbackBatchFiles is about how many files fallback parses and analyses
// together (whole folders, so a batch can be larger).
var fallbackBatchFiles = 256

// fallbackBatch checks files, whole folders, without type information.
func (c *run) fallbackBatch(files []string, why string) {
	c.srcMu.Lock()
	var read []string // sources this batch reads from disk, dropped after it
	for _, f := range files {
		if _, ok := c.srcs[f]; !ok {
			read = append(read, f)
		}
	}
	c.srcMu.Unlock()
	defer func() {
		c.srcMu.Lock()
		for _, f := range read {
			delete(c.srcs, f)
		}
		c.srcMu.Unlock()
	}()
	type key struct{ dir, name string }
	groups := map[key][]*ast.File{}
	var order []key
	fset := token.NewFileSet()
	for _, f := range files {
		src, err := c.source(f)
		if err != nil {
			c.res.Errors = append(c.res.Errors, rules.Note{File: c.display[f], Message: err.Error()})
			continue
		}
		af, perr := parser.ParseFile(fset, f, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		if perr != nil {
			var list scanner.ErrorList
			if errors.As(perr, &list) && len(list) > 0 {
				list.Sort()
				c.reportAt(f, list[0].Pos.Line, list[0].Pos.Column, list[0].Msg)
			} else {
				c.reportAt(f, 1, 1, perr.Error())
			}
		}
		if af == nil || af.Name == nil {
			continue
		}
		if c.opts.Mode != ModeSyntax {
			c.note(f, "Go file checked without type information ("+why+"); names were resolved through its imports")
		}
		k := key{filepath.Dir(f), af.Name.Name}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], af)
	}
	var pkgs []*packages.Package
	for _, k := range order {
		pkgs = append(pkgs, lenientPackage(fset, k.dir, k.name, groups[k]))
	}
	c.analyze(pkgs)
}

// lenientPackage type-checks syntax against empty packages standing in for
// its imports, and wraps the outcome as a packages.Package for the checker.
func lenientPackage(fset *token.FileSet, dir, name string, files []*ast.File) *packages.Package {
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	var typeErrs []types.Error
	conf := types.Config{
		Importer: analyzers.StandInImporter{},
		Error: func(err error) {
			var te types.Error
			if errors.As(err, &te) && len(typeErrs) < 10 {
				typeErrs = append(typeErrs, te)
			}
		},
		Sizes: types.SizesFor("gc", runtime.GOARCH),
	}
	path := "dockguard.fallback/" + filepath.ToSlash(dir)
	tpkg, _ := conf.Check(path, fset, files, info) // errors are expected: imports are empty
	var names []string
	for _, f := range files {
		names = append(names, fset.File(f.FileStart).Name())
	}
	return &packages.Package{
		ID:              path,
		Name:            name,
		PkgPath:         path,
		Fset:            fset,
		Syntax:          files,
		Types:           tpkg,
		TypesInfo:       info,
		TypesSizes:      conf.Sizes,
		TypeErrors:      typeErrs,
		GoFiles:         names,
		CompiledGoFiles: names,
		IllTyped:        true,
		Errors:          []packages.Error{{Pos: "-", Msg: "checked without type information", Kind: packages.TypeError}},
	}
}

func firstError(p *packages.Package) string {
	for _, e := range p.Errors {
		if line := oneLine(e.Msg); line != "" {
			if e.Pos != "" && e.Pos != "-" && !strings.Contains(line, e.Pos) {
				return e.Pos + ": " + line
			}
			return line
		}
	}
	return "unknown error"
}

// IsVetInvocation reports whether the arguments are the go command's vet
// protocol for a -vettool: `-V=full` (version), `-flags` (flag
// description), or flags followed by a single trailing *.cfg file (one
// package's configuration).
func IsVetInvocation(args []string) bool {
	if len(args) == 0 {
		return false
	}
	for _, a := range args {
		if a == "-flags" || a == "--flags" || a == "-V=full" || a == "--V=full" || a == "-V" {
			return true
		}
	}
	last := args[len(args)-1]
	if !strings.HasSuffix(last, ".cfg") {
		return false
	}
	flags := args[:len(args)-1]
	for i := 0; i < len(flags); i++ {
		switch a := flags[i]; {
		case a == "-config" || a == "--config":
			i++ // vet mode's -config FILE, forwarded by go vet as written
		case !strings.HasPrefix(a, "-"):
			return false // a subcommand such as `check`: a file argument
		}
	}
	return true
}
