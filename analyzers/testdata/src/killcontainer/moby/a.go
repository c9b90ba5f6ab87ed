package moby

import (
	"context"

	"github.com/moby/moby/client"
)

func ptr[T any](v T) *T { return &v }

func kills(ctx context.Context, cli *client.Client, id string, sig string) {
	cli.ContainerKill(ctx, id, client.ContainerKillOptions{})                  // want `ContainerKill: the default signal is SIGKILL.*\(DG104\)`
	cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "SIGKILL"}) // want `signal SIGKILL is SIGKILL.*\(DG104\)`
	cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "9"})       // want `\(DG104\)`
	cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: "HUP"})
	cli.ContainerKill(ctx, id, client.ContainerKillOptions{Signal: sig})
}

func stops(ctx context.Context, cli *client.Client, id string, t *int) {
	zero := 0
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &zero})          // want `ContainerStop: Timeout 0 sends SIGKILL at once.*\(DG104\)`
	cli.ContainerRestart(ctx, id, client.ContainerRestartOptions{Timeout: new(int)}) // want `ContainerRestart: Timeout 0.*\(DG104\)`
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: ptr(0)})         // want `\(DG104\)`
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Signal: "KILL"})          // want `Signal "KILL" stops with SIGKILL.*\(DG104\)`
	ten := 10
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &ten})
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: ptr(10)})
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{})
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: t})
	cli.ContainerStop(ctx, id, client.ContainerStopOptions{Signal: "SIGTERM"})
}

func storm(ctx context.Context, cli *client.Client) {
	res, _ := cli.ContainerList(ctx, client.ContainerListOptions{})
	for _, c := range res.Items {
		cli.ContainerKill(ctx, c.ID, client.ContainerKillOptions{}) // want `on every container from a listing SIGKILLs each of them.*removes nothing.*SIGKILL storm.*\(DG105\)`
	}
}
