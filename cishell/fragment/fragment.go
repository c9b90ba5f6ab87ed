// Package fragment builds shell code out of pieces of a host file (a Makefile
// recipe, a YAML scalar, a JSON string) and maps every byte of that code back
// to the host file, so that the shell front end can report findings at their
// real line and column.
//
// A fragment is a sequence of segments. An exact segment is code that sits
// verbatim in the file; a replaced segment is code that stands for a span of
// the file with other text (an expanded Make variable, a JSON escape, a
// placeholder for a CI expression); a collapsed segment is code whose
// positions are unknown beyond "somewhere in this value" (folded YAML).
package fragment

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

type kind uint8

const (
	exact kind = iota
	replaced
	collapsed
)

type segment struct {
	code    int // start in Code
	codeLen int
	file    int // start in the host file
	fileLen int
	kind    kind
	ph      bool // a placeholder word for the unknown text at the file span
}

// Fragment is shell code extracted from a host file, with its position map.
type Fragment struct {
	// Code is the shell code to parse.
	Code []byte
	segs []segment
	// fixText adapts a fix's replacement text to the host syntax (escaping,
	// indentation); it reports false when the text cannot be represented.
	fixText func(newText string) (string, bool)
	// masked maps each placeholder written by Mask to the code it hid,
	// for messages; "" marks a placeholder that hid different texts.
	masked map[string]string
}

// Builder assembles a Fragment piece by piece, in code order.
type Builder struct {
	f Fragment
}

// Len is the length of the code built so far.
func (b *Builder) Len() int { return len(b.f.Code) }

// Bytes is the code built so far; callers may rewrite bytes in place as long
// as they keep the length (see Mask).
func (b *Builder) Bytes() []byte { return b.f.Code }

func (b *Builder) add(text []byte, fileStart, fileLen int, k kind) {
	if len(text) == 0 && k == exact {
		return
	}
	if n := len(b.f.segs); n > 0 && k == exact {
		// Merge adjacent exact pieces so maps stay short.
		last := &b.f.segs[n-1]
		if last.kind == exact && last.code+last.codeLen == len(b.f.Code) && last.file+last.fileLen == fileStart {
			last.codeLen += len(text)
			last.fileLen += len(text)
			b.f.Code = append(b.f.Code, text...)
			return
		}
	}
	b.f.segs = append(b.f.segs, segment{code: len(b.f.Code), codeLen: len(text), file: fileStart, fileLen: fileLen, kind: k})
	b.f.Code = append(b.f.Code, text...)
}

// Copy appends text that sits verbatim at fileOff in the host file.
func (b *Builder) Copy(text []byte, fileOff int) { b.add(text, fileOff, len(text), exact) }

// Replace appends text that stands for the host span [fileStart, fileEnd):
// an expansion, an escape sequence or a placeholder. A finding that starts or
// ends inside the text is widened to the whole span.
func (b *Builder) Replace(text []byte, fileStart, fileEnd int) {
	if fileEnd < fileStart {
		fileEnd = fileStart
	}
	b.add(text, fileStart, fileEnd-fileStart, replaced)
}

// Unknown appends a placeholder word (see Placeholder) for the host span
// [fileStart, fileEnd), whose value cannot be known. Messages and keys
// show the original text in its place.
func (b *Builder) Unknown(fileStart, fileEnd int) {
	b.Replace(Placeholder(fileEnd-fileStart), fileStart, fileEnd)
	b.f.segs[len(b.f.segs)-1].ph = true
}

// Partial appends an expansion of the host span [fileStart, fileEnd) that
// is only partly known: text with placeholder words in it (a Make variable
// whose value refers to itself, or to something undefined). Messages and
// keys show the span's original text in its place, as for Unknown, because
// the placeholder names nothing the user wrote.
func (b *Builder) Partial(text []byte, fileStart, fileEnd int) {
	b.Replace(text, fileStart, fileEnd)
	b.f.segs[len(b.f.segs)-1].ph = true
}

// Collapse appends text whose exact origin is unknown: every offset in it maps
// to fileStart, and a finding there is shown as [fileStart, showEnd).
func (b *Builder) Collapse(text []byte, fileStart, showEnd int) {
	if showEnd < fileStart {
		showEnd = fileStart
	}
	b.add(text, fileStart, showEnd-fileStart, collapsed)
}

