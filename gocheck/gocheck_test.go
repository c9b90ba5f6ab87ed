package gocheck

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/txtar"
)

// extract writes a txtar fixture into a fresh directory, makes it the
// working directory, and returns the relative paths of its Go files.
func extract(t *testing.T, name string) []string {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var goFiles []string
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name, ".go") {
			goFiles = append(goFiles, filepath.FromSlash(f.Name))
		}
	}
	t.Chdir(dir)
	return goFiles
}

// summary renders findings as "file:line:col-endLine:endCol RULE".
func summary(fs []rules.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s:%d:%d-%d:%d %s", filepath.ToSlash(f.File), f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule))
	}
	sort.Strings(out)
	return out
}

func checkSummary(t *testing.T, got []rules.Finding, want []string) {
	t.Helper()
	g := summary(got)
	sort.Strings(want)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
		for _, f := range got {
			t.Logf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
		}
	}
}

func offline(t *testing.T) {
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOWORK", "off")
}

func TestModule(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	res := Check(context.Background(), files, Options{})
	checkSummary(t, res.Findings, []string{
		"run/run.go:10:9-10:62 DG101",
		"run/run_test.go:9:6-9:43 DG104",
		"run/run_test.go:9:6-9:18 DG302",
		"broken/broken.go:6:40-6:40 DG001",
		"broken/broken.go:6:2-6:2 DG101",
		"broken/broken.go:6:2-6:14 DG302",
	})
	if len(res.Errors) != 0 {
		t.Errorf("errors: %v", res.Errors)
	}
	for _, f := range res.Findings {
		if f.Key == "" {
			t.Errorf("%s:%d: empty Key", f.File, f.Line)
		}
		if strings.HasSuffix(f.Message, ")") && strings.Contains(f.Message, "(DG") {
			t.Errorf("%s:%d: message keeps the rule suffix: %q", f.File, f.Line, f.Message)
		}
	}
}

func TestNoModule(t *testing.T) {
	offline(t)
	files := extract(t, "nomodule.txtar")
	res := Check(context.Background(), files, Options{})
	checkSummary(t, res.Findings, []string{
		"tool/main.go:13:2-13:71 DG101",
		"tool/main.go:15:2-15:85 DG301",
	})
	if len(res.Notes) != 1 || !strings.Contains(res.Notes[0].Message, "no go.mod") {
		t.Errorf("notes = %v, want one saying there is no go.mod", res.Notes)
	}
}

func TestMissingModule(t *testing.T) {
	offline(t)
	files := extract(t, "missing.txtar")
	res := Check(context.Background(), files, Options{})
	checkSummary(t, res.Findings, []string{
		"svc/svc.go:13:2-13:36 DG101",
	})
	if len(res.Notes) == 0 {
		t.Errorf("no note about the missing type information")
	}
}

func TestCheckSource(t *testing.T) {
	src := []byte("package x\n\nimport \"os/exec\"\n\nfunc f() { exec.Command(\"docker\", \"rmi\", \"-f\", \"app\").Run() }\n")
	res := CheckSource(context.Background(), "x.go", src, Options{})
	checkSummary(t, res.Findings, []string{"x.go:5:12-5:54 DG102", "x.go:5:12-5:24 DG302"})
}

func TestBinariesAndLimit(t *testing.T) {
	src := []byte(`package x

import (
	"context"
	"os/exec"
)

func f(ctx context.Context, ids []string) {
	for _, id := range ids {
		go exec.CommandContext(ctx, "podman", "stop", id).Run()
	}
	exec.CommandContext(ctx, "podman", "rm", "-f", "a").Run()
}
`)
	res := CheckSource(context.Background(), "x.go", src, Options{Binaries: []string{"docker"}})
	checkSummary(t, res.Findings, nil)
	res = CheckSource(context.Background(), "x.go", src, Options{})
	checkSummary(t, res.Findings, []string{"x.go:10:3-10:5 DG106", "x.go:12:2-12:53 DG101"})
}

