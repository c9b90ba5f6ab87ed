// Package container is a stub of github.com/docker/docker/api/types/container as of v20.
package container

type Config struct{ Image string }

type Resources struct{ Memory int64 }

type HostConfig struct {
	AutoRemove bool
	Resources
}

type ContainerCreateCreatedBody struct{ ID string }
