// Package killcontainer defines an Analyzer that reports SIGKILL without a
// graceful stop from Go code.
//
// # Analyzer killcontainer
//
// killcontainer: report containers killed without a graceful stop (DG104)
//
// `docker kill` (default signal KILL) and `docker stop -t 0` skip the
// application's shutdown: databases lose unflushed writes and the daemon
// tears down many containers at once.
//
// The analyzer finds:
//
//   - ContainerKill (moby/moby/client with ContainerKillOptions,
//     docker/docker/client with a signal string) and fsouza's KillContainer
//     with the default signal or KILL, SIGKILL or 9;
//   - ContainerStop and ContainerRestart whose options' Timeout points at 0
//     (&zero, new(int), ptr.To(0)) or whose Signal is KILL; the legacy
//     ContainerStop(ctx, id, *time.Duration) with a zero duration; fsouza's
//     StopContainer, StopContainerWithContext and RestartContainer with a
//     timeout of 0;
//   - os/exec running `docker kill`, `docker stop -t 0` and their podman and
//     nerdctl equivalents, judged by the docker command-line model.
//
// A kill of every container from a listing is reported as DG105.
// `ContainerKill(ctx, id, "HUP")`, a reload, is not a finding, nor is a
// signal or timeout whose value is not a constant.
package killcontainer
