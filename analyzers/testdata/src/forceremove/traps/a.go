package traps

import (
	"context"
	"os/exec"
)

// RemoveOptions is this program's own type.
type RemoveOptions struct{ Force bool }

// Store has methods named like Docker's but is not Docker.
type Store struct{}

func (Store) ContainerRemove(ctx context.Context, id string, o RemoveOptions) error { return nil }
func (Store) RemoveContainer(o RemoveOptions) error                                 { return nil }

func notDocker(ctx context.Context, s Store) {
	s.ContainerRemove(ctx, "x", RemoveOptions{Force: true})
	s.RemoveContainer(RemoveOptions{Force: true})
	exec.Command("echo", "docker", "rm", "-f", "web")
	exec.Command("docker", "compose", "rm", "-f")
	exec.Command("docker", "logs", "-f", "web")
	exec.Command("docker", "rm", "--force=false", "web")
	exec.Command("docker", "network", "rm", "-f", "n")
	exec.Command("docker", "volume", "rm", "-f", "v")
	// exec.Command("docker", "rm", "-f", "web")
	_ = "docker rm -f web"
}
