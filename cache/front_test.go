package cache

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

func open(t *testing.T) *Cache {
	t.Helper()
	c, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestFileHitKeepsFixes(t *testing.T) {
	c := open(t)
	var calls atomic.Int32
	check := func(file string, src []byte, cfg *shell.Config) []rules.Finding {
		calls.Add(1)
		return shell.CheckScript(file, src, cfg)
	}
	f := File(c, NewHash("salt").Key(), engine.KindScript, check)
	src := []byte("#!/bin/sh\ndocker rm -f web\n")
	first := f("a.sh", src, nil)
	second := f("a.sh", src, nil)
	if calls.Load() != 1 {
		t.Fatalf("checker called %d times for the same file", calls.Load())
	}
	if len(first) == 0 || !reflect.DeepEqual(first, second) {
		t.Fatalf("cached findings differ:\n%+v\n%+v", first, second)
	}
	// Another path, another content or another salt is a miss.
	f("b.sh", src, nil)
	f("a.sh", []byte("#!/bin/sh\ndocker rm -f db\n"), nil)
	File(c, NewHash("other").Key(), engine.KindScript, check)("a.sh", src, nil)
	if calls.Load() != 4 {
		t.Fatalf("checker called %d times, want 4", calls.Load())
	}
}

func TestComposeKey(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, "compose.yaml", "services:\n  web:\n    image: nginx:${TAG}\n")
	c := open(t)
	var calls atomic.Int32
	check := Compose(c, NewHash("salt").Key(), func(ctx context.Context, files []string) rules.Result {
		calls.Add(1)
		return rules.Result{Notes: []rules.Note{{File: files[0], Message: "checked"}}}
	})
	files := []string{"compose.yaml"}
	t.Setenv("TAG", "1")
	check(context.Background(), files)
	check(context.Background(), files)
	if calls.Load() != 1 {
		t.Fatalf("calls = %d after two identical runs", calls.Load())
	}
	t.Setenv("TAG", "2") // an interpolated variable changed
	check(context.Background(), files)
	write(t, ".env", "TAG=3\n") // the folder's .env appeared
	check(context.Background(), files)
	if calls.Load() != 3 {
		t.Fatalf("calls = %d, want 3", calls.Load())
	}
	// A file the project reads through env_file is in the key.
	write(t, "compose.yaml", "services:\n  web:\n    image: nginx\n    env_file: web.env\n")
	write(t, "web.env", "A=1\n")
	check(context.Background(), files)
	check(context.Background(), files)
	if calls.Load() != 4 {
		t.Fatalf("calls = %d, want 4: an env_file set is cached", calls.Load())
	}
	write(t, "web.env", "A=2\n")
	check(context.Background(), files)
	if calls.Load() != 5 {
		t.Fatalf("calls = %d, want 5: the env_file changed", calls.Load())
	}
	// An interpolated reference, or one the environment selects, is never
	// cached.
	write(t, "compose.yaml", "services:\n  web:\n    image: nginx\n    env_file: ${ENVF}\n")
	check(context.Background(), files)
	check(context.Background(), files)
	if calls.Load() != 7 {
		t.Fatalf("calls = %d, want 7: an interpolated env_file is not cached", calls.Load())
	}
	t.Setenv("COMPOSE_ENV_FILES", "a.env")
	write(t, "compose.yaml", "services:\n  web:\n    image: nginx\n")
	check(context.Background(), files)
	check(context.Background(), files)
	if calls.Load() != 9 {
		t.Fatalf("calls = %d, want 9: COMPOSE_ENV_FILES sets are not cached", calls.Load())
	}
}

