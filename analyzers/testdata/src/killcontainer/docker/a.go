package docker

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

func kills(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerKill(ctx, id, "")     // want `the default signal is SIGKILL.*\(DG104\)`
	cli.ContainerKill(ctx, id, "KILL") // want `\(DG104\)`
	cli.ContainerKill(ctx, id, "SIGHUP")
	sig := "SIGKILL"
	cli.ContainerKill(ctx, id, sig) // want `\(DG104\)`
	timeout := 0
	cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &timeout}) // want `\(DG104\)`
	opts := container.StopOptions{}
	opts.Signal = "SIGKILL"
	cli.ContainerRestart(ctx, id, opts) // want `\(DG104\)`
}

// Killer is the program's own type.
type Killer struct{}

func (Killer) ContainerKill(ctx context.Context, id, sig string) error { return nil }

func notDocker(ctx context.Context, k Killer) {
	k.ContainerKill(ctx, "x", "KILL")
}
