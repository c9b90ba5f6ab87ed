// Package client is a stub of github.com/docker/docker/client as of v20.10.
package client

import (
	"context"
	"time"

	"github.com/docker/docker/api/types"
	"github.com/docker/docker/api/types/container"
)

type Client struct{}

func NewClientWithOpts(ops ...func(*Client) error) (*Client, error) { return &Client{}, nil }

func (cli *Client) ContainerRemove(ctx context.Context, containerID string, options types.ContainerRemoveOptions) error {
	return nil
}
func (cli *Client) ImageRemove(ctx context.Context, imageID string, options types.ImageRemoveOptions) ([]types.ImageDeleteResponseItem, error) {
	return nil, nil
}
func (cli *Client) ContainerStop(ctx context.Context, containerID string, timeout *time.Duration) error {
	return nil
}
func (cli *Client) ContainerKill(ctx context.Context, containerID, signal string) error { return nil }
func (cli *Client) ContainerList(ctx context.Context, options types.ContainerListOptions) ([]types.Container, error) {
	return nil, nil
}
func (cli *Client) ContainerCreate(ctx context.Context, config *container.Config, hostConfig *container.HostConfig, networkingConfig any, containerName string) (container.ContainerCreateCreatedBody, error) {
	return container.ContainerCreateCreatedBody{}, nil
}
