package rules

import (
	"fmt"
	"sort"
	"strings"
)

// DocsBase is where the generated rule documentation lives; a rule's help URI
// is DocsBase + ID + ".md".
const DocsBase = "https://github.com/dockguard/dockguard/blob/main/docs/rules/"

// Rule describes one check. IDs are stable: a rule may be retired but its ID
// is never reused.
type Rule struct {
	ID       string
	Name     string
	Severity Severity
	// Frontend says which part of dockguard implements the rule:
	// "core", "shell", "go", "compose" or "live", or a comma-separated list
	// ("shell, go") when several front ends report it.
	Frontend string
	// Summary is one line, shown by `dockguard rules` and as SARIF shortDescription.
	Summary string
	// Rationale says why the pattern crashes or exhausts the daemon.
	Rationale string
	// Bad and Good are short examples.
	Bad, Good string
	// Alternative is the safe way to do the same job.
	Alternative string
	// NotReported lists look-alikes the rule deliberately leaves alone, so
	// that users can tell a miss from a design decision.
	NotReported string
	// Fix says what --fix does for the rule's findings, or why it does
	// nothing; shown as the rule doc's "Fix" section. Fixable is set
	// when some findings of the rule carry a fix (the rules `dockguard
	// fix` runs).
	Fix     string
	Fixable bool
	// Tags and Precision feed SARIF's properties.
	Tags      []string
	Precision string
}

// HelpURI is the rule's documentation page.
func (r *Rule) HelpURI() string { return DocsBase + r.ID + ".md" }

