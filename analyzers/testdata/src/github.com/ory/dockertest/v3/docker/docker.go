// Package docker is a stub of dockertest's copy of go-dockerclient.
package docker

type Client struct{}

type RemoveContainerOptions struct {
	ID            string
	RemoveVolumes bool
	Force         bool
}

type KillContainerOptions struct {
	ID     string
	Signal int
}

type Container struct{ ID string }

func (c *Client) RemoveContainer(opts RemoveContainerOptions) error { return nil }
func (c *Client) KillContainer(opts KillContainerOptions) error     { return nil }
func (c *Client) StopContainer(id string, timeout uint) error       { return nil }

type ListContainersOptions struct {
	All     bool
	Filters map[string][]string
}

type APIContainers struct{ ID string }

func (c *Client) ListContainers(opts ListContainersOptions) ([]APIContainers, error) { return nil, nil }
