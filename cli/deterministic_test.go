package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/dockguard/dockguard/compose/composegen"
	"github.com/dockguard/dockguard/internal/testfiles"
)

// TestCheckDeterministic runs `check --format json` 20 times over a tree of
// many compose projects (generated ones, the compose golden fixtures, and
// projects where several services are refused at once, so that compose-go's
// map order would choose the reported error) and asserts byte-identical
// output each time.
func TestCheckDeterministic(t *testing.T) {
	root := t.TempDir()
	if _, err := composegen.Generate(filepath.Join(root, "gen"), 12, 3); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(root, "fixtures"), os.DirFS(filepath.Join("..", "compose", "testdata", "golden"))); err != nil {
		t.Fatal(err)
	}
	broken := map[string]string{}
	for i := range 6 {
		// Every service is refused at the same stage, so compose-go's map
		// order alone chooses which one it reports.
		body := "services:\n"
		for j, spec := range []string{":", "::", ":::", "1:2:3:4", "x:y"} {
			body += fmt.Sprintf("  s%d:\n    image: x\n    mem_limit: 1g\n    ports: [%q]\n", j, spec)
		}
		broken[fmt.Sprintf("broken%d/compose.yaml", i)] = body
	}
	testfiles.Write(t, root, broken)
	t.Chdir(root)
	var first []byte
	for i := range 20 {
		var out, errb bytes.Buffer
		code := Run([]string{"check", "--format", "json", "--only", "compose", "."}, nil, &out, &errb)
		if code != ExitFindings {
			t.Fatalf("run %d: exit %d, stderr:\n%s", i, code, errb.String())
		}
		if i == 0 {
			first = out.Bytes()
			if !bytes.Contains(first, []byte("DG004")) {
				t.Fatalf("no refusal reported:\n%s", first)
			}
			continue
		}
		if !bytes.Equal(out.Bytes(), first) {
			t.Fatalf("run %d differs from run 0:\n%s", i, firstDiff(first, out.Bytes()))
		}
	}
}

// firstDiff shows the first differing line of a and b.
func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) && i < len(lb); i++ {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d lines", len(la), len(lb))
}
