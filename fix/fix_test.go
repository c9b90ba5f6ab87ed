package fix

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
)

// wordCheck is a tiny front end for the tests: every "BAD" is a DG101
// whose fix replaces it with "good", and an unbalanced "(" is a DG001.
func wordCheck(_ context.Context, file string, src []byte) []rules.Finding {
	var out []rules.Finding
	r := rules.MustLookup("DG101")
	for i := 0; ; {
		j := bytes.Index(src[i:], []byte("BAD"))
		if j < 0 {
			break
		}
		f := rules.New(r, file, src, i+j, i+j+3, "bad word")
		f.Fixes = []rules.Edit{{Start: i + j, End: i + j + 3, NewText: "good"}}
		out = append(out, f)
		i += j + 3
	}
	if bytes.Count(src, []byte("(")) != bytes.Count(src, []byte(")")) {
		out = append(out, rules.New(rules.MustLookup("DG001"), file, src, 0, 0, "unbalanced"))
	}
	return out
}

func writeFile(t *testing.T, dir, name, text string, mode os.FileMode) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), mode); err != nil {
		t.Fatal(err)
	}
	return p
}

func run(t *testing.T, dir string, fs []rules.Finding, write bool) *Result {
	t.Helper()
	return Run(context.Background(), fs, &Options{Recheck: wordCheck, Dir: dir, Write: write, Roots: []string{dir}})
}

func TestApplyAndWrite(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.sh", "x BAD y\nBAD\n", 0o640)
	src, _ := os.ReadFile(p)
	res := run(t, dir, wordCheck(context.Background(), "a.sh", src), true)
	got, _ := os.ReadFile(p)
	if string(got) != "x good y\ngood\n" {
		t.Fatalf("fixed file = %q", got)
	}
	if len(res.Applied) != 2 || len(res.Rejected) != 0 || len(res.Files) != 1 || !res.Files[0].Written {
		t.Fatalf("result = %+v", res)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", st.Mode().Perm())
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".a.sh.dockguard-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	// Idempotence: the fixed file has nothing left to fix.
	again := run(t, dir, wordCheck(context.Background(), "a.sh", got), true)
	if len(again.Applied) != 0 || len(again.Files) != 0 {
		t.Errorf("second run changed something: %+v", again)
	}
}

func TestOverlapFirstWins(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "a.sh", "BAD\n", 0o644)
	src := []byte("BAD\n")
	f1 := rules.New(rules.MustLookup("DG101"), "a.sh", src, 0, 3, "one")
	f1.Fixes = []rules.Edit{{Start: 0, End: 3, NewText: "good"}}
	f2 := rules.New(rules.MustLookup("DG104"), "a.sh", src, 1, 3, "two")
	f2.Fixes = []rules.Edit{{Start: 1, End: 3, NewText: "xx"}}
	res := run(t, dir, []rules.Finding{f2, f1}, false)
	if len(res.Applied) != 1 || res.Applied[0].Rule != "DG101" {
		t.Fatalf("applied = %+v", res.Applied)
	}
	if len(res.Rejected) != 1 || res.Rejected[0].Finding.Rule != "DG104" || !strings.Contains(res.Rejected[0].Reason, "overlap") {
		t.Fatalf("rejected = %+v", res.Rejected)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "a.sh"))
	if string(got) != "BAD\n" {
		t.Errorf("without Write the file changed: %q", got)
	}
}

func TestRollback(t *testing.T) {
	dir := t.TempDir()
	text := "BAD one\nBAD two\n"
	p := writeFile(t, dir, "a.sh", text, 0o644)
	fs := wordCheck(context.Background(), "a.sh", []byte(text))
	// The second fix breaks the file; the first still applies.
	fs[1].Fixes = []rules.Edit{{Start: fs[1].Start, End: fs[1].End, NewText: "good("}}
	res := run(t, dir, fs, true)
	if len(res.Applied) != 1 || res.Applied[0].Line != 1 {
		t.Fatalf("applied = %+v", res.Applied)
	}
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Reason, "does not parse") {
		t.Fatalf("rejected = %+v", res.Rejected)
	}
	got, _ := os.ReadFile(p)
	if string(got) != "good one\nBAD two\n" {
		t.Errorf("file = %q", got)
	}
	// A fix that leaves its finding in place is rolled back too.
	fs = wordCheck(context.Background(), "a.sh", got)
	fs[0].Fixes = []rules.Edit{{Start: fs[0].Start, End: fs[0].Start, NewText: "x"}}
	res = run(t, dir, fs, true)
	if len(res.Applied) != 0 || len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Reason, "still reported") {
		t.Fatalf("result = %+v", res)
	}
	if now, _ := os.ReadFile(p); !bytes.Equal(now, got) {
		t.Errorf("a rolled-back fix changed the file: %q", now)
	}
}