// extends and include targets outside the set are in the key, and so are
// the files those name in turn, through anchors too.
func TestComposeKeyFollowsReferences(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, "app/compose.yaml", "x-base: &base\n  extends:\n    file: ../shared/base.yml\n    service: base\nservices:\n  web:\n    <<: *base\n    image: nginx\ninclude:\n  - path: ../shared/inc.yml\n")
	write(t, "shared/base.yml", "services:\n  base:\n    extends:\n      file: deeper.yml\n      service: b\n")
	write(t, "shared/deeper.yml", "services:\n  b:\n    image: busybox\n")
	write(t, "shared/inc.yml", "services:\n  db:\n    image: postgres\n    env_file: [db.env]\n")
	write(t, "shared/db.env", "X=1\n")
	c := open(t)
	var calls atomic.Int32
	check := Compose(c, NewHash("salt").Key(), func(ctx context.Context, files []string) rules.Result {
		calls.Add(1)
		return rules.Result{}
	})
	files := []string{filepath.FromSlash("app/compose.yaml")}
	check(context.Background(), files)
	check(context.Background(), files)
	if calls.Load() != 1 {
		t.Fatalf("calls = %d after two identical runs", calls.Load())
	}
	for i, f := range []string{"shared/base.yml", "shared/deeper.yml", "shared/inc.yml", "shared/db.env"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		write(t, f, string(src)+"# changed\n")
		check(context.Background(), files)
		if got := calls.Load(); got != int32(i+2) {
			t.Fatalf("after %s changed, calls = %d, want %d", f, got, i+2)
		}
	}
	// A target that appears where none was is a change too.
	write(t, "app/deeper.yml", "services:\n  b:\n    image: alpine\n")
	check(context.Background(), files)
	if calls.Load() != 6 {
		t.Fatalf("a new file where a relative target can resolve was not seen: calls = %d", calls.Load())
	}
}

func write(t *testing.T, name, src string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGoPerPackage(t *testing.T) {
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, "go.mod", "module example.com/m\n\ngo 1.22\n")
	write(t, "lib/lib.go", "package lib\n\n// Force is what app passes.\nconst Force = \"-f\"\n")
	write(t, "app/app.go", "package app\n\nimport (\n\t\"os/exec\"\n\n\t\"example.com/m/lib\"\n)\n\nfunc Clean() error { return exec.Command(\"docker\", \"rm\", lib.Force, \"web\").Run() }\n")
	write(t, "other/other.go", "package other\n\nimport \"os/exec\"\n\nfunc Kill() error { return exec.Command(\"docker\", \"kill\", \"web\").Run() }\n")
	c := open(t)
	settle()
	var checked [][]string
	goc := Go(c, NewHash("salt").Key(), func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result) {
		checked = append(checked, append([]string(nil), files...))
		return gocheck.CheckUnits(ctx, files, gocheck.Options{Facts: facts, Reuse: reuse})
	})
	files := []string{filepath.FromSlash("app/app.go"), filepath.FromSlash("other/other.go")}
	first := goc(context.Background(), files)
	if len(first.Findings) == 0 {
		t.Fatal("no findings: the test would prove nothing")
	}
	second := goc(context.Background(), files)
	if len(checked) != 1 {
		t.Fatalf("second run type-checked %v", checked[1:])
	}
	if !reflect.DeepEqual(sorted(first), sorted(second)) {
		t.Fatalf("cached result differs:\n%+v\n%+v", first, second)
	}
	// A change in a dependency that is not itself checked invalidates the
	// package that imports it, and only that one.
	write(t, "lib/lib.go", "package lib\n\n// Force is what app passes.\nconst Force = \"--force=false\"\n")
	settle()
	third := goc(context.Background(), files)
	if len(checked) != 2 || len(checked[1]) != 1 || filepath.ToSlash(checked[1][0]) != "app/app.go" {
		t.Fatalf("after the dependency changed, checked %v, want only app/app.go", checked[1:])
	}
	for _, f := range third.Findings {
		if f.Rule == "DG101" {
			t.Errorf("stale DG101 after lib.Force became --force=false: %+v", f)
		}
	}
	// A new file in a dependency folder counts as a change too.
	write(t, "lib/extra.go", "package lib\n")
	goc(context.Background(), files)
	if len(checked) != 3 {
		t.Fatalf("a new file in lib/ did not invalidate app: checked %v", checked)
	}
}

func sorted(r rules.Result) []rules.Finding {
	fs := append([]rules.Finding(nil), r.Findings...)
	sort.Slice(fs, func(i, j int) bool { return engine.Less(&fs[i], &fs[j]) })
	return fs
}

