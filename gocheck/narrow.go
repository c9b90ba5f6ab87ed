package gocheck

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/analyzers"
	"golang.org/x/tools/go/packages"
)

// graphMode is the first, cheap load: the package graph with every
// variant's files and imports, without export data, so nothing is
// compiled. It decides which packages are worth type-checking. The
// packages' modules tell the folders a decision rests on (see Unit).
const graphMode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule

// selection is what the graph load decided for a module's wanted files.
type selection struct {
	// selected are the wanted files of packages that can hold a finding.
	selected map[string]bool
	// dropped are the wanted files of packages that cannot: they are
	// neither type-checked nor sent to the fallback.
	dropped map[string]bool
	// ignored are the wanted files that no variant builds and some
	// package lists as ignored under the current build configuration
	// (build constraints): the fallback checks them, whatever the rest
	// of the graph holds.
	ignored map[string]bool
	// plain and tests are the patterns to load with export data: tests
	// holds the folders where a test variant was selected (loaded with
	// Tests), plain the others.
	plain, tests []string
	// roots is the number of packages the typed loads will check.
	roots int
}

// selectPackages decides from the package graph which of the variants
// holding wanted files can hold a finding (see relevantVariant), so that
// only those are compiled and type-checked, and test variants are loaded
// only for the folders where a test variant is wanted.
func (c *run) selectPackages(ctx context.Context, root string, patterns []string, want map[string]bool, tests bool) (*selection, error) {
	cfg := &packages.Config{Context: ctx, Mode: graphMode, Dir: root, Tests: tests}
	pkgs, err := c.load(cfg, patterns)
	if err != nil {
		return nil, err
	}
	return c.selectFrom(root, pkgs, want), nil
}

// selectFrom is selectPackages over a graph already loaded.
func (c *run) selectFrom(root string, pkgs []*packages.Package, want map[string]bool) *selection {
	s := &selection{selected: map[string]bool{}, dropped: map[string]bool{}, ignored: map[string]bool{}}
	built := map[string]bool{}
	for _, p := range pkgs {
		for _, f := range p.GoFiles {
			built[filepath.Clean(f)] = true
		}
	}
	for _, p := range pkgs {
		for _, f := range p.IgnoredFiles {
			if f = filepath.Clean(f); want[f] && !built[f] {
				s.ignored[f] = true
			}
		}
	}
	sdkDeps := map[*packages.Package]bool{}
	helpers := map[*packages.Package]bool{}
	type dirNeed struct{ plain, internal, external bool }
	needs := map[string]*dirNeed{}
	var order []string
	droppedBy := map[string][]*packages.Package{} // dropped file -> the variants that dropped it
	for _, p := range pkgs {
		if strings.HasSuffix(p.ID, ".test") {
			continue // the generated test main
		}
		var files []string
		for _, f := range p.GoFiles {
			if f = filepath.Clean(f); want[f] {
				files = append(files, f)
			}
		}
		if len(files) == 0 {
			continue
		}
		if !c.opts.AllPackages && !c.relevantVariant(p, files, sdkDeps) && !c.importsHelpers(root, p, sdkDeps, helpers) {
			for _, f := range files {
				if !s.selected[f] {
					s.dropped[f] = true
					droppedBy[f] = append(droppedBy[f], p)
				}
			}
			continue
		}
		dir := filepath.Dir(files[0])
		n := needs[dir]
		if n == nil {
			n = &dirNeed{}
			needs[dir] = n
			order = append(order, dir)
		}
		// Test variants are "p [p.test]" and "p_test [p.test]"; the first
		// holds p's own files too, and is needed only for a wanted test
		// file.
		switch variant := strings.Contains(p.ID, " ["); {
		case variant && strings.HasSuffix(p.Name, "_test"):
			n.external = true
		case variant && hasTestFile(files):
			n.internal = true
		default:
			n.plain = true
		}
		for _, f := range files {
			s.selected[f] = true
			delete(s.dropped, f)
		}
	}
	for _, dir := range order {
		rel, err := filepath.Rel(root, dir)
		if err != nil {
			continue
		}
		pat := "./" + filepath.ToSlash(rel)
		n := needs[dir]
		if n.internal || n.external {
			s.tests = append(s.tests, pat)
		} else {
			s.plain = append(s.plain, pat)
		}
		if n.plain || n.internal {
			s.roots++
		}
		if n.external {
			s.roots++
		}
	}
	c.dropUnits(s.dropped, droppedBy)
	return s
}

