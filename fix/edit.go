package fix

import (
	"fmt"
	"sort"

	"github.com/dockguard/dockguard/rules"
)

// validate checks that one fix's edits lie inside a file of n bytes and do
// not overlap each other, and returns them sorted by offset.
func validate(edits []rules.Edit, n int) ([]rules.Edit, error) {
	out := append([]rules.Edit(nil), edits...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	for i, e := range out {
		if e.Start < 0 || e.End < e.Start || e.End > n {
			return nil, fmt.Errorf("edit [%d,%d) lies outside the file (%d bytes)", e.Start, e.End, n)
		}
		if i > 0 && conflict(out[i-1], e) {
			return nil, fmt.Errorf("its edits [%d,%d) and [%d,%d) overlap", out[i-1].Start, out[i-1].End, e.Start, e.End)
		}
	}
	return out, nil
}

// conflict reports whether two edits cannot both be applied in a
// well-defined way: their ranges overlap, an insertion lies strictly
// inside the other's range, or both insert at the same offset (whose
// text would go first is undefined).
func conflict(a, b rules.Edit) bool {
	switch {
	case a.Start == a.End && b.Start == b.End:
		return a.Start == b.Start
	case a.Start == a.End:
		return b.Start < a.Start && a.Start < b.End
	case b.Start == b.End:
		return a.Start < b.Start && b.Start < a.End
	}
	return a.Start < b.End && b.Start < a.End
}

// conflicts reports whether any edit of x conflicts with any edit of y.
func conflicts(x, y []rules.Edit) bool {
	for _, a := range x {
		for _, b := range y {
			if conflict(a, b) {
				return true
			}
		}
	}
	return false
}

// sameEdits reports whether two sorted fixes are the same edits.
func sameEdits(x, y []rules.Edit) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// Apply returns src with the edits applied. The edits must be valid for
// src and must not conflict (Apply sorts them); it returns an error
// otherwise.
func Apply(src []byte, edits []rules.Edit) ([]byte, error) {
	sorted, err := validate(edits, len(src))
	if err != nil {
		return nil, err
	}
	grow := 0
	for _, e := range sorted {
		grow += len(e.NewText) - (e.End - e.Start)
	}
	out := make([]byte, 0, max(len(src)+grow, 0))
	last := 0
	for _, e := range sorted {
		out = append(out, src[last:e.Start]...)
		out = append(out, e.NewText...)
		last = e.End
	}
	return append(out, src[last:]...), nil
}

// shift maps offset off of the original contents to the contents after
// the sorted, non-conflicting edits. A start offset (end false) moves
// past text inserted at it; an end offset does not, so a range keeps
// covering what it covered. An offset inside a replaced range widens to
// the replacement: to its start for a start offset, its end for an end.
func shift(edits []rules.Edit, off int, end bool) int {
	delta := 0
	for _, e := range edits {
		if e.Start == e.End {
			if e.Start < off || e.Start == off && !end {
				delta += len(e.NewText)
				continue
			}
			break
		}
		if e.End <= off {
			delta += len(e.NewText) - (e.End - e.Start)
			continue
		}
		if e.Start < off {
			if end {
				return e.Start + delta + len(e.NewText)
			}
			return e.Start + delta
		}
		break
	}
	return off + delta
}

// Move moves a finding that was not fixed to where its text lies in the
// fixed file f: its range follows the applied edits, and its own fix
// follows them too, or is dropped when it conflicts with them (run again
// to apply it).
func Move(fd *rules.Finding, f *File) {
	s, e := shift(f.Edits, fd.Start, false), shift(f.Edits, fd.End, true)
	fd.SetRange(f.After, s, max(s, e))
	if len(fd.Fixes) == 0 {
		return
	}
	if conflicts(fd.Fixes, f.Edits) {
		fd.Fixes = nil
		return
	}
	moved := make([]rules.Edit, len(fd.Fixes))
	for i, x := range fd.Fixes {
		moved[i] = rules.Edit{Start: shift(f.Edits, x.Start, false), End: shift(f.Edits, x.End, true), NewText: x.NewText}
	}
	fd.Fixes = moved
}
