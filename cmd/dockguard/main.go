// Command dockguard finds what crashes Docker daemons and exhausts their
// memory: force removals, removal storms and containers without memory limits.
//
// Run as `go vet -vettool=$(command -v dockguard) ./...`, it speaks the vet
// protocol and runs dockguard's Go analyzers on each package.
package main

import (
	"os"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/gocheck"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func main() {
	if gocheck.IsVetInvocation(os.Args[1:]) {
		unitchecker.Main(analyzers.All...) // does not return
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
