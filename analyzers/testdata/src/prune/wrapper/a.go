// Package wrapper holds clients that wrap the SDK client and hand calls on.
package wrapper

import (
	"context"

	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/volume"
	"github.com/docker/docker/client"
)

// recording wraps a client, as a dry-run or tracing client does: its
// VolumesPrune only hands the call on, and the prune is reported where the
// wrapper is called.
type recording struct {
	inner *client.Client
	calls int
}

func (r *recording) VolumesPrune(ctx context.Context, f filters.Args) (volume.PruneReport, error) {
	r.calls++
	return r.inner.VolumesPrune(ctx, f)
}

// Clean has another name: it prunes on its own account.
func (r *recording) Clean(ctx context.Context) {
	r.inner.VolumesPrune(ctx, filters.NewArgs()) // want `VolumesPrune deletes unused volumes.*\(DG107\)`
}

// A function literal inside the wrapper is not the hand-on itself.
func (r *recording) ContainerList(ctx context.Context) {
	go func() {
		r.inner.VolumesPrune(ctx, filters.NewArgs()) // want `\(DG107\)`
	}()
}

// VolumesPrune as a plain function is not a method of a wrapper.
func VolumesPrune(ctx context.Context, cli *client.Client) {
	cli.VolumesPrune(ctx, filters.NewArgs()) // want `\(DG107\)`
}
