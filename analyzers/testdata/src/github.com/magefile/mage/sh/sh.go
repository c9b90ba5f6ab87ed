// Package sh is a stub of github.com/magefile/mage/sh with its real
// signatures.
package sh

// Run runs a command.
func Run(cmd string, args ...string) error { return nil }

// RunV runs a command, printing its output.
func RunV(cmd string, args ...string) error { return nil }

// Output runs a command and returns its output.
func Output(cmd string, args ...string) (string, error) { return "", nil }

// RunWith runs a command with extra environment variables.
func RunWith(env map[string]string, cmd string, args ...string) error { return nil }

// RunCmd returns a function that runs cmd with args and more.
func RunCmd(cmd string, args ...string) func(args ...string) error {
	return func(...string) error { return nil }
}