func TestRefusals(t *testing.T) {
	dir := t.TempDir()
	out := t.TempDir()
	ro := writeFile(t, dir, "ro.sh", "BAD\n", 0o444)
	writeFile(t, out, "target.sh", "BAD\n", 0o644)
	if err := os.Symlink(filepath.Join(out, "target.sh"), filepath.Join(dir, "link.sh")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "inside.sh", "BAD\n", 0o644)
	if err := os.Symlink(filepath.Join(dir, "inside.sh"), filepath.Join(dir, "inlink.sh")); err != nil {
		t.Fatal(err)
	}
	changed := writeFile(t, dir, "changed.sh", "BAD\n", 0o644)
	var fs []rules.Finding
	for _, n := range []string{"ro.sh", "link.sh", "inlink.sh"} {
		fs = append(fs, wordCheck(context.Background(), n, []byte("BAD\n"))...)
	}
	fs = append(fs, wordCheck(context.Background(), "changed.sh", []byte("BAD\n"))...)
	checked := map[string]*Checked{"changed.sh": {Src: []byte("BAD\n"), Raw: fs[3:]}}
	if err := os.WriteFile(changed, []byte("edited BAD\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Run(context.Background(), fs, &Options{Recheck: wordCheck, Dir: dir, Write: true, Roots: []string{dir},
		Checked: func(f string) *Checked { return checked[f] }})
	msgs := map[string]string{}
	for _, e := range res.Errors {
		msgs[e.File] = e.Message
	}
	if !strings.Contains(msgs["ro.sh"], "read-only") {
		t.Errorf("read-only: %q", msgs["ro.sh"])
	}
	if !strings.Contains(msgs["link.sh"], "outside the checked directory") {
		t.Errorf("link out of root: %q", msgs["link.sh"])
	}
	if !strings.Contains(msgs["changed.sh"], "changed on disk") {
		t.Errorf("changed: %q", msgs["changed.sh"])
	}
	if _, ok := msgs["inlink.sh"]; ok {
		t.Errorf("a link inside the root was refused: %q", msgs["inlink.sh"])
	}
	for p, want := range map[string]string{ro: "BAD\n", filepath.Join(out, "target.sh"): "BAD\n", changed: "edited BAD\n", filepath.Join(dir, "inside.sh"): "good\n"} {
		if got, _ := os.ReadFile(p); string(got) != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
	if st, err := os.Lstat(filepath.Join(dir, "inlink.sh")); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link itself was replaced: %v %v", st, err)
	}
}

func TestChangedDuringRun(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "a.sh", "BAD\n", 0o644)
	defer func() { readHook = os.ReadFile }()
	readHook = func(name string) ([]byte, error) {
		// An editor saves between the re-check and the rename.
		if err := os.WriteFile(name, []byte("saved BAD\n"), 0o644); err != nil {
			return nil, err
		}
		return os.ReadFile(name)
	}
	res := run(t, dir, wordCheck(context.Background(), "a.sh", []byte("BAD\n")), true)
	if len(res.Errors) != 1 || !strings.Contains(res.Errors[0].Message, "changed on disk while") {
		t.Fatalf("errors = %+v", res.Errors)
	}
	if got, _ := os.ReadFile(p); string(got) != "saved BAD\n" {
		t.Errorf("the editor's save was lost: %q", got)
	}
}

func TestUnifiedMatchesDiff(t *testing.T) {
	diffBin, err := exec.LookPath("diff")
	if err != nil {
		t.Skip("no diff(1)")
	}
	cases := []struct{ a, b string }{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\n2\nx\n4\n5\n6\n7\n8\n9\n10\ny\n12\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n"},
		{"no newline", "no newline!"},
		{"", "new\n"},
		{"a\nb\n", ""},
	}
	dir := t.TempDir()
	for i, c := range cases {
		pa, pb := writeFile(t, dir, "a", c.a, 0o644), writeFile(t, dir, "b", c.b, 0o644)
		want, _ := exec.Command(diffBin, "-u", "--label", "x", "--label", "y", pa, pb).Output()
		var got bytes.Buffer
		if err := Unified(&got, "x", "y", []byte(c.a), []byte(c.b)); err != nil {
			t.Fatal(err)
		}
		if got.String() != string(want) {
			t.Errorf("case %d:\ngot:\n%s\nwant:\n%s", i, got.String(), want)
		}
	}
}

func TestShift(t *testing.T) {
	edits := []rules.Edit{{Start: 2, End: 2, NewText: "ins"}, {Start: 5, End: 7, NewText: "R"}}
	for _, c := range []struct {
		off  int
		end  bool
		want int
	}{{0, false, 0}, {2, false, 5}, {2, true, 2}, {3, false, 6}, {5, false, 8}, {6, false, 8}, {6, true, 9}, {7, true, 9}, {9, false, 11}} {
		if got := shift(edits, c.off, c.end); got != c.want {
			t.Errorf("shift(%d, end=%v) = %d, want %d", c.off, c.end, got, c.want)
		}
	}
}
