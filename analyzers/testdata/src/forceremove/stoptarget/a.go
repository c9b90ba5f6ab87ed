// Package stoptarget stops one container and force-removes another: the
// stop only excuses a removal of the container it stopped.
package stoptarget

import (
	"context"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	docker "github.com/fsouza/go-dockerclient"
)

var graceful = 10

func opts() container.StopOptions { return container.StopOptions{Timeout: &graceful} }

// Same variable, same field chain, same constant: the stop counts.

func sameVar(ctx context.Context, cli *client.Client, id string) {
	_ = cli.ContainerStop(ctx, id, opts())
	_ = cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
}

func sameField(ctx context.Context, cli *client.Client, resp container.CreateResponse) {
	_ = cli.ContainerStart(ctx, resp.ID, container.StartOptions{})
	_ = cli.ContainerStop(ctx, resp.ID, opts())
	_ = cli.ContainerRemove(ctx, resp.ID, container.RemoveOptions{Force: true})
}

const dbName = "db"

func sameConst(ctx context.Context, cli *client.Client) {
	_ = cli.ContainerStop(ctx, "db", opts())
	_ = cli.ContainerRemove(ctx, dbName, container.RemoveOptions{Force: true})
}

// An alias assigned once names what it was assigned from.
func alias(ctx context.Context, cli *client.Client, c container.Summary) {
	id := c.ID
	_ = cli.ContainerStop(ctx, id, opts())
	_ = cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
}

// A loop that stops and removes its own element each iteration.
func loop(ctx context.Context, cli *client.Client, list []container.Summary) {
	for _, c := range list {
		_ = cli.ContainerStop(ctx, c.ID, opts())
		_ = cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
	for i := range list {
		_ = cli.ContainerStop(ctx, list[i].ID, opts())
		_ = cli.ContainerRemove(ctx, list[i].ID, container.RemoveOptions{Force: true})
	}
}

// Helpers: the argument passed for the stopped parameter is the target.

type ctl struct{ cli *client.Client }

func (k ctl) stop(ctx context.Context, id string) error {
	return k.cli.ContainerStop(ctx, id, opts())
}

// stopC stops its parameter's ID field through another helper.
func (k ctl) stopC(ctx context.Context, c *container.Summary) error {
	return k.stop(ctx, c.ID)
}

func stopAndRemove(ctx context.Context, cli *client.Client, id string) error {
	if err := cli.ContainerStop(ctx, id, opts()); err != nil {
		return err
	}
	return cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
}

func (k ctl) helpers(ctx context.Context, id string, list []container.Summary) {
	_ = stopAndRemove(ctx, k.cli, id)
	_ = k.stop(ctx, id)
	_ = k.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
	for _, c := range list {
		_ = k.stopC(ctx, &c)
		_ = k.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
}

// member holds its container; its stop method stops the receiver's ID.
type member struct {
	cli *client.Client
	ID  string
}

func (m *member) shutdown(ctx context.Context) error {
	return m.cli.ContainerStop(ctx, m.ID, opts())
}

func members(ctx context.Context, cli *client.Client, m *member) {
	_ = m.shutdown(ctx)
	_ = cli.ContainerRemove(ctx, m.ID, container.RemoveOptions{Force: true})
}

// Unknown targets get the benefit of the doubt: the ID comes from a call.
func lookup(ctx context.Context, cli *client.Client, name string) string { return name }

func unknown(ctx context.Context, cli *client.Client, name string) {
	_ = cli.ContainerStop(ctx, lookup(ctx, cli, name), opts())
	_ = cli.ContainerRemove(ctx, name, container.RemoveOptions{Force: true})
}

// A name and an ID may be the same container.
func nameAndID(ctx context.Context, cli *client.Client, id string) {
	_ = cli.ContainerStop(ctx, "db", opts())
	_ = cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
}

func fsouzaSame(c *docker.Client, id string) error {
	_ = c.StopContainer(id, 10)
	return c.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true})
}

// The deferred removal runs after the stop of the same container.
func deferred(ctx context.Context, cli *client.Client, id string) {
	_ = cli.ContainerStop(ctx, id, opts())
	defer cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})
}

func deferredClosure(ctx context.Context, cli *client.Client, c container.Summary) {
	defer func() {
		_ = cli.ContainerStop(ctx, c.ID, opts())
		_ = cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}()
}

// A recursive helper stops a chain of containers; the analysis of what it
// stops must end, and the head it was given is among them.
type node struct {
	ID   string
	next *node
}

func (k ctl) stopChain(ctx context.Context, n *node) {
	if n == nil {
		return
	}
	_ = k.stop(ctx, n.ID)
	k.stopChain(ctx, n.next)
}

func (k ctl) chain(ctx context.Context, head *node) {
	k.stopChain(ctx, head)
	_ = k.cli.ContainerRemove(ctx, head.ID, container.RemoveOptions{Force: true})
}

// A variadic helper stops containers of its own loop: unknown, so it counts.
func (k ctl) stopAll(ctx context.Context, ids ...string) {
	for _, id := range ids {
		_ = k.stop(ctx, id)
	}
}

func (k ctl) variadic(ctx context.Context, a, b string) {
	k.stopAll(ctx, a, b)
	_ = k.cli.ContainerRemove(ctx, b, container.RemoveOptions{Force: true})
}

// Hits: the stopped container is provably another one.

func otherVar(ctx context.Context, cli *client.Client, a, b string) {
	_ = cli.ContainerStop(ctx, a, opts())
	_ = cli.ContainerRemove(ctx, b, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func otherConst(ctx context.Context, cli *client.Client) {
	_ = cli.ContainerStop(ctx, "web", opts())
	_ = cli.ContainerRemove(ctx, "db", container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func otherField(ctx context.Context, cli *client.Client, pair struct{ Web, DB string }) {
	_ = cli.ContainerStop(ctx, pair.Web, opts())
	_ = cli.ContainerRemove(ctx, pair.DB, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func otherIndex(ctx context.Context, cli *client.Client, ids []string) {
	_ = cli.ContainerStop(ctx, ids[0], opts())
	_ = cli.ContainerRemove(ctx, ids[1], container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func reassigned(ctx context.Context, cli *client.Client, id, next string) {
	_ = cli.ContainerStop(ctx, id, opts())
	id = next
	_ = cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func (k ctl) helperOther(ctx context.Context, a, b string) {
	_ = k.stop(ctx, a)
	_ = k.cli.ContainerRemove(ctx, b, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func otherMember(ctx context.Context, cli *client.Client, m, n *member) {
	_ = m.shutdown(ctx)
	_ = cli.ContainerRemove(ctx, n.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func (k ctl) loopOther(ctx context.Context, list []container.Summary, keep string) {
	for _, c := range list {
		_ = k.stop(ctx, keep)
		_ = k.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}) // want `\(DG101\)`
	}
}

func fsouzaOther(c *docker.Client, a, b string) error {
	_ = c.StopContainer(a, 10)
	return c.RemoveContainer(docker.RemoveContainerOptions{ID: b, Force: true}) // want `\(DG101\)`
}

// One element stopped before a loop that removes every element.
func firstOnly(ctx context.Context, cli *client.Client) {
	list, _ := cli.ContainerList(ctx, container.ListOptions{})
	_ = cli.ContainerStop(ctx, list[0].ID, opts())
	for _, c := range list {
		_ = cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}) // want `\(DG105\)`
	}
}
