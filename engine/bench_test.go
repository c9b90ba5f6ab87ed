package engine

import (
	"context"
	"testing"

	"github.com/dockguard/dockguard/internal/gentree"
	"github.com/dockguard/dockguard/shell"
)

// BenchmarkRun checks a synthetic tree of 3,000 files (30 MB) with the real
// shell front end; bench/run.sh does the full-size run against rg.
func BenchmarkRun(b *testing.B) {
	dir := b.TempDir()
	if err := gentree.Generate(dir, 3000, 30<<20); err != nil {
		b.Fatal(err)
	}
	opts := &Options{Paths: []string{dir}, ShellFamily: map[Kind]FileFunc{KindScript: shell.CheckScript}}
	b.ResetTimer()
	for b.Loop() {
		Run(context.Background(), opts)
	}
}
