// Package docker is a stub of github.com/fsouza/go-dockerclient (v1.13).
package docker

import "context"

type Client struct{}

func NewClientFromEnv() (*Client, error) { return &Client{}, nil }

type Signal int

const (
	SIGHUP  = Signal(0x1)
	SIGINT  = Signal(0x2)
	SIGKILL = Signal(0x9)
	SIGTERM = Signal(0xf)
)

type RemoveContainerOptions struct {
	ID            string
	RemoveVolumes bool
	Force         bool
	Context       context.Context
}

type RemoveImageOptions struct {
	Force   bool
	NoPrune bool
	Context context.Context
}

type KillContainerOptions struct {
	ID      string
	Signal  Signal
	Context context.Context
}

type Config struct {
	Image  string
	Memory int64
}

type HostConfig struct {
	Binds      []string
	Memory     int64
	AutoRemove bool
}

type CreateContainerOptions struct {
	Name       string
	Config     *Config
	HostConfig *HostConfig
	Context    context.Context
}

type Container struct{ ID string }

type APIContainers struct {
	ID    string
	Names []string
}

type ListContainersOptions struct{ All bool }

type RemoveVolumeOptions struct {
	Name  string
	Force bool
}

func (c *Client) RemoveContainer(opts RemoveContainerOptions) error              { return nil }
func (c *Client) RemoveImage(name string) error                                  { return nil }
func (c *Client) RemoveImageExtended(name string, opts RemoveImageOptions) error { return nil }
func (c *Client) KillContainer(opts KillContainerOptions) error                  { return nil }
func (c *Client) StopContainer(id string, timeout uint) error                    { return nil }
func (c *Client) StopContainerWithContext(id string, timeout uint, ctx context.Context) error {
	return nil
}
func (c *Client) RestartContainer(id string, timeout uint) error                  { return nil }
func (c *Client) CreateContainer(opts CreateContainerOptions) (*Container, error) { return nil, nil }
func (c *Client) ListContainers(opts ListContainersOptions) ([]APIContainers, error) {
	return nil, nil
}
func (c *Client) RemoveVolumeWithOptions(opts RemoveVolumeOptions) error { return nil }

func (c *Client) StartContainer(id string, hostConfig *HostConfig) error { return nil }
