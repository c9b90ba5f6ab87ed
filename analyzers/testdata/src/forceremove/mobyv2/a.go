package mobyv2

import (
	"context"

	"github.com/moby/moby/client"
)

var rmOpts = client.ContainerRemoveOptions{Force: true}

var gentle = client.ContainerRemoveOptions{RemoveVolumes: true}

func literal(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `ContainerRemove with Force: true kills the container with SIGKILL .*\(DG101\)`
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: false})
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{})
	cli.ImageRemove(ctx, "app:dev", client.ImageRemoveOptions{Force: true, PruneChildren: true}) // want `ImageRemove with Force: true removes the image .*\(DG102\)`
	cli.VolumeRemove(ctx, "data", client.VolumeRemoveOptions{Force: true})
}

func laterAssignment(ctx context.Context, cli *client.Client, id string) {
	opts := client.ContainerRemoveOptions{RemoveVolumes: true}
	opts.Force = true
	_, _ = cli.ContainerRemove(ctx, id, opts) // want `\(DG101\)`
}

func conditional(ctx context.Context, cli *client.Client, id string, stuck bool) {
	var opts client.ContainerRemoveOptions
	if stuck {
		opts.Force = true
	}
	cli.ContainerRemove(ctx, id, opts) // want `\(DG101\)`
}

func assignedAfter(ctx context.Context, cli *client.Client, id string) {
	opts := client.ContainerRemoveOptions{}
	cli.ContainerRemove(ctx, id, opts)
	opts.Force = true
	_ = opts
}

func packageVar(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerRemove(ctx, id, rmOpts) // want `\(DG101\)`
	cli.ContainerRemove(ctx, id, gentle)
}

func unknown(ctx context.Context, cli *client.Client, id string, force bool, opts client.ContainerRemoveOptions) {
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: force})
	cli.ContainerRemove(ctx, id, opts)
}

func viaInterface(ctx context.Context, api client.APIClient, id string) {
	api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}

// remover is the narrow interface a caller declares; the SDK client
// satisfies it.
type remover interface {
	ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
}

func viaNarrowInterface(ctx context.Context, r remover, id string) {
	r.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}

type wrapped struct{ *client.Client }

func viaEmbedding(ctx context.Context, w wrapped, id string) {
	w.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}

func storm(ctx context.Context, cli *client.Client) {
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return
	}
	for _, c := range list.Items {
		cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}) // want `on every container from a listing .*\(DG105\)`
	}
	ids := []string{"a", "b"}
	for _, id := range ids {
		cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	}
}
