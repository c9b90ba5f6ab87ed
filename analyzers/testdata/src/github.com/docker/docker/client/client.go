// Package client is a stub of github.com/docker/docker/client (v28).
package client

import (
	"context"
	"io"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/api/types/network"
	"github.com/docker/docker/api/types/volume"
)

type Client struct{}

type Opt func(*Client) error

func FromEnv(*Client) error { return nil }

func WithAPIVersionNegotiation() Opt { return nil }

func NewClientWithOpts(ops ...Opt) (*Client, error) { return &Client{}, nil }

func (cli *Client) ContainerRemove(ctx context.Context, containerID string, options container.RemoveOptions) error {
	return nil
}
func (cli *Client) ImageRemove(ctx context.Context, imageID string, options image.RemoveOptions) ([]image.DeleteResponse, error) {
	return nil, nil
}
func (cli *Client) ContainerKill(ctx context.Context, containerID, signal string) error { return nil }
func (cli *Client) ContainerStop(ctx context.Context, containerID string, options container.StopOptions) error {
	return nil
}
func (cli *Client) ContainerRestart(ctx context.Context, containerID string, options container.StopOptions) error {
	return nil
}
func (cli *Client) ContainerCreate(ctx context.Context, config *container.Config, hostConfig *container.HostConfig, networkingConfig *network.NetworkingConfig, platform any, containerName string) (container.CreateResponse, error) {
	return container.CreateResponse{}, nil
}
func (cli *Client) ContainerStart(ctx context.Context, containerID string, options container.StartOptions) error {
	return nil
}
func (cli *Client) ContainerList(ctx context.Context, options container.ListOptions) ([]container.Summary, error) {
	return nil, nil
}
func (cli *Client) ContainerInspect(ctx context.Context, containerID string) (container.InspectResponse, error) {
	return container.InspectResponse{}, nil
}
func (cli *Client) ContainerLogs(ctx context.Context, containerID string, options container.LogsOptions) (io.ReadCloser, error) {
	return nil, nil
}
func (cli *Client) ContainerWait(ctx context.Context, containerID string, condition container.WaitCondition) (<-chan container.WaitResponse, <-chan error) {
	return nil, nil
}
func (cli *Client) VolumeRemove(ctx context.Context, volumeID string, force bool) error { return nil }
func (cli *Client) VolumesPrune(ctx context.Context, pruneFilters filters.Args) (volume.PruneReport, error) {
	return volume.PruneReport{}, nil
}

// ContainerAPIClient is the container part of APIClient.
type ContainerAPIClient interface {
	ContainerRemove(ctx context.Context, container string, options container.RemoveOptions) error
	ContainerKill(ctx context.Context, container, signal string) error
}

// APIClient is the interface the Client implements.
type APIClient interface {
	ContainerAPIClient
}
