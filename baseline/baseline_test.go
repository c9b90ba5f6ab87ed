package baseline

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// findAll reports a DG101 finding for each `docker rm -f` in src, keyed by
// the normalised command the way the shell front end keys them.
func findAll(file, src string) []rules.Finding {
	var out []rules.Finding
	off := 0
	for _, line := range strings.SplitAfter(src, "\n") {
		if i := strings.Index(line, "docker rm -f"); i >= 0 {
			cmd := strings.TrimSpace(line[i:])
			f := rules.New(rules.MustLookup("DG101"), file, []byte(src), off+i, off+i+len(cmd), "force")
			f.Key = cmd
			out = append(out, f)
		}
		off += len(line)
	}
	return out
}

func TestBaselineSurvivesInsertedLines(t *testing.T) {
	fp := &Fingerprinter{Root: "/repo", Dir: "/repo/sub"}
	before := "docker rm -f web\necho\ndocker rm -f web\ndocker rm -f db\n"
	b := fp.New("dockguard", findAll("x.sh", before))
	if len(b.Entries) != 3 || b.Entries[0].File != "sub/x.sh" || b.Entries[0].Occurrence != 0 || b.Entries[1].Occurrence != 1 {
		t.Fatalf("entries %+v", b.Entries)
	}
	data, err := b.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), DefaultFile)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(path)
	if err != nil || !reflect.DeepEqual(loaded.Entries, b.Entries) {
		t.Fatalf("round trip: %v %+v", err, loaded)
	}

	// Lines inserted above and between: nothing new.
	after := "#!/bin/sh\nset -e\n\ndocker rm -f web\necho\n\ndocker rm -f web\ndocker rm -f db\n"
	kept, hidden, stale := loaded.Apply(fp, findAll("x.sh", after))
	if len(kept) != 0 || len(hidden) != 3 || len(stale) != 0 {
		t.Errorf("shifted: kept %d hidden %d stale %d", len(kept), len(hidden), len(stale))
	}
	// A third `docker rm -f web` is new; removing db leaves a stale entry.
	after = "docker rm -f web\ndocker rm -f web\ndocker rm -f web\n"
	kept, hidden, stale = loaded.Apply(fp, findAll("x.sh", after))
	if len(kept) != 1 || kept[0].Line != 3 || len(hidden) != 2 || len(stale) != 1 || stale[0].Line != 4 {
		t.Errorf("changed: kept %+v hidden %d stale %+v", kept, len(hidden), stale)
	}
	// Same command in another file is not covered.
	kept, _, _ = loaded.Apply(fp, findAll("y.sh", before))
	if len(kept) != 3 {
		t.Errorf("other file: kept %d", len(kept))
	}
}

