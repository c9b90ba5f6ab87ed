// Command gopkgs prints the folders of the Go packages that
// `dockguard check --only go` type-checks in the current folder, one
// "./rel" pattern a line, so that a benchmark can give `go vet` the same
// packages (bench/warm.sh). It walks and prefilters the tree as check does
// and asks gocheck which packages it checked. With -keys it also writes
// the findings, one "file:line:column rule" a line, sorted; with -all
// every package holding a prefiltered file is type-checked, without the
// relevance rule (gocheck.Options.AllPackages), so that bench/narrow.sh
// can show what the rule drops.
//
// Usage: gopkgs [-all] [-keys FILE] [PATH]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/rules"
)

func main() {
	all := flag.Bool("all", false, "type-check every package holding a prefiltered file (no relevance rule)")
	keys := flag.String("keys", "", "write the findings here, one file:line:column rule a line")
	flag.Parse()
	root := "."
	if flag.NArg() > 0 {
		root = flag.Arg(0)
	}
	dirs := map[string]bool{}
	o := &engine.Options{
		Paths:     []string{root},
		Only:      map[engine.Kind]bool{engine.KindGo: true},
		GoNeedles: analyzers.Needles,
		Go: func(ctx context.Context, files []string) rules.Result {
			units, res := gocheck.CheckUnits(ctx, files, gocheck.Options{AllPackages: *all})
			for _, u := range units {
				if u.Pkg == "" {
					continue // not type-checked (dropped, or checked by the fallback)
				}
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
		if rel == "." {
			out[len(out)-1] = "."
		}
	}
	sort.Strings(out)
	for _, d := range out {
		fmt.Println(d)
	}
	if *keys != "" {
		var lines []string
		for _, f := range res.Findings {
			lines = append(lines, fmt.Sprintf("%s:%d:%d %s\n", f.File, f.Line, f.Column, f.Rule))
		}
		sort.Strings(lines)
		if err := os.WriteFile(*keys, []byte(strings.Join(lines, "")), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gopkgs:", err)
			os.Exit(1)
		}
	}
	fmt.Fprintf(os.Stderr, "gopkgs: %d folders, %d findings\n", len(out), len(res.Findings))
}
