package remove

import (
	"context"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/client"
)

func cleanup(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerRemove(ctx, id, types.ContainerRemoveOptions{Force: true}) // want `ContainerRemove with Force: true.*\(DG101\)`
	cli.ImageRemove(ctx, "app", types.ImageRemoveOptions{Force: true})      // want `\(DG102\)`
}
