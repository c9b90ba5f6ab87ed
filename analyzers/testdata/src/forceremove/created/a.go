// Package created makes containers only to read their image's files and
// removes them with Force without ever starting them.
package created

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	docker "github.com/fsouza/go-dockerclient"
)

// extract creates a container, reads from it and removes it: it never runs.
func extract(ctx context.Context, cli *client.Client) error {
	created, err := cli.ContainerCreate(ctx, &container.Config{Image: "tools"}, &container.HostConfig{}, nil, nil, "")
	defer func() {
		_ = cli.ContainerRemove(context.Background(), created.ID, container.RemoveOptions{Force: true})
	}()
	if err != nil {
		return err
	}
	_, err = cli.ContainerInspect(ctx, created.ID)
	return err
}

func extractFsouza(c *docker.Client) error {
	ct, err := c.CreateContainer(docker.CreateContainerOptions{Config: &docker.Config{Image: "tools"}, HostConfig: &docker.HostConfig{}})
	if err != nil {
		return err
	}
	return c.RemoveContainer(docker.RemoveContainerOptions{ID: ct.ID, Force: true})
}

// Traps: the container is started, handed elsewhere, or not ours.

func started(ctx context.Context, cli *client.Client) {
	created, _ := cli.ContainerCreate(ctx, &container.Config{}, &container.HostConfig{}, nil, nil, "")
	_ = cli.ContainerStart(ctx, created.ID, container.StartOptions{})
	cli.ContainerRemove(ctx, created.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func handedOn(ctx context.Context, cli *client.Client, run func(string)) {
	created, _ := cli.ContainerCreate(ctx, &container.Config{}, &container.HostConfig{}, nil, nil, "")
	run(created.ID)
	cli.ContainerRemove(ctx, created.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

type resp struct{ ID string }

func notCreated(ctx context.Context, cli *client.Client, r resp) {
	cli.ContainerRemove(ctx, r.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func reassigned(ctx context.Context, cli *client.Client, other container.CreateResponse) {
	created, _ := cli.ContainerCreate(ctx, &container.Config{}, &container.HostConfig{}, nil, nil, "")
	created = other
	cli.ContainerRemove(ctx, created.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func fsouzaStarted(c *docker.Client) error {
	ct, _ := c.CreateContainer(docker.CreateContainerOptions{Config: &docker.Config{}, HostConfig: &docker.HostConfig{}})
	_ = c.StartContainer(ct.ID, nil)
	return c.RemoveContainer(docker.RemoveContainerOptions{ID: ct.ID, Force: true}) // want `\(DG101\)`
}
