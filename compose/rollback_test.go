package compose_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/rules"
)

// TestFixersRollBack gives each compose fixer's fix a bad result (one that
// does not parse, and one that leaves the finding in place) and asserts
// that package fix rolls it back through the compose re-check, leaving the
// file as it was, while the real fix applies.
func TestFixersRollBack(t *testing.T) {
	src := "services:\n  web:\n    image: web\n" +
		"  db:\n    image: db\n    mem_limit: 256m\n    mem_reservation: 1g\n" +
		"  cache:\n    image: redis\n    mem_limit: 256m\n    command: redis-server --maxmemory 1gb\n"
	opts := compose.Options{Sizing: &compose.Sizing{Default: 128 << 20}, Fix: rules.FixSettings{Explain: true}}
	for _, rule := range []string{"DG201", "DG202", "DG204"} {
		for _, bad := range []struct {
			name string
			edit func(e rules.Edit) rules.Edit
			why  string
		}{
			{"breaks the YAML", func(e rules.Edit) rules.Edit { e.NewText += "\n  : [unclosed\n"; return e }, "parse"},
			{"leaves the finding", func(rules.Edit) rules.Edit {
				return rules.Edit{Start: len(src), End: len(src), NewText: "# nothing fixed\n"}
			}, "still reported"},
			{"is right", nil, ""},
		} {
			t.Run(rule+" "+bad.name, func(t *testing.T) {
				dir := t.TempDir()
				p := filepath.Join(dir, "compose.yaml")
				if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
					t.Fatal(err)
				}
				t.Chdir(dir)
				res := compose.Check(context.Background(), []string{"compose.yaml"}, opts)
				var target []rules.Finding
				for _, f := range res.Findings {
					if f.Rule == rule {
						if len(f.Fixes) == 0 {
							t.Fatalf("%s has no fix: %s", rule, f.Message)
						}
						if bad.edit != nil {
							f.Fixes = []rules.Edit{bad.edit(f.Fixes[0])}
						}
						target = append(target, f)
					}
				}
				if len(target) != 1 {
					t.Fatalf("%d %s findings", len(target), rule)
				}
				fres := fix.Run(context.Background(), target, &fix.Options{
					Checked: func(string) *fix.Checked { return &fix.Checked{Src: []byte(src), Raw: res.Findings} },
					Recheck: func(ctx context.Context, file string, b []byte) []rules.Finding {
						return compose.CheckSource(ctx, file, b, opts).Findings
					},
					Dir: dir, Roots: []string{dir}, Write: true,
				})
				got, _ := os.ReadFile(p)
				if bad.edit == nil {
					if len(fres.Applied) != 1 || string(got) == src {
						t.Fatalf("the real fix was not applied: %+v", fres.Rejected)
					}
					return
				}
				if len(fres.Applied) != 0 || len(fres.Rejected) != 1 || !strings.Contains(fres.Rejected[0].Reason, bad.why) {
					t.Fatalf("applied %d, rejected %+v; want a rejection saying %q", len(fres.Applied), fres.Rejected, bad.why)
				}
				if string(got) != src {
					t.Errorf("a rolled-back fix changed the file:\n%s", got)
				}
			})
		}
	}
}