// goModule writes a module whose app package calls a helper of lib that
// force-removes (a finding at the caller only through lib's helper fact),
// and a folder the relevance rule drops (it names docker only in a
// comment), and returns the Go front end over it with a log of the files
// each run type-checked.
func goModule(t *testing.T, c *Cache, salt Key) (BatchGo, *[][]string) {
	t.Helper()
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
	t.Chdir(t.TempDir())
	write(t, "go.mod", "module example.com/m\n\ngo 1.22\n")
	write(t, "lib/lib.go", "package lib\n\nimport \"os/exec\"\n\n// Remove force-removes a container.\nfunc Remove(id string) error { return exec.Command(\"docker\", \"rm\", \"-f\", id).Run() }\n")
	write(t, "app/app.go", "package app\n\nimport \"example.com/m/lib\"\n\n// Clean removes web.\nfunc Clean() error { return lib.Remove(\"web\") }\n")
	write(t, "notes/notes.go", "package notes\n\n// Docs says how docker is used elsewhere.\nconst Docs = \"see the docker docs\"\n")
	settle()
	var checked [][]string
	return Go(c, salt, recordingCheck(&checked)), &checked
}

// settle waits until files just written are older than a run that starts
// now may take for a write during itself (see modSlack).
func settle() { time.Sleep(100 * time.Millisecond) }

// recordingCheck is the Go front end, logging the files of each call.
func recordingCheck(checked *[][]string) GoCheck {
	return func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result) {
		*checked = append(*checked, append([]string(nil), files...))
		return gocheck.CheckUnits(ctx, files, gocheck.Options{Facts: facts, Reuse: reuse})
	}
}

// BatchGo is the Go front end's signature.
type BatchGo = engine.BatchFunc

var goFiles = []string{filepath.FromSlash("app/app.go"), filepath.FromSlash("lib/lib.go"), filepath.FromSlash("notes/notes.go")}

func rulesAt(r rules.Result, file string) []string {
	var out []string
	for _, f := range r.Findings {
		if filepath.ToSlash(f.File) == file {
			out = append(out, f.Rule)
		}
	}
	sort.Strings(out)
	return out
}

func TestGoDroppedFolderIsCached(t *testing.T) {
	goc, checked := goModule(t, open(t), NewHash("salt").Key())
	first := goc(context.Background(), goFiles)
	if len(rulesAt(first, "lib/lib.go")) == 0 {
		t.Fatalf("no finding in lib: the test would prove nothing: %+v", first)
	}
	second := goc(context.Background(), goFiles)
	if len(*checked) != 1 {
		t.Fatalf("a re-run with nothing changed type-checked %v", (*checked)[1:])
	}
	if !reflect.DeepEqual(sorted(first), sorted(second)) {
		t.Fatalf("cached result differs:\n%+v\n%+v", first, second)
	}
	// The dropped folder becomes relevant: it is checked again.
	write(t, "notes/notes.go", "package notes\n\nimport \"os/exec\"\n\n// Kill kills web.\nfunc Kill() error { return exec.Command(\"docker\", \"kill\", \"web\").Run() }\n")
	third := goc(context.Background(), goFiles)
	if len(*checked) != 2 || len((*checked)[1]) != 1 || filepath.ToSlash((*checked)[1][0]) != "notes/notes.go" {
		t.Fatalf("after notes changed, checked %v, want only notes/notes.go", (*checked)[1:])
	}
	if len(rulesAt(third, "notes/notes.go")) == 0 {
		t.Fatalf("no finding in the changed notes/notes.go: %+v", third)
	}
}

func TestGoHelperFactsSurviveAPartialRecheck(t *testing.T) {
	goc, checked := goModule(t, open(t), NewHash("salt").Key())
	first := goc(context.Background(), goFiles)
	want := rulesAt(first, "app/app.go")
	if len(want) == 0 {
		t.Fatalf("no finding at the helper's caller: the test would prove nothing: %+v", first)
	}
	// Touch only the caller: lib's entry is a hit, and app is re-checked
	// with lib's helper fact replayed from the cache.
	write(t, "app/app.go", "package app\n\nimport \"example.com/m/lib\"\n\n// Clean removes web (touched).\nfunc Clean() error { return lib.Remove(\"web\") }\n")
	second := goc(context.Background(), goFiles)
	if len(*checked) != 2 || len((*checked)[1]) != 1 || filepath.ToSlash((*checked)[1][0]) != "app/app.go" {
		t.Fatalf("after app changed, checked %v, want only app/app.go", (*checked)[1:])
	}
	if got := rulesAt(second, "app/app.go"); !reflect.DeepEqual(got, want) {
		t.Fatalf("caller's findings after a partial re-check = %v, want %v (lib's helper fact lost)", got, want)
	}
}
