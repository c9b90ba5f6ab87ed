// Package fixmoby holds forced removals with the moby/moby client whose fix
// stops the container first and drops Force.
package fixmoby

import (
	"context"
	"errors"

	"github.com/moby/moby/client"
)

type svc struct {
	cli *client.Client
	ctx context.Context
}

func exprStmt(ctx context.Context, cli *client.Client, id string) {
	cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}

func assign(ctx context.Context, cli *client.Client, id string) error {
	_, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{RemoveVolumes: true, Force: true}) // want `\(DG101\)`
	return err
}

func ifInit(ctx context.Context, cli *client.Client, id string) error {
	if _, err := cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil { // want `\(DG101\)`
		return errors.Join(errors.New("remove"), err)
	}
	return nil
}

// Selectors for the client, the context and the container; a multi-line
// literal; a name timeout already taken.
func (s *svc) selectors(c struct{ ID string }, timeout string) {
	_ = timeout
	_, _ = s.cli.ContainerRemove(s.ctx, c.ID, client.ContainerRemoveOptions{ // want `\(DG101\)`
		RemoveVolumes: true,
		Force:         true,
	})
}

func inSwitch(ctx context.Context, cli *client.Client, id string, mode int) {
	switch mode {
	case 1:
		cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
	}
}

func returned(ctx context.Context, cli client.APIClient, id string) (client.ContainerRemoveResult, error) {
	return cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}) // want `\(DG101\)`
}