func TestKeyFallbacks(t *testing.T) {
	src := []byte("docker   rm -f\tweb\n")
	fp := &Fingerprinter{Source: func(string) []byte { return src }}
	f := rules.New(rules.MustLookup("DG101"), "x.sh", src, 0, len(src)-1, "msg")
	if k := fp.Key(&f); k != "docker rm -f web" {
		t.Errorf("source key %q", k)
	}
	f.Key = "docker rm -f web"
	if k := fp.Key(&f); k != "docker rm -f web" {
		t.Errorf("Key %q", k)
	}
	g := rules.Finding{Rule: "DG401", File: "unix:///var/run/docker.sock", Message: "redis has no limit"}
	if k := fp.Key(&g); k != "redis has no limit" {
		t.Errorf("message key %q", k)
	}
	if p := fp.RepoPath(g.File); p != g.File {
		t.Errorf("endpoint path %q", p)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"missing":    "",
		"bad.json":   "{",
		"v2.json":    `{"version": 2, "findings": []}`,
		"extra.json": `{"version": 1, "findings": [], "oops": 1}`,
		"empty.json": `{"version": 1, "findings": [{"rule": "DG101"}]}`,
	} {
		p := filepath.Join(dir, name)
		if body != "" {
			if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Load(p); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestParseDiff(t *testing.T) {
	diff := `diff --git a/a.sh b/a.sh
index 1..2 100644
--- a/a.sh
+++ b/a.sh
@@ -3,0 +4,2 @@ x
+new
+new
@@ -10 +12 @@
-old
+changed
@@ -15,0 +17,2 @@
+++ b/looks-like-a-header
+--- a/too
\ No newline at end of file
@@ -20,2 +21,0 @@
-gone
-gone
diff --git a/old.sh b/new name.sh
similarity index 90%
rename from old.sh
rename to new name.sh
--- a/old.sh
+++ b/new name.sh
@@ -1 +1 @@
-a
+b
diff --git a/moved.sh b/moved2.sh
similarity index 100%
rename from moved.sh
rename to moved2.sh
diff --git a/added.sh b/added.sh
new file mode 100644
--- /dev/null
+++ b/added.sh
@@ -0,0 +1,3 @@
+x
diff --git a/deleted.sh b/deleted.sh
--- a/deleted.sh
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git "a/q\"uote.sh" "b/q\"uote.sh"
--- "a/q\"uote.sh"
+++ "b/q\"uote.sh"
@@ -1 +1 @@
-a
+b
`
	c, err := ParseDiff([]byte(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := Changes{
		"a.sh":        {4: true, 5: true, 12: true, 17: true, 18: true},
		"new name.sh": {1: true},
		"added.sh":    nil,
		"q\"uote.sh":  {1: true},
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %v\nwant %v", c, want)
	}
	if !c.Touches("a.sh", 5, 5) || c.Touches("a.sh", 6, 11) || !c.Touches("a.sh", 11, 13) || !c.Touches("added.sh", 99, 99) || c.Touches("moved2.sh", 1, 1) || !c.Touches("a.sh", 0, 0) {
		t.Error("Touches")
	}
}

func TestServiceBlocks(t *testing.T) {
	src := "name: x\nservices:\n  web:\n    image: nginx\n\n  db:\n    image: postgres\n    environment:\n      A: b\nvolumes:\n  data: {}\n"
	got := ServiceBlocks([]byte(src))
	want := [][2]int{{3, 5}, {6, 9}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("blocks %v, want %v", got, want)
	}
	f := rules.Finding{Line: 6, EndLine: 6}
	if from, to := FindingSpan(&f, got); from != 6 || to != 9 {
		t.Errorf("span %d-%d", from, to)
	}
	if ServiceBlocks([]byte("services: [\n")) != nil || ServiceBlocks([]byte("- a\n")) != nil {
		t.Error("bad YAML has no blocks")
	}
}

func gitRun(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestChangedOnARepository(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitRun(t, dir, "init", "-q", "-b", "main")
	write("a.sh", "one\ntwo\nthree\n")
	write("old.sh", "1\n2\n3\n4\n5\n")
	gitRun(t, dir, "add", ".")
	gitRun(t, dir, "commit", "-q", "-m", "base")
	gitRun(t, dir, "checkout", "-q", "-b", "feature")
	write("a.sh", "one\nTWO\nthree\nfour\n")
	gitRun(t, dir, "mv", "old.sh", "new.sh")
	write("new.sh", "1\n2\nTHREE\n4\n5\n")
	gitRun(t, dir, "commit", "-q", "-am", "change")
	write("untracked.sh", "x\n")
	ctx := context.Background()
	root, err := RepoRoot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Changed(ctx, root, "main")
	if err != nil {
		t.Fatal(err)
	}
	want := Changes{"a.sh": {2: true, 4: true}, "new.sh": {3: true}, "untracked.sh": nil}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("changes %v, want %v", c, want)
	}
	base, err := MergeBase(ctx, root, "main")
	if err != nil || len(base) != 40 {
		t.Errorf("merge base %q %v", base, err)
	}
	if _, err := Changed(ctx, root, "no-such-rev"); err == nil || !strings.Contains(err.Error(), "unknown git revision") {
		t.Errorf("bad rev error %v", err)
	}
}

func FuzzParseDiff(f *testing.F) {
	f.Add("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +3,4 @@\n+x\n")
	f.Add("+++ \"b/q\\\"\"\n@@ -0,0 +1 @@\n")
	f.Add("--- /dev/null\n+++ b/n\n@@ -0,0 +1,99999999 @@\n")
	f.Add("@@ broken\n")
	f.Fuzz(func(t *testing.T, diff string) {
		c, err := ParseDiff([]byte(diff))
		if err == nil {
			for file, lines := range c {
				if file == "" && lines != nil && len(lines) > 1<<20 {
					t.Fatal("unbounded")
				}
			}
		}
	})
}

func FuzzServiceBlocks(f *testing.F) {
	f.Add("services:\n  a:\n    image: x\n  b: {}\nvolumes: {}\n")
	f.Add("services: &x\n  a: *x\n")
	f.Fuzz(func(t *testing.T, src string) {
		for _, b := range ServiceBlocks([]byte(src)) {
			if b[0] < 1 || b[1] < b[0] {
				t.Fatalf("bad block %v", b)
			}
		}
	})
}
