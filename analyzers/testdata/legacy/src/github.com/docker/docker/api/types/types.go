// Package types is a stub of github.com/docker/docker/api/types as of v20,
// when the option types lived here.
package types

type ContainerRemoveOptions struct {
	RemoveVolumes bool
	RemoveLinks   bool
	Force         bool
}

type ImageRemoveOptions struct {
	Force         bool
	PruneChildren bool
}

type ContainerListOptions struct{ All bool }

type Container struct {
	ID    string
	Names []string
}

type ImageDeleteResponseItem struct{ Deleted string }
