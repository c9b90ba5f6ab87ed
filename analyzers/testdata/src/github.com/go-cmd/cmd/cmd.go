// Package cmd is a stub of github.com/go-cmd/cmd with its real signatures.
package cmd

// Cmd is a command.
type Cmd struct{ Name string }

// NewCmd returns a Cmd.
func NewCmd(name string, args ...string) *Cmd { return &Cmd{Name: name} }
