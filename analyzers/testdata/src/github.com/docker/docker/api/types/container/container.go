// Package container is a stub of github.com/docker/docker/api/types/container (v28).
package container

type Config struct {
	Image string
	Cmd   []string
}

type Resources struct {
	Memory            int64
	MemoryReservation int64
	NanoCPUs          int64
}

type HostConfig struct {
	Binds      []string
	AutoRemove bool
	Resources
}

type RemoveOptions struct {
	RemoveVolumes bool
	RemoveLinks   bool
	Force         bool
}

type StopOptions struct {
	Signal  string
	Timeout *int
}

type ListOptions struct{ All bool }

type StartOptions struct{}

type Summary struct {
	ID    string
	Names []string
}

type CreateResponse struct {
	ID       string
	Warnings []string
}

type LogsOptions struct {
	ShowStdout bool
	Follow     bool
	Tail       string
}

type WaitCondition string

type WaitResponse struct{ StatusCode int64 }

type InspectResponse struct{ ID string }
