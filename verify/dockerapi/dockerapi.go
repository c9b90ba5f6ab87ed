// Package dockerapi is dockguard's narrow view of the Docker Engine API. The
// checks in package verify depend only on the read-only Daemon interface,
// and package cleanup adds the few writes of Cleaner, so both can be tested
// against fakes, and the pre-1.0 moby client can change under us without
// touching them.
//
// Client implements Daemon with github.com/moby/moby/client behind a
// guard.Transport, which enforces the daemon protection limits and counts
// the calls.
package dockerapi

import (
	"context"
	"errors"
	"time"
)

// Daemon is everything verify asks of the daemon. Every method is a single
// GET or HEAD request (plus the client's own retries).
type Daemon interface {
	// Ping checks that the daemon answers and negotiates the API version.
	Ping(ctx context.Context) (Ping, error)
	// Info describes the daemon and its host.
	Info(ctx context.Context) (Info, error)
	// Containers lists containers, all states, restricted to the given
	// label filters ("key" or "key=value").
	Containers(ctx context.Context, labels []string) ([]ContainerSummary, error)
	// Inspect returns one container's configuration and state.
	Inspect(ctx context.Context, id string) (Container, error)
	// MemoryUsage takes a one-shot stats sample of a running container.
	MemoryUsage(ctx context.Context, id string) (MemoryUsage, error)
	// DiskUsage calls /system/df once, for containers, volumes and build cache.
	DiskUsage(ctx context.Context) (DiskUsage, error)
	// DanglingVolumes lists volumes that no container references,
	// restricted to the given label filters ("key" or "key=value") as
	// Containers is: /volumes filters by label on the daemon's side.
	DanglingVolumes(ctx context.Context, labels []string) ([]Volume, error)
}

// OOMEventer is a Daemon that can list the "oom" events it still holds
// (Client implements it; fakes need not). Docker 20.10 can leave
// State.OOMKilled false for a container the kernel killed for its limit
// (exit 137), while its event stream said "oom".
type OOMEventer interface {
	// OOMEvents counts the oom events of each container (by ID) between
	// since and until, one GET /events that ends at until.
	OOMEvents(ctx context.Context, since, until time.Time) (map[string]int, error)
}

// Cleaner is what dockguard cleanup asks of the daemon beyond Daemon. Each
// method is one request; none of them ever forces anything.
type Cleaner interface {
	Daemon
	// StopContainer stops a container, waiting up to timeout for it to
	// exit before the daemon kills it (POST /containers/{id}/stop?t=).
	StopContainer(ctx context.Context, id string, timeout time.Duration) error
	// RemoveContainer removes a stopped container, without force and
	// without its volumes.
	RemoveContainer(ctx context.Context, id string) error
	// RemoveVolume removes one unused volume, without force.
	RemoveVolume(ctx context.Context, name string) error
	// PruneBuildCache prunes unused build cache older than until (0 = any
	// age), keeping reserved bytes (0 = none), and returns the bytes the
	// daemon reports reclaimed.
	PruneBuildCache(ctx context.Context, until time.Duration, reserved int64) (int64, error)
	// Images lists images: the dangling ones, or all of them.
	Images(ctx context.Context, all bool, labels []string) ([]Image, error)
	// PruneImages prunes dangling images (all unused ones with all),
	// restricted to labels and to those older than until (0 = any age).
	PruneImages(ctx context.Context, all bool, labels []string, until time.Duration) (int64, error)
}

// Image is one row of /images/json.
type Image struct {
	ID      string
	Tags    []string
	Size    int64
	Created time.Time
	// Containers is the number of containers using it, -1 when the daemon
	// did not count.
	Containers int64
}

// ErrConflict is returned by the write methods when the daemon answers
// 409: the object is in use, running, or already being removed.
var ErrConflict = errors.New("conflict")

// Ping is the answer to /_ping.
type Ping struct {
	// APIVersion is the version negotiated with the daemon.
	APIVersion string
	OSType     string
	// Duration is how long the ping took.
	Duration time.Duration
}

// Info is the part of /info that the report shows.
type Info struct {
	Name            string `json:"name"`
	ServerVersion   string `json:"serverVersion"`
	APIVersion      string `json:"apiVersion"`
	OperatingSystem string `json:"operatingSystem"`
	OSType          string `json:"osType"`
	Architecture    string `json:"architecture"`
	KernelVersion   string `json:"kernelVersion"`
	NCPU            int    `json:"cpus"`
	MemTotal        int64  `json:"memTotal"`
	DockerDesktop   bool   `json:"dockerDesktop"`
	CgroupVersion   string `json:"cgroupVersion,omitempty"`
}

// ContainerSummary is one row of /containers/json.
type ContainerSummary struct {
	ID     string
	Name   string
	State  string
	Labels map[string]string
}

// Container is the part of /containers/{id}/json the checks read.
type Container struct {
	ID    string
	Name  string
	Image string
	// State is created, running, paused, restarting, removing, exited or dead.
	State string
	// Pid is the init process's PID in the daemon's PID namespace (0 when
	// not running).
	Pid          int
	OOMKilled    bool
	RestartCount int
	ExitCode     int
	StartedAt    time.Time
	FinishedAt   time.Time
	// Memory is HostConfig.Memory in bytes; 0 means unlimited.
	Memory int64
	// MemoryReservation is the soft limit in bytes; 0 means none.
	MemoryReservation int64
	Labels            map[string]string
	// Created is when the container was created (its age when it never ran).
	Created time.Time
}

// Running reports whether the container counts as running for the memory
// checks (running, restarting or paused processes hold memory).
func (c Container) Running() bool {
	switch c.State {
	case "running", "restarting", "paused":
		return true
	}
	return false
}

// MemoryUsage is a one-shot stats sample.
type MemoryUsage struct {
	// Usage is the memory in use, excluding the page cache the kernel can
	// drop, as `docker stats` computes it.
	Usage int64
	// Limit is the limit the kernel applies (the host memory when unlimited).
	Limit int64
}

// Volume is a volume with its size when the daemon reported it (-1 unknown).
type Volume struct {
	Name   string `json:"name"`
	Driver string `json:"driver"`
	Size   int64  `json:"size"`
	// Labels tell a compose project's volumes and, from Docker 23,
	// anonymous ones (com.docker.volume.anonymous).
	Labels map[string]string `json:"-"`
}

// DiskUsage is the part of /system/df the checks read.
type DiskUsage struct {
	BuildCacheTotal       int64 `json:"buildCacheTotal"`
	BuildCacheReclaimable int64 `json:"buildCacheReclaimable"`
	BuildCacheRecords     int64 `json:"buildCacheRecords"`
	// ContainerSizes maps container IDs to their writable-layer sizes.
	ContainerSizes map[string]int64 `json:"-"`
	// VolumeSizes maps volume names to sizes, where known.
	VolumeSizes map[string]int64 `json:"-"`
	// FullScan is set when the daemon is below API 1.42 and ignored the
	// type filter, computing every object kind.
	FullScan bool `json:"fullScan"`
}
