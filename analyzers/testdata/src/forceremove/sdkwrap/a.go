// Package sdkwrap calls a project's own wrappers of the SDK's removals,
// declared here and in another package, with the SDK's remove options.
package sdkwrap

import (
	"context"

	"example.com/dockerwrap"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

type dockerClient struct {
	api *client.Client
	ctx context.Context
}

// RemoveContainer forwards the SDK's options.
func (c *dockerClient) RemoveContainer(id string, opts container.RemoveOptions) error {
	return c.api.ContainerRemove(c.ctx, id, opts)
}

// removeWith takes the options first.
func removeWith(c *dockerClient, opts container.RemoveOptions, id string) error {
	return c.api.ContainerRemove(c.ctx, id, opts)
}

// StopContainer stops gracefully.
func (c *dockerClient) StopContainer(id string) error {
	timeout := 10
	return c.api.ContainerStop(c.ctx, id, container.StopOptions{Timeout: &timeout})
}

// RemoveOptions is the project's own options type.
type RemoveOptions struct{ Force bool }

// ownClient has Docker-like method names and its own options type.
type ownClient struct{}

func (ownClient) RemoveContainer(id string, opts RemoveOptions) error { return nil }
func (ownClient) ContainerRemove(ctx context.Context, id string, opts RemoveOptions) error {
	return nil
}

func calls(ctx context.Context, c *dockerClient, e *dockerwrap.Engine, own ownClient, id string) {
	_ = c.RemoveContainer(id, container.RemoveOptions{Force: true})                  // want `RemoveContainer, which passes its options to ContainerRemove, with Force: true kills .*\(DG101\)`
	_ = removeWith(c, container.RemoveOptions{Force: true, RemoveVolumes: true}, id) // want `removeWith, which passes its options to ContainerRemove, .*\(DG101\)`
	_ = e.Remove(ctx, id, container.RemoveOptions{Force: true})                      // want `Remove, which passes its options to ContainerRemove, .*\(DG101\)`
	_ = dockerwrap.RemoveImage(ctx, e, "app:dev", image.RemoveOptions{Force: true})  // want `RemoveImage, which passes its options to ImageRemove, .*\(DG102\)`
	opts := container.RemoveOptions{}
	opts.Force = true
	_ = c.RemoveContainer("web", opts) // want `\(DG101\)`

	// Not force removals of a running container.
	_ = c.RemoveContainer(id, container.RemoveOptions{})
	_ = c.RemoveContainer(id, container.RemoveOptions{Force: false})
	_ = e.Remove(ctx, id, container.RemoveOptions{RemoveVolumes: true})
	_ = own.RemoveContainer(id, RemoveOptions{Force: true})
	_ = own.ContainerRemove(ctx, id, RemoveOptions{Force: true})
	if err := c.StopContainer("db"); err != nil {
		return
	}
	_ = c.RemoveContainer("db", container.RemoveOptions{Force: true})
}

func removeAll(ctx context.Context, c *dockerClient) {
	cs, _ := c.api.ContainerList(ctx, container.ListOptions{All: true})
	for _, x := range cs {
		_ = c.RemoveContainer(x.ID, container.RemoveOptions{Force: true}) // want `RemoveContainer, which passes its options to ContainerRemove, with Force: true on every container from a listing .*\(DG105\)`
	}
}