// Mask overwrites code[start:end) in place with a same-width placeholder and
// marks that span as replaced, so fixes never edit it. Used for CI template
// expressions (${{ }}, << >>) found after the code was assembled.
func (b *Builder) Mask(start, end int) {
	if start < 0 || end > len(b.f.Code) || start >= end {
		return
	}
	ph := Placeholder(end - start)
	if b.f.masked == nil {
		b.f.masked = map[string]string{}
	}
	addOrig(b.f.masked, string(ph), string(b.f.Code[start:end]))
	b.Rewrite(start, end, ph)
	for i := range b.f.segs {
		if s := &b.f.segs[i]; s.kind == replaced && s.code >= start && s.code+s.codeLen <= end {
			s.ph = true
		}
	}
}

// Rewrite overwrites code[start:end) in place with text of the same length
// (a host-syntax unescape such as CircleCI's \<< for <<) and marks that span
// as replaced. Text of another length is ignored.
func (b *Builder) Rewrite(start, end int, text []byte) {
	if start < 0 || end > len(b.f.Code) || start >= end || len(text) != end-start {
		return
	}
	copy(b.f.Code[start:end], text)
	var out []segment
	for _, s := range b.f.segs {
		se := s.code + s.codeLen
		if s.kind != exact || se <= start || s.code >= end {
			out = append(out, s)
			continue
		}
		lo, hi := max(s.code, start), min(se, end)
		if lo > s.code {
			out = append(out, segment{code: s.code, codeLen: lo - s.code, file: s.file, fileLen: lo - s.code, kind: exact})
		}
		out = append(out, segment{code: lo, codeLen: hi - lo, file: s.file + lo - s.code, fileLen: hi - lo, kind: replaced})
		if hi < se {
			out = append(out, segment{code: hi, codeLen: se - hi, file: s.file + hi - s.code, fileLen: se - hi, kind: exact})
		}
	}
	b.f.segs = out
}

// FixText sets how fix replacement text is adapted to the host syntax.
// Without it, fixes are kept verbatim.
func (b *Builder) FixText(fn func(newText string) (string, bool)) { b.f.fixText = fn }

// NoFixes makes f refuse every fix: for code whose host runs it as
// something other than shell code (a compose command string, which
// Compose splits into argv itself).
func (f *Fragment) NoFixes() { f.fixText = func(string) (string, bool) { return "", false } }

// Fragment returns the finished fragment. The builder must not be used after.
func (b *Builder) Fragment() *Fragment {
	f := b.f
	return &f
}

// Placeholder returns a word of exactly width bytes that the shell reads as
// an unset variable ("$____"), so the walker treats it as unknown rather than
// as a literal, a flag or nothing.
func Placeholder(width int) []byte {
	if width <= 0 {
		return nil
	}
	p := bytes.Repeat([]byte{'_'}, width)
	if width >= 2 {
		p[0] = '$'
	}
	return p
}

// Map returns the host-file offset of code offset off. It is monotonic, and
// offsets at or past the end of the code map to the end of the last segment.
func (f *Fragment) Map(off int) int {
	if len(f.segs) == 0 {
		return 0
	}
	if off <= 0 {
		return f.segs[0].file
	}
	i := sort.Search(len(f.segs), func(i int) bool { return f.segs[i].code > off }) - 1
	if i < 0 {
		i = 0
	}
	s := f.segs[i]
	k := off - s.code
	if k >= s.codeLen {
		// Past the end of the code (or of an empty segment).
		if s.kind == collapsed {
			return s.file
		}
		return s.file + s.fileLen
	}
	switch s.kind {
	case exact:
		return s.file + k
	case replaced:
		return s.file + min(k, max(s.fileLen-1, 0))
	}
	return s.file
}

// Host is the file fragments come from, with a line index: findings in a
// large file with many fragments are positioned without rescanning the file
// from its start for each one.
type Host struct {
	file  string
	src   []byte
	lines *rules.LineIndex
}

// NewHost indexes src, the contents of file.
func NewHost(file string, src []byte) *Host {
	return &Host{file: file, src: src, lines: rules.NewLineIndex(src)}
}

// setRange is rules.Finding.SetRange through the line index.
func (h *Host) setRange(fd *rules.Finding, start, end int) { h.lines.SetRange(fd, start, end) }

