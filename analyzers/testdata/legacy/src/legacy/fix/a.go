// Package fix holds a forced removal with the docker/docker client before
// v23, whose ContainerStop takes a *time.Duration: the fix imports time.
package fix

import (
	"context"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/client"
)

func cleanup(ctx context.Context, cli *client.Client, id string) error {
	err := cli.ContainerRemove(ctx, id, types.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	return err
}
