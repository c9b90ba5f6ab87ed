package cache

import (
	"context"
	"os"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/rules"
)

// composeTree writes three projects: a and b extend a shared base file,
// c reads an env_file and its folder's .env.
func composeTree(t *testing.T) {
	t.Helper()
	write(t, "shared/base.yml", "services:\n  base:\n    image: busybox\n    command: sleep 1\n")
	write(t, "a/compose.yaml", "services:\n  web:\n    extends:\n      file: ../shared/base.yml\n      service: base\n")
	write(t, "a/compose.override.yaml", "services:\n  web:\n    environment:\n      A: \"1\"\n")
	write(t, "b/compose.yaml", "services:\n  api:\n    extends:\n      file: ../shared/base.yml\n      service: base\n    mem_limit: 64m\n")
	write(t, "c/compose.yaml", "services:\n  db:\n    image: postgres:${PG}\n    env_file: db.env\n")
	write(t, "c/db.env", "POSTGRES_PASSWORD=x\n")
	write(t, "c/.env", "PG=16\n")
}

// composeRun checks files with compose.Check behind both cache levels, as
// the cli wires them, and returns the result and the projects that were
// loaded rather than replayed.
func composeRun(t *testing.T, c *Cache, files []string) (rules.Result, []string) {
	t.Helper()
	var mu sync.Mutex
	var loaded []string
	salt := NewHash("salt").Key()
	opts := compose.Options{Memo: ComposeProjects(c, salt, func(p string) {
		mu.Lock()
		loaded = append(loaded, p)
		mu.Unlock()
	})}
	check := Compose(c, salt, func(ctx context.Context, files []string) rules.Result {
		return compose.Check(ctx, files, opts)
	})
	res := check(context.Background(), files)
	sort.Strings(loaded)
	return res, loaded
}

func composeFiles() []string {
	return []string{"a/compose.override.yaml", "a/compose.yaml", "b/compose.yaml", "c/compose.yaml", "shared/base.yml"}
}

func appendTo(t *testing.T, name, s string) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// sameResult compares a cached run with an uncached one, order aside.
func sameResult(t *testing.T, what string, got, want rules.Result) {
	t.Helper()
	norm := func(r rules.Result) rules.Result {
		sort.SliceStable(r.Findings, func(i, j int) bool {
			a, b := r.Findings[i], r.Findings[j]
			if a.File != b.File {
				return a.File < b.File
			}
			if a.Start != b.Start {
				return a.Start < b.Start
			}
			return a.Rule < b.Rule
		})
		for _, ns := range [][]rules.Note{r.Notes, r.Errors} {
			sort.SliceStable(ns, func(i, j int) bool { return ns[i].File+ns[i].Message < ns[j].File+ns[j].Message })
		}
		return r
	}
	if g, w := norm(got), norm(want); !reflect.DeepEqual(g, w) {
		t.Fatalf("%s: cached result differs from an uncached run:\n got %+v\nwant %+v", what, g, w)
	}
}

func TestComposeReloadsOnlyTheTouchedProject(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("PG", "")
	os.Unsetenv("PG")
	composeTree(t)
	c := open(t)
	files := composeFiles()
	cold, loaded := composeRun(t, c, files)
	if len(cold.Findings) == 0 {
		t.Fatal("the tree has no findings: the comparisons below would prove nothing")
	}
	if want := []string{"a/compose.yaml", "b/compose.yaml", "c/compose.yaml"}; !reflect.DeepEqual(loaded, want) {
		t.Fatalf("an empty cache loaded %v, want %v", loaded, want)
	}
	if _, loaded := composeRun(t, c, files); len(loaded) != 0 {
		t.Fatalf("an unchanged tree loaded %v", loaded)
	}
	steps := []struct {
		file, add string
		want      []string
	}{
		// A file of one project re-loads that project only.
		{"a/compose.override.yaml", "# touched\n", []string{"a/compose.yaml"}},
		{"b/compose.yaml", "    mem_reservation: 32m\n", []string{"b/compose.yaml"}},
		// The env_file and the .env of one project are its inputs.
		{"c/db.env", "EXTRA=1\n", []string{"c/compose.yaml"}},
		{"c/.env", "OTHER=2\n", []string{"c/compose.yaml"}},
		// The shared extends target re-loads every project that extends it.
		{"shared/base.yml", "    mem_limit: 32m\n", []string{"a/compose.yaml", "b/compose.yaml"}},
	}
	for _, s := range steps {
		appendTo(t, s.file, s.add)
		got, loaded := composeRun(t, c, files)
		if !reflect.DeepEqual(loaded, s.want) {
			t.Fatalf("after touching %s: loaded %v, want %v", s.file, loaded, s.want)
		}
		fresh, _ := composeRun(t, nil, files)
		sameResult(t, "after touching "+s.file, got, fresh)
	}
	// The variable c interpolates is an input of c alone.
	t.Setenv("PG", "17")
	if _, loaded := composeRun(t, c, files); !reflect.DeepEqual(loaded, []string{"c/compose.yaml"}) {
		t.Fatalf("after setting PG: loaded %v, want c only", loaded)
	}
}

// A run given one project's file loads that project and still replays
// the entries a whole-tree run stored.
func TestComposeProjectEntriesServeASubset(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	composeTree(t)
	c := open(t)
	composeRun(t, c, composeFiles())
	got, loaded := composeRun(t, c, []string{"b/compose.yaml"})
	if len(loaded) != 0 {
		t.Fatalf("a subset of a cached tree loaded %v", loaded)
	}
	fresh, _ := composeRun(t, nil, []string{"b/compose.yaml"})
	sameResult(t, "one file", got, fresh)
}
