package makefiles

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the current output")

// render prints findings one a line as "line:col-endLine:endCol: RULE key",
// in file order.
func render(fs []rules.Finding) []byte {
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

// checkFindings asserts the invariants every finding must keep.
func checkFindings(t *testing.T, file string, src []byte, fs []rules.Finding) {
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
		if _, ok := rules.Lookup(f.Rule); !ok {
			t.Errorf("unknown rule %q", f.Rule)
		}
	}
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range files {
		if strings.HasSuffix(path, ".golden") {
			continue
		}
		t.Run(filepath.Base(path), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			fs := Check(path, src, nil)
			checkFindings(t, path, src, fs)
			got := render(fs)
			golden := path + ".golden"
			if *update {
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
}
