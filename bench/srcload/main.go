// Command srcload measures a from-source load of a package graph, the way
// gopls reads dependencies: the go command lists the graph without export
// data (nothing is compiled), then every package is parsed and
// type-checked from source in dependency order on a bounded pool of
// workers, dependencies without their function bodies, and each package's
// syntax is dropped as soon as it is checked; only its types.Package
// stays, for its importers. It prints the packages checked, the type
// errors seen and the peak live heap, so that its cost can be set against
// `go list -deps -export` with a cold build cache (bench/cold.sh).
//
// Usage: srcload [-jobs N] PATTERN...   (in the module's folder)
package main

import (
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"runtime"
	"runtime/metrics"
	"sync"
	"time"

	"golang.org/x/tools/go/packages"
)

func main() {
	jobs := flag.Int("jobs", runtime.GOMAXPROCS(0), "packages type-checked at once")
	flag.Parse()
	t0 := time.Now()
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedDeps | packages.NeedModule}
	roots, err := packages.Load(cfg, flag.Args()...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "srcload:", err)
		os.Exit(1)
	}
	listed := time.Since(t0)
	isRoot := map[*packages.Package]bool{}
	for _, p := range roots {
		isRoot[p] = true
	}
	var all []*packages.Package
	packages.Visit(roots, nil, func(p *packages.Package) { all = append(all, p) })

	fset := token.NewFileSet()
	var mu sync.Mutex
	typed := map[*packages.Package]*types.Package{}
	done := map[*packages.Package]chan struct{}{}
	for _, p := range all {
		done[p] = make(chan struct{})
	}
	var nerr, nfiles int
	work := make(chan *packages.Package)
	var wg sync.WaitGroup
	for range *jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				for _, imp := range p.Imports {
					<-done[imp]
				}
				tp, errs, files := check(fset, p, typed, &mu, !isRoot[p])
				mu.Lock()
				typed[p] = tp
				nerr += errs
				nfiles += files
				mu.Unlock()
				close(done[p])
			}
		}()
	}
	peak := make(chan uint64)
	stop := make(chan struct{})
	go func() {
		var max uint64
		s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tk := time.NewTicker(100 * time.Millisecond)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				peak <- max
				return
			case <-tk.C:
			}
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > max {
				max = v
			}
		}
	}()
	for _, p := range all { // packages.Visit's order is imports first
		work <- p
	}
	close(work)
	wg.Wait()
	close(stop)
	fmt.Printf("srcload: %d packages (%d roots), %d files, %d type errors; go list %.2f s, total %.2f s, peak live heap %d MiB\n",
		len(all), len(roots), nfiles, nerr, listed.Seconds(), time.Since(t0).Seconds(), <-peak>>20)
}

// check type-checks p from source against its imports' types; deps skip
// function bodies. The syntax is garbage when it returns.
func check(fset *token.FileSet, p *packages.Package, typed map[*packages.Package]*types.Package, mu *sync.Mutex, dep bool) (*types.Package, int, int) {
	if p.PkgPath == "unsafe" {
		return types.Unsafe, 0, 0
	}
	var files []*ast.File
	for _, name := range p.GoFiles {
		mode := parser.SkipObjectResolution
		f, err := parser.ParseFile(fset, name, nil, mode)
		if f != nil {
			files = append(files, f)
		}
		_ = err
	}
	errs := 0
	conf := types.Config{
		IgnoreFuncBodies: dep,
		FakeImportC:      true,
		Error:            func(error) { errs++ },
		Importer: importerFunc(func(path string) (*types.Package, error) {
			imp := p.Imports[path]
			if imp == nil {
				return nil, fmt.Errorf("%s: no import %q", p.PkgPath, path)
			}
			mu.Lock()
			defer mu.Unlock()
			if t := typed[imp]; t != nil {
				return t, nil
			}
			return nil, fmt.Errorf("%s not checked", path)
		}),
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	tp, _ := conf.Check(p.PkgPath, fset, files, nil)
	return tp, errs, len(files)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }
