// Package cleanup removes what `dockguard verify` finds reclaimable (DG404
// stale containers, DG405 dangling volumes, DG406 build cache, and dangling
// images), the way the incident's safe_container_remove did it.
//
// Planning and executing are separate steps. Plan makes exactly the read
// calls of a verify pass (without usage samples), plus one image list when
// images are in scope, so a dry run is only the plan. Execute carries a plan
// out through the daemon guard (package daemonguard), which spaces write
// starts, caps what is in flight at the daemon, retries transient failures
// and opens its breaker on a failing daemon. The rules of removal are
// those of the incident's fix:
//
//   - never force: no DELETE carries force=1 (the guard refuses one);
//   - a running container is stopped with a timeout before it is removed;
//   - 404 on stop or remove means done: the object is gone;
//   - 409 (in use, running, removal in progress) is retried a few times,
//     then the object is skipped and reported;
//   - when the breaker opens, or the whole-run deadline passes, the rest of
//     the plan is not attempted (DG408), and the result says what was and
//     was not done;
//   - a stop request (Ctrl-C) starts nothing new and lets what is in flight
//     finish.
package cleanup
