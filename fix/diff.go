package fix

import (
	"bytes"
	"fmt"
	"io"
)

// context is the number of unchanged lines around each change, as diff -u
// prints them.
const contextLines = 3

// WriteDiff writes a unified diff of every changed file, as `git diff`
// and `shellcheck -f diff` print them, with a/ and b/ prefixes.
func (r *Result) WriteDiff(w io.Writer) error {
	for _, f := range r.Files {
		if !f.Changed() {
			continue
		}
		if err := Unified(w, "a/"+f.Name, "b/"+f.Name, f.Before, f.After); err != nil {
			return err
		}
	}
	return nil
}

// Unified writes the unified diff of a and b, labelled from and to. It
// writes nothing when they are equal.
func Unified(w io.Writer, from, to string, a, b []byte) error {
	x, y := splitLines(a), splitLines(b)
	ops := diffLines(x, y)
	hunks := group(ops, contextLines)
	if len(hunks) == 0 {
		return nil
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "--- %s\n+++ %s\n", from, to)
	for _, h := range hunks {
		fmt.Fprintf(&buf, "@@ -%s +%s @@\n", span(h.x0, h.x1-h.x0), span(h.y0, h.y1-h.y0))
		for _, op := range h.ops {
			var line []byte
			switch op.kind {
			case ' ', '-':
				line = x[op.i]
			case '+':
				line = y[op.j]
			}
			buf.WriteByte(op.kind)
			buf.Write(line)
			if !bytes.HasSuffix(line, []byte("\n")) {
				buf.WriteString("\n\\ No newline at end of file\n")
			}
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// span formats a hunk range: start,count with diff's conventions (an
// empty range names the line before it).
func span(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits after each newline; the last line may lack one.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			out = append(out, b)
			break
		}
		out = append(out, b[:i+1])
		b = b[i+1:]
	}
	return out
}

// op is one line of an edit script: ' ' keeps x[i] (= y[j]), '-' deletes
// x[i], '+' inserts y[j].
type op struct {
	kind byte
	i, j int
}

// diffLines returns an edit script from x to y. The common prefix and
// suffix are stripped first (fixes change a few lines of large files);
// the middle is diffed with Myers' O(ND) algorithm.
func diffLines(x, y [][]byte) []op {
	pre := 0
	for pre < len(x) && pre < len(y) && bytes.Equal(x[pre], y[pre]) {
		pre++
	}
	suf := 0
	for suf < len(x)-pre && suf < len(y)-pre && bytes.Equal(x[len(x)-1-suf], y[len(y)-1-suf]) {
		suf++
	}
	var ops []op
	for k := range pre {
		ops = append(ops, op{' ', k, k})
	}
	ops = append(ops, myers(x[pre:len(x)-suf], y[pre:len(y)-suf], pre, pre)...)
	for k := range suf {
		ops = append(ops, op{' ', len(x) - suf + k, len(y) - suf + k})
	}
	return ops
}

// myers diffs x and y, whose first lines are x0 and y0 of the whole.
func myers(x, y [][]byte, x0, y0 int) []op {
	n, m := len(x), len(y)
	maxD := n + m
	if maxD == 0 {
		return nil
	}
	off := maxD
	v := make([]int, 2*maxD+2)
	var trace [][]int
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				i = v[off+k+1]
			} else {
				i = v[off+k-1] + 1
			}
			j := i - k
			for i < n && j < m && bytes.Equal(x[i], y[j]) {
				i++
				j++
			}
			v[off+k] = i
			if i >= n && j >= m {
				return backtrack(trace, x0, y0, n, m, off)
			}
		}
	}
	return nil
}

// backtrack walks the saved frontiers from the end to build the script.
func backtrack(trace [][]int, x0, y0, n, m, off int) []op {
	var rev []op
	i, j := n, m
	for d := len(trace) - 1; d >= 0 && (i > 0 || j > 0); d-- {
		v := trace[d]
		k := i - j
		var pk int
		if k == -d || k != d && v[off+k-1] < v[off+k+1] {
			pk = k + 1
		} else {
			pk = k - 1
		}
		pi := v[off+pk]
		pj := pi - pk
		for i > pi && j > pj && i > 0 && j > 0 {
			i--
			j--
			rev = append(rev, op{' ', x0 + i, y0 + j})
		}
		if d == 0 {
			break
		}
		if i == pi {
			j--
			rev = append(rev, op{'+', x0 + i, y0 + j})
		} else {
			i--
			rev = append(rev, op{'-', x0 + i, y0 + j})
		}
	}
	for i > 0 && j > 0 {
		i--
		j--
		rev = append(rev, op{' ', x0 + i, y0 + j})
	}
	out := make([]op, len(rev))
	for k := range rev {
		out[k] = rev[len(rev)-1-k]
	}
	return out
}

// hunk is a run of changes with their context.
type hunk struct {
	x0, x1, y0, y1 int
	ops            []op
}

// group cuts the script into hunks with ctx lines of context, merging
// changes that are closer than 2*ctx lines.
func group(ops []op, ctx int) []hunk {
	var hunks []hunk
	for s := 0; s < len(ops); {
		if ops[s].kind == ' ' {
			s++
			continue
		}
		start := max(s-ctx, 0)
		e := s
		for {
			for e < len(ops) && ops[e].kind != ' ' {
				e++
			}
			run := 0
			for e+run < len(ops) && ops[e+run].kind == ' ' {
				run++
			}
			if e+run < len(ops) && run <= 2*ctx {
				e += run
				continue
			}
			e = min(e+ctx, len(ops))
			break
		}
		h := hunk{ops: ops[start:e]}
		h.x0, h.y0 = lineStart(ops, start)
		h.x1, h.y1 = h.x0, h.y0
		for _, o := range h.ops {
			if o.kind != '+' {
				h.x1++
			}
			if o.kind != '-' {
				h.y1++
			}
		}
		hunks = append(hunks, h)
		s = e
	}
	return hunks
}

// lineStart is the x and y line at which ops[k] stands.
func lineStart(ops []op, k int) (int, int) {
	x, y := 0, 0
	for _, o := range ops[:k] {
		if o.kind != '+' {
			x++
		}
		if o.kind != '-' {
			y++
		}
	}
	return x, y
}
