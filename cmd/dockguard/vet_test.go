package main

import (
	"encoding/json"
	"errors"
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

// vetFixture is a module whose findings a .dockguard.yaml and inline
// directives shape: DG101 on line 6 is reported, DG101 on line 8 is
// suppressed, the directive on line 9 has no reason (DG003, and so hides
// nothing), the one on line 10 names a rule nothing reports (DG002), and
// gen/ is excluded.
var vetFixture = map[string]string{
	"go.mod": "module example.com/vetfixture\n\ngo 1.22\n",
	"main.go": `package main

import "os/exec"

func main() {
	_ = exec.Command("docker", "rm", "-f", "web").Run()
	//dockguard:ignore DG101 -- the dev container is disposable
	_ = exec.Command("docker", "rm", "-f", "db").Run()
	_ = exec.Command("docker", "kill", "cache").Run() //dockguard:ignore DG104
	//dockguard:ignore DG107 -- nothing prunes here
	_ = exec.Command("docker", "ps").Run()
}
`,
	"gen/gen.go": `package gen

import "os/exec"

// Reset is generated code, excluded by the configuration.
func Reset() { _ = exec.Command("docker", "rm", "-f", "gen").Run() }
`,
	".dockguard.yaml": "rules:\n  DG302: off\n  DG104: {severity: info}\nexclude:\n  - gen\n",
}

// TestGoVetHonoursConfigAndDirectives runs the real go vet with the built
// dockguard as its vet tool on a fixture module, and compares what it
// reports with what dockguard check reports on the same module: vet mode
// must apply the configuration and the directives exactly as check does.
func TestGoVetHonoursConfigAndDirectives(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Fatalf("the go command is needed: %v", err)
	}
	bin := buildDockguard(t)
	dir := t.TempDir()
	for name, content := range vetFixture {
		writeFile(t, filepath.Join(dir, name), content)
	}

	out, code := goVet(t, dir, bin)
	if code != 1 {
		t.Fatalf("go vet: exit %d, want 1\n%s", code, out)
	}
	got := vetFindings(out)
	want := []string{
		"main.go:10 DG002",
		"main.go:6 DG101",
		"main.go:9 DG003",
		"main.go:9 DG104",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("go vet reported:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), out)
	}
	if !strings.Contains(out, "stop it instead: docker stop --time 10 cache (DG104, info)") {
		t.Errorf("the configured severity of DG104 is not in its message:\n%s", out)
	}
	if !strings.Contains(out, "unused suppression: no DG107 finding on line 11; remove the directive (DG002)") {
		t.Errorf("no DG002 message for the unused directive:\n%s", out)
	}

	check := exec.Command(bin, "check", "--format", "json", ".")
	check.Dir = dir
	check.Env = goEnv()
	js, err := check.Output()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("dockguard check: %v", err)
	}
	var res struct {
		Findings []struct {
			Rule string `json:"rule"`
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(js, &res); err != nil {
		t.Fatalf("dockguard check --format json: %v\n%s", err, js)
	}
	var fromCheck []string
	for _, f := range res.Findings {
		fromCheck = append(fromCheck, filepath.ToSlash(f.File)+":"+strconv.Itoa(f.Line)+" "+f.Rule)
	}
	sort.Strings(fromCheck)
	if strings.Join(fromCheck, "\n") != strings.Join(got, "\n") {
		t.Errorf("check reported:\n%s\nbut go vet:\n%s", strings.Join(fromCheck, "\n"), strings.Join(got, "\n"))
	}
}

// TestGoVetCacheFollowsConfig: the go command caches a package's vet result
// when the tool succeeds. A run whose findings are all suppressed by the
// configuration succeeds, so turning the rule back on must change the
// tool's -V=full ID, or go vet would replay the clean result.
func TestGoVetCacheFollowsConfig(t *testing.T) {
	bin := buildDockguard(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/vetcache\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "main.go"), `package main

import "os/exec"

func main() {
	//dockguard:ignore DG101 -- the dev container is disposable
	_ = exec.Command("docker", "rm", "-f", "db").Run()
}
`)
	cfg := filepath.Join(dir, ".dockguard.yaml")
	writeFile(t, cfg, "rules:\n  DG302: off\n")
	if out, code := goVet(t, dir, bin); code != 0 {
		t.Fatalf("go vet with DG302 off: exit %d, want 0\n%s", code, out)
	}
	writeFile(t, cfg, "rules:\n  DG302: warning\n")
	out, code := goVet(t, dir, bin)
	if code != 1 || strings.Join(vetFindings(out), " ") != "main.go:7 DG302" {
		t.Errorf("go vet after DG302 was turned on: exit %d, want 1 and one DG302\n%s", code, out)
	}
}

// TestGoVetBadConfig: a configuration error is reported with its position
// and fails the vet run; it does not silently fall back to the defaults.
func TestGoVetBadConfig(t *testing.T) {
	bin := buildDockguard(t)
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "go.mod"), "module example.com/vetbad\n\ngo 1.22\n")
	writeFile(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() {}\n")
	writeFile(t, filepath.Join(dir, ".dockguard.yaml"), "rules:\n  DG999: off\n")
	out, code := goVet(t, dir, bin)
	if code == 0 || !strings.Contains(out, ".dockguard.yaml:2:3") || !strings.Contains(out, "DG999") {
		t.Errorf("go vet with a bad .dockguard.yaml: exit %d, want a failure naming .dockguard.yaml:2:3 and DG999\n%s", code, out)
	}
}

var vetLine = regexp.MustCompile(`^(\S+\.go):(\d+):\d+: .*\((DG\d{3})(, \w+)?\)$`)

// vetFindings returns "file:line rule" for each diagnostic go vet printed,
// sorted.
func vetFindings(out string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if m := vetLine.FindStringSubmatch(l); m != nil {
			got = append(got, filepath.ToSlash(m[1])+":"+m[2]+" "+m[3])
		}
	}
	sort.Strings(got)
	return got
}

func goVet(t *testing.T, dir, bin string) (string, int) {
	t.Helper()
	vet := exec.Command("go", "vet", "-vettool="+bin, "./...")
	vet.Dir = dir
	vet.Env = goEnv()
	out, err := vet.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return string(out), 0
	case errors.As(err, &ee):
		return string(out), ee.ExitCode()
	}
	t.Fatalf("go vet: %v\n%s", err, out)
	return "", 0
}

// goEnv keeps the fixture modules self-contained: no workspace, no
// network, the installed toolchain.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off", "GOTOOLCHAIN=local")
}

// built is the dockguard binary, built once for the tests of this package
// (each build would invalidate the vet results the go command cached).
var built struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

func buildDockguard(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "dockguard-vet-test")
		if built.err == nil {
			built.out, built.err = exec.Command("go", "build", "-o", filepath.Join(built.dir, "dockguard"), ".").CombinedOutput()
		}
	})
	if built.err != nil {
		t.Fatalf("build dockguard: %v\n%s", built.err, built.out)
	}
	return filepath.Join(built.dir, "dockguard")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
