package gocheck

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// daemonWant are the calls in daemonhelpers.txtar that run the CLI through
// the test daemon of another package; none of the traps.
var daemonWant = []string{
	"suite/suite_test.go:23 DG101",
	"suite/suite_test.go:24 DG104",
	"suite/suite_test.go:32 DG101",
	"suite/suite_test.go:37 DG101",
	"suite/suite_test.go:42 DG101",
}

// TestDaemonHelpersAcrossPackages: with type information the daemon's
// methods reach the suite as facts; without it (--go-mode=syntax) as
// summaries of the daemon package's source. Both find the same calls.
func TestDaemonHelpersAcrossPackages(t *testing.T) {
	offline(t)
	files := extract(t, "daemonhelpers.txtar")
	for _, mode := range []Mode{ModeTyped, ModeSyntax} {
		res := Check(context.Background(), files, Options{Mode: mode})
		var got []string
		for _, f := range res.Findings {
			if strings.HasPrefix(filepath.ToSlash(f.File), "suite/") && f.Rule != "DG302" {
				got = append(got, fmt.Sprintf("%s:%d %s", filepath.ToSlash(f.File), f.Line, f.Rule))
				if !strings.Contains(f.Message, "took d.dockerBinary for docker from its name") {
					t.Errorf("mode %d: %s:%d: the message does not say the binary was inferred: %q", mode, f.File, f.Line, f.Message)
				}
			}
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(daemonWant, "\n") {
			t.Errorf("mode %d: findings:\n%s\nwant:\n%s", mode, strings.Join(got, "\n"), strings.Join(daemonWant, "\n"))
			for _, f := range res.Findings {
				t.Logf("%s:%d:%d %s %s", f.File, f.Line, f.Column, f.Rule, f.Message)
			}
		}
	}
}

// TestSyntaxIndexDirOf: the index follows an import only into a folder of
// the importing file's own module, never into vendor/ or another module.
func TestSyntaxIndexDirOf(t *testing.T) {
	extract(t, "daemonhelpers.txtar")
	x := newSyntaxIndex(nil)
	if dir := x.dirOf("suite", "example.com/suite/env/daemon"); filepath.ToSlash(dir) != "env/daemon" {
		t.Errorf("dirOf found %q for the module's daemon package", dir)
	}
	for _, path := range []string{"example.com/other/env/daemon", "example.com/suite/vendor/x", "example.com/suite/env/missing", "example.com/suitex/env"} {
		if dir := x.dirOf("suite", path); dir != "" {
			t.Errorf("dirOf found %q for %s", dir, path)
		}
	}
}
