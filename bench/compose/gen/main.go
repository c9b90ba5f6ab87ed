// Command gen writes the synthetic tree of compose projects that
// bench/compose.sh times: per application folder a base file with anchors,
// merge keys and interpolation, an override, a production fragment and a
// test project that extends services across files, plus shared base files
// that many projects extend. projects.txt lists the projects (one per line,
// config files in override order) so the bare compose-go loop loads exactly
// the projects dockguard discovers.
package main

import (
	"flag"
	"log"

	"github.com/dockguard/dockguard/compose/composegen"
)

func main() {
	out := flag.String("out", "", "output directory (required)")
	apps := flag.Int("apps", 40, "application folders (4 compose files each)")
	shared := flag.Int("shared", 5, "shared base files extended across folders")
	flag.Parse()
	if *out == "" {
		log.Fatal("gen: -out is required")
	}
	if _, err := composegen.Generate(*out, *apps, *shared); err != nil {
		log.Fatal(err)
	}
}
