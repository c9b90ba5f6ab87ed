package gocheck

import (
	"context"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// checkWide is Check with every package holding a wanted file selected,
// as before the go-list relevance rule.
func checkWide(files []string) []string {
	return summary(Check(context.Background(), files, Options{Jobs: 2, AllPackages: true}).Findings)
}

// TestNarrowingLosesNoFinding: on the repository's Go fixture modules
// (every Go file wanted, test files included), selecting packages by the
// relevance rule finds exactly what selecting every package finds.
func TestNarrowingLosesNoFinding(t *testing.T) {
	offline(t)
	// helpers.txtar's callers are kept only through the helpers they import.
	for _, name := range []string{"module.txtar", "helpers.txtar"} {
		t.Run(strings.TrimSuffix(name, ".txtar"), func(t *testing.T) {
			sameAsWide(t, extract(t, name))
		})
	}
	t.Run("realsdk", func(t *testing.T) {
		dir := fixture(t)
		t.Chdir(dir)
		var files []string
		err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
				files = append(files, path)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		sameAsWide(t, files)
	})
}

// sameAsWide fails unless Check finds in files what checkWide finds, and
// that is something.
func sameAsWide(t *testing.T, files []string) {
	t.Helper()
	wide := checkWide(files)
	got := summary(Check(context.Background(), files, Options{Jobs: 2}).Findings)
	if len(wide) == 0 || strings.Join(got, "\n") != strings.Join(wide, "\n") {
		t.Errorf("narrowed found\n%s\nwide found\n%s", strings.Join(got, "\n"), strings.Join(wide, "\n"))
	}
}

// TestNamesBinaryTraps: a CLI name inside a longer word or an image
// reference is not a command.
func TestNamesBinaryTraps(t *testing.T) {
	c := newRun(Options{})
	for src, want := range map[string]bool{
		`exec.Command("docker", "rm")`:     true,
		"run(`docker rm -f x`)":            true,
		`bin := "/usr/local/bin/podman"`:   true,
		`img := "docker.io/library/redis"`: false,
		`iface := "docker0"`:               false,
		`// docker rm -f x in a comment`:   false,
		`name := "dockerd"`:                false,
		`compose := "docker-compose"`:      true,
	} {
		if got := c.namesBinary([]byte(src)); got != want {
			t.Errorf("namesBinary(%s) = %v, want %v", src, got, want)
		}
	}
}
