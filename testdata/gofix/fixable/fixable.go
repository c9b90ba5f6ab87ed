// Package fixable holds what dockguard's Go fixes rewrite, against the real
// SDKs: after `dockguard check --fix` (or go vet -vettool=dockguard -fix)
// the package must still build.
package fixable

import (
	"context"
	"os/exec"

	"github.com/docker/docker/api/types/container"
	dockerclient "github.com/docker/docker/client"
	fsouza "github.com/fsouza/go-dockerclient"
	"github.com/moby/moby/client"
)

// Moby force-removes through the moby/moby client.
func Moby(ctx context.Context, cli *client.Client, id string) error {
	_, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	return err
}

// Docker force-removes through the docker/docker client, twice in one block.
func Docker(ctx context.Context, cli *dockerclient.Client, ids struct{ Web, DB string }) error {
	if err := cli.ContainerRemove(ctx, ids.Web, container.RemoveOptions{Force: true}); err != nil {
		return err
	}
	return cli.ContainerRemove(ctx, ids.DB, container.RemoveOptions{
		RemoveVolumes: true,
		Force:         true,
	})
}

// Interface force-removes through the docker/docker API interface.
func Interface(ctx context.Context, api dockerclient.APIClient, id string) {
	_ = api.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
}

// Fsouza force-removes through go-dockerclient.
func Fsouza(ctx context.Context, cli *fsouza.Client, id string) error {
	if err := cli.RemoveContainer(fsouza.RemoveContainerOptions{ID: id, Force: true}); err != nil {
		return err
	}
	return cli.RemoveContainer(fsouza.RemoveContainerOptions{ID: id, Force: true, Context: ctx})
}

// Logs runs docker without a deadline although a context is at hand.
func Logs(ctx context.Context, id string) ([]byte, error) {
	return exec.Command("docker", "logs", id).Output()
}
