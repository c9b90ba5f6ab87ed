package shell

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// checkBoth checks src walked as one syntax tree and walked one top-level
// statement at a time (as files of streamMin bytes and more are).
func checkBoth(t *testing.T, file string, src []byte, cfg *Config) (whole, streamed []rules.Finding) {
	t.Helper()
	old := streamMin
	defer func() { streamMin = old }()
	streamMin = len(src) + 1
	whole = CheckScript(file, src, cfg)
	streamMin = 0
	streamed = CheckScript(file, src, cfg)
	return whole, streamed
}

// TestStreamedWalkMatchesWholeTree: walking the top-level statements one at
// a time gives exactly the findings, fixes included, of walking the whole
// tree, on every golden input (functions defined after their callers,
// aliases, here-documents, listings in variables, code strings) and on
// code that does not parse (which is walked whole).
func TestStreamedWalkMatchesWholeTree(t *testing.T) {
	files, err := goldenInputs()
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	cfgs := map[string]*Config{
		"default":    nil,
		"with fixes": {Fix: rules.FixSettings{Label: "app=ci", Explain: true}},
	}
	extra := map[string]string{
		"broken.sh":   "docker rm -f a\nif then\ndocker rm -f b\n",
		"hdoc-eof.sh": "docker rm -f a\ncat <<EOF\nbody\n",
		"fixes.sh": "docker rm -f web\ndocker rm -f web || true\nfor c in $(docker ps -q); do docker rm -f $c; done\n" +
			"docker rm -f $(docker ps -aq --filter label=app=ci)\ndocker kill web && docker rm web\n",
	}
	n := 0
	check := func(name string, src []byte) {
		for cname, cfg := range cfgs {
			whole, streamed := checkBoth(t, name, src, cfg)
			if !reflect.DeepEqual(whole, streamed) {
				t.Errorf("%s (%s): streamed walk differs\n--- whole\n%s--- streamed\n%s", name, cname, render(whole), render(streamed))
			}
			for _, f := range whole {
				n += len(f.Fixes)
			}
		}
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		check(filepath.Base(path), src)
	}
	for name, src := range extra {
		check(name, []byte(src))
	}
	if n == 0 {
		t.Error("no finding had a fix: the comparison says nothing about fixes")
	}
}

// TestStreamedBigScript: a script over streamMin is walked streamed and
// still sees a function defined after its caller and a constant set at
// its top, with the fix of a finding near its end.
func TestStreamedBigScript(t *testing.T) {
	var b strings.Builder
	b.WriteString("NAME=web\nmain() { cleanup $(docker ps -aq); }\n")
	for b.Len() < streamMin+1000 {
		b.WriteString("echo \"docker rm -f is only text here\"; run_step --input /srv/in.json\n")
	}
	b.WriteString("cleanup() { docker rm -f \"$@\"; }\nmain\ndocker rm -f \"$NAME\"\n")
	src := []byte(b.String())
	cfg := &Config{Fix: rules.FixSettings{Label: "app=ci"}}
	fs := CheckScript("big.sh", src, cfg) // over streamMin: streamed
	whole, _ := checkBoth(t, "big.sh", src, cfg)
	if !reflect.DeepEqual(fs, whole) {
		t.Errorf("streamed walk differs\n--- whole\n%s--- streamed\n%s", render(whole), render(fs))
	}
	render(fs) // sorts by position
	var got []string
	for _, f := range fs {
		got = append(got, f.Rule)
	}
	if strings.Join(got, ",") != "DG105,DG101,DG101" {
		t.Fatalf("findings %v, want the DG105 of main's call, the DG101 in cleanup and the one on $NAME\n%s", got, render(fs))
	}
	if last := fs[2]; !strings.Contains(last.Message, "docker rm -f web") || len(last.Fixes) == 0 {
		t.Errorf("the last DG101 (on the constant $NAME) is %q with %d fixes", last.Message, len(last.Fixes))
	}
}