// Catalogue lists every rule, ordered by ID.
var Catalogue = []*Rule{
	{
		ID: "DG001", Name: "parse-error", Severity: SeverityError, Frontend: "core",
		Summary:     "A file that should be checked could not be parsed.",
		Rationale:   "A file dockguard cannot parse is a file it cannot vouch for. The rest of the file, and every other file, is still checked where possible, but commands past the error may be missed.",
		Bad:         "docker rm -f $(docker ps -aq   # unterminated command substitution",
		Good:        "docker rm $(docker ps -aq --filter status=exited)",
		Alternative: "Fix the syntax error at the reported position; `bash -n FILE` or `docker compose config` reproduce most of them.",
		Tags:        []string{"correctness"}, Precision: "very-high",
	},
	{
		ID: "DG002", Name: "unused-suppression", Severity: SeverityWarning, Frontend: "core",
		Summary:     "An ignore directive matched no finding.",
		Rationale:   "Stale suppressions hide the next real problem on that line and make reviewers trust exceptions that no longer exist.",
		Bad:         "docker stop --time 10 web  # dockguard:ignore DG101 -- legacy",
		Good:        "docker stop --time 10 web",
		Alternative: "Delete the directive, or move it to the line it was meant for.",
		Tags:        []string{"maintainability"}, Precision: "very-high",
	},
	{
		ID: "DG003", Name: "malformed-suppression", Severity: SeverityError, Frontend: "core",
		Summary:     "An ignore directive has no reason or names an unknown rule.",
		Rationale:   "Every accepted exception must say why, or it cannot be reviewed later. A directive naming an unknown rule suppresses nothing.",
		Bad:         "docker rm -f ci-db  # dockguard:ignore DG101",
		Good:        "docker rm -f ci-db  # dockguard:ignore DG101 -- throwaway CI runner, container is already stopped",
		Alternative: "Write `# dockguard:ignore DG101 -- reason` with a known rule ID and a reason after `--`.",
		Tags:        []string{"maintainability"}, Precision: "very-high",
	},
	{
		ID: "DG004", Name: "compose-load-error", Severity: SeverityWarning, Frontend: "compose",
		Summary:     "Docker Compose itself would refuse this project.",
		Rationale:   "`docker compose up` would fail on this file, so the limits it declares are never applied. dockguard still checks the raw YAML so other services are reported.",
		Bad:         "services:\n  db:\n    image: postgres:16\n    mem_limit: 512m\n    deploy: {resources: {limits: {memory: 1g}}}",
		Good:        "services:\n  db:\n    image: postgres:16\n    deploy: {resources: {limits: {memory: 512m}}}",
		Alternative: "Run `docker compose config` and fix what it reports.",
		Tags:        []string{"correctness", "compose"}, Precision: "very-high",
	},
	{
		ID: "DG101", Name: "force-remove-container", Severity: SeverityError, Frontend: "shell, go, python",
		Summary:     "Force-removing a container kills it with SIGKILL and removes it in one API call.",
		Rationale:   "`docker rm -f` on a running container sends SIGKILL and tears down its mounts and network in the same request. Bursts of these requests are the documented way to hang or crash Docker Desktop's engine (docker/for-win#13218, docker/for-mac#7288, moby#37562), and the container gets no chance to flush data.",
		Bad:         "docker rm -f web",
		Good:        "docker stop --time 10 web >/dev/null 2>&1 || true; docker rm -f web",
		Alternative: "Stop gracefully first, then remove what is left: `docker stop --time 10 web >/dev/null 2>&1 || true; docker rm -f web` (after the stop `-f` kills nothing, and it keeps a missing container from failing the script). In Go, call ContainerStop with a timeout, then ContainerRemove without Force.",
		NotReported: "`docker compose rm -f` (there -f only skips the prompt) and `--force=false`; a removal right after a `docker stop` of the same container that certainly ran (`docker stop web || true && docker rm -f web`); containers from a listing that can only hold stopped ones (`docker ps -aq -f status=exited`); in Go, a forced ContainerRemove after ContainerStop on the same path, or of a container that was created and never started, and methods of the program's own types that only share the SDK's names; in Python, `remove(force=True)` on anything not known to be a container (a user class, a volume, a value whose origin is unknown), a forced removal after `stop()` of the same container or in the branch where `container.status` is not \"running\", and `with DockerContainer(...)` blocks of testcontainers: their exit force-removes the container too, but it is the library's documented use and has no spelling without it, so only an explicit `.stop()` is reported.",
		Fix: "In shell code (scripts, Makefiles, CI steps, package.json), a graceful stop of the same containers goes before the removal: `docker rm -f web` becomes `docker stop --time 10 web >/dev/null 2>&1 || true; docker rm -f web` (the time is `--stop-timeout` / `fix.stop-timeout`). " +
			"The removal keeps `-f` because of what it does for a missing container: since Docker 20.10 (docker/cli#2678) `docker rm -f` of a container that does not exist prints `Error: No such container` and exits 0, where `docker stop` and `docker rm` exit 1. " +
			"Verified with a real test on Docker 20.10 (fix/livetest); Docker 28's CLI keeps the zero exit, and newer ones also drop the message (docker/cli#7110). So a script under `set -e` that relies on the removal of a missing container succeeding keeps working, and on a container that was just stopped `-f` kills nothing. " +
			"Where the original ignores failure anyway (`docker rm -f web || true`, `|| :`), `-f` goes: `docker stop --time 10 web >/dev/null 2>&1 || true; docker rm web || true`, with the same exit status and output. " +
			"The stop's output and failure are ignored (under `set -e` a failing stop would end the script), since the removal that follows prints the same names and errors and decides the exit status. The wrappers (`sudo`, `timeout`), the engine (`podman`), Make's `$(DOCKER)` and `@`/`-` prefixes, redirections, `-v` and line continuations are kept; a removal that is part of a larger command (`a && docker rm -f x`) gets `{ stop; rm; }`. " +
			"No fix for removals run through xargs or parallel, inside strings of code (`sh -c '…'`), aliases, or a file that does not parse. " +
			"In Go, a forced SDK removal gets a graceful stop of the same container inserted before it, and loses `Force: true`: `timeout := 10` then `_ = cli.ContainerStop(ctx, id, container.StopOptions{Timeout: &timeout})` with the stop options of the client's generation (`client.ContainerStopOptions` for moby/moby/client, `container.StopOptions` for docker/docker v23+, a `*time.Duration` before, `StopContainer(id, 10)` for go-dockerclient and dockertest), `--stop-timeout` seconds. Only when `Force: true` is written in the call's own options literal, the call is a whole statement (`cli.ContainerRemove(...)`, `err :=`/`err =`, `if err := ...; err != nil`, `return`), and the client, context and container are names or field selections; otherwise no fix. The stop's error is dropped: a failed stop leaves the container running, and the removal without Force then fails and reports it (a missing container fails the removal as it failed the forced one). " +
			"`exec.Command(\"docker\", \"rm\", \"-f\", id)` gets a fix (drop `-f`) only where the code stops the same container on every path before it and returns (or breaks out) when that stop fails, so the removal only runs on a container that existed; otherwise the message says what to write.",
		Fixable: true,
		Tags:    []string{"reliability", "docker"}, Precision: "very-high",
	},
	{
		ID: "DG102", Name: "force-remove-image", Severity: SeverityWarning, Frontend: "shell, go, python",
		Summary:     "Force-removing an image untags it even when containers still use it.",
		Rationale:   "`docker rmi -f` removes tags that running or stopped containers reference, leaving dangling layers that a later prune must scan, and on Podman it also removes the containers using the image.",
		Bad:         "docker rmi -f app:dev",
		Good:        "docker rmi app:dev   # fails, as it should, while a container uses it",
		Alternative: "Remove the containers gracefully first, then the image without -f; or use `docker image prune` with a filter.",
		Fix:         "None: which containers use the image, and whether to remove them, is a decision, not a mechanical edit.",
		Tags:        []string{"reliability", "docker"}, Precision: "high",
	},
	{
		ID: "DG103", Name: "force-remove-volume", Severity: SeverityWarning, Frontend: "shell, go",
		Summary:     "`podman volume rm -f` also removes every container using the volume.",
		Rationale:   "Unlike Docker, where `volume rm -f` only ignores a missing volume, Podman's force removes the containers that use the volume, which kills running workloads and destroys their data.",
		Bad:         "podman volume rm -f pgdata",
		Good:        "podman stop --time 10 db && podman rm db && podman volume rm pgdata",
		Alternative: "Stop and remove the containers gracefully, then remove the volume without -f.",
		NotReported: "`docker volume rm -f`: with Docker, -f only ignores a missing volume.",
		Tags:        []string{"reliability", "podman", "data-loss"}, Precision: "high",
	},
	{
		ID: "DG104", Name: "kill-container", Severity: SeverityWarning, Frontend: "shell, go, python",
		Summary:     "SIGKILL without a graceful stop.",
		Rationale:   "`docker kill` (default signal KILL) and `docker stop -t 0` skip the application's shutdown: databases lose unflushed writes and the daemon does the teardown work of many containers at once. `docker kill -s HUP` is a reload and is not reported.",
		Bad:         "docker kill web\ndocker stop -t 0 web",
		Good:        "docker stop --time 10 web",
		Alternative: "Use `docker stop --time N` (SIGTERM, then SIGKILL after N seconds).",
		NotReported: "Kills with a signal other than SIGKILL (`docker kill -s HUP` is a reload), and kills after a graceful stop of the same container.",
		Fix:         "In shell code, `docker kill X` (SIGKILL) becomes `docker stop --time 10 X`, a zero stop time (`docker stop -t 0 X`, `--time=0`) becomes `--time 10`, and a SIGKILL stop signal (`docker stop -s KILL`) is dropped; for compose, `docker compose kill` becomes `docker compose stop --timeout 10` and `-t 0` becomes `--timeout 10`. The time is `--stop-timeout` / `fix.stop-timeout`; everything else on the line is kept.",
		Fixable:     true,
		Tags:        []string{"reliability", "docker"}, Precision: "high",
	},
	{
		ID: "DG105", Name: "mass-force-remove", Severity: SeverityError, Frontend: "shell, go, python",
		Summary:     "Force removal or kill of every container from a listing.",
		Rationale:   "`docker rm -f $(docker ps -aq)` sends one SIGKILL-and-remove for every container at once. This removal storm is the pattern behind the Docker Desktop crashes that motivated dockguard. A mass `docker kill $(docker ps -aq)` removes nothing, but it is the same burst of SIGKILLs against every running container, so it is reported here (as a SIGKILL storm) rather than as DG104, which is for one kill.",
		Bad:         "docker rm -f $(docker ps -aq)",
		Good:        "docker ps -q --filter label=ci | xargs -r -n1 -P3 docker stop --time 10\ndocker container prune -f --filter label=ci",
		Alternative: "Filter the listing to what you own, stop gracefully with bounded concurrency (at most 3 at a time), then prune or remove without -f.",
		NotReported: "Force removals or kills of a listing that can only hold stopped containers (`docker ps -aq -f status=exited`: there is nothing to kill), and removals without -f.",
		Fix:         "Only with `--fix-label KEY=VALUE` (or `fix.label` in .dockguard.yaml), since which containers are yours cannot be guessed: in shell code, `docker rm -f $(docker ps -aq)` becomes `docker ps -q --filter label=KEY=VALUE | xargs -r -n1 -P3 docker stop --time 10; docker container prune -f --filter label=KEY=VALUE` (with `-v`, the removal is `docker ps -aq --filter label=KEY=VALUE | xargs -r -n1 -P3 docker rm -v`: one `docker rm` of many IDs would remove up to 50 at once), and a mass kill becomes the stop alone. The exit status is the original's where it removes containers, and the fix keeps `|| true` and redirections; with nothing to remove, a strict `docker rm -f $(docker ps -aq)` fails with docker's usage error (\"requires at least 1 argument\"), while its fix removes nothing and succeeds. Without a label, `--fix` and `--diff` say in the finding why there is no fix.",
		Fixable:     true,
		Tags:        []string{"reliability", "docker"}, Precision: "very-high",
	},
	{
		ID: "DG106", Name: "parallel-docker-calls", Severity: SeverityWarning, Frontend: "shell, go, python",
		Summary:     "Docker commands run concurrently beyond the limit.",
		Rationale:   "Unbounded parallel API calls (xargs -P 0, GNU parallel, `docker … &` in a loop, goroutines per container) overload the engine; at most 3 concurrent operations stopped the crashes. A graceful `docker stop $(docker ps -q)` is one of them too: docker's CLI stops every container it is given in parallel, up to 50 at a time, so a stop of every running container is reported here (a later forced removal of the same listing is then not DG105: nothing is left running to kill).",
		Bad:         "docker ps -q | xargs -P 0 -n1 docker stop\ndocker stop $(docker ps -q)",
		Good:        "docker ps -q | xargs -P 3 -n1 docker stop --time 10",
		Alternative: "Bound concurrency to 3 (xargs -P 3, errgroup.SetLimit(3), a semaphore) and space the calls.",
		NotReported: "`xargs -P N` with N at or below the limit (3 by default, `--parallel-limit`); a stop of a filtered listing (`docker ps -q --filter label=ci`), of one listed container at a time (a loop, `xargs -n1`), `docker restart` of a listing (docker's CLI restarts one at a time), and podman's and nerdctl's stops; in Go, goroutines that only wait on or follow one container (ContainerWait, ContainerAttach, Events, logs with Follow).",
		Tags:        []string{"reliability", "performance"}, Precision: "high",
	},
	{
		ID: "DG107", Name: "destructive-prune", Severity: SeverityWarning, Frontend: "shell, go, python",
		Summary:     "Cleanup that destroys volume data.",
		Rationale:   "`docker system prune --volumes`, `docker volume prune` and `docker compose down -v` delete named volumes, which hold databases; in a shared dev or CI machine they delete other projects' data too.",
		Bad:         "docker compose down -v",
		Good:        "docker compose down",
		Alternative: "Prune containers, images and build cache without --volumes; remove the named volumes you own explicitly.",
		NotReported: "`docker system prune` without --volumes, and prunes scoped by a positive label filter (`docker volume prune --filter label=ci`), which only delete volumes you labelled. In Go, a wrapper method that only passes VolumesPrune on to the client it wraps; the call through the wrapper is reported. In Python, `client.containers.prune()` and python-on-whales' `docker.container.prune()`, which, like `docker container prune`, delete only stopped containers and no volume, and `volumes.prune(filters={\"label\": …})`.",
		Tags:        []string{"data-loss", "docker"}, Precision: "high",
	},
	{
		ID: "DG201", Name: "compose-no-memory-limit", Severity: SeverityError, Frontend: "compose",
		Summary:     "A compose service has no memory limit.",
		Rationale:   "Without `mem_limit` or `deploy.resources.limits.memory` a service may use all of the Docker VM's memory; a few such services together (Postgres, Redis, ClickHouse and apps) push Docker Desktop out of memory. A reservation alone is not a limit.",
		Bad:         "services:\n  cache:\n    image: redis:7",
		Good:        "services:\n  cache:\n    image: redis:7\n    deploy:\n      resources:\n        limits: {memory: 256m}\n        reservations: {memory: 128m}",
		Alternative: "Give every service `deploy.resources.limits.memory` (and a reservation below it).",
		Fix:         "Inserts `deploy.resources.limits.memory` into the service's own definition (or `mem_limit` where the file writes limits that way, or where `deploy` comes from a `<<` merge), as byte edits that keep comments, key order, indentation, quoting, anchors and line ends; an explicit 0 is replaced in place, and `${VAR:-0}` keeps its variable. The size comes from observed usage (`dockguard fix --limits-from live` or `--limits-from report.json`: max(p99, peak) × `--headroom` 1.15, rounded up to 16 MiB, at least 32 MiB and at least the runtime caps in the service + 25 %; an OOM-killed service gets its limit + 20 %, at least + 100 MiB; under 10 minutes of samples the figure is provisional), else from `--default-memory`; a YAML comment says which (`--no-comment` leaves it out), and `--with-reservation` also sets the reservation to the p50. Without either there is no fix and the finding says how to get one.",
		Fixable:     true,
		Tags:        []string{"reliability", "compose", "memory"}, Precision: "very-high",
	},
	{
		ID: "DG202", Name: "compose-reservation-exceeds-limit", Severity: SeverityError, Frontend: "compose",
		Summary:     "A service reserves more memory than its limit.",
		Rationale:   "A reservation above the limit can never be honoured; Docker refuses to create the container or the scheduler over-reserves.",
		Bad:         "deploy: {resources: {limits: {memory: 256m}, reservations: {memory: 512m}}}",
		Good:        "deploy: {resources: {limits: {memory: 512m}, reservations: {memory: 256m}}}",
		Alternative: "Keep the reservation at or below the limit.",
		Fix:         "Lowers the reservation to the limit, written as the limit is, when the limit is a size written in the file (not a variable) and the reservation is in the service's own definition.",
		Fixable:     true,
		Tags:        []string{"correctness", "compose", "memory"}, Precision: "very-high",
	},
	{
		ID: "DG203", Name: "compose-memory-budget", Severity: SeverityWarning, Frontend: "compose",
		Summary:     "The services that start together exceed the memory budget.",
		Rationale:   "Each limit may be reasonable while their sum (times replicas) exceeds what the Docker VM has; the kernel then OOM-kills whichever container asks next.",
		Bad:         "six services at 2g each with an 8 GiB budget",
		Good:        "limits that sum to less than the budget (default 8 GiB, --memory-budget)",
		Alternative: "Lower limits, reduce replicas, or move optional services into profiles.",
		Fix:         "None: which service to shrink is a decision. With observed usage (`--limits-from`) the message lists the services whose p99 is below half their limit, as candidates to lower.",
		Tags:        []string{"reliability", "compose", "memory"}, Precision: "high",
	},
	{
		ID: "DG204", Name: "compose-runtime-memory-above-limit", Severity: SeverityWarning, Frontend: "compose",
		Summary:     "A runtime's own memory cap is at or above the container limit.",
		Rationale:   "Redis maxmemory, the JVM heap (-Xmx) or Node's --max-old-space-size set at or above the container limit means the kernel OOM-kills the container before the runtime evicts or collects. Units differ: Redis `1m` is 10^6 bytes, `1mb` is 2^20.",
		Bad:         "mem_limit: 256m\ncommand: redis-server --maxmemory 256mb",
		Good:        "mem_limit: 256m\ncommand: redis-server --maxmemory 200mb",
		Alternative: "Keep the runtime's cap well below the container limit (about 75-80%).",
		Fix:         "Lowers the cap to 75 % of the container limit in the runtime's own units (Redis `mb`, JVM `m`/`g`, Node MiB, `-XX:MaxRAMPercentage=75.0`), inside the `command`, `entrypoint` or `environment` string that holds it, when the setting is written there in one piece in the service's own definition.",
		Fixable:     true,
		Tags:        []string{"reliability", "compose", "memory"}, Precision: "high",
	},
	{
		ID: "DG205", Name: "compose-unsafe-memory-settings", Severity: SeverityError, Frontend: "compose",
		Summary:     "Memory settings that defeat the limit.",
		Rationale:   "`oom_kill_disable: true` without a memory limit lets one container take the host down; `memswap_limit` below the memory limit is invalid (other than -1, unlimited swap), and a positive `memswap_limit` without a memory limit makes the daemon refuse to create the container.",
		Bad:         "oom_kill_disable: true",
		Good:        "mem_limit: 512m\nmemswap_limit: 512m",
		Alternative: "Always pair oom_kill_disable and memswap_limit with a memory limit, and keep memswap_limit ≥ mem_limit or -1.",
		Tags:        []string{"reliability", "compose", "memory"}, Precision: "very-high",
	},
	{
		ID: "DG301", Name: "sdk-container-without-memory-limit", Severity: SeverityWarning, Frontend: "go, python",
		Summary:     "ContainerCreate without a memory limit.",
		Rationale:   "Containers created through the SDK with no HostConfig.Resources.Memory are unlimited; test suites that create many of them exhaust the Docker VM.",
		Bad:         "cli.ContainerCreate(ctx, cfg, nil, nil, nil, name)",
		Good:        "cli.ContainerCreate(ctx, cfg, &container.HostConfig{Resources: container.Resources{Memory: 256 << 20}}, nil, nil, name)",
		Alternative: "Set HostConfig.Resources.Memory on every container you create.",
		NotReported: "ContainerCreate for a container that is never started (created only to copy files out of an image).",
		Tags:        []string{"reliability", "go", "memory"}, Precision: "high",
	},
	{
		ID: "DG302", Name: "docker-command-without-timeout", Severity: SeverityInfo, Frontend: "go, python",
		Summary:     "exec.Command runs docker without a deadline.",
		Rationale:   "A hung daemon hangs every docker command; without a context the caller waits forever and retries pile up.",
		Bad:         `exec.Command("docker", "stop", id)`,
		Good:        `exec.CommandContext(ctx, "docker", "stop", id)`,
		Alternative: "Use exec.CommandContext with a context that has a deadline.",
		Fix:         "`exec.Command(name, args...)` becomes `exec.CommandContext(ctx, name, args...)` when one `context.Context` is in scope at the call: a parameter of an enclosing function or a local assigned before it, not shadowed (of several in the same scope, the one named `ctx`). Without one (or with only a package-level context, a pointer to one, or a `var ctx context.Context` never assigned) there is no fix: thread a context with a deadline to the call.",
		Fixable:     true,
		Tags:        []string{"reliability", "go"}, Precision: "high",
	},
	{
		ID: "DG401", Name: "live-container-no-memory-limit", Severity: SeverityError, Frontend: "live",
		Summary:     "A running container has no memory limit.",
		Rationale:   "HostConfig.Memory == 0 means unlimited: the container can take all of the daemon's memory.",
		Bad:         "docker run -d redis:7",
		Good:        "docker run -d --memory 256m redis:7",
		Alternative: "Re-create the container with --memory (or a compose limit).",
		Tags:        []string{"reliability", "live", "memory"}, Precision: "very-high",
	},
	{
		ID: "DG402", Name: "live-memory-limit-drift", Severity: SeverityWarning, Frontend: "live",
		Summary:     "A compose container's limit differs from what its compose file declares now.",
		Rationale:   "The container was created before the limit changed; the file says one thing and the daemon enforces another until the service is re-created.",
		Bad:         "compose file says 512m, running container has no limit",
		Good:        "docker compose up -d --force-recreate SERVICE",
		Alternative: "Re-create the service so the declared limit applies.",
		Tags:        []string{"reliability", "live", "compose"}, Precision: "high",
	},
	{
		ID: "DG403", Name: "live-oom-or-restart-loop", Severity: SeverityError, Frontend: "live",
		Summary:     "A container was OOM-killed or is restarting in a loop.",
		Rationale:   "State.OOMKilled or a RestartCount of 3 or more means the limit is too low for the workload or the workload leaks; each restart costs the daemon work.",
		Bad:         "RestartCount: 12, OOMKilled: true",
		Good:        "a limit sized from observed peak usage plus headroom",
		Alternative: "Raise the limit or fix the leak; cap the runtime (heap, maxmemory) below the limit.",
		Tags:        []string{"reliability", "live", "memory"}, Precision: "very-high",
	},
	{
		ID: "DG404", Name: "live-stale-exited-containers", Severity: SeverityInfo, Frontend: "live",
		Summary:     "Containers exited long ago and were never removed.",
		Rationale:   "Exited containers keep their writable layers and logs on disk and slow every listing the daemon does.",
		Bad:         "dozens of containers in state exited for days",
		Good:        "docker container prune --filter until=24h",
		Alternative: "Run containers with --rm, or prune exited containers regularly.",
		Tags:        []string{"hygiene", "live"}, Precision: "very-high",
	},
	{
		ID: "DG405", Name: "live-dangling-volumes", Severity: SeverityInfo, Frontend: "live",
		Summary:     "Volumes that no container uses.",
		Rationale:   "Dangling volumes hold disk space in the Docker VM; a full VM disk is another way Docker Desktop stops.",
		Bad:         "docker volume ls -f dangling=true lists old volumes",
		Good:        "docker volume rm VOLUME (after checking it holds nothing you need)",
		Alternative: "Remove volumes you own by name; avoid blanket `docker volume prune` on shared machines.",
		Tags:        []string{"hygiene", "live"}, Precision: "very-high",
	},
	{
		ID: "DG406", Name: "live-reclaimable-build-cache", Severity: SeverityInfo, Frontend: "live",
		Summary:     "Build cache above the reclaim threshold.",
		Rationale:   "Build cache grows without bound and fills the Docker VM's disk.",
		Bad:         "11.85 GB of reclaimable build cache",
		Good:        "docker builder prune --keep-storage 5GB",
		Alternative: "Prune build cache regularly, keeping a bounded amount.",
		Tags:        []string{"hygiene", "live"}, Precision: "very-high",
	},
	{
		ID: "DG407", Name: "live-memory-overcommit", Severity: SeverityError, Frontend: "live",
		Summary:     "Running containers may use more memory than the daemon has.",
		Rationale:   "When the sum of limits (and the actual usage of unlimited containers) exceeds MemTotal or the budget, the kernel must OOM-kill something once they all get busy.",
		Bad:         "limits summing to 12 GiB on an 8 GiB Docker VM",
		Good:        "limits summing to less than the VM's memory",
		Alternative: "Lower limits, stop services you don't need, or give the VM more memory.",
		Tags:        []string{"reliability", "live", "memory"}, Precision: "high",
	},
	{
		ID: "DG408", Name: "live-daemon-unhealthy", Severity: SeverityError, Frontend: "live",
		Summary:     "The daemon is unreachable, slow, or failing API calls, or the live pass did not finish within its deadline.",
		Rationale:   "A daemon that fails pings or API calls is already in the state dockguard exists to prevent; checks that depend on it are incomplete. A verify or report pass that reaches its deadline (--deadline, live.deadline; 2 minutes by default) stops and reports what it gathered: \"incomplete: deadline reached after N of M containers\". `dockguard cleanup --apply` reports DG408 too when it stops before the end of its plan because the circuit breaker opened or the run's deadline (--timeout) passed: \"cleanup incomplete\", with how many objects were done, failed and not attempted (the JSON result lists each). A Ctrl-C is not DG408: the user stopped the run, which reports the same lists and exits 130.",
		Bad:         "ping takes seconds; requests time out; incomplete: deadline reached after 40 of 5000 containers",
		Good:        "ping in milliseconds, no API errors",
		Alternative: "Restart Docker, then find the cause with the static checks (force removals, parallel calls, missing limits).",
		Tags:        []string{"reliability", "live"}, Precision: "high",
	},
}

