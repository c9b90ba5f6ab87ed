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

// RunCmd runs a Cmd.
func RunCmd(cmd Cmd) *Result { return &Result{} }
