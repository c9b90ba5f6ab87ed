// Package verify is dockguard's live pass: it reads a Docker daemon, through
// the narrow dockerapi.Daemon interface, and reports what is really running
// as rules DG401-DG408.
//
// Run keeps to a fixed API-call budget: one ping, one /info, one container
// list (with label filters), one inspect per container, one usage sample per
// running container whose usage is needed (unlimited containers, or all with
// Options.Usage), one dangling-volume list and at most one /system/df.
// Together with the limits of the guard transport that keeps dockguard from
// ever becoming the API storm it warns about.
//
// A usage sample is read from the container's memory cgroup when dockguard
// runs on the daemon's host and sees its processes (package memusage), at
// no cost to the daemon; otherwise it is a one-shot stats call, which
// daemons before Docker 25 answer only at their stats collector's next
// one-second pass.
package verify
