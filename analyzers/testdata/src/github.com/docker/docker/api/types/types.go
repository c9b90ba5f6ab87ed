// Package types is a stub of github.com/docker/docker/api/types as it was
// before v25, when the option types lived here.
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
