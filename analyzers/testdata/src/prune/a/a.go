package a

import (
	"context"
	"os/exec"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"
)

func cleanup(ctx context.Context, cli *client.Client) {
	cli.VolumesPrune(ctx, filters.NewArgs())                           // want `VolumesPrune deletes unused volumes.*\(DG107\)`
	exec.CommandContext(ctx, "docker", "volume", "prune", "-f")        // want `\(DG107\)`
	exec.CommandContext(ctx, "docker", "system", "prune", "--volumes") // want `\(DG107\)`
	exec.CommandContext(ctx, "docker", "compose", "down", "-v")        // want `\(DG107\)`
	exec.CommandContext(ctx, "docker", "system", "prune", "-f")
	exec.CommandContext(ctx, "docker", "compose", "down")
}
