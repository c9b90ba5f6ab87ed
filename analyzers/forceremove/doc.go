// Package forceremove defines an Analyzer that reports force removals of
// containers and images from Go code.
//
// # Analyzer forceremove
//
// forceremove: report force removal of containers (DG101) and images (DG102),
// podman volume force removal (DG103), and force removal of every container
// from a listing (DG105)
//
// A force removal kills a running container with SIGKILL and removes it in
// the same API request. Bursts of these requests hang or crash Docker
// Desktop's engine, and the container gets no chance to shut down.
//
// The analyzer finds:
//
//   - os/exec.Command and CommandContext running docker, podman or nerdctl
//     (the program may be a constant or come from exec.LookPath) whose
//     command line, judged by the docker command-line model, force-removes:
//     exec.Command("docker", "rm", "-f", id). The argv may be made of
//     constants, a []string literal or append calls in the same function,
//     or strings.Fields of a constant. Wrappers such as sudo and timeout are
//     seen through, and `sh -c` / `bash -c` scripts are checked by the shell
//     front end.
//   - Docker SDK calls, matched by type rather than by name:
//     github.com/moby/moby/client (ContainerRemoveOptions,
//     ImageRemoveOptions), github.com/docker/docker/client
//     (container.RemoveOptions, image.RemoveOptions and the legacy
//     types.ContainerRemoveOptions / types.ImageRemoveOptions) and
//     github.com/fsouza/go-dockerclient (RemoveContainer with
//     RemoveContainerOptions, RemoveImageExtended with RemoveImageOptions)
//     with Force set to true in a composite literal, by a later
//     `opts.Force = true` in the same function, or in a package-level
//     variable. The copy of go-dockerclient that
//     github.com/ory/dockertest/v3 ships (its docker package) counts as
//     fsouza's client.
//   - dockertest's Pool.Purge, Pool.RemoveContainerByName and
//     Resource.Close, which force-remove the container.
//
// A removal whose target comes from a container listing (a loop over
// ContainerList or over the output of `docker ps`) is reported as DG105
// instead of DG101.
//
// A forced container removal that follows a graceful stop is not reported:
// ContainerStop (or fsouza's StopContainer) without a zero timeout or the
// KILL signal, called directly or through a function of the same package,
// in a statement that precedes the removal on its path (not in another
// branch, a goroutine, or before the loop that holds the removal). Force
// then only removes a stopped container, which is the stop-then-remove
// sequence the rule asks for.
//
// The stop must be of the container removed: the same variable, the same
// field chain on it (c.ID, resp.ID, r.Container.ID for dockertest's Purge
// and Close), the same constant, or the loop variable of the current
// iteration; a local assigned once (id := c.ID) stands for what it was
// assigned. A function of the package that stops its parameter (or a field
// of it, or of its receiver) stops the argument passed for it. A stop of a
// provably different container (another variable or field, another
// constant or constant index, or the same variable assigned again in
// between) still leaves the removal reported. When either side cannot be
// named (an ID returned by a call, indexes that may be equal, a name
// constant against an ID variable, a container local to the helper), the
// stop counts: a program that stops before removing is likely stopping the
// right container, and reporting it would be a false alarm.
//
// Nor is the forced removal of a container created in the same function
// (created.ID from ContainerCreate or CreateContainer) and never started
// there, in the sense of memlimit: nothing runs, so nothing is killed.
//
// # Suggested fixes
//
// A forced SDK container removal (DG101, not DG105) gets a fix that stops
// the container first and drops Force:
//
//	timeout := 10
//	_ = cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &timeout})
//	err := cli.ContainerRemove(ctx, id, container.RemoveOptions{})
//
// with the stop call of the client's own generation, read from the
// receiver's type: client.ContainerStopOptions for moby/moby/client,
// container.StopOptions for docker/docker v23 and later, a *time.Duration
// (importing time if needed) before v23, StopContainer(id, 10) or
// StopContainerWithContext(id, 10, ctx) for go-dockerclient and dockertest's
// copy. It is offered only when Force: true is written in the call's own
// options literal; the call is a whole expression statement, the single
// right-hand side of an assignment to names (possibly an if statement's
// init) or the single result of a return, in a statement list; the client,
// the context and the container are names, field selections or literals;
// the receiver's type has the stop method; and the names it needs are
// free (no goto in the function). The stop's error is dropped: a stop that
// failed leaves the container running, and the removal, now without Force,
// fails and reports it. The timeout is the -stop-timeout flag (default 10
// seconds).
//
// Not reported: Force set from a value that is not a constant; volume
// removal with force on Docker (VolumeRemove(ctx, id, true) only ignores a
// missing volume); methods named ContainerRemove on the program's own
// types; `docker compose rm -f`, which only skips a prompt.
package forceremove
