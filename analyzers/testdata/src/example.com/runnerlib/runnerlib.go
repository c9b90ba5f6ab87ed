// Package runnerlib is another package of a module, whose command runner is
// shaped like exec.CommandContext.
package runnerlib

import "context"

// Run runs name with args.
func Run(ctx context.Context, name string, args ...string) error { return nil }

// Tag records a name and labels; it runs nothing, but has a runner's shape.
func Tag(name string, labels ...string) {}
