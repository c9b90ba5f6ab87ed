// Command dockguard finds what crashes Docker daemons and exhausts their
// memory: force removals, removal storms and containers without memory limits.
//
// Run as `go vet -vettool=$(command -v dockguard) ./...`, it speaks the vet
// protocol and runs dockguard's Go analyzers on each package, with the
// nearest .dockguard.yaml and the inline directives applied as check
// applies them.
package main

import (
	"os"

	"github.com/dockguard/dockguard/analyzers/configured"
	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/gocheck"
)

func main() {
	if gocheck.IsVetInvocation(os.Args[1:]) {
		configured.VetMain(os.Args[1:]) // does not return
	}
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
