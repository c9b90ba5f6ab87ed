package baseline

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// Changes records which lines differ from a git revision, by
// repository-relative path. A file mapped to nil is new as a whole
// (untracked, or added since the revision).
type Changes map[string]map[int]bool

// Touches reports whether any line in [from, to] of file changed. from 0
// (a finding without a position) asks whether the file changed at all.
func (c Changes) Touches(file string, from, to int) bool {
	lines, ok := c[file]
	if !ok {
		return false
	}
	if lines == nil || from <= 0 {
		return true
	}
	for l := from; l <= max(from, to); l++ {
		if lines[l] {
			return true
		}
	}
	return false
}

// RepoRoot returns the top of the git work tree holding dir.
func RepoRoot(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", err
	}
	root := strings.TrimSpace(string(out))
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	return root, nil
}

// MergeBase returns the best common ancestor of HEAD and branch.
func MergeBase(ctx context.Context, root, branch string) (string, error) {
	out, err := git(ctx, root, "merge-base", "HEAD", branch)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Changed compares the work tree at root (including uncommitted and
// untracked files) with rev. Renames are followed, so a renamed file only
// counts the lines that changed in it.
func Changed(ctx context.Context, root, rev string) (Changes, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("bad revision %q", rev)
	}
	if _, err := git(ctx, root, "rev-parse", "--verify", "--quiet", rev+"^{commit}"); err != nil {
		return nil, fmt.Errorf("unknown git revision %q", rev)
	}
	out, err := git(ctx, root, "-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--no-textconv",
		"--unified=0", "--find-renames", "--src-prefix=a/", "--dst-prefix=b/", rev, "--")
	if err != nil {
		return nil, err
	}
	c, err := ParseDiff(out)
	if err != nil {
		return nil, err
	}
	untracked, err := git(ctx, root, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, err
	}
	for _, p := range strings.Split(string(untracked), "\x00") {
		if p != "" {
			c[p] = nil
		}
	}
	return c, nil
}

// ParseDiff reads a unified diff (git diff -U0) and returns the added or
// modified lines of each new-side file. Hunk bodies are read by the counts
// in their headers, so an added line that looks like a header ("+++ x")
// stays a line, and only lines actually present are recorded.
func ParseDiff(diff []byte) (Changes, error) {
	c := Changes{}
	var file string
	var fromNull bool
	var oldLeft, newLeft, cur int
	sc := bufio.NewScanner(bytes.NewReader(diff))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		line := sc.Text()
		if oldLeft > 0 || newLeft > 0 {
			switch {
			case strings.HasPrefix(line, "+"):
				if c[file] != nil {
					c[file][cur] = true
				}
				cur++
				newLeft--
			case strings.HasPrefix(line, "-"):
				oldLeft--
			case strings.HasPrefix(line, " "):
				cur++
				oldLeft--
				newLeft--
			case strings.HasPrefix(line, "\\"):
				// "\ No newline at end of file"
			default:
				oldLeft, newLeft = 0, 0 // a truncated hunk; read on as headers
			}
			if oldLeft > 0 || newLeft > 0 || !strings.HasPrefix(line, "diff ") {
				continue
			}
		}
		switch {
		case strings.HasPrefix(line, "diff --git "):
			file, fromNull = "", false
		case strings.HasPrefix(line, "--- "):
			fromNull = strings.TrimSpace(line[4:]) == "/dev/null"
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimSpace(line[4:])
			if name == "/dev/null" {
				file = "" // deleted: nothing on the new side
				continue
			}
			file = strings.TrimPrefix(unquote(name), "b/")
			if fromNull {
				c[file] = nil // added since rev: all of it is new
			} else if _, ok := c[file]; !ok {
				c[file] = map[int]bool{}
			}
		case strings.HasPrefix(line, "@@ ") && file != "":
			var err error
			if oldLeft, cur, newLeft, err = hunkRanges(line); err != nil {
				return nil, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read git diff: %w", err)
	}
	return c, nil
}

// hunkRanges parses "@@ -a[,b] +c[,d] @@" into the old line count, the
// first new line and the new line count.
func hunkRanges(header string) (oldCount, newStart, newCount int, err error) {
	fields := strings.Fields(header)
	if len(fields) < 3 || !strings.HasPrefix(fields[1], "-") || !strings.HasPrefix(fields[2], "+") {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", header)
	}
	_, oldCount, err = rangeOf(fields[1][1:])
	if err == nil {
		newStart, newCount, err = rangeOf(fields[2][1:])
	}
	if err != nil {
		return 0, 0, 0, fmt.Errorf("bad hunk header %q", header)
	}
	return oldCount, newStart, newCount, nil
}

// rangeOf parses "start[,count]" (count defaults to 1).
func rangeOf(s string) (start, count int, err error) {
	a, b, hasCount := strings.Cut(s, ",")
	if start, err = strconv.Atoi(a); err != nil || start < 0 {
		return 0, 0, fmt.Errorf("bad range %q", s)
	}
	count = 1
	if hasCount {
		if count, err = strconv.Atoi(b); err != nil || count < 0 {
			return 0, 0, fmt.Errorf("bad range %q", s)
		}
	}
	return start, count, nil
}

// unquote decodes a C-quoted git path ("a/with \"quote\"").
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
	}
	return s
}

func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return nil, fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out, nil
}

// ServiceBlocks returns the line span of each service of a compose file:
// from the service's key to the line before the next service (or the next
// top-level key). For --new-from-rev a compose finding counts as changed
// when any line of its service's block changed.
func ServiceBlocks(src []byte) (spans [][2]int) {
	defer func() {
		if recover() != nil {
			spans = nil // a YAML the parser chokes on has no blocks
		}
	}()
	var doc yaml.Node
	if yaml.Unmarshal(src, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	top := doc.Content[0].Content
	lastLine := bytes.Count(src, []byte{'\n'}) + 1
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value != "services" || top[i+1].Kind != yaml.MappingNode {
			continue
		}
		end := lastLine
		if i+2 < len(top) {
			end = top[i+2].Line - 1
		}
		svcs := top[i+1].Content
		for j := 0; j+1 < len(svcs); j += 2 {
			to := end
			if j+2 < len(svcs) {
				to = svcs[j+2].Line - 1
			}
			spans = append(spans, [2]int{svcs[j].Line, max(to, svcs[j].Line)})
		}
	}
	return spans
}

// FindingSpan returns the lines a finding occupies for --new-from-rev: its
// own lines, widened to the enclosing service block in compose files.
func FindingSpan(f *rules.Finding, blocks [][2]int) (from, to int) {
	from, to = f.Line, max(f.EndLine, f.Line)
	for _, b := range blocks {
		if from >= b[0] && from <= b[1] {
			return b[0], max(b[1], to)
		}
	}
	return from, to
}
