package baseline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
)

func TestRemoteNameAndRedaction(t *testing.T) {
	for in, want := range map[string]string{
		"git@github.com:acme/shop.git":      "shop",
		"https://github.com/acme/shop":      "shop",
		"https://github.com/acme/shop.git/": "shop",
		"ssh://git@host:2222/srv/repos/api": "api",
		"/srv/git/tools.git":                "tools",
		"":                                  "",
	} {
		if got := remoteName(in); got != want {
			t.Errorf("remoteName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"https://x-access-token:ghs_secret@github.com/acme/shop.git": "https://github.com/acme/shop.git",
		"https://user@example.com/r.git":                             "https://example.com/r.git",
		"git@github.com:acme/shop.git":                               "git@github.com:acme/shop.git",
	} {
		if got := redactRemote(in); got != want {
			t.Errorf("redactRemote(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDescribe(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "shop")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Outside git: the folder's name, nothing else.
	if c := Describe(ctx, dir); c.Name != "shop" || c.Commit != "" || c.Dirty {
		t.Errorf("outside git: %+v", c)
	}
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_COMMITTER_DATE=2026-05-31T10:00:00Z", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	if c := Describe(ctx, dir); c.Name != "shop" || c.Commit != "" {
		t.Errorf("before the first commit: %+v", c)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.sh"), []byte("echo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", "a.sh")
	run("commit", "-q", "-m", "one")
	run("remote", "add", "origin", "https://bot:tok3n@example.com/acme/webshop.git")
	c := Describe(ctx, filepath.Join(dir, "."))
	if !regexp.MustCompile(`^[0-9a-f]{7,}$`).MatchString(c.Commit) || c.Dirty {
		t.Errorf("clean checkout: %+v", c)
	}
	if c.Name != "webshop" || c.Remote != "https://example.com/acme/webshop.git" {
		t.Errorf("remote: %+v", c)
	}
	if c.CommitTime.UTC().Format("2006-01-02T15:04") != "2026-05-31T10:00" {
		t.Errorf("commit time %v", c.CommitTime)
	}
	// An untracked file leaves it clean; a changed tracked file does not.
	if err := os.WriteFile(filepath.Join(dir, "new.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if Describe(ctx, dir).Dirty {
		t.Error("an untracked file made the checkout dirty")
	}
	if err := os.WriteFile(filepath.Join(dir, "a.sh"), []byte("echo changed\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if !Describe(ctx, dir).Dirty {
		t.Error("a changed tracked file did not make the checkout dirty")
	}
}
