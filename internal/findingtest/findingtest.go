// Package findingtest holds the golden-file helpers that the front ends'
// tests share: one rendering of findings, the invariants every finding must
// keep, and the comparison with a .golden file beside the input.
package findingtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// Render prints findings one a line as "line:col-endLine:endCol: RULE key",
// in file order.
func Render(fs []rules.Finding) []byte {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Start != fs[j].Start {
			return fs[i].Start < fs[j].Start
		}
		return fs[i].Rule < fs[j].Rule
	})
	var b bytes.Buffer
	for _, f := range fs {
		fmt.Fprintf(&b, "%d:%d-%d:%d: %s %s\n", f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, f.Key)
	}
	return b.Bytes()
}

// CheckInvariants asserts what every finding in file (contents src) must
// keep: its file name, a range inside the file, line and column fields that
// agree with the offsets, a known rule, and fix edits inside the file.
func CheckInvariants(t *testing.T, file string, src []byte, fs []rules.Finding) {
	t.Helper()
	for _, f := range fs {
		if f.File != file {
			t.Errorf("finding file %q, want %q", f.File, file)
		}
		if f.Start < 0 || f.End < f.Start || f.End > len(src) {
			t.Errorf("finding range [%d,%d) outside the file (%d bytes)", f.Start, f.End, len(src))
			continue
		}
		if l, c := rules.Position(src, f.Start); l != f.Line || c != f.Column {
			t.Errorf("finding at %d:%d, but its offset is %d:%d", f.Line, f.Column, l, c)
		}
		if l, c := rules.Position(src, f.End); l != f.EndLine || c != f.EndColumn {
			t.Errorf("finding ends at %d:%d, but its offset is %d:%d", f.EndLine, f.EndColumn, l, c)
		}
		if _, ok := rules.Lookup(f.Rule); !ok {
			t.Errorf("unknown rule %q", f.Rule)
		}
		for _, e := range f.Fixes {
			if e.Start < 0 || e.End < e.Start || e.End > len(src) {
				t.Errorf("fix edit [%d,%d) outside the file", e.Start, e.End)
			}
		}
	}
}

// Golden runs check on every input matching pattern (files ending in
// .golden are the expectations) and compares the rendered findings with
// INPUT.golden, or rewrites it when update is set.
func Golden(t *testing.T, pattern string, update bool, check func(path string, src []byte) []rules.Finding) {
	t.Helper()
	files, err := filepath.Glob(pattern)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fs := check(path, src)
			CheckInvariants(t, path, src, fs)
			got := Render(fs)
			golden := path + ".golden"
			if update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("findings differ from %s\n--- got\n%s--- want\n%s", golden, got, want)
			}
		})
	}
	if n == 0 {
		t.Errorf("no inputs match %s", pattern)
	}
}
