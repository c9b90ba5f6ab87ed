// Package testdaemon is another package of the module that drives a test
// engine with the CLI whose path a field holds: its callers' commands are
// known only from the facts it exports.
package testdaemon

import (
	"os/exec"

	"gotest.tools/v3/icmd"
)

// Daemon is a test engine and the CLI that drives it.
type Daemon struct {
	socket       string
	dockerBinary string
	helperPath   string
}

// Cmd runs the CLI against the daemon.
func (d *Daemon) Cmd(args ...string) *icmd.Result {
	return icmd.RunCmd(d.Command(args...))
}

// Command builds a CLI command against the daemon.
func (d *Daemon) Command(args ...string) icmd.Cmd {
	return icmd.Command(d.dockerBinary, d.hostArgs(args)...)
}

func (d *Daemon) hostArgs(args []string) []string {
	for _, a := range args {
		if a == "--host" {
			return args
		}
	}
	return append([]string{"--host", d.socket}, args...)
}

// Helper runs a program of the tests that is not the CLI.
func (d *Daemon) Helper(args ...string) error {
	return exec.Command(d.helperPath, args...).Run()
}
