package cli

import (
	"context"
	"io"
	"os"
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

// TestFixRollback breaks every fix the shell-family fixers write, in two
// ways, and asserts that each is rolled back with its reason and that no
// file changes: a fix whose result does not parse, and a fix that leaves
// its finding in place.
func TestFixRollback(t *testing.T) {
	dir := t.TempDir()
	testfiles.Write(t, dir, rollbackTree)
	t.Chdir(dir)
	var c checkFlags
	fset := newFlagSet("check", io.Discard)
	c.register(fset)
	c.adopt.register(fset)
	c.fixes.register(fset, true)
	if _, err := parseInterspersed(fset, []string{"--no-config", "--fix", "--fix-label", "app=ci"}); err != nil {
		t.Fatal(err)
	}
	if err := c.applyConfig(fset, nil); err != nil {
		t.Fatal(err)
	}
	// The result cache stays off: this test must see the fixers' own findings,
	// and must not write to the user's cache folder.
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
