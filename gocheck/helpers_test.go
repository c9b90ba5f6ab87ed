package gocheck

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// helpersWant are the calls of another package's helpers in
// helpers.txtar: the package that calls them imports neither os/exec nor
// a container CLI's name.
var helpersWant = []string{
	"cleanup/cleanup.go:10:6 DG101",
	"cleanup/cleanup.go:11:6 DG101",
	"cleanup/cleanup.go:12:6 DG101",
	"teardown/teardown.go:12:6 DG101",
}

func TestHelpersAcrossPackages(t *testing.T) {
	offline(t)
	files := extract(t, "helpers.txtar")
	res := Check(context.Background(), files, Options{Jobs: 2})
	var got []string
	for _, f := range res.Findings {
		if callers(f.File) {
			got = append(got, filepath.ToSlash(f.File)+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(helpersWant, "\n") {
		t.Errorf("findings in cleanup:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(helpersWant, "\n"))
	}
	for _, f := range res.Findings {
		if callers(f.File) && !strings.Contains(f.Message, "rm") && !strings.Contains(f.Message, "Remove, which passes its options to ContainerRemove") {
			t.Errorf("%s:%d: message does not show the command: %q", f.File, f.Line, f.Message)
		}
	}
	if len(res.Errors) != 0 || len(res.Notes) != 0 {
		t.Errorf("errors %v, notes %v: the fixture type-checks", res.Errors, res.Notes)
	}
	// Only the caller's folder is wanted: its helpers' package is not
	// checked, so nothing is known about them (and nothing is guessed).
	only := Check(context.Background(), []string{filepath.FromSlash("cleanup/cleanup.go")}, Options{Jobs: 2})
	if len(only.Findings) != 0 {
		t.Errorf("cleanup alone: %v", summary(only.Findings))
	}
}

// TestHelpersAcrossBatches: with every package in a batch (and universe)
// of its own, the helpers' facts still reach their callers: batches follow
// the imports-first order.
func TestHelpersAcrossBatches(t *testing.T) {
	offline(t)
	files := extract(t, "helpers.txtar")
	c := newRun(Options{Jobs: 2})
	c.budget = 1
	var got []string
	for _, f := range c.check(context.Background(), files).Findings {
		if callers(f.File) {
			got = append(got, filepath.ToSlash(f.File)+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(helpersWant, "\n") {
		t.Errorf("findings in the callers, one package per batch:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(helpersWant, "\n"))
	}
}

// TestGoVetHelpersAcrossPackages: go vet passes the helpers' facts between
// packages itself.
func TestGoVetHelpersAcrossPackages(t *testing.T) {
	bin := dockguardBinary(t) // built from the repository, before the fixture becomes the working directory
	offline(t)
	extract(t, "helpers.txtar")
	var got []string
	all, out := goVet(t, ".", bin)
	for _, f := range all {
		if callers(f) {
			got = append(got, f)
		}
	}
	if strings.Join(got, "\n") != strings.Join(helpersWant, "\n") {
		t.Errorf("go vet reported:\n%s\nwant:\n%s\nfull output:\n%s", strings.Join(got, "\n"), strings.Join(helpersWant, "\n"), out)
	}
}

// callers reports a file of the packages that call another package's
// helpers in helpers.txtar.
func callers(file string) bool {
	file = filepath.ToSlash(file)
	return strings.HasPrefix(file, "cleanup/") || strings.HasPrefix(file, "teardown/")
}
