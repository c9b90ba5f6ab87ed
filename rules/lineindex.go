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

// Src returns the indexed source (nil for a nil index).
func (ix *LineIndex) Src() []byte {
	if ix == nil {
		return nil
	}
	return ix.src
}

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

// Lines returns the number of lines (a final line without a newline counts).
func (ix *LineIndex) Lines() int { return len(ix.starts) }

// LineStart returns the offset of the first byte of the 1-based line,
// clamped to the source.
func (ix *LineIndex) LineStart(line int) int {
	if line < 1 {
		return 0
	}
	if line > len(ix.starts) {
		return len(ix.src)
	}
	return ix.starts[line-1]
}

// LineText returns the 1-based line without its newline (and without a
// carriage return before it).
func (ix *LineIndex) LineText(line int) []byte {
	start := ix.LineStart(line)
	end := len(ix.src)
	if line >= 1 && line < len(ix.starts) {
		end = ix.starts[line] - 1
	}
	if end > start && ix.src[end-1] == '\r' {
		end--
	}
	return ix.src[start:end]
}

// Offset is Offset through the index: the byte offset of the 1-based line
// and byte column, clamped to the line.
func (ix *LineIndex) Offset(line, col int) int {
	line = max(line, 1)
	start := ix.LineStart(line)
	end := len(ix.src)
	if line >= 1 && line < len(ix.starts) {
		end = ix.starts[line] - 1
	}
	return start + clamp(col-1, 0, end-start)
}

// UTF16Column is UTF16Column through the index: it scans only the line.
func (ix *LineIndex) UTF16Column(line, byteCol int) int {
	start := ix.LineStart(line)
	return utf16Units(ix.src, start, clamp(start+byteCol-1, start, len(ix.src)))
}
