package execs

import (
	"context"
	"os/exec"
)

func run(ctx context.Context, id string) {
	exec.CommandContext(ctx, "docker", "kill", id)            // want `\(DG104\)`
	exec.CommandContext(ctx, "docker", "stop", "-t", "0", id) // want `\(DG104\)`
	exec.CommandContext(ctx, "docker", "kill", "-s", "HUP", id)
	exec.CommandContext(ctx, "docker", "stop", "--time", "10", id)
}
