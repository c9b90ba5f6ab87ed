package fixmoby

import (
	"context"

	"github.com/moby/moby/client"
)

// Traps: forced removals that keep their finding but get no fix (this
// file has no golden), and look-alikes that get neither.

var shared = client.ContainerRemoveOptions{Force: true}

// Force set on a variable, or in a shared package-level value.
func notInLiteral(ctx context.Context, cli *client.Client, id string) {
	opts := client.ContainerRemoveOptions{}
	opts.Force = true
	cli.ContainerRemove(ctx, id, opts)   // want `\(DG101\)`
	cli.ContainerRemove(ctx, id, shared) // want `\(DG101\)`
}

// A computed context or container: evaluating it twice would run it twice.
func computed(cli *client.Client, ids func() string) {
	cli.ContainerRemove(context.Background(), "web", client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	cli.ContainerRemove(context.TODO(), ids(), client.ContainerRemoveOptions{Force: true})       // want `\(DG101\)`
}

// Calls that cannot take a statement before them.
func expressions(ctx context.Context, cli *client.Client, id string, other bool) error {
	defer cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	if other {
		return nil
	} else if _, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil { // want `\(DG101\)`
		return err
	}
	var err error
	errs := []error{err, second(cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}))} // want `\(DG101\)`
	_ = errs
	go cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	return nil
}

func second(_ client.ContainerRemoveResult, err error) error { return err }

// A narrow interface without ContainerStop: nothing to stop with.
type onlyRemove interface {
	ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) (client.ContainerRemoveResult, error)
}

func narrow(ctx context.Context, r onlyRemove, id string) {
	r.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}

// A goto in the function: a declaration could be jumped over.
func jumps(ctx context.Context, cli *client.Client, id string, n int) {
	if n > 0 {
		goto done
	}
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
done:
}

type removeOptions = client.ContainerRemoveOptions

// The package name is shadowed where the stop would go.
func shadowedPkg(ctx context.Context, cli *client.Client, id string) {
	client := cli
	client.ContainerRemove(ctx, id, removeOptions{Force: true}) // want `\(DG101\)`
}

// Look-alikes: Force: false, Force computed, a user type with the SDK's
// method names, the mass removal (DG105, no mechanical fix).
type fake struct{}

func (fake) ContainerRemove(ctx context.Context, id string, o client.ContainerRemoveOptions) error {
	return nil
}
func (fake) ContainerStop(ctx context.Context, id string, o client.ContainerStopOptions) error {
	return nil
}

func lookAlikes(ctx context.Context, cli *client.Client, f fake, id string, force bool) {
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: false})
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: force})
	f.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	list, _ := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	for _, c := range list.Items {
		cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true}) // want `\(DG105\)`
	}
}