// Check runs the shell front end on fragment f and returns its findings
// positioned in the host file. Fragments that cannot contain a finding (no
// configured container CLI and no dockguard directive) are not parsed.
//
// The shell front end sees only the stretch of the file the fragment spans,
// so its cost does not grow with the size of the file around it.
func (h *Host) Check(f *Fragment, cfg *shell.Config) []rules.Finding {
	if len(f.segs) == 0 || !Relevant(f.Code, cfg) {
		return nil
	}
	ws, we := len(h.src), 0
	for _, s := range f.segs {
		ws = min(ws, s.file)
		we = max(we, s.file+s.fileLen)
	}
	ws, we = min(max(ws, 0), len(h.src)), min(max(we, 0), len(h.src))
	if we < ws {
		we = ws
	}
	window := h.src[ws:we]
	m := func(off int) int { return min(max(f.Map(off)-ws, 0), len(window)) }
	fs := shell.CheckFragment(h.file, window, f.Code, m, &fixHost{f: f, h: h}, cfg)
	for i := range fs {
		fd := &fs[i]
		for j := range fd.Fixes {
			fd.Fixes[j].Start += ws
			fd.Fixes[j].End += ws
		}
		h.setRange(fd, fd.Start+ws, fd.End+ws)
		f.fixup(fd, h)
	}
	return fs
}

// Relevant reports whether code mentions a configured binary or a
// dockguard directive: the cheap prefilter that spares parsing.
func Relevant(code []byte, cfg *shell.Config) bool {
	if bytes.Contains(code, []byte("dockguard")) {
		return true
	}
	bins := []string{"docker", "podman", "nerdctl"}
	if cfg != nil && len(cfg.Binaries) > 0 {
		// docker-compose is always recognised, and contains "docker".
		bins = append([]string{"docker"}, cfg.Binaries...)
	}
	for _, b := range bins {
		if b != "" && bytes.Contains(code, []byte(b)) {
			return true
		}
	}
	return false
}

// fixup widens findings that start or end inside a replaced span to the
// whole span, gives collapsed findings a visible range, and drops fixes that
// would edit text that is not verbatim in the file.
func (f *Fragment) fixup(fd *rules.Finding, h *Host) {
	src := h.src
	start, end := fd.Start, fd.End
	for _, s := range f.segs {
		fe := s.file + s.fileLen
		switch s.kind {
		case replaced:
			if start > s.file && start < fe {
				start = s.file
			}
			if end > s.file && end < fe {
				end = fe
			}
		case collapsed:
			if start == s.file && end <= s.file {
				end = fe
			}
		}
	}
	if end < start {
		end = start
	}
	if start != fd.Start || end != fd.End {
		h.setRange(fd, start, end)
	}
	f.restorePlaceholders(fd, src)
	if len(fd.Fixes) == 0 {
		return
	}
	// The shell front end wrote the fix text through fixHost, so it is
	// already in the host's syntax; what is left is that every edit
	// touches only text that is verbatim in the file.
	for _, e := range fd.Fixes {
		if !f.editable(e.Start, e.End) {
			fd.Fixes = nil // the edits form one fix: all or none
			return
		}
	}
}

// fixHost is the shell.FixHost of a fragment: generated code goes through
// the fragment's FixText, copies come from the host file, widened to the
// whole of any replaced span they touch ($(DOCKER), ${{ inputs.name }}).
type fixHost struct {
	f *Fragment
	h *Host
}

func (x *fixHost) Text(code string) (string, bool) {
	if x.f.fixText == nil {
		return code, true
	}
	return x.f.fixText(code)
}

func (x *fixHost) Copy(s, e int) (string, bool) {
	if e <= s {
		return "", e == s
	}
	fs, fe := x.f.Map(s), x.f.Map(e-1)+1
	for _, sg := range x.f.segs {
		end := sg.file + sg.fileLen
		if sg.file >= fe || end <= fs {
			continue
		}
		switch sg.kind {
		case collapsed:
			return "", false
		case replaced:
			fs, fe = min(fs, sg.file), max(fe, end)
		}
	}
	if fs < 0 || fe > len(x.h.src) || fe < fs {
		return "", false
	}
	t := string(x.h.src[fs:fe])
	if strings.ContainsAny(t, "\n\r") {
		return "", false
	}
	return t, true
}

