// Command check runs the compose front end alone over a tree, as
// `dockguard check --only compose` does: it finds the *compose*.y{a,}ml
// files and hands them to compose.Check.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"time"

	"github.com/dockguard/dockguard/compose"
)

func main() {
	tree := flag.String("tree", "", "tree to check (required)")
	prof := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
	if *tree == "" {
		log.Fatal("check: -tree is required")
	}
	if *prof != "" {
		pf, err := os.Create(*prof)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	var files []string
	err := filepath.WalkDir(*tree, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && compose.IsCandidate(d.Name()) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		log.Print(err)
		return
	}
	res := compose.Check(context.Background(), files, compose.Options{})
	fmt.Fprintf(os.Stderr, "check: %d files, %d findings, %d notes, %d errors in %v\n",
		len(files), len(res.Findings), len(res.Notes), len(res.Errors), time.Since(start))
	for _, e := range res.Errors {
		fmt.Fprintf(os.Stderr, "  error: %s: %s\n", e.File, e.Message)
	}
	if len(os.Getenv("DG_BENCH_VERBOSE")) > 0 {
		for _, f := range res.Findings {
			fmt.Printf("%s:%d:%d: %s [%s]\n", f.File, f.Line, f.Column, f.Message, f.Rule)
		}
	}
}
