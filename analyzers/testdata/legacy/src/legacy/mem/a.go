package mem

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

func cleanup(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerCreate(ctx, &container.Config{Image: "redis"}, nil, nil, "cache") // want `\(DG301\)`
	cli.ContainerCreate(ctx, &container.Config{Image: "redis"}, &container.HostConfig{Resources: container.Resources{Memory: 64 << 20}}, nil, "cache")
}
