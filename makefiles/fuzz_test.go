package makefiles

import (
	"os"
	"path/filepath"
	"testing"
)

func FuzzMakefile(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if filepath.Ext(p) == ".golden" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "\t", "t:\n\t$", "t:\n\t$(", "t:\n\t${A", "A = $(A)\nt:\n\t$(A)\n", "A = $(B)$(B)\nB = $(A)\nt: ; $(A)\n",
		"define X\nt:\n\tdocker rm -f x\n", "t: \\\n; docker kill x\n", "t:\n\tdocker rm \\", "X := $($(X))\n",
		".RECIPEPREFIX =\nt:\n\tdocker kill a\n", "t:\r\n\tdocker kill a \\\r\n", "\xff\xfet:\n\t\x00docker kill\n",
	} {
		f.Add([]byte(s))
	}
	for _, c := range cyclicMakefiles {
		f.Add([]byte(c.src))
	}
	for _, s := range hostileMakefiles(300) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := Check("Makefile", src, nil)
		checkFindings(t, "Makefile", src, fs)
		frags, _ := extract(src, nil)
		for _, fr := range frags {
			if err := fr.Verify(src); err != nil {
				t.Fatalf("fragment %q: %v", fr.Code, err)
			}
		}
	})
}
