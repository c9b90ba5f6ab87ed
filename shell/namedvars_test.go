package shell

import "testing"

// A script whose only container CLI is a variable named for one has no
// binary's name in it: the prefilter must still let it through.
func TestNamedVariableOnlyScript(t *testing.T) {
	for src, want := range map[string]int{
		"$DOCKER rm -f x\n":                       1,
		"${CONTAINER_RUNTIME} rm --force x\n":     1,
		"$DOCKER logs -f x\n":                     0,
		"echo \"$DOCKER rm -f x\"\n":              0,
		"DOCKER=/usr/bin/true\n$DOCKER rm -f x\n": 0,
	} {
		fs := Check("s.sh", []byte(src), []byte(src), nil, &Config{})
		n := 0
		for _, f := range fs {
			if f.Rule == "DG101" {
				n++
			}
		}
		if n != want {
			t.Errorf("%q: %d DG101, want %d (%v)", src, n, want, fs)
		}
	}
	if got := NamedVars([]string{"podman"}); len(got) == 0 || got[0] != "PODMAN" {
		t.Errorf("NamedVars(podman) = %v", got)
	}
}
