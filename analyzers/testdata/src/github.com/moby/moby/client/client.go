// Package client is a stub of github.com/moby/moby/client (v0.6 API).
package client

import (
	"context"

	"github.com/moby/moby/api/types/container"
)

// Client is the API client.
type Client struct{}

// Opt configures a client.
type Opt func(*Client) error

// FromEnv configures the client from the environment.
func FromEnv(*Client) error { return nil }

// New returns a client.
func New(ops ...Opt) (*Client, error) { return &Client{}, nil }

// NewClientWithOpts returns a client.
func NewClientWithOpts(ops ...Opt) (*Client, error) { return &Client{}, nil }

type ContainerRemoveOptions struct {
	RemoveVolumes bool
	RemoveLinks   bool
	Force         bool
}
type ContainerRemoveResult struct{}

type ImageRemoveOptions struct {
	Force         bool
	PruneChildren bool
}
type ImageRemoveResult struct{}

type ContainerKillOptions struct {
	Signal string
}
type ContainerKillResult struct{}

type ContainerStopOptions struct {
	Signal  string
	Timeout *int
}
type ContainerStopResult struct{}

type ContainerRestartOptions struct {
	Signal  string
	Timeout *int
}
type ContainerRestartResult struct{}

type ContainerCreateOptions struct {
	Config     *container.Config
	HostConfig *container.HostConfig
	Name       string
	Image      string
}
type ContainerCreateResult struct {
	ID       string
	Warnings []string
}

type ContainerListOptions struct{ All bool }
type ContainerListResult struct {
	Items []container.Summary
}

type ContainerStartOptions struct{}
type ContainerStartResult struct{}

type VolumeRemoveOptions struct{ Force bool }
type VolumeRemoveResult struct{}

func (cli *Client) ContainerRemove(ctx context.Context, containerID string, options ContainerRemoveOptions) (ContainerRemoveResult, error) {
	return ContainerRemoveResult{}, nil
}
func (cli *Client) ImageRemove(ctx context.Context, imageID string, options ImageRemoveOptions) (ImageRemoveResult, error) {
	return ImageRemoveResult{}, nil
}
func (cli *Client) ContainerKill(ctx context.Context, containerID string, options ContainerKillOptions) (ContainerKillResult, error) {
	return ContainerKillResult{}, nil
}
func (cli *Client) ContainerStop(ctx context.Context, containerID string, options ContainerStopOptions) (ContainerStopResult, error) {
	return ContainerStopResult{}, nil
}
func (cli *Client) ContainerRestart(ctx context.Context, containerID string, options ContainerRestartOptions) (ContainerRestartResult, error) {
	return ContainerRestartResult{}, nil
}
func (cli *Client) ContainerCreate(ctx context.Context, options ContainerCreateOptions) (ContainerCreateResult, error) {
	return ContainerCreateResult{}, nil
}
func (cli *Client) ContainerStart(ctx context.Context, containerID string, options ContainerStartOptions) (ContainerStartResult, error) {
	return ContainerStartResult{}, nil
}
func (cli *Client) ContainerList(ctx context.Context, options ContainerListOptions) (ContainerListResult, error) {
	return ContainerListResult{}, nil
}
func (cli *Client) VolumeRemove(ctx context.Context, volumeID string, options VolumeRemoveOptions) (VolumeRemoveResult, error) {
	return VolumeRemoveResult{}, nil
}

// ContainerAPIClient is the container part of APIClient.
type ContainerAPIClient interface {
	ContainerRemove(ctx context.Context, container string, options ContainerRemoveOptions) (ContainerRemoveResult, error)
	ContainerKill(ctx context.Context, container string, options ContainerKillOptions) (ContainerKillResult, error)
	ContainerStop(ctx context.Context, container string, options ContainerStopOptions) (ContainerStopResult, error)
}

// APIClient is the interface the Client implements.
type APIClient interface {
	ContainerAPIClient
	ImageRemove(ctx context.Context, image string, options ImageRemoveOptions) (ImageRemoveResult, error)
}