// restorePlaceholders puts the original text (${{ inputs.name }},
// $(NAME)) back where the finding's message and key quote a placeholder.
// Two different originals behind placeholders of the same width cannot be
// told apart in the message; those stay as they are.
func (f *Fragment) restorePlaceholders(fd *rules.Finding, src []byte) {
	if !strings.Contains(fd.Message, "$_") && !strings.Contains(fd.Key, "$_") {
		return
	}
	// Placeholders inside the finding's range come first; masks of
	// collapsed text have no usable range and fill in the rest.
	orig := map[string]string{}
	for _, s := range f.segs {
		if s.ph && s.fileLen > 0 && s.file+s.fileLen <= len(src) && s.file < fd.End && s.file+s.fileLen > fd.Start {
			addOrig(orig, string(f.Code[s.code:s.code+s.codeLen]), string(src[s.file:s.file+s.fileLen]))
		}
	}
	for ph, o := range f.masked {
		if _, ok := orig[ph]; !ok {
			orig[ph] = o
		}
	}
	// The longest text first: a partial expansion ("$___x") contains
	// shorter placeholders that stand for other spans, and the result
	// must not depend on map order.
	phs := make([]string, 0, len(orig))
	for ph := range orig {
		phs = append(phs, ph)
	}
	sort.Slice(phs, func(i, j int) bool {
		if len(phs[i]) != len(phs[j]) {
			return len(phs[i]) > len(phs[j])
		}
		return phs[i] < phs[j]
	})
	for _, ph := range phs {
		o := orig[ph]
		if o == "" || strings.ContainsAny(o, "\n\r") {
			continue
		}
		fd.Message = replaceWord(fd.Message, ph, o)
		fd.Key = replaceWord(fd.Key, ph, o)
	}
}

// addOrig records that placeholder ph stands for o, unless it already
// stands for something else.
func addOrig(m map[string]string, ph, o string) {
	if prev, dup := m[ph]; dup && prev != o {
		m[ph] = ""
		return
	}
	m[ph] = o
}

// replaceWord replaces ph in s where it is not followed by more of the same
// placeholder characters (so "$__" does not match inside "$____").
func replaceWord(s, ph, with string) string {
	var sb strings.Builder
	for {
		i := strings.Index(s, ph)
		if i < 0 {
			sb.WriteString(s)
			return sb.String()
		}
		j := i + len(ph)
		if j < len(s) && s[j] == '_' || i > 0 && (s[i-1] == '_' || s[i-1] == '$') {
			sb.WriteString(s[:j])
			s = s[j:]
			continue
		}
		sb.WriteString(s[:i])
		sb.WriteString(with)
		s = s[j:]
	}
}

// editable reports whether [start, end) lies inside one exact segment.
func (f *Fragment) editable(start, end int) bool {
	for _, s := range f.segs {
		if s.kind == exact && s.file <= start && end <= s.file+s.fileLen && start <= end {
			return true
		}
		// An insertion at either edge of a replaced span ($(DOCKER))
		// leaves the span whole.
		if start == end && s.kind == replaced && (start == s.file || start == s.file+s.fileLen) {
			return true
		}
	}
	return false
}

// Verify checks the fragment against its host file: every exact segment
// must be verbatim in src (a copied line break may sit on "\r" or "\n"),
// every segment must lie inside src, and the map must be monotonic. Tests
// and fuzz targets use it to prove extraction keeps its promises.
func (f *Fragment) Verify(src []byte) error {
	prev := 0
	for _, s := range f.segs {
		if s.file < 0 || s.file+s.fileLen > len(src) || s.code+s.codeLen > len(f.Code) {
			return fmt.Errorf("segment code %d+%d file %d+%d outside the code (%d) or the file (%d)", s.code, s.codeLen, s.file, s.fileLen, len(f.Code), len(src))
		}
		if s.kind == exact {
			code := f.Code[s.code : s.code+s.codeLen]
			host := src[s.file : s.file+s.fileLen]
			for i := range code {
				if code[i] != host[i] && (code[i] != '\n' || host[i] != '\r') {
					return fmt.Errorf("exact segment at code %d: code %q, file %q", s.code, code, host)
				}
			}
		}
	}
	for off := 0; off <= len(f.Code); off++ {
		m := f.Map(off)
		if m < prev || m < 0 || m > len(src) {
			return fmt.Errorf("map(%d) = %d after %d (file length %d)", off, m, prev, len(src))
		}
		prev = m
	}
	return nil
}
