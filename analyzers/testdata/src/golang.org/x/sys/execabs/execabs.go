// Package execabs is a stub of golang.org/x/sys/execabs.
package execabs

import (
	"context"
	"os/exec"
)

type Cmd = exec.Cmd

func Command(name string, arg ...string) *exec.Cmd { return exec.Command(name, arg...) }

func CommandContext(ctx context.Context, name string, arg ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, arg...)
}
