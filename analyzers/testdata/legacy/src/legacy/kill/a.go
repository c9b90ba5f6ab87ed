package kill

import (
	"context"
	"time"

	"github.com/docker/docker/client"
)

func cleanup(ctx context.Context, cli *client.Client, id string) {
	var d time.Duration
	cli.ContainerStop(ctx, id, &d) // want `a zero timeout sends SIGKILL.*\(DG104\)`
	ok := 10 * time.Second
	cli.ContainerStop(ctx, id, &ok)
	cli.ContainerStop(ctx, id, nil)
}
