package cache

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
	"github.com/dockguard/dockguard/suppress"
)

// prefilterRun runs the engine over the current folder with memo, the
// shell checker, the suppressor as check wires it, and a Go front end that
// reports every file it is given; it returns the result and what the
// suppressor hid.
func prefilterRun(t *testing.T, memo engine.Memo) (*engine.Result, []report.Suppressed) {
	t.Helper()
	sup := &suppress.Suppressor{}
	opts := &engine.Options{
		Paths:       []string{"."},
		ShellFamily: map[engine.Kind]engine.FileFunc{engine.KindScript: shell.CheckScript},
		Go: func(_ context.Context, files []string) rules.Result {
			var res rules.Result
			for _, f := range files {
				res.Findings = append(res.Findings, rules.Finding{Rule: "DG101", File: f, Line: 6, Message: "given to the Go front end"})
			}
			return res
		},
		Filter: sup.Filter,
		Memo:   memo,
	}
	res := engine.Run(context.Background(), opts)
	return res, sup.Suppressed()
}

func TestPrefilterMemoReplaysTheSameRun(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	write(t, "go.mod", "module m\n")
	write(t, "a/run.go", "package a\n\nimport \"os/exec\"\n\nvar _ = exec.Command(\"docker\", \"rm\", \"-f\", \"x\")\n")
	write(t, "a/plain.go", "package a\n\nfunc plain() int { return 1 }\n")
	write(t, "b/quiet.go", "package b\n\nimport \"os/exec\"\n\n//nolint:dockguard // reviewed\nvar _ = exec.Command(\"ls\") //nolint:dockguard // reviewed\n")
	write(t, "ci/rm.sh", "#!/bin/sh\ndocker rm -f web\n")
	write(t, "ci/noop.sh", "#!/bin/sh\necho hello\n")
	write(t, "ci/ps.sh", "#!/bin/sh\ndocker ps\n")
	// No finding, but a directive: Filter reports it unused every run.
	write(t, "ci/unused.sh", "#!/bin/sh\ndocker ps # dockguard:ignore DG101 -- reviewed\n")
	write(t, "ci/blob.sh", "docker\x00\x01\x02")
	// The index remembers only files older than the race window.
	time.Sleep(raceWindow + 200*time.Millisecond)

	want, wantFiltered := prefilterRun(t, nil)
	if len(want.Findings) < 4 || len(want.Notes) == 0 || len(wantFiltered) == 0 {
		t.Fatalf("the tree should give shell and Go findings, an unused directive, a suppressed Go finding and a binary-file note: %+v %v", want, wantFiltered)
	}
	c := open(t)
	salt := NewHash("salt").Key()
	for run := 1; run <= 2; run++ {
		memo := Prefilter(c, salt).(*prefilter)
		got, gotFiltered := prefilterRun(t, memo)
		if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotFiltered, wantFiltered) {
			t.Fatalf("run %d with the index differs from a run without it:\n got %+v %v\nwant %+v %v", run, got, gotFiltered, want, wantFiltered)
		}
		// The second run replays the Go, skipped, clean and binary files
		// (the shell scripts with a finding or a directive are read and
		// checked).
		if hits := memo.hits.Load(); (run == 1 && hits != 0) || (run == 2 && hits != 6) {
			t.Fatalf("run %d replayed %d verdicts", run, hits)
		}
	}
	// A file changed since is read again, and its new verdict counts.
	write(t, "a/plain.go", "package a\n\nimport \"os/exec\"\n\nvar _ = exec.Command(\"docker\", \"kill\", \"x\")\n")
	want, wantFiltered = prefilterRun(t, nil)
	memo := Prefilter(c, salt).(*prefilter)
	got, gotFiltered := prefilterRun(t, memo)
	if !reflect.DeepEqual(got, want) || !reflect.DeepEqual(gotFiltered, wantFiltered) {
		t.Fatalf("after a change:\n got %+v\nwant %+v", got, want)
	}
	if memo.hits.Load() != 5 {
		t.Fatalf("after one change, %d verdicts replayed, want 5", memo.hits.Load())
	}
	// Another salt (another configuration) starts from nothing.
	other := Prefilter(c, NewHash("other").Key()).(*prefilter)
	prefilterRun(t, other)
	if other.hits.Load() != 0 {
		t.Fatalf("another salt replayed %d verdicts", other.hits.Load())
	}
}
