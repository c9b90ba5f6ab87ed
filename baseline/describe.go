package baseline

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Checkout says what a report's paths are a checkout of: the repository's
// name, where it came from, and the commit it is at.
type Checkout struct {
	// Name is the repository's name: the last element of its origin
	// remote without ".git", else the name of its top folder.
	Name string `json:"name"`
	// Remote is the origin remote's URL without any user or password in
	// it ("" when there is none).
	Remote string `json:"remote,omitempty"`
	// Commit is HEAD's short hash ("" outside git or before the first
	// commit); Dirty is set when tracked files differ from it.
	Commit string `json:"commit,omitempty"`
	Dirty  bool   `json:"dirty,omitempty"`
	// CommitTime is HEAD's committer date.
	CommitTime time.Time `json:"commitTime,omitzero"`
}

// Describe says what dir is a checkout of. Outside a git work tree (or
// without git) it names dir's folder and leaves the rest empty: a report
// still says what it looked at.
func Describe(ctx context.Context, dir string) Checkout {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs) // a file's checkout is its folder's
	}
	root, err := RepoRoot(ctx, abs)
	if err != nil {
		return Checkout{Name: filepath.Base(abs)}
	}
	c := Checkout{Name: filepath.Base(root)}
	if out, err := git(ctx, root, "config", "--get", "remote.origin.url"); err == nil {
		c.Remote = redactRemote(strings.TrimSpace(string(out)))
		if n := remoteName(c.Remote); n != "" {
			c.Name = n
		}
	}
	if out, err := git(ctx, root, "log", "-1", "--format=%h %cI"); err == nil {
		hash, when, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
		c.Commit = hash
		if t, err := time.Parse(time.RFC3339, when); err == nil {
			c.CommitTime = t
		}
	}
	if c.Commit != "" {
		// Untracked files do not make a commit dirty, as `go version -m`'s
		// vcs.modified does not count them either.
		if out, err := git(ctx, root, "status", "--porcelain", "--untracked-files=no"); err == nil {
			c.Dirty = len(strings.TrimSpace(string(out))) > 0
		}
	}
	return c
}

// redactRemote drops the user and password of an http(s) remote, where
// tokens are kept ("https://x-access-token:…@github.com/…"), so that a
// report never carries them. scp-style remotes (git@host:path) name a
// user and no secret; they stay as they are.
func redactRemote(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.User == nil {
		return s
	}
	u.User = nil
	return u.String()
}

// remoteName is the repository name in a remote URL:
// "git@github.com:acme/shop.git" and "https://github.com/acme/shop" are
// both "shop".
func remoteName(remote string) string {
	s := strings.TrimRight(remote, "/")
	if i := strings.LastIndexAny(s, "/:"); i >= 0 {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ".git")
	if s == "" || s == "." || s == ".." {
		return ""
	}
	return s
}
