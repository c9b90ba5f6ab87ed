package compose

import (
	"context"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/dockguard/dockguard/internal/testfiles"
)

// TestNameForAgreesWithComposeGo: the name dockguard passes as explicit
// (sparing compose-go its own decode of every file) is the name compose-go
// finds itself, and the same variables are reported as missing, for
// every shape of `name:` it handles and those it leaves to compose-go.
func TestNameForAgreesWithComposeGo(t *testing.T) {
	svc := "services:\n  web:\n    image: nginx\n"
	cases := []struct {
		name     string
		files    []string // config file contents, in override order
		explicit bool     // whether nameFor decides the name itself
	}{
		{"no name", []string{svc}, true},
		{"plain", []string{"name: shop\n" + svc}, true},
		{"normalised", []string{"name: My.Shop\n" + svc}, true},
		{"interpolated", []string{"name: ${PREFIX}-shop\n" + svc}, true},
		{"missing variable", []string{"name: ${NOPE}shop\n" + svc}, true},
		{"default of a missing variable", []string{"name: ${NOPE:-fallback}\n" + svc}, true},
		{"empty after interpolation", []string{"name: ${NOPE}\n" + svc}, true},
		{"the last file wins", []string{"name: first\n" + svc, "name: second\n"}, true},
		{"an empty name does not override", []string{"name: first\n" + svc, "name: ''\n"}, true},
		{"quoted", []string{"name: \"quoted\"\n" + svc}, true},
		{"several documents", []string{"name: one\n" + svc + "---\nname: two\n"}, false},
		{"merge key", []string{"x: &x {name: merged}\n<<: *x\n" + svc}, false},
		{"a number", []string{"name: 123\n" + svc}, false},
		{"an alias", []string{"x-n: &n aliased\nname: *n\n" + svc}, false},
		{"bad interpolation", []string{"name: ${\n" + svc}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tree := map[string]string{"app/.env": "PREFIX=acme\n"}
			names := []string{"compose.yaml", "compose.override.yaml", "compose.prod.yaml"}
			for i, src := range tc.files {
				tree["app/"+names[i]] = src
			}
			testfiles.Write(t, root, tree)
			c := newFileCache(root)
			dir := filepath.Join(root, "app")
			env, err := projectEnv(dir, true, maxFileSize)
			if err != nil {
				t.Fatal(err)
			}
			p := &project{dir: dir, env: env, name: defaultProjectName(dir)}
			configs := make([]types.ConfigFile, len(tc.files))
			for i := range tc.files {
				f := c.get(filepath.Join(dir, names[i]))
				p.configs = append(p.configs, f)
				configs[i] = types.ConfigFile{Filename: f.abs, Content: f.src}
			}
			load := func(n loadName) (string, []string, error) {
				var mu sync.Mutex
				var missing []string
				note := func(k string) { mu.Lock(); missing = append(missing, k); mu.Unlock() }
				if n.name == "" {
					n = nameFor(p, note)
				}
				pr, err := loadProject(context.Background(), dir, configs, p.env, n, strictLoad, note)
				sort.Strings(missing)
				if err != nil {
					return "", missing, err
				}
				return pr.Name, missing, nil
			}
			got := nameFor(p, nil)
			if got.explicit != tc.explicit {
				t.Errorf("nameFor explicit = %v, want %v", got.explicit, tc.explicit)
			}
			// compose-go on its own: the folder's name, not explicit.
			wantName, wantMissing, wantErr := load(loadName{name: p.name})
			gotName, gotMissing, gotErr := load(loadName{})
			if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
				t.Fatalf("load error %v, compose-go alone %v", gotErr, wantErr)
			}
			if gotName != wantName {
				t.Errorf("project name %q, compose-go alone %q", gotName, wantName)
			}
			if strings.Join(uniq(gotMissing), ",") != strings.Join(uniq(wantMissing), ",") {
				t.Errorf("missing variables %v, compose-go alone %v", gotMissing, wantMissing)
			}
		})
	}
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
