//go:build !unix

package testdaemon

import (
	"os"
	"os/exec"
)

// ownProcessGroup does nothing where there are no process groups; a
// private daemon is started on Unix hosts only.
func ownProcessGroup(*exec.Cmd) {}

// terminate stops the process; without signals it is killed.
func terminate(p *os.Process) { _ = p.Kill() }
