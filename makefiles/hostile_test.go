package makefiles

import (
	"strings"
	"testing"
)

// hostileMakefiles are shapes that once took quadratic time or more
// (26.5 s for 32,000 nested `$(`), with a real finding after them so that
// the test also shows the rest of the file is still read.
func hostileMakefiles(levels int) map[string]string {
	r := strings.Repeat
	tail := "\nt:\n\tdocker rm -f a\n"
	return map[string]string{
		"nested":        "X = " + r("$(", levels) + r(")", levels) + tail,
		"unterminated":  "X = " + r("$(", levels) + tail,
		"nested-shell":  "X = " + r("$(shell ", levels) + "true" + r(")", levels) + tail,
		"shell-open":    "X = " + r("$(shell ", levels) + tail,
		"braces":        "X = " + r("${", levels) + r("}", levels) + tail,
		"recipe-nested": "t:\n\techo " + r("$(", levels) + r(")", levels) + tail,
	}
}

func TestHostileMakefiles(t *testing.T) {
	for name, src := range hostileMakefiles(200_000) {
		t.Run(name, func(t *testing.T) {
			fs := Check("Makefile", []byte(src), nil)
			found := false
			for _, f := range fs {
				if f.Rule == "DG101" {
					found = true
				}
			}
			if !found {
				t.Errorf("the forced removal after the hostile line was not reported: %d findings", len(fs))
			}
		})
	}
}

// TestShellCallsInsideReferences: the one-pass scan still finds a shell
// call nested in other references and after unterminated ones.
func TestShellCallsInsideReferences(t *testing.T) {
	for _, src := range []string{
		"X := $(foreach c,a b,$(shell docker rm -f $(c)))\n",
		"X := $(if $(Y),$(shell docker rm -f a),)\n",
		"X := ${shell docker rm -f a}\n",
		"X := $$(shell) $(shell docker rm -f a)\n",
	} {
		fs := Check("Makefile", []byte(src), nil)
		if len(fs) == 0 || fs[0].Rule != "DG101" {
			t.Errorf("%q: want DG101, got %v", src, fs)
		}
	}
}

// cyclicMakefiles are variables whose expansion refers to itself; their
// messages once quoted the internal placeholder ($___x) or, next to an
// undefined variable of the same width, named that variable instead.
var cyclicMakefiles = map[string]struct{ src, want string }{
	"self":          {"A = $(A)x\nt:\n\tdocker rm -f $(A)\n", "`docker rm -f $(A)`"},
	"pair":          {"B = $(C)\nC = $(B)x\nt:\n\tdocker rm -f $(B) $(X)\n", "`docker rm -f $(B) $(X)`"},
	"pair-reversed": {"B = $(C)\nC = $(B)x\nt:\n\tdocker rm -f $(X) $(B)\n", "`docker rm -f $(X) $(B)`"},
	"braces":        {"A = ${A}-x\nt:\n\tdocker rm -f ${A} web\n", "`docker rm -f ${A} web`"},
}

func TestCyclicVariablesAsWritten(t *testing.T) {
	for name, tc := range cyclicMakefiles {
		t.Run(name, func(t *testing.T) {
			fs := Check("Makefile", []byte(tc.src), nil)
			if len(fs) != 1 || fs[0].Rule != "DG101" {
				t.Fatalf("want one DG101, got %v", fs)
			}
			if m := fs[0].Message; !strings.Contains(m, tc.want) || strings.Contains(m, "$_") {
				t.Errorf("message %q, want it to quote %s as written", m, tc.want)
			}
		})
	}
}
