package fix

import (
	"context"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/client"
)

// The name time is taken where the stop would go: no fix (no golden).
func shadowedTime(ctx context.Context, cli *client.Client, id string, time int) {
	_ = time
	_ = cli.ContainerRemove(ctx, id, types.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}
