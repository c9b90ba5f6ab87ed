// Command gopkgs prints the folders of the Go packages that
// `dockguard check --only go` type-checks in the current folder, one
// "./rel" pattern a line, so that a benchmark can give `go vet` the same
// packages (bench/warm.sh). It walks and prefilters the tree as check does
// and asks gocheck which packages it checked.
//
// Usage: gopkgs [PATH]
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
)

func main() {
	root := "."
	if len(os.Args) > 1 {
		root = os.Args[1]
	}
	dirs := map[string]bool{}
	o := &engine.Options{
		Paths:     []string{root},
		Only:      map[engine.Kind]bool{engine.KindGo: true},
		GoNeedles: analyzers.Needles,
		Go: func(ctx context.Context, files []string) rules.Result {
			units, res := gocheck.CheckUnits(ctx, files, gocheck.Options{})
			for _, u := range units {
				for _, f := range u.Files {
					dirs[filepath.Dir(f)] = true
				}
			}
			return res
		},
	}
	res := engine.Run(context.Background(), o)
	out := make([]string, 0, len(dirs))
	for d := range dirs {
		rel, err := filepath.Rel(root, d)
		if err != nil {
			continue
		}
		out = append(out, "./"+filepath.ToSlash(rel))
	}
	sort.Strings(out)
	for _, d := range out {
		fmt.Println(d)
	}
	fmt.Fprintf(os.Stderr, "gopkgs: %d folders, %d findings\n", len(out), len(res.Findings))
}
