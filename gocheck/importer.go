package gocheck

import (
	"bufio"
	"fmt"
	"go/token"
	"go/types"
	"io"
	"os"
	"strings"

	"golang.org/x/tools/go/gcexportdata"
	"golang.org/x/tools/go/packages"
)

// universe is a set of packages read from export data that share their
// types.Package objects, keyed by package ID. Only the packages that a
// checked package imports directly are read: the go command's export data
// of a package describes every object its API reaches in other packages,
// so a dependency further down exists only as the part of it that is
// referenced (a types.Package that stays incomplete). This is what go vet
// reads for one package, and far less than go/packages' NeedTypes, which
// reads the export data of the whole graph.
//
// Reading adds to the shared packages, so a universe is filled before the
// packages that use it are type-checked concurrently, and only read after.
//
// The types read keep the whole export data of their package alive (the
// unified importer's names are substrings of it), so a universe's memory is
// about the bytes of export data it read; size counts them.
type universe struct {
	fset *token.FileSet
	pkgs map[string]*types.Package // by package ID
	errs map[string]error          // by package ID: export data that could not be read
	size int64                     // bytes of export data read
	// source is set for a universe of packages type-checked from source
	// (loadAndCheckSource): the roots checked against it see their cgo
	// files as written, not as cgo rewrote them.
	source bool
}

// newUniverse returns an empty universe with a FileSet of its own, which
// the packages checked against it are parsed into: when the universe is
// dropped, so are the positions of everything it read.
func newUniverse() *universe {
	return &universe{fset: token.NewFileSet(), pkgs: map[string]*types.Package{}, errs: map[string]error{}}
}

// hasTestVariantDeps reports whether p depends on a package compiled for
// a test ("q [p.test]"), which shares its path with the plain q and so
// cannot share a universe with packages that import the plain one.
func hasTestVariantDeps(p *packages.Package) bool {
	seen := map[*packages.Package]bool{}
	var visit func(q *packages.Package) bool
	visit = func(q *packages.Package) bool {
		for _, imp := range q.Imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			if strings.Contains(imp.ID, " [") || visit(imp) {
				return true
			}
		}
		return false
	}
	return visit(p)
}

// readImports reads the export data of p's direct imports.
func (u *universe) readImports(p *packages.Package) {
	for _, imp := range p.Imports {
		u.read(imp)
	}
}

// read reads p's export data once; a failure is kept for Import to
// report.
func (u *universe) read(p *packages.Package) {
	if p.PkgPath == "unsafe" {
		return
	}
	if t, ok := u.pkgs[p.ID]; ok && t.Complete() {
		return
	}
	if _, failed := u.errs[p.ID]; failed {
		return
	}
	if err := u.readExport(p); err != nil {
		u.errs[p.ID] = err
	}
}

func (u *universe) readExport(p *packages.Package) error {
	if p.ExportFile == "" {
		return fmt.Errorf("no export data (%s)", firstError(p))
	}
	// gcexportdata identifies packages by path: give it this package's
	// view of the universe, its transitive dependencies, creating the
	// ones not seen yet so that the objects it references land in the
	// shared packages.
	view := map[string]*types.Package{}
	seen := map[*packages.Package]bool{}
	var visit func(q *packages.Package)
	visit = func(q *packages.Package) {
		for _, imp := range q.Imports {
			if seen[imp] || imp.PkgPath == "unsafe" {
				continue
			}
			seen[imp] = true
			t, ok := u.pkgs[imp.ID]
			if !ok {
				t = types.NewPackage(imp.PkgPath, imp.Name)
				u.pkgs[imp.ID] = t
			}
			view[imp.PkgPath] = t
			visit(imp)
		}
	}
	visit(p)
	if t, ok := u.pkgs[p.ID]; ok {
		view[p.PkgPath] = t
	}
	f, err := os.Open(p.ExportFile)
	if err != nil {
		return fmt.Errorf("read export data: %w", err)
	}
	defer f.Close()
	// Until Go 1.28, go list -export names compiler archives, which
	// NewReader unwraps (go/packages does the same); Read alone takes
	// cmd/export's files only.
	r, err := gcexportdata.NewReader(bufio.NewReader(f)) //nolint:staticcheck // see above

	if err != nil {
		return fmt.Errorf("read export data of %s: %w", p.PkgPath, err)
	}
	// An archive's export data comes as a LimitedReader of its size,
	// which Read also uses to allocate the data once; a cmd/export file
	// is export data whole.
	if lr, ok := r.(*io.LimitedReader); ok {
		u.size += lr.N
	} else if fi, err := f.Stat(); err == nil {
		u.size += fi.Size()
	}
	t, err := gcexportdata.Read(r, u.fset, view, p.PkgPath)
	if err != nil {
		return fmt.Errorf("read export data of %s: %w", p.PkgPath, err)
	}
	u.pkgs[p.ID] = t
	return nil
}

// importer resolves one package's imports in a filled universe.
type importer struct {
	u *universe
	p *packages.Package
}

func (im importer) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	dep, ok := im.p.Imports[path]
	if !ok {
		return nil, fmt.Errorf("could not import %s: not in the package graph", path)
	}
	if err := im.u.errs[dep.ID]; err != nil {
		return nil, fmt.Errorf("could not import %s: %w", path, err)
	}
	t, ok := im.u.pkgs[dep.ID]
	if !ok || !t.Complete() {
		return nil, fmt.Errorf("could not import %s: export data not read", path)
	}
	return t, nil
}
