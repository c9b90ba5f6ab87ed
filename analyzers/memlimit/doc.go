// Package memlimit defines an Analyzer that reports containers created
// through the Docker SDK without a memory limit.
//
// # Analyzer memlimit
//
// memlimit: report ContainerCreate without a memory limit (DG301)
//
// A container created with no HostConfig.Resources.Memory may use all of the
// Docker VM's memory. Test suites that create many such containers exhaust
// Docker Desktop.
//
// The analyzer reports:
//
//   - docker/docker/client ContainerCreate(ctx, config, hostConfig, ...)
//     whose hostConfig is nil, or a composite literal (or a local or
//     package-level variable built from one) without Resources.Memory, or
//     with Memory set to 0;
//   - moby/moby/client ContainerCreate(ctx, client.ContainerCreateOptions{...})
//     whose HostConfig is missing, nil, or without a memory limit in the same
//     sense;
//   - fsouza/go-dockerclient CreateContainer whose HostConfig (and the
//     deprecated Config.Memory) sets no memory.
//
// A limit assigned later in the function (hc.Memory = 512 << 20, also
// through the embedded Resources) counts, on any path. A host config or
// memory value that is not known statically (a parameter, a function
// result) is not reported, nor is a container that is never started: its
// create result is used only as the target of SDK calls that do not start
// it (copying files out, inspecting, removing), and never returned, stored
// or handed to another function.
package memlimit
