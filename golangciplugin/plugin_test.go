package golangciplugin

import (
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
