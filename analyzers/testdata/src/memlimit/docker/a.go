package docker

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

func create(ctx context.Context, cli *client.Client, name string) {
	cfg := &container.Config{Image: "postgres:16"}
	cli.ContainerCreate(ctx, cfg, nil, nil, nil, name)                                                                               // want `ContainerCreate with a nil HostConfig.*\(DG301\)`
	cli.ContainerCreate(ctx, cfg, &container.HostConfig{AutoRemove: true}, nil, nil, name)                                           // want `\(DG301\)`
	cli.ContainerCreate(ctx, cfg, &container.HostConfig{Resources: container.Resources{MemoryReservation: 1 << 20}}, nil, nil, name) // want `\(DG301\)`
	cli.ContainerCreate(ctx, cfg, &container.HostConfig{Resources: container.Resources{Memory: 256 << 20}}, nil, nil, name)
	var hc container.HostConfig
	hc.Resources.Memory = 64 << 20
	cli.ContainerCreate(ctx, cfg, &hc, nil, nil, name)
	var bare container.HostConfig
	cli.ContainerCreate(ctx, cfg, &bare, nil, nil, name) // want `\(DG301\)`
}

// Factory is the program's own type.
type Factory struct{}

func (Factory) ContainerCreate(ctx context.Context, cfg *container.Config, hc *container.HostConfig, n, p any, name string) error {
	return nil
}

func notDocker(ctx context.Context, f Factory) {
	f.ContainerCreate(ctx, nil, nil, nil, nil, "x")
}
