// Package fixfsouza holds forced removals with go-dockerclient and
// dockertest's copy of it, whose fix stops the container first and drops
// Force.
package fixfsouza

import (
	"context"

	docker "github.com/fsouza/go-dockerclient"
	dt "github.com/ory/dockertest/v3/docker"
)

func remove(cli *docker.Client, id string) error {
	return cli.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true, RemoveVolumes: true}) // want `\(DG101\)`
}

func withContext(ctx context.Context, cli *docker.Client, c *docker.Container) {
	_ = cli.RemoveContainer(docker.RemoveContainerOptions{ // want `\(DG101\)`
		ID:      c.ID,
		Force:   true,
		Context: ctx,
	})
}

func pointer(cli *docker.Client, id string) {
	opts := &docker.RemoveContainerOptions{ID: id, Force: true}
	_ = opts
}

func fork(pool *dt.Client, id string) error {
	if err := pool.RemoveContainer(dt.RemoveContainerOptions{ID: id, Force: true}); err != nil { // want `\(DG101\)`
		return err
	}
	return nil
}
