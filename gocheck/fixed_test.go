package gocheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// TestCheckFixedEveryFixer re-checks, with types, the fix of every Go
// finding of the real-SDK fixture (each SDK generation's stop, the exec
// rm -f fix, DG302's CommandContext): applied as written, the fixed
// package type-checks and the finding is gone; applied with a type error,
// or as a fix that changes nothing, CheckFixed says so, which the
// verifier of package fix turns into a rollback. CheckSource, which sees
// the file alone without its imports' types, misses the type errors: that
// is why fixed Go files are re-checked in their package.
func TestCheckFixedEveryFixer(t *testing.T) {
	dir := copyFixture(t)
	t.Chdir(dir)
	files := []string{filepath.FromSlash("fixable/fixable.go"), filepath.FromSlash("fixable/remove.go")}
	ctx := context.Background()
	opts := Options{Fix: rules.FixSettings{StopTimeout: 10}}
	res := Check(ctx, files, opts)
	if len(res.Errors) != 0 || len(res.Notes) != 0 {
		t.Fatalf("errors %v, notes %v: the fixture type-checks", res.Errors, res.Notes)
	}
	kinds := map[string]bool{}
	untypedMissed := 0 // CheckSource calls that caught a type error, negated
	for _, f := range res.Findings {
		if len(f.Fixes) == 0 {
			t.Errorf("%s:%d: %s has no fix: %s", f.File, f.Line, f.Rule, f.Message)
			continue
		}
		src, err := os.ReadFile(f.File)
		if err != nil {
			t.Fatal(err)
		}
		kinds[fixerKind(f)] = true
		name := fmt.Sprintf("%s:%d: %s", f.File, f.Line, f.Rule)

		fixed := apply(t, src, f.Fixes)
		got := CheckFixed(ctx, f.File, fixed, opts)
		if has(got.Findings, "DG001", "") {
			t.Errorf("%s: the fix does not type-check: %v", name, summary(got.Findings))
		}
		// Fewer: a stop inserted before one removal can also excuse a
		// later removal of the same container.
		if n := count(got.Findings, f.Rule); n >= count(res.Findings, f.Rule, f.File) || hasAt(got.Findings, f) {
			t.Errorf("%s: after its fix %d %s findings remain in the file (%d before): %v", name, n, f.Rule, count(res.Findings, f.Rule, f.File), summary(got.Findings))
		}

		// The fix with a type error: the int where a string goes.
		broken := apply(t, src, append(append([]rules.Edit(nil), f.Fixes...), rules.Edit{Start: len(src), End: len(src), NewText: "\nvar _ string = 1\n"}))
		got = CheckFixed(ctx, f.File, broken, opts)
		if !has(got.Findings, "DG001", rules.TypeCheckFailed) {
			t.Errorf("%s: a fix that breaks the build is not reported: %v", name, summary(got.Findings))
		}

		// A fix that changes nothing: the finding is still there, with
		// types.
		same := apply(t, src, []rules.Edit{{Start: f.Start, End: f.End, NewText: string(src[f.Start:f.End])}})
		got = CheckFixed(ctx, f.File, same, opts)
		if !hasAt(got.Findings, f) {
			t.Errorf("%s: the finding a no-op fix leaves is not reported again: %v", name, summary(got.Findings))
		}
		// The file alone, untyped, does not see the type error.
		if has(CheckSource(ctx, f.File, broken, opts).Findings, "DG001", "") {
			untypedMissed--
		}
	}
	for _, k := range []string{"moby", "docker", "docker-interface", "fsouza", "exec-rm", "DG302"} {
		if !kinds[k] {
			t.Errorf("no %s fix in the fixture (kinds seen: %v)", k, kinds)
		}
	}
	if untypedMissed != 0 {
		t.Error("CheckSource reports type errors now: re-checking fixed Go files in their package may no longer be needed")
	}
}

// TestCheckFixedTypeErrorsBefore: a package that did not type-check before
// the fix gets no DG001 for the errors it already had.
func TestCheckFixedTypeErrorsBefore(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/broken\n\ngo 1.22\n")
	write("a.go", "package broken\n\nimport \"os/exec\"\n\nvar _ string = 1\n\nfunc Logs(id string) error { return exec.Command(\"docker\", \"logs\", id).Run() }\n")
	t.Chdir(dir)
	src, _ := os.ReadFile("a.go")
	got := CheckFixed(context.Background(), "a.go", src, Options{})
	if has(got.Findings, "DG001", "") {
		t.Errorf("an error the package already had is blamed on the fix: %v", summary(got.Findings))
	}
	got = CheckFixed(context.Background(), "a.go", append(src, "var _ int = \"x\"\n"...), Options{})
	if !has(got.Findings, "DG001", rules.TypeCheckFailed) {
		t.Errorf("a new type error is not reported: %v", summary(got.Findings))
	}
	// A fix that adds an import the package did not have (time, for the
	// old SDK's stop timeout) is listed with it, and type-checks.
	withTime := strings.Replace(string(src), "import \"os/exec\"", "import (\n\t\"os/exec\"\n\t\"time\"\n)", 1) + "var _ = time.Second\n"
	got = CheckFixed(context.Background(), "a.go", []byte(withTime), Options{})
	if has(got.Findings, "DG001", "") || !has(got.Findings, "DG302", "") {
		t.Errorf("a fix that imports time: %v, want DG302 and no DG001", summary(got.Findings))
	}
}

func fixerKind(f rules.Finding) string {
	switch {
	case f.Rule == "DG302":
		return "DG302"
	case strings.Contains(f.Message, "docker rm -f"):
		return "exec-rm"
	}
	for _, e := range f.Fixes {
		switch {
		case strings.Contains(e.NewText, "client.ContainerStopOptions"):
			return "moby"
		case strings.Contains(e.NewText, "api.ContainerStop"):
			return "docker-interface"
		case strings.Contains(e.NewText, "container.StopOptions"):
			return "docker"
		case strings.Contains(e.NewText, "StopContainer"):
			return "fsouza"
		}
	}
	return "other"
}

func has(fs []rules.Finding, rule, prefix string) bool {
	for _, f := range fs {
		if f.Rule == rule && strings.HasPrefix(f.Message, prefix) {
			return true
		}
	}
	return false
}

func hasAt(fs []rules.Finding, want rules.Finding) bool {
	for _, f := range fs {
		if f.Rule == want.Rule && f.Start == want.Start {
			return true
		}
	}
	return false
}

// count counts the findings of rule (in file, when given).
func count(fs []rules.Finding, rule string, file ...string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == rule && (len(file) == 0 || f.File == file[0]) {
			n++
		}
	}
	return n
}
