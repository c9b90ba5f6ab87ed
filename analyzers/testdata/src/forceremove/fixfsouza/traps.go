package fixfsouza

import (
	docker "github.com/fsouza/go-dockerclient"
)

// Traps: no fix (this file has no golden).

func idFromCall(cli *docker.Client, next func() string) {
	_ = cli.RemoveContainer(docker.RemoveContainerOptions{ID: next(), Force: true}) // want `\(DG101\)`
}

func noID(cli *docker.Client) {
	_ = cli.RemoveContainer(docker.RemoveContainerOptions{Force: true}) // want `\(DG101\)`
}

// A user type with fsouza's method names is no client.
type mine struct{}

func (mine) RemoveContainer(opts docker.RemoveContainerOptions) error { return nil }
func (mine) StopContainer(id string, timeout uint) error              { return nil }

func lookAlike(m mine, id string) {
	_ = m.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: true})
	_ = m.RemoveContainer(docker.RemoveContainerOptions{ID: id, Force: false})
}
