// Package newsdk uses the moby/moby client module.
package newsdk

import (
	"context"

	"github.com/moby/moby/client"
)

// Remove force-removes one container.
func Remove(ctx context.Context, cli *client.Client, id string) error {
	opts := client.ContainerRemoveOptions{RemoveVolumes: true}
	opts.Force = true
	_, err := cli.ContainerRemove(ctx, id, opts)
	return err
}

// Stop stops gracefully: not a finding.
func Stop(ctx context.Context, cli *client.Client, id string) error {
	timeout := 10
	_, err := cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &timeout})
	return err
}
