// Package fanout defines an Analyzer that reports goroutine fan-out of
// Docker calls without a bound.
//
// # Analyzer fanout
//
// fanout: report unbounded parallel Docker calls from goroutines (DG106)
//
// Bursts of parallel API calls, above all force removals, hang or crash
// Docker Desktop's engine; at most 3 concurrent operations stopped the
// crashes.
//
// The analyzer reports a goroutine started inside a for or range loop (a go
// statement, errgroup.Group.Go or sync.WaitGroup.Go) whose function calls a
// Docker SDK client method or runs a container CLI through os/exec
// (directly or through functions of the same package), when no bound is
// visible:
//
//   - errgroup.Group.SetLimit(n) on the same group before the loop;
//   - a buffered-channel semaphore: a send to (or receive from) a channel
//     made with a buffer, in the loop before the goroutine starts or in the
//     goroutine before its first Docker call;
//   - golang.org/x/sync/semaphore: Acquire or TryAcquire in the same places;
//   - a loop with a constant number of iterations within the limit (a fixed
//     worker pool), or workers that drain a channel.
//
// Not reported: a follower, a goroutine whose Docker calls wait on or stream
// from one container for as long as it runs (ContainerWait,
// ContainerAttach, Events, ContainerLogs with Follow not known to be
// false, and fsouza's equivalents), with at most short reads (inspect,
// list) besides. Followers are meant to run side by side: bounding them to
// 3 would starve the others. A follower that also starts, stops or removes
// containers is reported.
//
// A bound whose constant size exceeds the limit (-limit, default 3), or a
// negative errgroup limit, is reported with its size. os/exec commands whose
// shell code runs docker in parallel (xargs -P 0, GNU parallel) are
// reported through the shell front end.
package fanout
