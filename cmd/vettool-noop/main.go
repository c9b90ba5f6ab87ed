// Command vettool-noop is a go vet -vettool that runs no analyzers. It does
// everything else a vettool does (parse, type-check from the dependencies'
// vet export data, write vetx output), so timing
// `go vet -vettool=vettool-noop` against `go vet -vettool=dockguard` on the
// same module measures the cost of dockguard's analyzers alone. See
// bench/govet.sh.
package main

import "golang.org/x/tools/go/analysis/unitchecker"

func main() { unitchecker.Main() }
