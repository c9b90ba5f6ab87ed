package gocheck

import (
	"bytes"
	"context"
	"go/format"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// copyFixture copies testdata/gofix, a module that depends on the real
// docker/docker, moby/moby/client and fsouza/go-dockerclient, into a
// temporary directory, and makes the go command work offline from the
// module cache.
func copyFixture(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs(filepath.Join("..", "testdata", "gofix"))
	if err != nil {
		t.Fatal(err)
	}
	download := exec.Command("go", "mod", "download")
	download.Dir = src
	if out, err := download.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in the fixture: %v\n%s", err, out)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	return dst
}

// apply applies a file's edits as dockguard check --fix does: in offset
// order, none overlapping.
func apply(t *testing.T, src []byte, edits []rules.Edit) []byte {
	t.Helper()
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].Start < edits[j].Start })
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.Start < last || e.End < e.Start || e.End > len(src) {
			t.Fatalf("overlapping or bad edit %+v (previous end %d)", e, last)
		}
		out.Write(src[last:e.Start])
		out.WriteString(e.NewText)
		last = e.End
	}
	out.Write(src[last:])
	return out.Bytes()
}

func goBuild(t *testing.T, dir string) {
	t.Helper()
	build := exec.Command("go", "build", "./...")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the fixed module: %v\n%s", err, out)
	}
}

// TestFixesBuildRealSDK: every Go finding of the fixture carries a fix;
// applied, they give gofmt-clean source that builds against the real SDKs
// and that check no longer reports.
func TestFixesBuildRealSDK(t *testing.T) {
	dir := copyFixture(t)
	t.Chdir(dir)
	file := filepath.FromSlash("fixable/fixable.go")
	res := Check(context.Background(), []string{file}, Options{Fix: rules.FixSettings{StopTimeout: 30}})
	if len(res.Errors) != 0 || len(res.Notes) != 0 {
		t.Fatalf("errors %v, notes %v: the fixture type-checks", res.Errors, res.Notes)
	}
	var edits []rules.Edit
	rulesSeen := map[string]int{}
	for _, f := range res.Findings {
		rulesSeen[f.Rule]++
		if len(f.Fixes) == 0 {
			t.Errorf("%s:%d: %s has no fix: %s", f.File, f.Line, f.Rule, f.Message)
		}
		edits = append(edits, f.Fixes...)
	}
	if rulesSeen["DG101"] != 6 || rulesSeen["DG302"] != 1 || len(res.Findings) != 7 {
		t.Fatalf("findings by rule %v, want 6 DG101 and 1 DG302", rulesSeen)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fixed := apply(t, src, edits)
	if formatted, err := format.Source(fixed); err != nil || !bytes.Equal(formatted, fixed) {
		t.Errorf("fixed source is not gofmt-clean (%v):\n%s", err, fixed)
	}
	for _, want := range []string{
		"timeout := 30\n",
		"_, _ = cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout})",
		"_ = cli.ContainerStop(ctx, ids.Web, container.StopOptions{Timeout: &timeout})",
		"_ = cli.ContainerStop(ctx, ids.DB, container.StopOptions{Timeout: &stopTimeout})",
		"_ = api.ContainerStop(ctx, id, container.StopOptions{Timeout: &timeout})",
		"_ = cli.StopContainer(id, 30)",
		"_ = cli.StopContainerWithContext(id, 30, ctx)",
		`exec.CommandContext(ctx, "docker", "logs", id)`,
	} {
		if !bytes.Contains(fixed, []byte(want)) {
			t.Errorf("fixed source lacks %q:\n%s", want, fixed)
		}
	}
	if bytes.Contains(fixed, []byte("Force")) {
		t.Errorf("Force is still set:\n%s", fixed)
	}
	if err := os.WriteFile(file, fixed, 0o644); err != nil {
		t.Fatal(err)
	}
	goBuild(t, dir)
	again := Check(context.Background(), []string{file}, Options{})
	if len(again.Findings) != 0 {
		t.Errorf("after the fix, check still reports %s", strings.Join(summary(again.Findings), "; "))
	}
}

// TestGoVetFixRealSDK: go vet -vettool=dockguard -fix applies the same
// fixes (the go command formats what it writes) and the module builds.
func TestGoVetFixRealSDK(t *testing.T) {
	bin := dockguardBinary(t)
	dir := copyFixture(t)
	vet := exec.Command("go", "vet", "-vettool="+bin, "-fix", "-forceremove.stop-timeout=30", "./...")
	vet.Dir = dir
	if out, err := vet.CombinedOutput(); err != nil {
		t.Fatalf("go vet -fix: %v\n%s", err, out)
	}
	fixed, err := os.ReadFile(filepath.Join(dir, "fixable", "fixable.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"_, _ = cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout})",
		"_ = cli.StopContainer(id, 30)",
		`exec.CommandContext(ctx, "docker", "logs", id)`,
	} {
		if !bytes.Contains(fixed, []byte(want)) {
			t.Errorf("go vet -fix left no %q:\n%s", want, fixed)
		}
	}
	if bytes.Contains(fixed, []byte("Force")) {
		t.Errorf("Force is still set after go vet -fix:\n%s", fixed)
	}
	goBuild(t, dir)
}

// TestGoFixFixtoolRealSDK: Go 1.26's `go fix -fixtool=dockguard` runs the
// analyzers as go vet does and applies their fixes: -diff prints them and
// exits 1, changing nothing; without it the files are fixed (the analyzers'
// flags pass through), the module builds, and a second -diff is empty.
func TestGoFixFixtoolRealSDK(t *testing.T) {
	bin := dockguardBinary(t)
	dir := copyFixture(t)
	file := filepath.Join(dir, "fixable", "fixable.go")
	before, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	goFix := func(args ...string) (string, error) {
		cmd := exec.Command("go", append([]string{"fix", "-fixtool=" + bin}, append(args, "./...")...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := goFix("-diff")
	if err == nil || !strings.Contains(out, "+++ ") || !strings.Contains(out, "ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout})") || !strings.Contains(out, `"docker", "rm", id`) {
		t.Fatalf("go fix -diff: %v, want exit 1 and the fixes of both files:\n%s", err, out)
	}
	if now, _ := os.ReadFile(file); !bytes.Equal(now, before) {
		t.Fatal("go fix -diff changed the file")
	}
	if out, err := goFix("-forceremove.stop-timeout=30"); err != nil {
		t.Fatalf("go fix: %v\n%s", err, out)
	}
	fixed, _ := os.ReadFile(file)
	for _, want := range []string{"timeout := 30\n", "_ = cli.StopContainer(id, 30)", `exec.CommandContext(ctx, "docker", "logs", id)`} {
		if !bytes.Contains(fixed, []byte(want)) {
			t.Errorf("go fix left no %q:\n%s", want, fixed)
		}
	}
	goBuild(t, dir)
	if out, err := goFix("-diff"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("a second go fix -diff: %v\n%s", err, out)
	}
}
