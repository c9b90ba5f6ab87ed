// Package itcli has the shapes of an integration suite's CLI package: a
// runner named for the CLI it runs, an argv carrier and options that
// change the command before it runs. Its bodies run nothing dockguard can
// follow across packages (the binary comes from the environment); the
// names say what they do.
package itcli

import (
	"testing"
	"time"

	"gotest.tools/v3/icmd"
)

// CmdOperator changes a command before it runs.
type CmdOperator func(*icmd.Cmd) func()

// binary is where the suite finds the CLI.
var binary = func() string { return "" }

// DockerCmd runs the docker command and expects success.
func DockerCmd(t testing.TB, args ...string) *icmd.Result {
	return Docker(Args(args...))
}

// Docker runs the docker command after the operators.
func Docker(cmd icmd.Cmd, ops ...CmdOperator) *icmd.Result {
	for _, op := range ops {
		op(&cmd)
	}
	cmd.Command = append([]string{binary()}, cmd.Command...)
	return icmd.RunCmd(cmd)
}

// Args builds a command from its arguments.
func Args(args ...string) icmd.Cmd { return icmd.Cmd{Command: args} }

// WithFlags appends flags to the command.
func WithFlags(flags ...string) func(*icmd.Cmd) func() {
	return func(cmd *icmd.Cmd) func() {
		cmd.Command = append(cmd.Command, flags...)
		return nil
	}
}

// WithTimeout sets the command's timeout.
func WithTimeout(d time.Duration) func(*icmd.Cmd) func() {
	return func(cmd *icmd.Cmd) func() {
		cmd.Timeout = d
		return nil
	}
}

// Dockerfile returns a Dockerfile's text: not a runner.
func Dockerfile(lines ...string) string { return "" }

// DockerCompose runs docker compose: its argv is compose's, not the CLI's.
func DockerCompose(t testing.TB, args ...string) *icmd.Result { return nil }
