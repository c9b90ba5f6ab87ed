package compose

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	units "github.com/docker/go-units"

	"github.com/dockguard/dockguard/rules"
)

var update = flag.Bool("update", false, "rewrite the golden want.txt files")

// Each folder under testdata/golden is a case: compose files laid out as in
// a repository, an optional case.txt and the expected output want.txt.
//
// case.txt lines (all optional):
//
//	files: a.yaml sub/b.yml   the files handed to Check (default: every
//	                          *compose*.y{a,}ml under the case, as the walker
//	                          would find them)
//	compose-file: a.yaml      Options.ComposeFiles (repeatable)
//	profile: debug            Options.Profiles (repeatable)
//	budget: 6GiB              Options.MemoryBudget
//	env: NAME=value           process environment for the case
//	stdin: compose.yaml < other.yaml   CheckSource of other.yaml's bytes as compose.yaml
func TestGolden(t *testing.T) {
	root := filepath.Join("testdata", "golden")
	ents, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		t.Run(e.Name(), func(t *testing.T) {
			got := runCase(t, dir)
			wantPath := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantPath, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantPath)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (run go test -run TestGolden -update to accept)\n--- got\n%s--- want\n%s", wantPath, got, want)
			}
		})
	}
}

func runCase(t *testing.T, dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	var opts Options
	var stdinName, stdinFrom string
	if f, err := os.Open(filepath.Join(dir, "case.txt")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(sc.Text(), ":")
			v = strings.TrimSpace(v)
			switch strings.TrimSpace(k) {
			case "files":
				files = append(files, strings.Fields(v)...)
			case "compose-file":
				opts.ComposeFiles = append(opts.ComposeFiles, v)
			case "profile":
				opts.Profiles = append(opts.Profiles, v)
			case "budget":
				n, err := units.RAMInBytes(v)
				if err != nil {
					t.Fatal(err)
				}
				opts.MemoryBudget = n
			case "env":
				name, val, _ := strings.Cut(v, "=")
				t.Setenv(name, val)
			case "stdin":
				a, b, _ := strings.Cut(v, "<")
				stdinName, stdinFrom = strings.TrimSpace(a), strings.TrimSpace(b)
			}
		}
		f.Close()
	}
	if files == nil && stdinName == "" {
		err := filepath.WalkDir(abs, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && IsCandidate(d.Name()) {
				rel, _ := filepath.Rel(abs, p)
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c := newFileCache(abs)
	var res rules.Result
	if stdinName != "" {
		src, err := os.ReadFile(filepath.Join(abs, stdinFrom))
		if err != nil {
			t.Fatal(err)
		}
		c.stdinAbs, c.stdinSrc = c.absPath(stdinName), src
		res = run(context.Background(), c, []string{stdinName}, opts)
	} else {
		res = run(context.Background(), c, files, opts)
	}
	return render(res)
}

// render prints a result the way the golden files hold it.
func render(res rules.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "%s:%d:%d-%d:%d: %s: %s [%s %s] key=%s\n", filepath.ToSlash(f.File), f.Line, f.Column, f.EndLine, f.EndColumn, f.Severity, f.Message, f.Rule, f.Name, f.Key)
	}
	var notes []string
	for _, n := range res.Notes {
		notes = append(notes, fmt.Sprintf("note: %s: %s\n", filepath.ToSlash(n.File), n.Message))
	}
	sort.Strings(notes)
	for _, n := range notes {
		b.WriteString(n)
	}
	for _, n := range res.Errors {
		fmt.Fprintf(&b, "error: %s: %s\n", filepath.ToSlash(n.File), n.Message)
	}
	if b.Len() == 0 {
		b.WriteString("(no findings)\n")
	}
	return b.String()
}
