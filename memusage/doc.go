// Package memusage observes the memory that containers use: one sample at a
// time from the kernel's cgroup accounting or the daemon's one-shot stats,
// samples over a window, their percentiles, and the memory limit they call
// for. verify takes single samples with it, and `dockguard fix
// --limits-from` sizes compose limits from its observations.
//
// Usage is the working set, as `docker stats` computes it: the cgroup's
// usage minus its inactive file cache (inactive_file on cgroup v2,
// total_inactive_file on v1), which the kernel drops before it OOM-kills.
//
// # Cgroups
//
// CgroupReader reads a container's memory usage straight from the
// kernel's cgroup accounting, for when dockguard runs on the daemon's own
// host.
//
// The numbers are the ones the daemon's stats endpoint would return (it
// reads the same files), minus the inactive file cache as `docker stats`
// shows them, but reading them costs the daemon nothing. That matters on
// daemons before Docker 25, which answer a one-shot stats call only at their
// stats collector's next one-second pass: with a few requests in flight,
// sampling 50 containers through the API takes about 17 s.
//
// A container's cgroup is found from its init process (State.Pid) through
// /proc/PID/cgroup and the cgroup mounts in /proc/self/mountinfo. The path
// must name the container's ID, which rules out a PID that belongs to
// another PID namespace (a remote daemon, Docker Desktop's VM, rootless
// Docker, dockguard itself in a container) or was reused. When anything
// does not line up, Usage returns ErrUnavailable and the caller asks the
// API instead.
package memusage
