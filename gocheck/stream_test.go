package gocheck

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/packages"
)

// referenceFindings checks files the way gocheck did before it streamed:
// one go/packages load of every wanted package with syntax and types at
// once, analysed together. The streaming check must find the same set.
func referenceFindings(t *testing.T, files []string) []string {
	t.Helper()
	c := newRun(Options{})
	var abs []string
	for _, f := range files {
		a, err := filepath.Abs(f)
		if err != nil {
			t.Fatal(err)
		}
		c.display[a] = f
		abs = append(abs, a)
	}
	dirs := map[string]bool{}
	tests := false
	for _, a := range abs {
		dirs[filepath.Dir(a)] = true
		tests = tests || strings.HasSuffix(a, "_test.go")
	}
	var patterns []string
	for d := range dirs {
		patterns = append(patterns, d)
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Tests: tests,
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
		},
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, a := range abs {
		want[a] = true
	}
	var roots []*packages.Package
	for _, p := range chooseVariants(pkgs) {
		for _, f := range p.CompiledGoFiles {
			if want[filepath.Clean(f)] && p.TypesInfo != nil {
				roots = append(roots, p)
				break
			}
		}
	}
	c.analyze(roots)
	return summary(c.res.Findings)
}

func TestStreamingMatchesOneShotLoad(t *testing.T) {
	dir := fixture(t)
	t.Chdir(dir)
	files := []string{
		filepath.FromSlash("cleanup/cleanup.go"),
		filepath.FromSlash("newsdk/newsdk.go"),
		filepath.FromSlash("clean/clean.go"),
	}
	ref := referenceFindings(t, files)
	if len(ref) == 0 {
		t.Fatal("the reference load found nothing: the comparison would be empty")
	}
	got := summary(Check(context.Background(), files, Options{Jobs: 2}).Findings)
	if strings.Join(got, "\n") != strings.Join(ref, "\n") {
		t.Errorf("streaming found\n%s\none-shot load found\n%s", strings.Join(got, "\n"), strings.Join(ref, "\n"))
	}
}

func TestModuleFixtureMatchesOneShotLoad(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	var typed []string
	for _, f := range files {
		if !strings.HasPrefix(filepath.ToSlash(f), "broken/") { // syntax errors: no TypesInfo in the reference
			typed = append(typed, f)
		}
	}
	ref := referenceFindings(t, typed)
	got := summary(Check(context.Background(), typed, Options{Jobs: 2}).Findings)
	if len(ref) == 0 || strings.Join(got, "\n") != strings.Join(ref, "\n") {
		t.Errorf("streaming found\n%s\none-shot load found\n%s", strings.Join(got, "\n"), strings.Join(ref, "\n"))
	}
}

// TestSmallUniversesMatchOneShotLoad: with a universe budget of one byte
// every package is checked in a batch of its own, against a universe read
// for it alone, and the findings are still the one-shot load's.
func TestSmallUniversesMatchOneShotLoad(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	var typed []string
	for _, f := range files {
		if !strings.HasPrefix(filepath.ToSlash(f), "broken/") {
			typed = append(typed, f)
		}
	}
	ref := referenceFindings(t, typed)
	c := newRun(Options{Jobs: 2})
	c.budget = 1
	got := summary(c.check(context.Background(), typed).Findings)
	if len(ref) == 0 || strings.Join(got, "\n") != strings.Join(ref, "\n") {
		t.Errorf("one package per universe found\n%s\none-shot load found\n%s", strings.Join(got, "\n"), strings.Join(ref, "\n"))
	}
}

func TestProgressCountsEveryPackage(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	var mu sync.Mutex
	var last, total, calls int
	Check(context.Background(), files, Options{Progress: func(done, n int) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if done < last {
			t.Errorf("progress went back: %d after %d", done, last)
		}
		last, total = done, n
	}})
	if calls == 0 || last != total || calls != total {
		t.Errorf("progress: %d calls, last %d/%d", calls, last, total)
	}
}