func TestSyntaxErrorsStillReportOthers(t *testing.T) {
	// The parser keeps what precedes the error.
	src := []byte("package x\n\nimport \"os/exec\"\n\nfunc g() { exec.Command(\"docker\", \"kill\", \"a\") }\n\nfunc f() { x := }\n")
	res := CheckSource(context.Background(), "x.go", src, Options{})
	checkSummary(t, res.Findings, []string{
		"x.go:7:17-7:17 DG001",
		"x.go:5:12-5:47 DG104",
		"x.go:5:12-5:24 DG302",
	})
}

func TestIsVetInvocation(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"-V=full"}, true},
		{[]string{"-flags"}, true},
		{[]string{"go-build1/b001/vet.cfg"}, true},
		{[]string{"-fanout.limit=5", "-json", "vet.cfg"}, true},
		{[]string{"-config", "/repo/.dockguard.yaml", "-json", "vet.cfg"}, true},
		{[]string{"-no-config", "vet.cfg"}, true},
		{[]string{"check", "."}, false},
		{[]string{"check", "--config", "x.yaml", "vet.cfg"}, false},
		{[]string{"check", "dir/vet.cfg"}, false},
		{[]string{}, false},
		{[]string{"--version"}, false},
		{[]string{"explain", "DG101"}, false},
	} {
		if got := IsVetInvocation(tc.args); got != tc.want {
			t.Errorf("IsVetInvocation(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func FuzzCheckSource(f *testing.F) {
	for _, s := range []string{
		"package x\nimport \"os/exec\"\nfunc f() { exec.Command(\"docker\", \"rm\", \"-f\", \"a\") }\n",
		"package x\nimport \"os/exec\"\nfunc f() { exec.Command(\"sh\", \"-c\", \"docker rm -f $(docker ps -aq)\") }\n",
		"package x\nimport c \"github.com/moby/moby/client\"\nfunc f(x *c.Client) { x.ContainerRemove(nil, \"a\", c.ContainerRemoveOptions{Force: true}) }\n",
		"package x\nfunc f() { for { go f() } }\n",
		"package x\nimport \"os/exec\"\nfunc f(a []string) { a = append(a, \"-f\"); exec.Command(\"docker\", append([]string{\"rm\"}, a...)...) }\n",
		"package",
		"\xff\xfe",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		res := CheckSource(context.Background(), "fuzz.go", src, Options{})
		for _, fd := range res.Findings {
			if fd.Start < 0 || fd.End < fd.Start || fd.End > len(src) {
				t.Fatalf("bad range %d-%d for %d bytes", fd.Start, fd.End, len(src))
			}
		}
	})
}

func TestShellStringPositions(t *testing.T) {
	src := []byte("package x\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n)\n\nfunc f(ctx context.Context) {\n" +
		"\texec.CommandContext(ctx, \"sh\", \"-c\", \"true; docker rm -f web\")\n" +
		"\texec.CommandContext(ctx, \"sh\", \"-c\", \"docker rm \\x2df web\")\n" +
		"\texec.CommandContext(ctx, \"sh\", \"-c\", `echo ok\n\tdocker rmi -f app`)\n" +
		"}\n")
	res := CheckSource(context.Background(), "x.go", src, Options{})
	checkSummary(t, res.Findings, []string{
		"x.go:9:46-9:62 DG101",
		"x.go:10:40-10:59 DG101",
		"x.go:12:2-12:19 DG102",
	})
}

func TestUntypedRecall(t *testing.T) {
	offline(t)
	files := extract(t, "untyped.txtar")
	res := Check(context.Background(), files, Options{})
	var got []string
	for _, f := range res.Findings {
		if f.Rule != "DG302" {
			got = append(got, fmt.Sprintf("%s:%d %s", filepath.ToSlash(f.File), f.Line, f.Rule))
		}
	}
	sort.Strings(got)
	want := []string{
		"e2e/cli.go:14 DG101",
		"e2e/cli.go:15 DG102",
		"e2e/cli.go:16 DG101",
		"e2e/cli.go:17 DG101",
		"e2e/cli.go:18 DG101",
		"e2e/steps.go:14 DG101",
		"e2e/steps.go:24 DG101",
		"e2e/wrappers.go:15 DG101",
		"e2e/wrappers.go:16 DG101",
		"e2e/wrappers.go:17 DG102",
		"e2e/wrappers.go:22 DG101",
		"svc/iface.go:15 DG101",
		"svc/moby.go:10 DG102",
		"svc/svc.go:17 DG101",
		"svc/svc.go:19 DG102",
		"svc/svc.go:20 DG101",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		for _, f := range res.Findings {
			t.Logf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
		}
	}
}

// TestImportFailureNote checks that a package whose import no required
// module provides is noted with what go build says, under the default
// -mod=readonly and under -mod=mod with GOPROXY=off, and that the rest of
// the module is still checked.
func TestImportFailureNote(t *testing.T) {
	for _, tc := range []struct {
		goflags, want string
	}{
		{"", "a/a.go:6:2: no required module provides package github.com/nosuch/x; to add it: go get github.com/nosuch/x"},
		{"-mod=mod", "a/a.go:6:2: cannot find module providing package github.com/nosuch/x: module lookup disabled by GOPROXY=off"},
	} {
		t.Run("GOFLAGS="+tc.goflags, func(t *testing.T) {
			t.Setenv("GOFLAGS", tc.goflags)
			t.Setenv("GOPROXY", "off")
			t.Setenv("GOWORK", "off")
			files := extract(t, "importfail.txtar")
			res := Check(context.Background(), files, Options{})
			checkSummary(t, res.Findings, []string{
				"a/a.go:12:17-12:58 DG101", "a/a.go:12:17-12:29 DG302",
				"c/c.go:12:2-12:39 DG104", "c/c.go:12:2-12:14 DG302",
				"ok/ok.go:6:17-6:57 DG101", "ok/ok.go:6:17-6:29 DG302",
			})
			notes := map[string]string{}
			for _, n := range res.Notes {
				notes[filepath.ToSlash(n.File)] = n.Message
			}
			for file, want := range map[string]string{
				"a/a.go": "type-checking failed (" + tc.want + ");",
				"c/c.go": "type-checking failed (" + tc.want + " (imported through example.com/importfail/a));",
			} {
				if !strings.HasPrefix(notes[file], want) {
					t.Errorf("note for %s:\n%s\nwant it to start with:\n%s", file, notes[file], want)
				}
			}
			if n, ok := notes["ok/ok.go"]; ok {
				t.Errorf("ok/ok.go type-checks, but has a note: %s", n)
			}
			for _, n := range res.Notes {
				if strings.Contains(n.Message, "could not import") || strings.Contains(n.Message, "invalid package name") || strings.Contains(n.Message, "unknown error") {
					t.Errorf("note quotes the type checker instead of the go command: %s", n.Message)
				}
			}
		})
	}
}

func TestOneLine(t *testing.T) {
	for in, want := range map[string]string{
		"# example.com/m/a\na/a.go:3:2: undefined: x\n":                 "a/a.go:3:2: undefined: x",
		"no required module provides package p; to add it:\n\tgo get p": "no required module provides package p; to add it: go get p",
		"": "",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
	long := oneLine(strings.Repeat("é", maxGoError))
	if !strings.HasSuffix(long, "…") || len(long) > maxGoError+len("…") || !utf8.ValidString(long) {
		t.Errorf("a long message is not cut at a rune boundary with an ellipsis: %d bytes, %q", len(long), long[len(long)-8:])
	}
}

func TestShownPos(t *testing.T) {
	c := newRun(Options{})
	dir := t.TempDir()
	c.display[filepath.Join(dir, "a", "a.go")] = "shown/a.go"
	for pos, want := range map[string]string{
		"a/a.go:6:2":  "shown/a.go:6:2",
		"a/a.go:6":    "shown/a.go:6",
		"-":           "",
		"":            "",
		"weird:x:1:2": c.shown(filepath.Join(dir, "weird:x")) + ":1:2",
	} {
		if got := c.shownPos(pos, dir); got != want {
			t.Errorf("shownPos(%q) = %q, want %q", pos, got, want)
		}
	}
}
