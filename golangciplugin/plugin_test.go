package golangciplugin

import (
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
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
	if want := "forceremove killcontainer fanout memlimit directives"; got != want {
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

// TestFoldRelated: golangci-lint turns each related position into an
// issue of its own, so the plugin folds them into the message.
func TestFoldRelated(t *testing.T) {
	fset := token.NewFileSet()
	f := fset.AddFile("/src/cleanup.go", -1, 100)
	f.SetLines([]int{0, 10, 20, 30})
	d := fold(fset, analysis.Diagnostic{Pos: f.Pos(21), Category: "DG101", Message: "ContainerRemove with Force: true (DG101)",
		Related: []analysis.RelatedInformation{{Pos: f.Pos(12), Message: "Force is set to true here"}}})
	if want := "ContainerRemove with Force: true; Force is set to true here at cleanup.go:2 (DG101)"; d.Message != want || d.Related != nil {
		t.Errorf("folded = %q (related %v), want %q", d.Message, d.Related, want)
	}
	if d := fold(fset, analysis.Diagnostic{Pos: f.Pos(1), Category: "DG104", Message: "plain (DG104)"}); d.Message != "plain (DG104)" {
		t.Errorf("a diagnostic without related information changed: %q", d.Message)
	}
}

// pluginFixture: DG101 on line 6 is reported; line 8's is suppressed by a
// dockguard directive; line 10's //nolint:dockguard is golangci-lint's to
// apply, so the plugin reports that finding for golangci-lint to drop; the
// configuration turns DG302 off and the settings DG104, so the kill on
// line 11 and the directive naming DG104 on line 12 report nothing; the
// directive naming DG107 on line 13 hides nothing (DG002).
var pluginFixture = map[string]string{
	"go.mod": "module example.com/pluginfixture\n\ngo 1.22\n",
	"main.go": `package main

import "os/exec"

func main() {
	_ = exec.Command("docker", "rm", "-f", "web").Run()
	//dockguard:ignore DG101 -- the dev container is disposable
	_ = exec.Command("docker", "rm", "-f", "db").Run()
	//nolint:dockguard // golangci-lint applies this one
	_ = exec.Command("docker", "rm", "-f", "cache").Run()
	_ = exec.Command("docker", "kill", "queue").Run()
	_ = exec.Command("docker", "kill", "queue2").Run() //dockguard:ignore DG104 -- disabled anyway
	//dockguard:ignore DG107 -- nothing prunes here
	_ = exec.Command("docker", "ps").Run()
}
`,
	".dockguard.yaml": "rules:\n  DG302: off\n  DG101: {severity: warning}\n",
}

// TestPluginAppliesConfigAndDirectives runs the plugin's analyzers, as
// golangci-lint runs them, on a fixture module with settings layered on its
// .dockguard.yaml.
func TestPluginAppliesConfigAndDirectives(t *testing.T) {
	dir := t.TempDir()
	for name, content := range pluginFixture {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir) // golangci-lint runs in the module; the settings' defaults come from there
	got := runPlugin(t, dir, map[string]any{"disable": []string{"DG104"}})
	want := []string{
		"main.go:10 DG101 (DG101, warning)",
		"main.go:13 DG002 (DG002)",
		"main.go:6 DG101 (DG101, warning)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("plugin reported:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// no-config: DG302 is back, and DG101 has its own severity again.
	got = runPlugin(t, dir, map[string]any{"disable": []string{"DG104"}, "no-config": true})
	n302 := 0
	for _, g := range got {
		if strings.Contains(g, " DG302 ") {
			n302++
		}
		if strings.Contains(g, "warning)") {
			t.Errorf("no-config still applies the configured severity: %s", g)
		}
	}
	if n302 != 6 {
		t.Errorf("no-config: %d DG302 findings, want 6 (one per docker command):\n%s", n302, strings.Join(got, "\n"))
	}
}

// runPlugin loads the fixture's packages with types, as golangci-lint
// does, runs the plugin's analyzers and returns "file:line rule (suffix)"
// for each diagnostic, sorted.
func runPlugin(t *testing.T, dir string, settings map[string]any) []string {
	t.Helper()
	p, err := New(settings)
	if err != nil {
		t.Fatal(err)
	}
	as, err := p.BuildAnalyzers()
	if err != nil {
		t.Fatal(err)
	}
	pkgs, err := packages.Load(&packages.Config{
		Mode: packages.LoadAllSyntax,
		Dir:  dir,
		Env:  append(os.Environ(), "GOWORK=off", "GOFLAGS=", "GOPROXY=off", "GOTOOLCHAIN=local"),
	}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		t.Fatal("the fixture does not load")
	}
	g, err := checker.Analyze(as, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for act := range g.All() {
		if act.Err != nil {
			t.Fatalf("%s: %v", act.Analyzer.Name, act.Err)
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			suffix := d.Message[strings.LastIndex(d.Message, " ("):]
			got = append(got, fmt.Sprintf("%s:%d %s%s", filepath.Base(pos.Filename), pos.Line, d.Category, suffix))
		}
	}
	sort.Strings(got)
	return got
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
