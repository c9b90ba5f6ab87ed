package compose

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/internal/testfiles"
)

// mergeBomb is a compose file whose service's labels merge the widest
// anchor of testfiles.MergeBomb.
func mergeBomb(levels, width int) string {
	return testfiles.MergeBomb(levels, width) + fmt.Sprintf("services:\n  web:\n    image: x\n    labels:\n      <<: *m%d\n", levels)
}

// TestMergeBomb: a merge-key bomb is refused at once with DG004 on its key,
// and the other projects of the tree are still checked.
func TestMergeBomb(t *testing.T) {
	root := t.TempDir()
	testfiles.Write(t, root, map[string]string{
		"bomb/compose.yaml": mergeBomb(11, 10),
		"ok/compose.yaml":   "services:\n  api:\n    image: x\n",
		"mild/compose.yaml": mergeBomb(3, 10) + "  other:\n    image: y\n    mem_limit: 1g\n",
	})
	t.Chdir(root)
	got := render(Check(context.Background(), []string{"bomb/compose.yaml", "ok/compose.yaml", "mild/compose.yaml"}, Options{}))
	for _, want := range []string{
		"bomb/compose.yaml:15:3-15:5: warning: merge keys too deep or too wide to resolve",
		`ok/compose.yaml:2:3-2:6: error: service "api" has no memory limit`,
		`mild/compose.yaml:12:3-12:6: error: service "web" has no memory limit`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "mild/compose.yaml:") && strings.Contains(got, "mild/compose.yaml:5:3-5:5: warning") {
		t.Errorf("a 1,000-key merge is ordinary, not a bomb:\n%s", got)
	}
}
