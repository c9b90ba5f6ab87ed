package dockerv28

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

func remove(ctx context.Context, cli *client.Client, id string) error {
	if err := cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true}); err != nil { // want `ContainerRemove with Force: true .*\(DG101\)`
		return err
	}
	_, err := cli.ImageRemove(ctx, "app", image.RemoveOptions{Force: true}) // want `\(DG102\)`
	_ = cli.VolumeRemove(ctx, "data", true)
	return err
}

func pointerOpts(ctx context.Context, cli *client.Client, id string) {
	o := &container.RemoveOptions{}
	o.Force = true
	cli.ContainerRemove(ctx, id, *o) // want `\(DG101\)`
}

func storm(ctx context.Context, cli client.APIClient) {
	cs, _ := cli.(*client.Client).ContainerList(ctx, container.ListOptions{All: true})
	for i := range cs {
		cli.ContainerRemove(ctx, cs[i].ID, container.RemoveOptions{Force: true}) // want `\(DG105\)`
	}
}
