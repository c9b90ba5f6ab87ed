// Package created makes containers only to read their image's files and
// never starts them: a created container uses no memory.
package created

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	docker "github.com/fsouza/go-dockerclient"
)

func extract(ctx context.Context, cli *client.Client) error {
	created, err := cli.ContainerCreate(ctx, &container.Config{Image: "tools"}, &container.HostConfig{}, nil, nil, "")
	if err != nil {
		return err
	}
	defer cli.ContainerRemove(context.Background(), created.ID, container.RemoveOptions{})
	_, err = cli.ContainerInspect(ctx, created.ID)
	return err
}

func extractFsouza(c *docker.Client) error {
	ct, err := c.CreateContainer(docker.CreateContainerOptions{Config: &docker.Config{Image: "tools"}})
	if err != nil {
		return err
	}
	return c.RemoveContainer(docker.RemoveContainerOptions{ID: ct.ID})
}

// Traps: started here, returned to a caller that may start it, result
// dropped (it may be started by name), or stored.

func started(ctx context.Context, cli *client.Client) {
	created, _ := cli.ContainerCreate(ctx, &container.Config{}, &container.HostConfig{}, nil, nil, "") // want `\(DG301\)`
	_ = cli.ContainerStart(ctx, created.ID, container.StartOptions{})
}

func returned(ctx context.Context, cli *client.Client) (string, error) {
	created, err := cli.ContainerCreate(ctx, &container.Config{}, &container.HostConfig{}, nil, nil, "") // want `\(DG301\)`
	return created.ID, err
}

func dropped(ctx context.Context, cli *client.Client) error {
	_, err := cli.ContainerCreate(ctx, &container.Config{}, nil, nil, nil, "web") // want `\(DG301\)`
	return err
}

type holder struct{ id string }

func stored(ctx context.Context, cli *client.Client, h *holder) {
	created, _ := cli.ContainerCreate(ctx, &container.Config{}, nil, nil, nil, "") // want `\(DG301\)`
	h.id = created.ID
}

func fsouzaStarted(c *docker.Client) {
	ct, _ := c.CreateContainer(docker.CreateContainerOptions{Config: &docker.Config{}}) // want `\(DG301\)`
	_ = c.StartContainer(ct.ID, nil)
}
