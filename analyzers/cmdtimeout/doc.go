// Package cmdtimeout defines an Analyzer that reports container CLIs run
// through os/exec without a deadline.
//
// # Analyzer cmdtimeout
//
// cmdtimeout: report exec.Command running docker without a context (DG302)
//
// A hung daemon hangs every docker command. A command started with
// exec.Command has no way to be cancelled, so the caller waits forever and
// retries pile up on the daemon. exec.CommandContext with a context that
// has a deadline kills the client when the deadline passes.
//
// The analyzer reports exec.Command whose program is docker, podman,
// nerdctl or docker-compose (directly, through a wrapper such as sudo, or
// in an `sh -c` script that runs one). exec.CommandContext is never
// reported.
//
// The suggested fix rewrites exec.Command(name, args...) into
// exec.CommandContext(ctx, name, args...) when a context.Context is in
// scope at the call: a parameter of an enclosing function or a local
// assigned before the call, not shadowed. Several in the innermost scope
// that has one: the one named ctx, or no fix. A package-level context, a
// pointer to one, or a `var ctx context.Context` never assigned gets no
// fix.
package cmdtimeout
