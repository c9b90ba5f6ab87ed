package moby

import (
	"context"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

var shared = &container.HostConfig{Resources: container.Resources{Memory: 256 << 20}}

var unlimited = &container.HostConfig{AutoRemove: true}

func create(ctx context.Context, cli *client.Client, hc *container.HostConfig, mem int64) {
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "redis"})                  // want `ContainerCreate without a HostConfig.*\(DG301\)`
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{Image: "redis", HostConfig: nil}) // want `nil HostConfig.*\(DG301\)`
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{                                  // want `sets no Resources.Memory.*\(DG301\)`
		Image:      "redis",
		HostConfig: &container.HostConfig{AutoRemove: true},
	})
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{ // want `Memory 0.*\(DG301\)`
		HostConfig: &container.HostConfig{Resources: container.Resources{Memory: 0}},
	})
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		HostConfig: &container.HostConfig{Resources: container.Resources{Memory: 512 << 20}},
	})
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: shared})
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: unlimited}) // want `\(DG301\)`
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: hc})
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: &container.HostConfig{Resources: container.Resources{Memory: mem}}})
}

func later(ctx context.Context, cli *client.Client) {
	hc := &container.HostConfig{}
	hc.Memory = 128 << 20
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: hc})

	opts := client.ContainerCreateOptions{Image: "pg"}
	opts.HostConfig = &container.HostConfig{}
	cli.ContainerCreate(ctx, opts) // want `\(DG301\)`

	opts2 := client.ContainerCreateOptions{Image: "pg", HostConfig: &container.HostConfig{}}
	opts2.HostConfig.Resources.Memory = 1 << 30
	cli.ContainerCreate(ctx, opts2)
}

func modify(hc *container.HostConfig) { hc.Memory = 1 << 30 }

func escapes(ctx context.Context, cli *client.Client, hook func(*container.HostConfig)) {
	hc := &container.HostConfig{AutoRemove: true}
	modify(hc)
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: hc})

	var byValue container.HostConfig
	hook(&byValue)
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: &byValue})

	plain := container.HostConfig{}
	_ = fmtHost(plain)
	cli.ContainerCreate(ctx, client.ContainerCreateOptions{HostConfig: &plain}) // want `\(DG301\)`
}

func fmtHost(hc container.HostConfig) string { return "" }
