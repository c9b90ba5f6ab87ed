package report

import (
	"bytes"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/rules"
)

// repoURI returns the URI of file for formats that want repository-relative
// locations. rel is true when the URI is relative to r.Root; otherwise it is
// an absolute file: URI, or file itself when it already is a URI (a daemon
// endpoint such as unix:///var/run/docker.sock).
func (r *Run) repoURI(file string) (uri string, rel bool) {
	if strings.Contains(file, "://") {
		return file, false
	}
	abs := filepath.FromSlash(file)
	if !filepath.IsAbs(abs) {
		base := r.Dir
		if base == "" {
			base = r.Root
		}
		if base == "" {
			return escapePath(filepath.ToSlash(file)), true
		}
		abs = filepath.Join(base, abs)
	}
	if r.Root != "" {
		if p, err := filepath.Rel(r.Root, abs); err == nil && p != ".." && !strings.HasPrefix(p, ".."+string(filepath.Separator)) {
			return escapePath(filepath.ToSlash(p)), true
		}
	}
	return fileURI(abs), false
}

// repoPath returns file relative to r.Root (slash-separated, unescaped)
// when it lies under it, else file unchanged. GitHub resolves annotation
// paths against the repository root, whatever directory dockguard ran in.
func (r *Run) repoPath(file string) string {
	if r.Root == "" || strings.Contains(file, "://") {
		return file
	}
	abs := filepath.FromSlash(file)
	if !filepath.IsAbs(abs) {
		base := r.Dir
		if base == "" {
			return file
		}
		abs = filepath.Join(base, abs)
	}
	if p, err := filepath.Rel(r.Root, abs); err == nil && p != ".." && !strings.HasPrefix(p, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(p)
	}
	return file
}

// fileURI turns an absolute path into a file: URI.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive letters
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// escapePath percent-encodes a relative slash path as a URI reference.
func escapePath(p string) string {
	u := (&url.URL{Path: p}).EscapedPath()
	if i := strings.IndexByte(u, '/'); strings.Contains(u[:max(i, 0)], ":") || (i < 0 && strings.Contains(u, ":")) {
		u = "./" + u // a colon in the first segment would read as a scheme
	}
	return u
}

// lines returns the line index of file's contents, or nil when they are
// unknown. It is built once per file.
func (r *Run) lines(file string) *rules.LineIndex {
	if r.Source == nil || file == "" {
		return nil
	}
	if ix, ok := r.lineIdx[file]; ok {
		return ix
	}
	var ix *rules.LineIndex
	if src := r.Source(file); src != nil {
		ix = rules.NewLineIndex(src)
	}
	if r.lineIdx == nil {
		r.lineIdx = map[string]*rules.LineIndex{}
	}
	r.lineIdx[file] = ix
	return ix
}

// utf16Columns converts a finding's byte columns into UTF-16 code units.
// Without the source they are returned unchanged, which is exact for ASCII.
func utf16Columns(ix *rules.LineIndex, f *rules.Finding) (start, end int) {
	if ix == nil {
		return f.Column, f.EndColumn
	}
	return ix.UTF16Column(f.Line, f.Column), ix.UTF16Column(f.EndLine, f.EndColumn)
}

// lineText returns the text of the 1-based line, without the newline.
func lineText(ix *rules.LineIndex, line int) string {
	return string(ix.LineText(line))
}

// allResults merges the shown and the suppressed findings in output order.
func (r *Run) allResults() []Suppressed {
	out := make([]Suppressed, 0, len(r.Findings)+len(r.SuppressedFindings))
	for _, f := range r.Findings {
		out = append(out, Suppressed{Finding: f})
	}
	out = append(out, r.SuppressedFindings...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i].Finding, &out[j].Finding
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Rule < b.Rule
	})
	return out
}

// ruleName returns a finding's rule name, from the catalogue when the
// finding lacks it.
func ruleName(f *rules.Finding) string {
	if f.Name != "" {
		return f.Name
	}
	if r, ok := rules.Lookup(f.Rule); ok {
		return r.Name
	}
	return ""
}

// helpURI returns the rule's documentation page, or "".
func helpURI(id string) string {
	if r, ok := rules.Lookup(id); ok {
		return r.HelpURI()
	}
	return ""
}

// fixSpan turns a fix (edits applied together) into one replacement: the
// span [start, end) of src its edits cover and that span's new text. Only
// the span is rewritten, so a file with many fixes costs no copies of it.
func fixSpan(src []byte, edits []rules.Edit) (start, end int, text string, ok bool) {
	if len(edits) == 0 {
		return 0, 0, "", false
	}
	start, end = len(src), 0
	for _, e := range edits {
		start, end = min(start, e.Start), max(end, e.End)
	}
	if start < 0 || end > len(src) || start > end {
		return 0, 0, "", false
	}
	local := make([]rules.Edit, len(edits))
	for i, e := range edits {
		local[i] = rules.Edit{Start: e.Start - start, End: e.End - start, NewText: e.NewText}
	}
	after, err := fix.Apply(src[start:end], local)
	if err != nil {
		return 0, 0, "", false
	}
	return start, end, string(after), true
}

// fixedLines returns the lines of src that the fix changes, as they read
// after it, for formats that can only show a suggestion as text.
func fixedLines(src []byte, edits []rules.Edit) (string, bool) {
	s, e, text, ok := fixSpan(src, edits)
	if !ok {
		return "", false
	}
	ls := bytes.LastIndexByte(src[:s], '\n') + 1
	le := len(src)
	if i := bytes.IndexByte(src[e:], '\n'); i >= 0 {
		le = e + i
	}
	return strings.TrimRight(string(src[ls:s])+text+string(src[e:le]), "\r"), true
}
