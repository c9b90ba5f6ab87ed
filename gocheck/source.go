package gocheck

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/go/packages"
)

// Load selects where a typed check takes its dependencies' types from.
type Load int

const (
	// LoadExport (the default) reads the dependencies' export data,
	// which the go command compiles first when the build cache does not
	// hold it.
	LoadExport Load = iota
	// LoadAuto reads export data when the build cache holds most of it,
	// and type-checks the dependencies from source when it does not
	// (see coldBuild). It costs one extra go list per load (the probe),
	// and the from-source load holds every dependency's types at once.
	LoadAuto
	// LoadSource type-checks the dependencies from source, without their
	// function bodies: nothing is compiled.
	LoadSource
)

// ParseLoad reads a --go-load value.
func ParseLoad(s string) (Load, error) {
	switch s {
	case "", "export":
		return LoadExport, nil
	case "auto":
		return LoadAuto, nil
	case "source":
		return LoadSource, nil
	}
	return LoadExport, fmt.Errorf("unknown Go load %q (want auto, export or source)", s)
}

// sourceMode is what the from-source load asks go/packages for: metaMode
// without export data and without compiled files (go list -compiled runs
// cgo), so the go command compiles nothing. A package's GoFiles then hold
// its cgo files, which are type-checked with FakeImportC.
const sourceMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps |
	packages.NeedTypesSizes | packages.NeedModule

// staleShare is the share of a load's packages that must be missing from
// the build cache for the from-source load to be chosen. Compiling a
// package for its export data costs about fifty times its from-source
// type-check without function bodies (moby with a cold build cache: 395 s
// of CPU for go list -deps -export over 2,135 packages, about 8 s to
// type-check them all from source), so the source load is the cheaper one
// once more than about one package in fifty would be compiled.
const staleShare = 0.02

// coldBuild reports whether loading patterns with export data would make
// the go command compile more than staleShare of their packages: it asks
// the go command which packages are stale (`go list -deps -f {{.Stale}}`),
// which hashes their inputs and looks them up in the build cache but
// compiles nothing. A command that is only "not installed" is in the
// build cache, and a generated test main is not compiled for export data:
// neither counts. A probe that fails counts as warm: the export-data load
// then reports the error as it always has.
func coldBuild(ctx context.Context, root string, patterns []string, tests bool) (bool, int, int) {
	args := []string{"list", "-e", "-deps", "-f", "{{.ImportPath}}\t{{if .Stale}}{{.StaleReason}}{{end}}"}
	if tests {
		args = append(args, "-test")
	}
	cmd := exec.CommandContext(ctx, "go", append(append(args, "--"), patterns...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		return false, 0, 0
	}
	stale, total := 0, 0
	for _, line := range strings.Split(string(out), "\n") {
		path, reason, ok := strings.Cut(line, "\t")
		if !ok || strings.HasSuffix(path, ".test") {
			continue
		}
		total++
		if reason != "" && !strings.HasPrefix(reason, "not installed but available in build cache") {
			stale++
		}
	}
	return total > 0 && float64(stale) > staleShare*float64(total), stale, total
}

// fromSource decides, for one load, whether the dependencies are
// type-checked from source.
func (c *run) fromSource(ctx context.Context, root string, patterns []string, tests bool) bool {
	switch c.opts.Load {
	case LoadSource:
		return true
	case LoadExport:
		return false
	}
	if c.overlay != nil {
		return false // a fix's re-check: the build cache is warm from the check
	}
	cold, _, _ := coldBuild(ctx, root, patterns, tests)
	return cold
}

// loadAndCheckSource is loadAndCheck with the dependencies' types checked
// from source: one go list without export data, then every package the
// roots import, at any depth, is parsed and type-checked without function
// bodies in dependency order on the bounded pool of workers, keeping only
// its types.Package (its syntax is garbage as soon as it is checked), as
// gopls reads dependencies. The roots are then checked against those
// types as checkRoots checks them against export data.
func (c *run) loadAndCheckSource(ctx context.Context, root string, patterns []string, tests bool, selected, covered map[string]bool) error {
	cfg := &packages.Config{Context: ctx, Mode: sourceMode, Dir: root, Tests: tests}
	pkgs, err := c.load(cfg, patterns)
	if err != nil {
		return err
	}
	var roots []*packages.Package
	for _, p := range chooseVariants(pkgs) {
		for _, f := range p.GoFiles {
			if selected[filepath.Clean(f)] {
				roots = append(roots, p) // checkRoot reads its GoFiles
				break
			}
		}
	}
	if len(roots) == 0 {
		return nil
	}
	jobs := c.opts.Jobs
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	u := newUniverse()
	u.source = true
	typeDeps(ctx, u, roots, jobs)
	sort.SliceStable(roots, func(i, j int) bool { return roots[i].PkgPath < roots[j].PkgPath })
	c.checkBatch(ctx, importsFirst(roots), u, jobs, selected, covered)
	if ctx.Err() != nil {
		c.addError(rules.Note{Message: fmt.Sprintf("Go check interrupted: %v", ctx.Err())})
	}
	return nil
}

// typeDeps type-checks from source every package that roots import, at
// any depth, into u, in dependency order, jobs at a time. A package that
// the go command reported errors for, or that imports such a package, is
// an error that Import reports, as it reports the export data the go
// command could not build for it; so is one whose files cannot be read.
// A package with type errors of its own still gives the types it
// declares, as the type checker recovers (the compiler would refuse it,
// but the errors seen without function bodies and with cgo faked are not
// the compiler's).
func typeDeps(ctx context.Context, u *universe, roots []*packages.Package, jobs int) {
	var deps []*packages.Package
	for _, r := range roots {
		for _, imp := range r.Imports {
			deps = append(deps, imp)
		}
	}
	var order []*packages.Package // imports first
	postorder(deps, func(p *packages.Package) { order = append(order, p) })
	done := make(map[*packages.Package]chan struct{}, len(order))
	for _, p := range order {
		done[p] = make(chan struct{})
	}
	var mu sync.Mutex // guards u.pkgs and u.errs while they are filled
	work := make(chan *packages.Package)
	var wg sync.WaitGroup
	for range min(jobs, len(order)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				var failed *packages.Package
				for _, imp := range p.Imports {
					<-done[imp]
					mu.Lock()
					if u.errs[imp.ID] != nil && failed == nil {
						failed = imp
					}
					mu.Unlock()
				}
				var t *types.Package
				var err error
				switch {
				case len(p.Errors) > 0:
					err = fmt.Errorf("no types (%s)", firstError(p))
				case failed != nil:
					err = fmt.Errorf("no types: its import %s has none", failed.PkgPath)
				default:
					t, err = typeDep(u, p, &mu)
				}
				mu.Lock()
				if err != nil {
					u.errs[p.ID] = err
				} else if t != nil {
					u.pkgs[p.ID] = t
				}
				mu.Unlock()
				close(done[p])
			}
		}()
	}
	for _, p := range order {
		if ctx.Err() != nil {
			break
		}
		work <- p
	}
	close(work)
	wg.Wait()
}

