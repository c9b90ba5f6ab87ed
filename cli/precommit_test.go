package cli

import (
	"bytes"
	"errors"
	"github.com/dockguard/dockguard/internal/testfiles"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// hook is the part of a .pre-commit-hooks.yaml entry the tests rely on.
type hook struct {
	ID            string   `yaml:"id"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	TypesOr       []string `yaml:"types_or"`
	Files         string   `yaml:"files"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	RequireSerial bool     `yaml:"require_serial"`
	AlwaysRun     bool     `yaml:"always_run"`
}

func loadHooks(t *testing.T) map[string]hook {
	t.Helper()
	data, err := os.ReadFile("../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []hook
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	m := map[string]hook{}
	for _, h := range hooks {
		m[h.ID] = h
	}
	return m
}

// gitRepo makes a repository with one commit of files.
func gitRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	testfiles.Write(t, dir, files)
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"add", "."}, {"commit", "-q", "-m", "base"}} {
		git(t, dir, args...)
	}
	return dir
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

var hookRepo = map[string]string{
	"clean.sh":        "#!/bin/sh\ndocker rm -f web\n",
	"ok.sh":           "#!/bin/sh\ndocker stop --time 10 web\n",
	".dockguard.yaml": "rules:\n  DG104: off\n",
}

// TestPreCommitHookEntries checks the hook definitions and runs each
// hook's entry exactly as pre-commit would: from the repository root, with
// the matching file names appended unless pass_filenames is false.
func TestPreCommitHookEntries(t *testing.T) {
	hooks := loadHooks(t)
	for _, id := range []string{"dockguard", "dockguard-new", "dockguard-config"} {
		h, ok := hooks[id]
		if !ok {
			t.Fatalf("hook %s missing", id)
		}
		if h.Language != "golang" || !h.RequireSerial || !strings.HasPrefix(h.Entry, "dockguard ") {
			t.Errorf("%s: %+v", id, h)
		}
	}
	if got := strings.Join(hooks["dockguard"].TypesOr, ","); got != "shell,makefile,yaml,json,go" {
		t.Errorf("dockguard types_or %s", got)
	}
	if h := hooks["dockguard-new"]; h.PassFilenames == nil || *h.PassFilenames || !strings.Contains(h.Entry, "--new-from-rev HEAD") {
		t.Errorf("dockguard-new %+v", h)
	}

	dir := gitRepo(t, hookRepo)
	t.Chdir(dir)
	run := func(h hook, files ...string) (int, string) {
		args := append(append([]string(nil), strings.Fields(h.Entry)[1:]...), files...)
		var out, errb bytes.Buffer
		code := Run(args, strings.NewReader(""), &out, &errb)
		return code, out.String() + errb.String()
	}
	if code, out := run(hooks["dockguard"], "clean.sh", "ok.sh"); code != ExitFindings || !strings.Contains(out, "clean.sh:2:1: error:") {
		t.Errorf("dockguard hook: exit %d\n%s", code, out)
	}
	if code, out := run(hooks["dockguard"], "ok.sh"); code != ExitOK {
		t.Errorf("dockguard hook on a clean file: exit %d\n%s", code, out)
	}
	// Nothing staged: the existing finding does not block the commit.
	if code, out := run(hooks["dockguard-new"]); code != ExitOK {
		t.Errorf("dockguard-new without changes: exit %d\n%s", code, out)
	}
	if err := os.WriteFile("ok.sh", []byte("#!/bin/sh\ndocker stop --time 10 web\ndocker rmi -f img\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "ok.sh")
	if code, out := run(hooks["dockguard-new"]); code != ExitFindings || !strings.Contains(out, "ok.sh:3:1: warning:") || strings.Contains(out, "clean.sh") {
		t.Errorf("dockguard-new with a new finding: exit %d\n%s", code, out)
	}
	// dockguard-fix rewrites the file; pre-commit then fails the commit
	// because a hook modified it, so the fix is reviewed and staged.
	if h := hooks["dockguard-fix"]; h.Entry != "dockguard fix" || !h.RequireSerial {
		t.Errorf("dockguard-fix %+v", h)
	}
	if code, out := run(hooks["dockguard-fix"], "clean.sh"); code != ExitOK || !strings.Contains(out, "fixed 1 finding in 1 file") {
		t.Errorf("dockguard-fix hook: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile("clean.sh"); string(b) != "#!/bin/sh\ndocker stop --time 10 web >/dev/null 2>&1 || true; docker rm -f web\n" {
		t.Errorf("dockguard-fix left %q", b)
	}
	if code, out := run(hooks["dockguard"], "clean.sh"); code != ExitOK {
		t.Errorf("dockguard hook after dockguard-fix: exit %d\n%s", code, out)
	}
	if code, out := run(hooks["dockguard-config"], ".dockguard.yaml"); code != ExitOK {
		t.Errorf("dockguard-config: exit %d\n%s", code, out)
	}
	if err := os.WriteFile(".dockguard.yaml", []byte("rule: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out := run(hooks["dockguard-config"], ".dockguard.yaml"); code != ExitUsage || !strings.Contains(out, `.dockguard.yaml:1:1: unknown key "rule" (did you mean "rules"?)`) {
		t.Errorf("dockguard-config on a bad file: exit %d\n%s", code, out)
	}
}

// TestPreCommitTryRepo installs the hooks with pre-commit itself where it
// is installed (Debian: apt-get install pre-commit). pre-commit builds
// dockguard with `go install`; the module cache is shared so that no
// network is needed.
func TestPreCommitTryRepo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds dockguard through pre-commit")
	}
	if _, err := exec.LookPath("pre-commit"); err != nil {
		t.Skip("pre-commit is not installed; TestPreCommitHookEntries runs the hook entries directly")
	}
	self, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	modcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir := gitRepo(t, hookRepo)
	tryRepo := func(args ...string) (int, string) {
		cmd := exec.Command("pre-commit", append([]string{"try-repo", self}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PRE_COMMIT_HOME="+t.TempDir(), "GOMODCACHE="+strings.TrimSpace(string(modcache)), "GOFLAGS=-buildvcs=false")
		out, err := cmd.CombinedOutput()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(out)
	}
	if code, out := tryRepo("dockguard", "--all-files"); code != 1 || !strings.Contains(out, "clean.sh:2:1: error:") {
		t.Errorf("pre-commit try-repo dockguard: exit %d\n%s", code, out)
	}
	if code, out := tryRepo("dockguard-config", "--all-files"); code != 0 {
		t.Errorf("pre-commit try-repo dockguard-config: exit %d\n%s", code, out)
	}
}
