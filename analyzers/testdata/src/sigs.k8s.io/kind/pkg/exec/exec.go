// Package exec is a stub of sigs.k8s.io/kind/pkg/exec with its real
// signatures.
package exec

import "context"

// Cmd abstracts over running a command.
type Cmd interface{ Run() error }

type cmd struct{}

func (cmd) Run() error { return nil }

// Command returns a new exec.Cmd backed by Cmd.
func Command(command string, args ...string) Cmd { return cmd{} }

// CommandContext is like Command but takes a context.
func CommandContext(ctx context.Context, command string, args ...string) Cmd { return cmd{} }