// typeDep type-checks one dependency from source against its imports'
// types in u, without function bodies, and returns its types.Package.
func typeDep(u *universe, p *packages.Package, mu *sync.Mutex) (*types.Package, error) {
	if p.PkgPath == "unsafe" {
		return nil, nil
	}
	if len(p.GoFiles) == 0 {
		return nil, fmt.Errorf("no Go files (%s)", firstError(p))
	}
	files := make([]*ast.File, 0, len(p.GoFiles))
	for _, name := range p.GoFiles {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		f, _ := parser.ParseFile(u.fset, name, src, parser.SkipObjectResolution)
		if f == nil {
			return nil, fmt.Errorf("parse %s", name)
		}
		files = append(files, f)
	}
	conf := types.Config{
		IgnoreFuncBodies: true,
		FakeImportC:      true,
		Sizes:            p.TypesSizes,
		Error:            func(error) {}, // recover and go on: the types declared are what is wanted
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if path == "unsafe" {
				return types.Unsafe, nil
			}
			imp, ok := p.Imports[path]
			if !ok {
				return nil, fmt.Errorf("could not import %s: not in the package graph", path)
			}
			mu.Lock()
			defer mu.Unlock()
			if err := u.errs[imp.ID]; err != nil {
				return nil, fmt.Errorf("could not import %s: %w", path, err)
			}
			if t := u.pkgs[imp.ID]; t != nil {
				return t, nil
			}
			return nil, fmt.Errorf("could not import %s: not type-checked", path)
		}),
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	t, err := conf.Check(p.PkgPath, u.fset, files, nil)
	if t == nil {
		if err == nil {
			err = errors.New("type-check failed")
		}
		return nil, err
	}
	return t, nil
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// importsC reports whether a parsed file is a cgo file.
func importsC(f *ast.File) bool {
	for _, im := range f.Imports {
		if im.Path != nil && strings.Trim(im.Path.Value, "`\"") == "C" {
			return true
		}
	}
	return false
}
