// Package stopfirst stops containers with a timeout before removing them
// with a redundant Force, and holds the look-alikes that still kill.
package stopfirst

import (
	"context"
	"errors"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/client"
	docker "github.com/fsouza/go-dockerclient"
)

type service struct{ cli *client.Client }

// stop gives the container ten seconds.
func (s *service) stop(ctx context.Context, id string) error {
	t := 10
	return s.cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &t})
}

// halt kills at once: a zero timeout is no graceful stop.
func (s *service) halt(ctx context.Context, id string) error {
	zero := 0
	return s.cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &zero}) // stop with Timeout 0
}

// Stop then remove, through a method of the package: Force kills nothing.
func (s *service) down(ctx context.Context, id string) error {
	if err := s.stop(ctx, id); err != nil {
		return err
	}
	return s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true, RemoveVolumes: true})
}

// The stop is direct and its error is joined later.
func (s *service) terminate(ctx context.Context, id string) error {
	err := s.cli.ContainerStop(ctx, id, container.StopOptions{})
	errs := []error{err, s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true})}
	return errors.Join(errs...)
}

// A loop that stops each container before removing it is no storm.
func (s *service) each(ctx context.Context) {
	cs, _ := s.cli.ContainerList(ctx, container.ListOptions{All: true})
	for _, c := range cs {
		_ = s.stop(ctx, c.ID)
		_ = s.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true})
	}
}

func fsouzaDown(cli *docker.Client, id string) error {
	if err := cli.StopContainer(id, 10); err != nil {
		return err
	}
	return cli.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true})
}

// Traps: the stop kills, runs only on one branch, runs after the removal,
// runs in a goroutine, or is a restart.

func (s *service) killedFirst(ctx context.Context, id string) {
	_ = s.halt(ctx, id)
	s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func (s *service) maybe(ctx context.Context, id string, graceful bool) {
	if graceful {
		_ = s.stop(ctx, id)
	}
	s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func (s *service) after(ctx context.Context, id string) {
	s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
	_ = s.stop(ctx, id)
}

func (s *service) async(ctx context.Context, id string) {
	go func() { _ = s.stop(ctx, id) }()
	s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func (s *service) restarted(ctx context.Context, id string) {
	_ = s.cli.ContainerRestart(ctx, id, container.StopOptions{})
	s.cli.ContainerRemove(ctx, id, container.RemoveOptions{Force: true}) // want `\(DG101\)`
}

func fsouzaZero(cli *docker.Client, id string) error {
	_ = cli.StopContainer(id, 0)
	return cli.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true}) // want `\(DG101\)`
}

// A storm stays a storm when the stop does not precede each removal.
func (s *service) stormAfterOneStop(ctx context.Context, first string) {
	_ = s.stop(ctx, first)
	cs, _ := s.cli.ContainerList(ctx, container.ListOptions{All: true})
	for _, c := range cs {
		_ = s.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}) // want `\(DG105\)`
	}
}
