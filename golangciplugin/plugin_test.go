package golangciplugin

import (
	"go/token"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

func TestRegistered(t *testing.T) {
	newPlugin, err := register.GetPlugin(Name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := newPlugin(map[string]any{"parallel-limit": 5, "binaries": []string{"docker"}, "disable": []string{"DG302", "dg107"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.GetLoadMode() != register.LoadModeTypesInfo {
		t.Errorf("load mode %q", p.GetLoadMode())
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	if err := analysis.Validate(as); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range as {
		names = append(names, a.Name)
	}
	got := strings.Join(names, " ")
	if want := "forceremove killcontainer fanout memlimit"; got != want {
		t.Errorf("analyzers %q, want %q", got, want)
	}
}

func TestBadSettings(t *testing.T) {
	for _, conf := range []any{
		map[string]any{"disable": []string{"DG999"}},
		map[string]any{"parallel-limit": -1},
		map[string]any{"unknown-key": true},
	} {
		if _, err := New(conf); err == nil {
			t.Errorf("New(%v) succeeded", conf)
		}
	}
	if _, err := New(nil); err != nil {
		t.Errorf("New(nil): %v", err)
	}
}

// TestWrapFoldsRelated: golangci-lint turns each related position into an
// issue of its own, so the plugin folds them into the message and drops
// diagnostics of disabled rules.
func TestWrapFoldsRelated(t *testing.T) {
	fset := token.NewFileSet()
	f := fset.AddFile("/src/cleanup.go", -1, 100)
	f.SetLines([]int{0, 10, 20, 30})
	inner := &analysis.Analyzer{Name: "x", Doc: "x", Run: func(pass *analysis.Pass) (any, error) {
		pass.Report(analysis.Diagnostic{Pos: f.Pos(21), Category: "DG101", Message: "ContainerRemove with Force: true (DG101)",
			Related: []analysis.RelatedInformation{{Pos: f.Pos(12), Message: "Force is set to true here"}}})
		pass.Report(analysis.Diagnostic{Pos: f.Pos(31), Category: "DG302", Message: "no deadline (DG302)"})
		pass.Report(analysis.Diagnostic{Pos: f.Pos(1), Category: "DG104", Message: "plain (DG104)"})
		return nil, nil
	}}
	p, err := New(map[string]any{"disable": []string{"DG302"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []analysis.Diagnostic
	pass := &analysis.Pass{Fset: fset, Report: func(d analysis.Diagnostic) { got = append(got, d) }}
	if _, err := p.(*Plugin).wrap(inner).Run(pass); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d diagnostics, want 2 (DG302 disabled): %+v", len(got), got)
	}
	if want := "ContainerRemove with Force: true; Force is set to true here at cleanup.go:2 (DG101)"; got[0].Message != want || got[0].Related != nil {
		t.Errorf("folded = %q (related %v), want %q", got[0].Message, got[0].Related, want)
	}
	if got[1].Message != "plain (DG104)" {
		t.Errorf("unrelated diagnostic changed: %q", got[1].Message)
	}
}

// TestStopTimeout: the setting reaches forceremove, whose fixes insert
// stops with that many seconds.
func TestStopTimeout(t *testing.T) {
	p, err := New(map[string]any{"stop-timeout": 30})
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range as {
		if a.Name != "forceremove" {
			continue
		}
		found = true
		if f := a.Flags.Lookup("stop-timeout"); f == nil || f.Value.String() != "30" {
			t.Errorf("forceremove -stop-timeout is %v, want 30", f)
		}
	}
	if !found {
		t.Error("no forceremove analyzer")
	}
	if _, err := New(map[string]any{"stop-timeout": -1}); err == nil {
		t.Error("a negative stop-timeout was accepted")
	}
}
