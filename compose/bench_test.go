package compose

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"

	"github.com/dockguard/dockguard/compose/composegen"
)

// benchTree generates the benchmark tree (40 apps + 5 shared bases = 165
// compose files, 80 projects; the shared bases load through extends) once per
// benchmark.
func benchTree(b *testing.B) (dir string, files []string, projects [][]string) {
	b.Helper()
	dir = b.TempDir()
	projects, err := composegen.Generate(dir, 40, 5)
	if err != nil {
		b.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && IsCandidate(d.Name()) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return dir, files, projects
}

// BenchmarkCheck times the whole front end on the generated tree; compare
// with BenchmarkBareLoad (bench/compose.sh prints the ratio).
func BenchmarkCheck(b *testing.B) {
	_, files, _ := benchTree(b)
	for b.Loop() {
		res := Check(context.Background(), files, Options{})
		if len(res.Errors) > 0 || len(res.Findings) == 0 {
			b.Fatalf("unexpected result: %d findings, errors %v", len(res.Findings), res.Errors)
		}
	}
}

// BenchmarkBareLoad is the baseline: compose-go LoadProject over the same
// projects, sequentially, with nothing else.
func BenchmarkBareLoad(b *testing.B) {
	dir, _, projects := benchTree(b)
	quietCompose()
	for b.Loop() {
		for _, p := range projects {
			var cfgs []string
			for _, rel := range p {
				cfgs = append(cfgs, filepath.Join(dir, rel))
			}
			o, err := cli.NewProjectOptions(cfgs, cli.WithWorkingDirectory(filepath.Dir(cfgs[0])),
				cli.WithOsEnv, cli.WithEnvFiles(), cli.WithDotEnv, cli.WithConfigFileEnv, cli.WithDefaultProfiles("*"))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := o.LoadProject(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	}
}
