package gocheck

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/rules"
)

// loadOutcome is everything a check tells, in a comparable form: its
// findings with their messages and fixes, notes, errors, units and the
// facts it stored for the packages it type-checked.
func loadOutcome(t *testing.T, files []string, load Load) string {
	t.Helper()
	facts := analyzers.NewFactStore()
	units, res := CheckUnits(context.Background(), files, Options{Jobs: 2, Load: load, Facts: facts})
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "finding %s:%d:%d-%d:%d %s %q %q %v\n", filepath.ToSlash(f.File), f.Line, f.Column, f.EndLine, f.EndColumn, f.Rule, f.Message, f.Key, f.Fixes)
	}
	notes := func(kind string, ns []rules.Note) {
		var out []string
		for _, n := range ns {
			out = append(out, fmt.Sprintf("%s %s: %s", kind, filepath.ToSlash(n.File), n.Message))
		}
		sort.Strings(out)
		for _, o := range out {
			b.WriteString(o + "\n")
		}
	}
	notes("note", res.Notes)
	notes("error", res.Errors)
	var us, pkgs []string
	for _, u := range units {
		us = append(us, fmt.Sprintf("unit %s %v %d deps", u.Pkg, u.Files, len(u.Deps)))
		if u.Pkg != "" {
			pkgs = append(pkgs, u.Pkg)
		}
	}
	sort.Strings(us)
	sort.Strings(pkgs)
	for _, u := range us {
		b.WriteString(u + "\n")
	}
	data, err := facts.Export(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "facts %x\n", data)
	return b.String()
}

// reasonless cuts the reason out of the "type-checking failed (…)" notes
// of a loadOutcome: for a syntax error the export-data load quotes the
// compiler, which the source load does not run, and the source load
// quotes go/parser. Every other line is compared whole.
func reasonless(outcome string) string {
	lines := strings.Split(outcome, "\n")
	for i, l := range lines {
		if before, _, ok := strings.Cut(l, ": type-checking failed ("); ok && strings.HasPrefix(l, "note ") && strings.Contains(l, "syntax error") {
			lines[i] = before + ": type-checking failed (a syntax error)"
		}
	}
	return strings.Join(lines, "\n")
}

// TestSourceLoadMatchesExportLoad: type-checking the dependencies from
// source gives what reading their export data gives, findings, messages,
// fixes, notes, units and the helpers' facts, on fixture modules that
// type-check, that call another package's helpers, that import a package
// nobody provides, that require a module nobody can download, and on the
// module that depends on the real Docker SDK.
func TestSourceLoadMatchesExportLoad(t *testing.T) {
	findings := 0
	for _, name := range []string{"module.txtar", "helpers.txtar", "importfail.txtar", "missing.txtar", "untyped.txtar", "gomod"} {
		t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
			var files []string
			if name == "gomod" {
				t.Chdir(fixture(t))
				files = []string{
					filepath.FromSlash("cleanup/cleanup.go"),
					filepath.FromSlash("newsdk/newsdk.go"),
					filepath.FromSlash("clean/clean.go"),
				}
			} else {
				offline(t)
				files = extract(t, name)
			}
			export, source := loadOutcome(t, files, LoadExport), loadOutcome(t, files, LoadSource)
			if reasonless(export) != reasonless(source) {
				t.Errorf("export data:\n%s\nfrom source:\n%s", export, source)
			}
			for _, line := range strings.Split(export, "\n") {
				findings += strings.Count(line[:min(len(line), 8)], "finding ")
				if name == "helpers.txtar" && strings.HasPrefix(line, "facts ") && len(line) < len("facts ")+32 {
					t.Errorf("helpers.txtar: too few facts to compare: %s", line)
				}
			}
		})
	}
	if findings < 10 {
		t.Errorf("%d findings over the fixtures: the comparison says little", findings)
	}
}

// TestHelpersFactsFromSource: the helpers' facts reach their callers when
// the dependencies are read from source (the fixture's callers import
// neither os/exec nor a container CLI's name).
func TestHelpersFactsFromSource(t *testing.T) {
	offline(t)
	files := extract(t, "helpers.txtar")
	var got []string
	for _, f := range Check(context.Background(), files, Options{Jobs: 2, Load: LoadSource}).Findings {
		if callers(f.File) {
			got = append(got, filepath.ToSlash(f.File)+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Rule)
		}
	}
	sort.Strings(got)
	if strings.Join(got, "\n") != strings.Join(helpersWant, "\n") {
		t.Errorf("findings in the callers:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(helpersWant, "\n"))
	}
}

// TestColdBuildCache: with an empty build cache the probe says cold, a
// check with LoadAuto then compiles nothing (the probe still says
// cold after it) and finds what the export-data load finds; once the
// packages are built, the probe says warm.
func TestColdBuildCache(t *testing.T) {
	offline(t)
	files := extract(t, "module.txtar")
	t.Setenv("GOCACHE", t.TempDir())
	dir, pats := ".", []string{"./..."}
	if cold, stale, total := coldBuild(context.Background(), dir, pats, false); !cold || stale == 0 || total < stale {
		t.Fatalf("empty build cache: cold %v, %d of %d stale", cold, stale, total)
	}
	auto := loadOutcome(t, files, LoadAuto)
	if cold, stale, total := coldBuild(context.Background(), dir, pats, false); !cold {
		t.Errorf("the default check compiled: %d of %d stale after it", stale, total)
	}
	if !strings.Contains(auto, "finding ") {
		t.Fatalf("nothing found:\n%s", auto)
	}
	if export := loadOutcome(t, files, LoadExport); reasonless(export) != reasonless(auto) {
		t.Errorf("export data:\n%s\ndefault with a cold build cache:\n%s", export, auto)
	}
	var stderr bytes.Buffer
	build := exec.Command("go", "build", "./...")
	build.Stderr = &stderr
	_ = build.Run() // broken/ does not compile; the rest is built
	if cold, stale, total := coldBuild(context.Background(), dir, []string{"./run"}, false); cold {
		t.Errorf("after go build: cold, %d of %d stale (%s)", stale, total, stderr.String())
	}
	if _, err := ParseLoad("fast"); err == nil {
		t.Error("ParseLoad accepted an unknown load")
	}
}
