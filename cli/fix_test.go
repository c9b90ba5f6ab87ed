package cli

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/internal/testfiles"
	"github.com/dockguard/dockguard/rules"
)

// rollbackTree has a finding of every shell-family fixer in every host.
var rollbackTree = map[string]string{
	"a.sh":                     "#!/bin/sh\ndocker rm -f web\ndocker kill web\ndocker stop -t 0 db\ndocker rm -f $(docker ps -aq)\n",
	"Makefile":                 "clean:\n\t@$(DOCKER) rm -f web\n\t-docker kill db\n",
	".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: |\n          docker rm -f ${{ inputs.name }}\n          docker kill db\n",
	"package.json":             "{\"scripts\": {\"a\": \"docker rm -f web\", \"b\": \"docker kill db\"}}\n",
}

// fixOptions are the engine options of `check --no-config --fix ARGS` in
// the working directory, with the result cache off: the tests must see the
// fixers' own findings, and must not write to the user's cache folder.
func fixOptions(t *testing.T, args ...string) *engine.Options {
	t.Helper()
	var c checkFlags
	fset := newFlagSet("check", io.Discard)
	c.register(fset)
	c.adopt.register(fset)
	c.fixes.register(fset, true)
	if _, err := parseInterspersed(fset, append([]string{"--no-config", "--fix"}, args...)); err != nil {
		t.Fatal(err)
	}
	if err := c.applyConfig(fset, nil); err != nil {
		t.Fatal(err)
	}
	env := &Env{Stderr: io.Discard, Getenv: func(k string) string {
		if k == "DOCKGUARD_CACHE" {
			return "off"
		}
		return ""
	}}
	opts, err := c.options(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	return opts
}

// TestFixGoTypedRecheck: a Go fix whose result parses but does not
// type-check is rolled back, because a fixed Go file is re-checked in its
// package with types (engine.RecheckFile); the untyped check of the file
// alone (engine.CheckSource) would have let it through. The fix as the
// analyzer wrote it is applied, and the file builds.
func TestFixGoTypedRecheck(t *testing.T) {
	dir := t.TempDir()
	const src = "package a\n\nimport (\n\t\"context\"\n\t\"os/exec\"\n)\n\n// Logs runs docker logs.\nfunc Logs(ctx context.Context, id string) error {\n\treturn exec.Command(\"docker\", \"logs\", id).Run()\n}\n"
	testfiles.Write(t, dir, map[string]string{"go.mod": "module example.com/a\n\ngo 1.22\n", "a.go": src})
	t.Chdir(dir)
	opts := fixOptions(t)
	res := engine.Run(context.Background(), opts)
	var fs []rules.Finding
	for _, f := range res.Findings {
		if f.Rule == "DG302" && len(f.Fixes) > 0 {
			fs = append(fs, f)
		}
	}
	if len(fs) != 1 {
		t.Fatalf("want one DG302 with a fix, got %+v", res.Findings)
	}
	typed := func(ctx context.Context, file string, src []byte) []rules.Finding {
		return engine.RecheckFile(ctx, opts, file, src)
	}
	untyped := func(ctx context.Context, file string, src []byte) []rules.Finding {
		return engine.CheckSource(ctx, opts, file, src)
	}
	checked := func(file string) *fix.Checked { return res.Checked[file] }
	// The fix with a name that is not declared: it parses, and does not
	// compile.
	broken := fs[0]
	broken.Fixes = append([]rules.Edit(nil), broken.Fixes...)
	for i := range broken.Fixes {
		broken.Fixes[i].NewText = strings.ReplaceAll(broken.Fixes[i].NewText, "ctx", "ctxx")
	}
	out := fix.Run(context.Background(), []rules.Finding{broken}, &fix.Options{Checked: checked, Recheck: untyped})
	if len(out.Applied) != 1 {
		t.Fatalf("the untyped re-check rejected the broken fix (%+v): this test no longer shows what the typed one adds", out.Rejected)
	}
	out = fix.Run(context.Background(), []rules.Finding{broken}, &fix.Options{Checked: checked, Recheck: typed, Write: true})
	if len(out.Applied) != 0 || len(out.Rejected) != 1 || !strings.Contains(out.Rejected[0].Reason, "rolled back: the fixed file does not type-check") || !strings.Contains(out.Rejected[0].Reason, "ctxx") {
		t.Fatalf("broken fix: applied %d, rejected %+v", len(out.Applied), out.Rejected)
	}
	if got, _ := os.ReadFile("a.go"); string(got) != src {
		t.Fatalf("a.go changed: %s", got)
	}
	out = fix.Run(context.Background(), fs, &fix.Options{Checked: checked, Recheck: typed, Write: true})
	if len(out.Applied) != 1 || len(out.Rejected) != 0 {
		t.Fatalf("the analyzer's own fix: applied %d, rejected %+v", len(out.Applied), out.Rejected)
	}
	if got, _ := os.ReadFile("a.go"); !strings.Contains(string(got), `exec.CommandContext(ctx, "docker", "logs", id)`) {
		t.Fatalf("a.go not fixed: %s", got)
	}
	if out, err := exec.Command("go", "build", "./...").CombinedOutput(); err != nil {
		t.Fatalf("go build of the fixed module: %v\n%s", err, out)
	}
}

// TestFixRollback breaks every fix the shell-family fixers write, in two
// ways, and asserts that each is rolled back with its reason and that no
// file changes: a fix whose result does not parse, and a fix that leaves
// its finding in place.
func TestFixRollback(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, dir, rollbackTree)
	t.Chdir(dir)
	opts := fixOptions(t, "--fix-label", "app=ci")
	res := engine.Run(context.Background(), opts)
	rulesSeen := map[string]bool{}
	n := 0
	for _, f := range res.Findings {
		if len(f.Fixes) > 0 {
			rulesSeen[f.Rule+" "+filepath.Base(f.File)] = true
			n++
		}
	}
	for _, want := range []string{"DG101 a.sh", "DG104 a.sh", "DG105 a.sh", "DG101 Makefile", "DG104 Makefile", "DG101 ci.yml", "DG104 ci.yml", "DG101 package.json", "DG104 package.json"} {
		if !rulesSeen[want] {
			t.Errorf("no fix for %s (the tree no longer exercises that fixer)", want)
		}
	}
	recheck := func(ctx context.Context, file string, src []byte) []rules.Finding {
		return engine.CheckSource(ctx, opts, file, src)
	}
	for _, tamper := range []struct {
		name, reason string
		edit         func(f *rules.Finding) []rules.Edit
	}{
		// A stray ;; (a syntax error however many fixes add one) after the
		// fix's own text.
		{"breaks the file", "does not parse", func(f *rules.Finding) []rules.Edit {
			e := append([]rules.Edit(nil), f.Fixes...)
			e[len(e)-1].NewText += " ;; "
			return e
		}},
		// An edit that changes nothing the rule cares about.
		{"keeps the finding", "still reported", func(f *rules.Finding) []rules.Edit {
			return []rules.Edit{{Start: f.End, End: f.End, NewText: " "}}
		}},
	} {
		t.Run(tamper.name, func(t *testing.T) {
			var fs []rules.Finding
			for _, f := range res.Findings {
				if len(f.Fixes) > 0 {
					f.Fixes = tamper.edit(&f)
					fs = append(fs, f)
				}
			}
			out := fix.Run(context.Background(), fs, &fix.Options{
				Checked: func(file string) *fix.Checked { return res.Checked[file] },
				Recheck: recheck, Write: true,
			})
			if len(out.Applied) != 0 || len(out.Files) != 0 {
				t.Errorf("applied %d broken fixes: %+v", len(out.Applied), out.Applied)
			}
			if len(out.Rejected) != n {
				t.Errorf("rejected %d fixes, want %d", len(out.Rejected), n)
			}
			for _, r := range out.Rejected {
				if !strings.Contains(r.Reason, "rolled back") || !strings.Contains(r.Reason, tamper.reason) {
					t.Errorf("%s %s:%d: reason %q, want %q", r.Finding.Rule, r.Finding.File, r.Finding.Line, r.Reason, tamper.reason)
				}
			}
			for name, text := range rollbackTree {
				if got, _ := os.ReadFile(filepath.Join(dir, name)); string(got) != text {
					t.Errorf("%s changed: %q", name, got)
				}
			}
		})
	}
}
