// Command gentree writes the synthetic tree that bench/run.sh times.
package main

import (
	"flag"
	"log"

	"github.com/dockguard/dockguard/internal/gentree"
)

func main() {
	out := flag.String("out", "bench/_out/tree", "directory to create")
	files := flag.Int("files", 15000, "total number of files")
	mb := flag.Int("mb", 150, "approximate total size in MB")
	flag.Parse()
	if err := gentree.Generate(*out, *files, *mb<<20); err != nil {
		log.Fatal(err)
	}
}
