//go:build unix

package testdaemon

import (
	"os"
	"os/exec"
	"syscall"
)

// ownProcessGroup puts the daemon in a process group of its own, so that a
// Ctrl-C of `go test` does not reach it before Stop does.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminate asks the process to stop (SIGTERM), as dockerd expects.
func terminate(p *os.Process) { _ = p.Signal(syscall.SIGTERM) }
