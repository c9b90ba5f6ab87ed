// Command dockguard finds what crashes Docker daemons and exhausts their
// memory: force removals, removal storms and containers without memory limits.
package main

import (
	"os"

	"github.com/dockguard/dockguard/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
