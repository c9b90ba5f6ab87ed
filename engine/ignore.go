package engine

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// skipDirs are never descended into, whatever .gitignore says.
var skipDirs = map[string]bool{".git": true, "vendor": true, "node_modules": true, ".hg": true, ".svn": true}

// ignorer holds the .gitignore patterns that apply to one directory: its
// own plus every ancestor's up to the repository root. Patterns are matched
// against paths relative to base.
type ignorer struct {
	base     string // absolute directory the patterns' domains are relative to
	patterns []gitignore.Pattern
	matcher  gitignore.Matcher
}

// rootIgnorer builds the ignorer for the scan root dir: it finds the
// enclosing repository (a parent with .git) and loads the .gitignore files
// from the repository root down to dir.
func rootIgnorer(dir string) *ignorer {
	base := dir
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			base = d
			break
		}
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	ig := &ignorer{base: base}
	rel, err := filepath.Rel(base, dir)
	if err != nil {
		return ig
	}
	ig = ig.descend(base)
	if rel == "." {
		return ig
	}
	cur := base
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, part)
		if ig.ignored(cur, true) {
			// An explicitly given root is checked even when the enclosing
			// repository ignores it, as rg and git grep --no-index do; only
			// its own .gitignore files apply then.
			fresh := &ignorer{base: dir}
			return fresh.descend(dir)
		}
		ig = ig.descend(cur)
	}
	return ig
}

// descend returns the ignorer for subdirectory dir, adding dir/.gitignore.
func (ig *ignorer) descend(dir string) *ignorer {
	data, err := os.ReadFile(filepath.Join(dir, ".gitignore"))
	if err != nil || len(bytes.TrimSpace(data)) == 0 {
		return ig
	}
	domain := ig.components(dir)
	ps := append([]gitignore.Pattern(nil), ig.patterns...)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return &ignorer{base: ig.base, patterns: ps, matcher: gitignore.NewMatcher(ps)}
}

func (ig *ignorer) components(path string) []string {
	rel, err := filepath.Rel(ig.base, path)
	if err != nil || rel == "." {
		return nil
	}
	return strings.Split(filepath.ToSlash(rel), "/")
}

// ignored reports whether the absolute path is excluded by .gitignore.
func (ig *ignorer) ignored(path string, isDir bool) bool {
	if ig == nil || ig.matcher == nil {
		return false
	}
	return ig.matcher.Match(ig.components(path), isDir)
}
