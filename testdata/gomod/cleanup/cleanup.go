// Package cleanup removes test containers with the docker/docker client.
package cleanup

import (
	"context"
	"os/exec"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
)

// Purge removes every container, the way test suites often do.
func Purge(ctx context.Context) error {
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		return err
	}
	defer cli.Close()
	list, err := cli.ContainerList(ctx, container.ListOptions{All: true})
	if err != nil {
		return err
	}
	for _, c := range list {
		if err := cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}); err != nil {
			return err
		}
	}
	return nil
}

// Start creates a database container with no memory limit.
func Start(ctx context.Context, cli *client.Client) (string, error) {
	resp, err := cli.ContainerCreate(ctx, &container.Config{Image: "postgres:16"}, nil, nil, nil, "db")
	if err != nil {
		return "", err
	}
	return resp.ID, nil
}

// Kill stops a container the hard way through the CLI.
func Kill(id string) error {
	return exec.Command("docker", "kill", id).Run()
}