// dropUnits reports, to CheckUnits, each dropped file as a unit whose
// folders are those of the variants that dropped it: the decision rests
// on their files and imports.
func (c *run) dropUnits(dropped map[string]bool, by map[string][]*packages.Package) {
	if !c.wantUnits {
		return
	}
	files := make([]string, 0, len(dropped))
	for f := range dropped {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		dirs := map[string]bool{}
		for _, p := range by[f] {
			for _, d := range localDeps(p) {
				dirs[d] = true
			}
		}
		u := Unit{Files: []string{c.display[f]}}
		for d := range dirs {
			u.Deps = append(u.Deps, d)
		}
		sort.Strings(u.Deps)
		c.mu.Lock()
		c.units = append(c.units, u)
		c.mu.Unlock()
	}
}

// relevantVariant is the narrow relevance rule, decided from the go
// command's imports before anything is compiled. A package variant can
// hold a finding when
//
//   - it imports a command runner (os/exec or a wrapper) or a Docker SDK
//     client package directly;
//   - one of its wanted files holds a container CLI's name as a string
//     literal, or a dockguard directive;
//   - or one of its wanted files names a Docker SDK method and the
//     variant depends, at any depth, on an SDK package (a client reached
//     through a field or an interface declared in another package).
//
// This is narrower than the byte prefilter, which keeps every file of a
// repository that merely imports github.com/moby/moby/api/types.
func (c *run) relevantVariant(p *packages.Package, files []string, sdkDeps map[*packages.Package]bool) bool {
	for path := range p.Imports {
		if analyzers.RunnerOrClientPkg(path) {
			return true
		}
	}
	methodNamed := false
	for _, f := range files {
		src, ok := c.overlay[f] // the fixed contents, for CheckFixed
		if !ok {
			var err error
			if src, err = os.ReadFile(f); err != nil {
				return true // let the type-check report it
			}
		}
		if bytes.Contains(src, []byte("dockguard:")) || c.namesBinary(src) {
			return true
		}
		methodNamed = methodNamed || analyzers.NamesSDKMethod(src)
	}
	return methodNamed && dependsOnSDK(p, sdkDeps)
}

// importsHelpers reports whether p imports a package of the module (its
// source under root, outside vendor) that can export a command helper or
// an SDK wrapper: one that is relevant by relevantVariant over all its
// files, or that imports such a package itself. A call of
// a.DockerCmd("rm", "-f", id) names neither a CLI nor a runner, and is
// judged through the helper's fact. memo holds the answer per imported
// package (and breaks cycles).
func (c *run) importsHelpers(root string, p *packages.Package, sdkDeps, memo map[*packages.Package]bool) bool {
	for _, imp := range p.Imports {
		if c.mayExport(root, imp, sdkDeps, memo) {
			return true
		}
	}
	return false
}

func (c *run) mayExport(root string, q *packages.Package, sdkDeps, memo map[*packages.Package]bool) bool {
	if v, ok := memo[q]; ok {
		return v
	}
	memo[q] = false
	if !inModule(root, q) {
		return false
	}
	files := make([]string, 0, len(q.GoFiles))
	for _, f := range q.GoFiles {
		files = append(files, filepath.Clean(f))
	}
	v := c.relevantVariant(q, files, sdkDeps) || c.importsHelpers(root, q, sdkDeps, memo)
	memo[q] = v
	return v
}

// inModule reports whether q's source lies in the module at root, outside
// its vendor folder: the packages whose facts a check computes.
func inModule(root string, q *packages.Package) bool {
	if len(q.GoFiles) == 0 {
		return false
	}
	rel, err := filepath.Rel(root, filepath.Dir(q.GoFiles[0]))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	first, _, _ := strings.Cut(filepath.ToSlash(rel), "/")
	return first != "vendor"
}

// namesBinary reports a string literal that is a container CLI's name,
// a path ending in it, or a command line starting with it ("docker",
// "/usr/bin/podman", `docker rm -f x`), as command runners take them.
func (c *run) namesBinary(src []byte) bool {
	bins := c.opts.Binaries
	if len(bins) == 0 {
		bins = []string{"docker", "podman", "nerdctl"}
	}
	for _, b := range append([]string{"docker-compose"}, bins...) {
		for _, q := range []string{`"`, "`"} {
			for _, lit := range []string{q + b + q, q + b + " ", "/" + b + q} {
				if bytes.Contains(src, []byte(lit)) {
					return true
				}
			}
		}
	}
	return false
}

// dependsOnSDK reports whether p imports a Docker SDK package at any
// depth, memoised in memo (which also breaks import cycles).
func dependsOnSDK(p *packages.Package, memo map[*packages.Package]bool) bool {
	if v, ok := memo[p]; ok {
		return v
	}
	memo[p] = false
	for path, imp := range p.Imports {
		if analyzers.SDKPkg(path) || dependsOnSDK(imp, memo) {
			memo[p] = true
			return true
		}
	}
	return false
}

func hasTestFile(files []string) bool {
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			return true
		}
	}
	return false
}
