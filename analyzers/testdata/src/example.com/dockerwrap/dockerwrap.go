// Package dockerwrap is a project's own wrapper of the SDK in another
// package of the module: its callers' options are known from its facts.
package dockerwrap

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/client"
)

// Engine wraps the SDK client.
type Engine struct{ api *client.Client }

// Remove removes a container with the caller's options.
func (e *Engine) Remove(ctx context.Context, id string, opts container.RemoveOptions) error {
	return e.api.ContainerRemove(ctx, id, opts)
}

// RemoveImage removes an image with the caller's options.
func RemoveImage(ctx context.Context, e *Engine, ref string, opts image.RemoveOptions) error {
	_, err := e.api.ImageRemove(ctx, ref, opts)
	return err
}
