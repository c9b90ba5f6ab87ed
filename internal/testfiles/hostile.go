package testfiles

import (
	"fmt"
	"strings"
)

// MergeBomb is YAML whose merge keys fan out levels deep, width per level:
// about 1 KB resolving to width^levels keys. The anchors are x-m0 … x-mN
// top-level keys; *mN (N = levels) is the widest, for use in what follows.
func MergeBomb(levels, width int) string {
	var b strings.Builder
	b.WriteString("x-m0: &m0 {a: 1}\n")
	for l := 1; l <= levels; l++ {
		refs := strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*m%d, ", l-1), width), ", ")
		fmt.Fprintf(&b, "x-m%d: &m%d\n  <<: [%s]\n  k%d: 1\n", l, l, refs, l)
	}
	return b.String()
}
