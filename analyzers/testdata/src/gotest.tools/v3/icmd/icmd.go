// Package icmd is a stub of gotest.tools/v3/icmd with its real signatures.
package icmd

import "time"

// Cmd is a command to run.
type Cmd struct {
	Command []string
	Timeout time.Duration
}

// Result is a command's outcome.
type Result struct{ ExitCode int }

// Command returns a Cmd.
func Command(command string, args ...string) Cmd {
	return Cmd{Command: append([]string{command}, args...)}
}

// RunCommand runs a command.
func RunCommand(cmd string, args ...string) *Result { return &Result{} }

// CmdOp is an operation that changes a Cmd before it runs.
type CmdOp func(*Cmd)

// RunCmd runs a Cmd after applying the operations.
func RunCmd(cmd Cmd, cmdOperators ...CmdOp) *Result { return &Result{} }

// StartCmd starts a Cmd after applying the operations.
func StartCmd(cmd Cmd, cmdOperators ...CmdOp) *Result { return &Result{} }

// WithTimeout sets the command's timeout.
func WithTimeout(timeout time.Duration) CmdOp {
	return func(c *Cmd) { c.Timeout = timeout }
}
