package rules

import "sort"

// LineIndex converts byte offsets of one source to lines and columns in
// O(log lines) after a single scan, for front ends that report many findings
// in one file (Position rescans from the start on every call).
type LineIndex struct {
	src    []byte
	starts []int // offset of the first byte of each line
}

// NewLineIndex indexes src.
func NewLineIndex(src []byte) *LineIndex {
	ix := &LineIndex{src: src, starts: []int{0}}
	for i, c := range src {
		if c == '\n' {
			ix.starts = append(ix.starts, i+1)
		}
	}
	return ix
}

// Src returns the indexed source.
func (ix *LineIndex) Src() []byte { return ix.src }

// Position returns the 1-based line and byte column of off, like Position.
func (ix *LineIndex) Position(off int) (line, col int) {
	off = clamp(off, 0, len(ix.src))
	i := sort.Search(len(ix.starts), func(i int) bool { return ix.starts[i] > off }) - 1
	return i + 1, off - ix.starts[i] + 1
}

// SetRange is Finding.SetRange through the index.
func (ix *LineIndex) SetRange(f *Finding, start, end int) {
	start = clamp(start, 0, len(ix.src))
	end = clamp(end, start, len(ix.src))
	f.Start, f.End = start, end
	f.Line, f.Column = ix.Position(start)
	f.EndLine, f.EndColumn = ix.Position(end)
}

// New is New through the index.
func (ix *LineIndex) New(r *Rule, file string, start, end int, msg string) Finding {
	f := Finding{Rule: r.ID, Name: r.Name, Severity: r.Severity, File: file, Message: msg}
	ix.SetRange(&f, start, end)
	return f
}
