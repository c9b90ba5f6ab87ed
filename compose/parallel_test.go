package compose

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dockguard/dockguard/internal/testfiles"
)

// siblingTree writes one folder of n compose projects; the even ones set
// their own `name:`, the odd ones take the folder's. A .env gives them a
// shared environment, as a real folder does.
func siblingTree(t *testing.T, n int) (root string, files []string) {
	t.Helper()
	root = t.TempDir()
	tree := map[string]string{"shop/.env": "TAG=1\n"}
	for i := range n {
		name := ""
		if i%2 == 0 {
			name = fmt.Sprintf("name: p%d\n", i)
		}
		f := fmt.Sprintf("shop/compose.s%02d.yaml", i)
		tree[f] = name + fmt.Sprintf("services:\n  s%d:\n    image: x:${TAG}\n    mem_limit: 64m\n", i)
		files = append(files, filepath.Join(root, filepath.FromSlash(f)))
	}
	testfiles.Write(t, root, tree)
	return root, files
}

// TestSiblingProjectsParallel loads many projects of one folder at once, as
// Check does, and asserts that each keeps its own name: compose-go writes
// the name into the environment it is given, so a shared map both races
// (caught under -race) and leaks the first project's name into the others.
func TestSiblingProjectsParallel(t *testing.T) {
	root, files := siblingTree(t, 24)
	c := newFileCache(root)
	fp := discoverFolder(c, filepath.Join(root, "shop"), files, map[string]bool{}, map[string]bool{})
	if len(fp.projects) != len(files) {
		t.Fatalf("discovered %d projects, want %d", len(fp.projects), len(files))
	}
	names := make([]string, len(fp.projects))
	errs := make([]error, len(fp.projects))
	var wg sync.WaitGroup
	for i, p := range fp.projects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cfgs := []types.ConfigFile{{Filename: p.configs[0].abs, Content: p.configs[0].src}}
			pr, err := loadProject(context.Background(), p.dir, cfgs, p.env, nameFor(p, nil), strictLoad, nil)
			if err != nil {
				errs[i] = err
				return
			}
			names[i] = pr.Name
		}()
	}
	wg.Wait()
	for i, p := range fp.projects {
		if errs[i] != nil {
			t.Fatalf("%s: %v", p.configs[0].display, errs[i])
		}
		base := filepath.Base(p.configs[0].abs)
		var n int
		if _, err := fmt.Sscanf(base, "compose.s%02d.yaml", &n); err != nil {
			t.Fatal(err)
		}
		want := "shop"
		if n%2 == 0 {
			want = fmt.Sprintf("p%d", n)
		}
		if names[i] != want {
			t.Errorf("%s: project name %q, want %q", base, names[i], want)
		}
	}
	if v, ok := fp.projects[0].env["COMPOSE_PROJECT_NAME"]; ok {
		t.Errorf("the folder's shared environment was written to: COMPOSE_PROJECT_NAME=%q", v)
	}
}

// TestCheckSiblingsParallel runs the whole check over the same folder; under
// -race it fails on any shared write the loads make.
func TestCheckSiblingsParallel(t *testing.T) {
	_, files := siblingTree(t, 24)
	for range 3 {
		res := Check(context.Background(), files, Options{})
		if len(res.Errors) > 0 {
			t.Fatalf("errors: %v", res.Errors)
		}
		if got := render(res); strings.Contains(got, "DG004") {
			t.Fatalf("a sibling was refused:\n%s", got)
		}
	}
}

// TestRefusalFirstByPosition: with several services whose ports compose-go
// refuses, the refusal reported is the first in the file, in every run,
// and it points at the port entry rather than at the top of the file.
func TestRefusalFirstByPosition(t *testing.T) {
	root := t.TempDir()
	body := "services:\n"
	for j, spec := range []string{"x:y", "1:2:3:4", ":", "::"} {
		body += fmt.Sprintf("  s%d:\n    image: x\n    mem_limit: 1g\n    ports: [%q]\n", j, spec)
	}
	testfiles.Write(t, root, map[string]string{"compose.yaml": body})
	t.Chdir(root)
	for range 10 {
		got := render(Check(context.Background(), []string{"compose.yaml"}, Options{}))
		if want := `compose.yaml:5:13-5:18: warning: Compose refuses this project: invalid containerPort: y`; !strings.Contains(got, want) {
			t.Fatalf("want %q in\n%s", want, got)
		}
	}
}
