package cishell

import (
	"os"
	"path/filepath"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/internal/testfiles"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// seed adds the golden inputs of dir and a few hostile ones to the corpus.
func seed(f *testing.F, dir string) {
	files, _ := filepath.Glob(filepath.Join("testdata", dir, "*"))
	for _, p := range files {
		if filepath.Ext(p) == ".golden" {
			continue
		}
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{
		"", "\x00", "\xff\xfe", "a: &a [*a]", "- run: |\n\t x\n", "jobs: {a: {steps: [{run: |2-\n  x\n}]}}",
		"run: \"${{\"", "x: !!binary AAAA", "? [a]\n: b\n", "&a a: *a\n", testfiles.MergeBomb(6, 10) + "job:\n  <<: *m6\n",
	} {
		f.Add([]byte(s))
	}
}

// fuzzYAML checks that an entry point never panics, that every finding
// lies in the file with consistent positions, and that every extracted
// fragment maps verbatim text to where it really is.
func fuzzYAML(f *testing.F, dir string, check func(string, []byte, *shell.Config) []rules.Finding, walk walker) {
	seed(f, dir)
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := check("f.yml", src, nil)
		checkFindings(t, "f.yml", src, fs)
		frags, _ := collect(src, walk)
		for _, fr := range frags {
			if err := fr.Verify(src); err != nil {
				t.Fatalf("fragment %q: %v", fr.Code, err)
			}
		}
	})
}

func FuzzGitHubWorkflow(f *testing.F) {
	fuzzYAML(f, "github", CheckGitHubWorkflow, githubWorkflow)
}

func FuzzGitHubAction(f *testing.F) {
	fuzzYAML(f, "action", CheckGitHubAction, githubAction)
}

func FuzzGitLabCI(f *testing.F) {
	fuzzYAML(f, "gitlab", CheckGitLabCI, gitlabCI)
}

func FuzzCircleCI(f *testing.F) {
	fuzzYAML(f, "circleci", CheckCircleCI, func(c *checker, root *yaml.Node) { c.circleConfig(root, 0) })
}

func FuzzPackageJSON(f *testing.F) {
	seed(f, "packagejson")
	for _, s := range []string{`{"scripts":{"a":"\ud800 docker kill x"}}`, `{"scripts":{"a":"\u0064ocker kill x"}}`, `[[[[[[`, `{"scripts":{"a":"docker\`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fs := CheckPackageJSON("package.json", src, nil)
		checkFindings(t, "package.json", src, fs)
		spans, _ := findScripts(src)
		for _, s := range spans {
			if err := jsonStringFragment(src, s[0], s[1]).Verify(src); err != nil {
				t.Fatalf("script %q: %v", src[s[0]:s[1]], err)
			}
		}
	})
}

// TestMergeBombCI: the CI readers resolve a merge-key bomb in bounded work
// (they never expand merges) and still report the step after it.
func TestMergeBombCI(t *testing.T) {
	bomb := testfiles.MergeBomb(11, 10)
	for name, c := range map[string]struct {
		check func(string, []byte, *shell.Config) []rules.Finding
		src   string
	}{
		"github": {CheckGitHubWorkflow, bomb + "on: push\njobs:\n  a:\n    <<: *m11\n    runs-on: x\n    steps:\n      - run: docker rm -f a\n"},
		"gitlab": {CheckGitLabCI, bomb + "job:\n  <<: *m11\n  script:\n    - docker rm -f a\n"},
	} {
		fs := c.check(name+".yml", []byte(c.src), nil)
		found := false
		for _, f := range fs {
			found = found || f.Rule == "DG101"
		}
		if !found {
			t.Errorf("%s: the step after the bomb was not reported: %v", name, fs)
		}
	}
}