var byID = func() map[string]*Rule {
	m := make(map[string]*Rule, len(Catalogue))
	for _, r := range Catalogue {
		m[r.ID] = r
		m[r.Name] = r
	}
	return m
}()

// Lookup finds a rule by ID ("DG101", case-insensitive) or by name
// ("force-remove-container").
func Lookup(idOrName string) (*Rule, bool) {
	r, ok := byID[idOrName]
	if !ok {
		r, ok = byID[strings.ToUpper(idOrName)]
	}
	return r, ok
}

// MustLookup is Lookup for rule IDs that are compiled into dockguard.
// It panics on an unknown ID, which is a programming error, never an input error.
func MustLookup(id string) *Rule {
	r, ok := Lookup(id)
	if !ok {
		panic(fmt.Sprintf("rules: unknown rule %q", id))
	}
	return r
}

// Suggest returns the known rule IDs or names closest to s, for
// "did you mean" messages.
func Suggest(s string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	for k := range byID {
		d := editDistance(strings.ToLower(s), strings.ToLower(k))
		if d <= 2 {
			cs = append(cs, cand{k, d})
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		if cs[i].d != cs[j].d {
			return cs[i].d < cs[j].d
		}
		return cs[i].name < cs[j].name
	})
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.name)
	}
	return out
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Explain renders the rule's full documentation as Markdown. The same text is
// written to docs/rules/ID.md and printed by `dockguard explain`.
func (r *Rule) Explain() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n", r.ID, r.Name)
	fmt.Fprintf(&b, "Default severity: **%s**. Checked by: %s.\n\n", r.Severity, r.Frontend)
	fmt.Fprintf(&b, "%s\n\n", r.Summary)
	fmt.Fprintf(&b, "## Why\n\n%s\n\n", r.Rationale)
	fmt.Fprintf(&b, "## Bad\n\n```\n%s\n```\n\n", r.Bad)
	fmt.Fprintf(&b, "## Good\n\n```\n%s\n```\n\n", r.Good)
	fmt.Fprintf(&b, "## Instead\n\n%s\n", r.Alternative)
	if r.NotReported != "" {
		fmt.Fprintf(&b, "\n## Not reported\n\n%s\n", r.NotReported)
	}
	if r.Fix != "" {
		fmt.Fprintf(&b, "\n## Fix\n\n%s\n", r.Fix)
	}
	b.WriteString(r.riskSection())
	return b.String()
}
