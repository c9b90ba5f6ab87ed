package cache

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
)

// Each input of the key, changed alone, makes the next run check again;
// changed back, the earlier entries hit again.
func TestGoKeyInputs(t *testing.T) {
	c := open(t)
	goc, checked := goModule(t, c, NewHash("salt").Key())
	ref := goc(context.Background(), goFiles)
	runs := func() int { return len(*checked) }
	goc(context.Background(), goFiles)
	if runs() != 1 {
		t.Fatalf("an unchanged re-run checked again: %v", (*checked)[1:])
	}
	for _, tc := range []struct {
		name   string
		change func()
	}{
		{"go.mod", func() { write(t, "go.mod", "module example.com/m\n\ngo 1.23\n") }},
		{"go.sum", func() { write(t, "go.sum", "example.com/x v1.0.0 h1:AAAA=\n") }},
		{"GOFLAGS build tags", func() { t.Setenv("GOFLAGS", "-mod=mod -tags=extra") }},
		{"vendor/modules.txt", func() { write(t, "vendor/modules.txt", "# example.com/x v1.0.0\n") }},
	} {
		before := runs()
		tc.change()
		settle()
		goc(context.Background(), goFiles)
		if runs() != before+1 {
			t.Errorf("after a change of %s, %d checks, want 1", tc.name, runs()-before)
		}
	}
	// Another salt (the configuration, the version) is another key.
	before := runs()
	other := Go(c, NewHash("other salt").Key(), recordingCheck(checked))
	other(context.Background(), goFiles)
	if runs() != before+1 {
		t.Errorf("another salt hit the cache")
	}
	_ = ref
	// Every variable of the go command's environment is in the key (a
	// run per variable would compile the standard library for each).
	key := func() Key {
		g := &goCache{c: c, salt: NewHash("salt").Key(), prints: map[string]Key{}, mods: map[string][]byte{}, unstable: map[string]bool{}, sums: openSums(c)}
		k, ok := g.setKey(goFiles)
		if !ok {
			t.Fatal("no key for a module's files")
		}
		return k
	}
	base := key()
	for _, v := range goEnv {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, "changed-"+v)
			if key() == base {
				t.Errorf("%s is not in the key", v)
			}
		})
	}
}

// A file rewritten with contents of the same size and its modification
// time set back is still seen as changed: the remembered hash is keyed by
// the change time and inode too.
func TestGoSameSizeSameMtimeRewrite(t *testing.T) {
	goc, checked := goModule(t, open(t), NewHash("salt").Key())
	old := time.Now().Add(-time.Hour)
	for _, f := range goFiles {
		if err := os.Chtimes(f, old, old); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(raceWindow + 100*time.Millisecond) // the change times must age past the race window to be remembered
	first := goc(context.Background(), goFiles)
	goc(context.Background(), goFiles)
	if len(*checked) != 1 {
		t.Fatalf("an unchanged re-run checked again")
	}
	src, err := os.ReadFile("lib/lib.go")
	if err != nil {
		t.Fatal(err)
	}
	// docker rm -f -> docker rm -- (same length, no force).
	swapped := strings.Replace(string(src), `"rm", "-f", id`, `"rm", "--", id`, 1)
	if len(swapped) != len(src) || swapped == string(src) {
		t.Fatal("the rewrite must keep the size")
	}
	if err := os.WriteFile("lib/lib.go", []byte(swapped), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes("lib/lib.go", old, old); err != nil {
		t.Fatal(err)
	}
	second := goc(context.Background(), goFiles)
	if len(*checked) != 2 {
		t.Fatalf("a same-size rewrite with the old modification time was not seen")
	}
	if reflect.DeepEqual(rulesAt(first, "lib/lib.go"), rulesAt(second, "lib/lib.go")) {
		t.Fatalf("lib's findings did not change after docker rm -f became docker rm --: %v", rulesAt(second, "lib/lib.go"))
	}
}

// Every entry corrupted: the run checks again and reports what it
// reported before.
func TestGoCorruptedEntriesMiss(t *testing.T) {
	c := open(t)
	goc, checked := goModule(t, c, NewHash("salt").Key())
	want := sorted(goc(context.Background(), goFiles))
	n := 0
	err := filepath.WalkDir(c.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, "-r") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		n++
		b[len(b)-1] ^= 0x01
		return os.WriteFile(p, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 4 {
		t.Fatalf("%d entries, want one per folder and one for the set", n)
	}
	got := sorted(goc(context.Background(), goFiles))
	if len(*checked) != 2 || len((*checked)[1]) != len(goFiles) {
		t.Fatalf("over corrupted entries, checked %v, want every file again", (*checked)[1:])
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("result over corrupted entries differs:\n%+v\nwant\n%+v", got, want)
	}
}

// A cgo file is checked by the fallback (the type-checker sees the go
// command's generated file instead): its folder is still an entry.
func TestGoCgoFolderIsCached(t *testing.T) {
	if _, err := exec.LookPath("gcc"); err != nil {
		t.Skip("no C compiler for cgo")
	}
	goc, checked := goModule(t, open(t), NewHash("salt").Key())
	t.Setenv("CGO_ENABLED", "1")
	write(t, "cg/cg.go", "package cg\n\n// #include <stdlib.h>\nimport \"C\"\n\nimport \"os/exec\"\n\n// Kill kills web.\nfunc Kill() error { return exec.Command(\"docker\", \"kill\", \"web\").Run() }\n")
	files := append([]string{filepath.FromSlash("cg/cg.go")}, goFiles...)
	settle()
	first := goc(context.Background(), files)
	if len(rulesAt(first, "cg/cg.go")) == 0 {
		t.Fatalf("no finding in the cgo file: the test would prove nothing: %+v", first)
	}
	second := goc(context.Background(), files)
	if len(*checked) != 1 {
		t.Fatalf("a re-run with nothing changed type-checked %v", (*checked)[1:])
	}
	if !reflect.DeepEqual(sorted(first), sorted(second)) {
		t.Fatalf("cached result differs:\n%+v\n%+v", first, second)
	}
}

// A file changed while the run checks it (after the front end read it,
// before the entry is written) leaves no entry that would replay the old
// contents' findings for the new contents.
func TestGoFileChangedDuringRunIsNotStored(t *testing.T) {
	c := open(t)
	_, _ = goModule(t, c, NewHash("salt").Key())
	var checked [][]string
	inner := recordingCheck(&checked)
	goc := Go(c, NewHash("salt").Key(), func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result) {
		units, res := inner(ctx, files, facts, reuse)
		if len(checked) == 1 {
			src, err := os.ReadFile("lib/lib.go")
			if err != nil {
				t.Fatal(err)
			}
			write(t, "lib/lib.go", strings.Replace(string(src), `"rm", "-f", id`, `"rm", "--", id`, 1))
		}
		return units, res
	})
	first := goc(context.Background(), goFiles)
	if !slices.Contains(rulesAt(first, "lib/lib.go"), "DG101") {
		t.Fatalf("no DG101 in lib before the change: the test would prove nothing: %v", rulesAt(first, "lib/lib.go"))
	}
	second := goc(context.Background(), goFiles)
	if len(checked) != 2 {
		t.Fatalf("the run after a change during the previous run checked nothing: a stale entry was stored")
	}
	if slices.Contains(rulesAt(second, "lib/lib.go"), "DG101") {
		t.Fatalf("stale DG101 in lib after docker rm -f became docker rm --")
	}
}
