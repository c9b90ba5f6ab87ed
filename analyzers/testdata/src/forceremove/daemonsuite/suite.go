// Package daemonsuite calls the CLI through another package's test daemon,
// whose command line is known from its facts.
package daemonsuite

import (
	"example.com/testdaemon"
)

type suite struct{ d *testdaemon.Daemon }

func (s *suite) teardown(id string) {
	_ = s.d.Cmd("rm", "-f", id)                   // want `\(DG101\)`
	_ = s.d.Cmd("container", "rm", "--force", id) // want `\(DG101\)`
	_ = s.d.Cmd("logs", "-f", id)
	_ = s.d.Cmd("rm", id)
	_ = s.d.Helper("rm", "-f", id) // the helper path names no CLI
}
