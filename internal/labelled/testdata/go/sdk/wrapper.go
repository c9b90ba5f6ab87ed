package sdk

import (
	"context"

	containertypes "github.com/docker/docker/api/types/container"
)

// engine is the project's own wrapper of the SDK, taking its options.
type engine struct {
	api clientAPI
	ctx context.Context
}

func (e *engine) RemoveContainer(id string, opts containertypes.RemoveOptions) error {
	return e.api.ContainerRemove(e.ctx, id, opts)
}

// record has the wrapper's shape with the project's own options type.
func (e *engine) record(id string, opts RemoveOpts) error { return nil }

func teardownAll(e *engine, id string) {
	_ = e.RemoveContainer(id, containertypes.RemoveOptions{Force: true}) // dg:DG101
	_ = e.RemoveContainer(id, containertypes.RemoveOptions{})            // dg:none
	_ = e.record(id, RemoveOpts{Force: true})                            // dg:none
}
