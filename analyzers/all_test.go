package analyzers_test

import (
	"strings"
	"testing"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/rules"
	"golang.org/x/tools/go/analysis"
)

func TestAnalyzersAreValid(t *testing.T) {
	if err := analysis.Validate(analyzers.All); err != nil {
		t.Fatal(err)
	}
	if err := analysis.Validate(analyzers.New(analyzers.Config{Binaries: []string{"docker"}, ParallelLimit: 5})); err != nil {
		t.Fatal(err)
	}
	for _, a := range analyzers.All {
		if a.Doc == "" || a.URL == "" {
			t.Errorf("%s: missing Doc or URL", a.Name)
		}
		ids, ok := analyzers.Rules[a.Name]
		if !ok {
			t.Errorf("%s: not in analyzers.Rules", a.Name)
		}
		for _, id := range ids {
			r, ok := rules.Lookup(id)
			if !ok {
				t.Errorf("%s: unknown rule %s", a.Name, id)
				continue
			}
			// The catalogue (and so `dockguard rules` and the rule docs)
			// must say that the Go front end reports it.
			if r.Frontend != "core" && !strings.Contains(r.Frontend, "go") {
				t.Errorf("%s reports %s, but the catalogue says it is checked by %q", a.Name, id, r.Frontend)
			}
		}
	}
}
