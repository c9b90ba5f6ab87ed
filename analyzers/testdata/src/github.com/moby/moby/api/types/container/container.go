// Package container is a stub of github.com/moby/moby/api/types/container
// with the real type names and fields dockguard's analyzers look at.
package container

// Config is the container's portable configuration.
type Config struct {
	Image string
	Cmd   []string
}

// Resources are the container's resource limits.
type Resources struct {
	Memory            int64
	MemoryReservation int64
	NanoCPUs          int64
	PidsLimit         *int64
}

// HostConfig is the host-dependent configuration.
type HostConfig struct {
	Binds       []string
	NetworkMode string
	AutoRemove  bool
	Resources
}

// Summary is one entry of a container listing.
type Summary struct {
	ID    string
	Names []string
	State string
}
