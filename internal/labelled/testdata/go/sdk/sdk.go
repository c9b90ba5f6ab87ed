// Package sdk holds Docker SDK calls on receivers whose type is not known
// without type information.
package sdk

import (
	"context"

	containertypes "github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/image"
)

type daemon struct{ client clientAPI }

func (d *daemon) teardown(ctx context.Context, apiClient clientAPI, id string) {
	_ = apiClient.ContainerRemove(ctx, id, containertypes.RemoveOptions{Force: true}) // dg:DG101
	_, _ = d.client.ImageRemove(ctx, id, image.RemoveOptions{Force: true})            // dg:DG102
	opts := containertypes.RemoveOptions{Force: true, RemoveVolumes: true}
	_ = d.client.ContainerRemove(ctx, id, opts)                            // dg:DG101
	_ = apiClient.ContainerRemove(ctx, id, containertypes.RemoveOptions{}) // dg:none
	_ = d.client.ContainerStop(ctx, id, containertypes.StopOptions{})      // dg:none
}

// store is a project type with Docker-like method names: not the SDK.
type store struct{}

type RemoveOpts struct{ Force bool }

func (store) ContainerRemove(ctx context.Context, id string, o RemoveOpts) error { return nil }

func userType(ctx context.Context, s store) {
	_ = s.ContainerRemove(ctx, "x", RemoveOpts{Force: true}) // dg:none
}

// remover mirrors the SDK's method set, declared beside its use.
type remover interface {
	ContainerRemove(ctx context.Context, id string, o containertypes.RemoveOptions) error
}

func viaInterface(ctx context.Context, r remover, id string) {
	_ = r.ContainerRemove(ctx, id, containertypes.RemoveOptions{Force: true}) // dg:DG101
}
