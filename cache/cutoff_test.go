package cache

import (
	"context"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
)

// cutoffBase is a package that every other package of cutoffModule
// imports: a helper that force-removes (its importers' findings come
// through its fact) and a function the compiler does not inline, whose
// body is not in the export data.
const cutoffBase = `package base

import "os/exec"

// Remove force-removes a container.
//
//go:noinline
func Remove(id string) error {
	return exec.Command("docker", "rm", "-f", id).Run()
}

// Name names things.
//
//go:noinline
func Name(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		s += "x"
	}
	return s
}
`

// cutoffModule writes a module whose packages a, b and c import base
// (c through b too), and returns the Go front end over it with a log of
// the import paths each run type-checked, and the wanted files.
func cutoffModule(t *testing.T, c *Cache) (BatchGo, func() []string, []string) {
	t.Helper()
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
	t.Chdir(t.TempDir())
	write(t, "go.mod", "module example.com/cut\n\ngo 1.22\n")
	write(t, "base/base.go", cutoffBase)
	write(t, "a/a.go", "package a\n\nimport \"example.com/cut/base\"\n\n// Clean removes web.\nfunc Clean() error { return base.Remove(\"web\" + base.Name(1)) }\n")
	write(t, "b/b.go", "package b\n\nimport \"example.com/cut/base\"\n\n// Clean removes db.\nfunc Clean() error { return base.Remove(\"db\") }\n")
	write(t, "c/c.go", "package c\n\nimport (\n\t\"example.com/cut/b\"\n\t\"example.com/cut/base\"\n)\n\n// Clean removes both.\nfunc Clean() error {\n\t_ = b.Clean()\n\treturn base.Remove(\"cache\")\n}\n")
	settle()
	var mu sync.Mutex
	var checked []string
	goc := Go(c, NewHash("salt").Key(), func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result) {
		replayed := map[string]bool{}
		logged := func(u gocheck.Unit) (rules.Result, bool) {
			res, ok := reuse(u)
			if ok {
				mu.Lock()
				replayed[u.Pkg] = true
				mu.Unlock()
			}
			return res, ok
		}
		units, res := gocheck.CheckUnits(ctx, files, gocheck.Options{Facts: facts, Reuse: logged})
		for _, u := range units {
			if u.Pkg != "" && !replayed[u.Pkg] {
				checked = append(checked, u.Pkg)
			}
		}
		return units, res
	})
	last := func() []string {
		out := checked
		checked = nil
		sort.Strings(out)
		return out
	}
	files := []string{filepath.FromSlash("a/a.go"), filepath.FromSlash("b/b.go"), filepath.FromSlash("base/base.go"), filepath.FromSlash("c/c.go")}
	return goc, last, files
}

// uncached is a run of the Go front end without the cache.
func uncached(files []string) rules.Result {
	_, res := gocheck.CheckUnits(context.Background(), files, gocheck.Options{})
	return res
}

// A change that leaves a widely imported package's export data and facts
// as they were (a comment after its last declaration, the body of a
// function that is not inlined) type-checks that package alone; its
// importers' results are replayed. A change of its API or of its facts
// type-checks the importers again. Every run's findings are a cold run's.
func TestGoEarlyCutoff(t *testing.T) {
	c := open(t)
	goc, last, files := cutoffModule(t, c)
	cold := func(step string, got rules.Result) {
		t.Helper()
		want := uncached(files)
		if !reflect.DeepEqual(sorted(got), sorted(want)) || !reflect.DeepEqual(got.Notes, want.Notes) {
			t.Fatalf("%s: findings differ from a cold run:\n got %+v\nwant %+v", step, got, want)
		}
	}
	first := goc(context.Background(), files)
	for _, f := range []string{"a/a.go", "b/b.go", "c/c.go"} {
		if len(rulesAt(first, f)) == 0 {
			t.Fatalf("no finding in %s through base's helper fact: the test would prove nothing: %+v", f, first)
		}
	}
	cold("first run", first)
	if got := last(); !reflect.DeepEqual(got, []string{"example.com/cut/a", "example.com/cut/b", "example.com/cut/base", "example.com/cut/c"}) {
		t.Fatalf("first run type-checked %v", got)
	}

	steps := []struct {
		name, src string
		want      []string
	}{
		{"a comment appended", cutoffBase + "\n// touched\n", []string{"example.com/cut/base"}},
		{"a body changed", strings.Replace(cutoffBase, `s += "x"`, `s += "y"`, 1), []string{"example.com/cut/base"}},
		{"lines inserted before the declarations", strings.Replace(cutoffBase, "// Remove force-removes", "// More words\n// about it.\n\n// Remove force-removes", 1), []string{"example.com/cut/base"}},
		{"an API added", cutoffBase + "\n// More is new.\nfunc More() int { return 1 }\n", []string{"example.com/cut/a", "example.com/cut/b", "example.com/cut/base", "example.com/cut/c"}},
		// Remove's body is not in the export data: only its fact changes
		// (docker rm -- is no force removal).
		{"a fact changed", strings.Replace(cutoffBase, `"rm", "-f", id`, `"rm", "--", id`, 1), []string{"example.com/cut/a", "example.com/cut/b", "example.com/cut/base", "example.com/cut/c"}},
	}
	for _, s := range steps {
		write(t, "base/base.go", s.src)
		settle()
		got := goc(context.Background(), files)
		if checked := last(); !reflect.DeepEqual(checked, s.want) {
			t.Errorf("%s: type-checked %v, want %v", s.name, checked, s.want)
		}
		cold(s.name, got)
		// Unchanged since: nothing is type-checked.
		again := goc(context.Background(), files)
		if checked := last(); len(checked) != 0 {
			t.Errorf("%s, run again: type-checked %v", s.name, checked)
		}
		cold(s.name+", run again", again)
	}
	if got := rulesAt(uncached(files), "a/a.go"); len(got) != 0 {
		t.Fatalf("the fact change did not drop a's finding (%v): the last step proved nothing", got)
	}
	// Back to the first contents: every package entry of the first run
	// holds again (they are keyed by contents, not replaced), so nothing
	// is type-checked.
	write(t, "base/base.go", cutoffBase)
	settle()
	got := goc(context.Background(), files)
	if checked := last(); len(checked) != 0 {
		t.Errorf("back to the first contents: type-checked %v", checked)
	}
	cold("back to the first contents", got)
}