func TestSyntaxMode(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	res := Check(context.Background(), files, Options{Mode: ModeSyntax})
	got := summary(res.Findings)
	// Without types, run.go's direct exec.Command call is still seen.
	found := false
	for _, g := range got {
		if strings.HasPrefix(g, "run/run.go:10:9") && strings.HasSuffix(g, "DG101") {
			found = true
		}
	}
	if !found {
		t.Errorf("syntax mode missed run/run.go's DG101: %v", got)
	}
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].Message, "--go-mode=syntax") {
		t.Errorf("notes = %v, want one summary note", res.Notes)
	}
	if _, err := ParseMode("fast"); err == nil {
		t.Error("ParseMode accepted an unknown mode")
	}
}

// TestSyntaxBatchesFindTheSame: syntax mode checks a batch of folders at a
// time and drops each; batches of one folder find exactly what one batch
// of everything finds, with the same messages, on several fixtures.
func TestSyntaxBatchesFindTheSame(t *testing.T) {
	offline(t)
	total := 0
	for _, name := range []string{"module.txtar", "helpers.txtar", "untyped.txtar"} {
		t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
			files := extract(t, name)
			run := func(batch int) []string {
				old := fallbackBatchFiles
				fallbackBatchFiles = batch
				defer func() { fallbackBatchFiles = old }()
				var out []string
				for _, f := range Check(context.Background(), files, Options{Mode: ModeSyntax}).Findings {
					out = append(out, fmt.Sprintf("%s:%d:%d %s %s", filepath.ToSlash(f.File), f.Line, f.Column, f.Rule, f.Message))
				}
				return out
			}
			whole, each := run(1<<30), run(1)
			total += len(whole)
			if strings.Join(whole, "\n") != strings.Join(each, "\n") {
				t.Errorf("one batch found\n%s\nbatches of one folder found\n%s", strings.Join(whole, "\n"), strings.Join(each, "\n"))
			}
		})
	}
	if total < 3 {
		t.Errorf("the fixtures gave %d findings in syntax mode; the comparison says nothing", total)
	}
}

// TestLoadingComesFirst: Loading is called before the go command lists
// the module, so a terminal says something while a cold build cache
// builds export data; the progress ends with done == total.
func TestLoadingComesFirst(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	var mu sync.Mutex
	var events []string
	var last, total int
	Check(context.Background(), files, Options{
		Loading: func() { mu.Lock(); events = append(events, "loading"); mu.Unlock() },
		Progress: func(done, n int) {
			mu.Lock()
			defer mu.Unlock()
			events = append(events, "progress")
			last, total = done, n
		}})
	if len(events) < 2 || events[0] != "loading" || slices.Index(events[1:], "loading") >= 0 {
		t.Errorf("events %v, want loading once, first", events)
	}
	if last != total {
		t.Errorf("progress ended at %d/%d", last, total)
	}
}

// TestOneLoadFindsTheSame: a module's folders listed by one go command
// (test variants included, then the graph's selection applied) give the
// findings and notes that the graph load followed by the plain and test
// loads give, on fixtures with test files, helpers and dropped folders.
func TestOneLoadFindsTheSame(t *testing.T) {
	offline(t)
	total := 0
	for _, name := range []string{"module.txtar", "helpers.txtar", "untyped.txtar"} {
		t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
			files := extract(t, name)
			tests := 0
			for _, f := range files {
				if strings.HasSuffix(f, "_test.go") {
					tests++
				}
			}
			run := func(limit int) []string {
				old := singleLoadPatterns
				singleLoadPatterns = limit
				defer func() { singleLoadPatterns = old }()
				res := Check(context.Background(), files, Options{Jobs: 2})
				var notes []string
				for _, n := range res.Notes {
					notes = append(notes, "note "+filepath.ToSlash(n.File)+" "+n.Message)
				}
				slices.Sort(notes) // packages are checked concurrently
				return append(summary(res.Findings), notes...)
			}
			one, three := run(1<<30), run(0)
			total += len(one)
			if strings.Join(one, "\n") != strings.Join(three, "\n") {
				t.Errorf("one load found\n%s\nthe graph, plain and test loads found\n%s", strings.Join(one, "\n"), strings.Join(three, "\n"))
			}
			t.Logf("%d files (%d tests), %d findings and notes", len(files), tests, len(one))
		})
	}
	if total < 5 {
		t.Errorf("the fixtures gave %d findings; the comparison says nothing", total)
	}
}
