package fixable

import (
	"context"
	"os/exec"

	"github.com/moby/moby/client"
)

// Remove force-removes through a client held in a field of a type declared
// in another file.
func (s *Service) Remove(ctx context.Context, id string) error {
	_, err := s.API.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	return err
}

// ExecRemove stops the container through docker and returns when that
// fails, so the forced removal after it has nothing left to kill: the fix
// drops -f.
func ExecRemove(ctx context.Context, id string) error {
	if err := exec.CommandContext(ctx, "docker", "stop", "--time", "10", id).Run(); err != nil {
		return err
	}
	return exec.CommandContext(ctx, "docker", "rm", "-f", id).Run()
}
