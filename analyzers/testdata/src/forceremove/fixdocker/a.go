// Package fixdocker holds forced removals with the docker/docker client
// (v25+: container.RemoveOptions, container.StopOptions) whose fix stops the
// container first and drops Force.
package fixdocker

import (
	"context"

	ctr "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

func remove(ctx context.Context, cli *client.Client, id string) error {
	if err := cli.ContainerRemove(ctx, id, ctr.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil { // want `\(DG101\)`
		return err
	}
	err := cli.ContainerRemove(ctx, "web", ctr.RemoveOptions{RemoveVolumes: true, Force: true}) // want `\(DG101\)`
	return err
}

func viaInterface(ctx context.Context, api client.APIClient, id string) error {
	// APIClient has no ContainerStop in this SDK's interface: no fix.
	return api.ContainerRemove(ctx, id, ctr.RemoveOptions{Force: true}) // want `\(DG101\)`
}
