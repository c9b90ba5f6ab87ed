package gocheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The fixture module depends on the real github.com/docker/docker
// (v28.5.2+incompatible) and github.com/moby/moby/client (v0.6.2).
var fixtureWant = []string{
	"cleanup/cleanup.go:24:13 DG105",
	"cleanup/cleanup.go:33:15 DG301",
	"cleanup/cleanup.go:42:9 DG104",
	"cleanup/cleanup.go:42:9 DG302",
	"newsdk/newsdk.go:14:12 DG101",
}

// fixture returns the fixture module's directory after making sure its
// dependencies are in the module cache.
func fixture(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "testdata", "gomod"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "mod", "download")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go mod download in the fixture: %v\n%s", err, out)
	}
	return dir
}

func TestCheckRealSDK(t *testing.T) {
	dir := fixture(t)
	t.Chdir(dir)
	files := []string{
		filepath.FromSlash("cleanup/cleanup.go"),
		filepath.FromSlash("newsdk/newsdk.go"),
		filepath.FromSlash("clean/clean.go"),
	}
	res := Check(context.Background(), files, Options{})
	var got []string
	for _, f := range res.Findings {
		got = append(got, filepath.ToSlash(f.File)+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule)
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(fixtureWant, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(fixtureWant, "\n"))
	}
	if len(res.Errors) != 0 || len(res.Notes) != 0 {
		t.Errorf("errors %v, notes %v: the fixture type-checks", res.Errors, res.Notes)
	}
}

// binary builds cmd/dockguard once per test run: every go vet of the
// tests then shares the vet results cached for the fixtures' dependencies,
// which a new build of the tool would invalidate.
var binary = struct {
	once sync.Once
	path string
	err  error
}{}

func dockguardBinary(t *testing.T) string {
	t.Helper()
	binary.once.Do(func() {
		dir, err := os.MkdirTemp("", "dockguard-gocheck-test")
		if err != nil {
			binary.err = err
			return
		}
		binary.path = filepath.Join(dir, "dockguard")
		if out, err := exec.Command("go", "build", "-o", binary.path, "../cmd/dockguard").CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("build dockguard: %w\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binary.path != "" {
		_ = os.RemoveAll(filepath.Dir(binary.path))
	}
	os.Exit(code)
}

func TestGoVetRealSDK(t *testing.T) {
	dir := fixture(t)
	bin := dockguardBinary(t)
	got, out := goVet(t, dir, bin)
	if strings.Join(got, "\n") != strings.Join(fixtureWant, "\n") {
		t.Errorf("go vet reported:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(got, "\n"), strings.Join(fixtureWant, "\n"), out)
	}
}

// goVet runs go vet -vettool=bin ./... in dir, which must exit 1, and
// returns its findings as sorted "file:line:col RULE" lines and its
// standard error.
func goVet(t *testing.T, dir, bin string) ([]string, string) {
	t.Helper()
	// The repository's .dockguard.yaml excludes its testdata, as check
	// would find it from a fixture there: -no-config reads the fixture alone.
	vet := exec.Command("go", "vet", "-vettool="+bin, "-no-config", "./...")
	vet.Dir = dir
	vet.Env = append(os.Environ(), "GOFLAGS=-mod=mod")
	var stderr bytes.Buffer
	vet.Stderr = &stderr
	err := vet.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("go vet: %v (want exit status 1)\n%s", err, stderr.String())
	}
	line := regexp.MustCompile(`^(\S+\.go):(\d+):(\d+): .*\((DG\d{3})\)$`)
	var got []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if m := line.FindStringSubmatch(l); m != nil {
			got = append(got, filepath.ToSlash(m[1])+":"+m[2]+":"+m[3]+" "+m[4])
		}
	}
	sort.Strings(got)
	return got, stderr.String()
}

func itoa(n int) string { return strconv.Itoa(n) }
