package dockerexec

import (
	"strconv"
	"testing"
)

func TestLiteralOffsets(t *testing.T) {
	for _, tc := range []struct {
		lit  string
		want []int
	}{
		{`"ab"`, []int{1, 2}},
		{"`a\r\nb`", []int{1, 3, 4}},
		{`"a\tb"`, []int{1, 2, 4}},
		{`"\x2df"`, []int{1, 5}},
		{`"é"`, []int{1, 2}},
		{`"\u00e9x"`, []int{1, 2, 7}},
		{`"\303\251"`, []int{1, 5}},
		{`"`, nil},
		{`x`, nil},
	} {
		got := literalOffsets(tc.lit)
		if len(got) != len(tc.want) {
			t.Errorf("literalOffsets(%s) = %v, want %v", tc.lit, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("literalOffsets(%s) = %v, want %v", tc.lit, got, tc.want)
				break
			}
		}
	}
}

// FuzzLiteralOffsets checks that every byte of the string a literal denotes
// maps inside the literal, in order, one entry per byte.
func FuzzLiteralOffsets(f *testing.F) {
	for _, s := range []string{"docker rm -f web", "a\tb\x00", "é\u2028", "\xff", "`raw`"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, s string, raw bool) {
		lit := strconv.Quote(s)
		if raw && strconv.CanBackquote(s) {
			lit = "`" + s + "`"
		}
		val, err := strconv.Unquote(lit)
		if err != nil {
			t.Skip()
		}
		table := literalOffsets(lit)
		if len(table) != len(val) {
			t.Fatalf("%s: %d offsets for %d bytes", lit, len(table), len(val))
		}
		prev := 0
		for _, o := range table {
			if o < 1 || o >= len(lit)-1 || o < prev {
				t.Fatalf("%s: offsets %v out of order or range", lit, table)
			}
			prev = o
		}
	})
}
