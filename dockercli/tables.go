package dockercli

import "strings"

// flagSpec describes one flag of a command: its canonical long name, its
// one-letter spellings, other long spellings, and whether it takes a value.
type flagSpec struct {
	long    string
	shorts  string // each byte is a one-letter spelling
	aliases []string
	value   bool
}

type flagTable []flagSpec

func (t flagTable) long(name string) (flagSpec, bool) {
	for _, f := range t {
		if f.long == name {
			return f, true
		}
		for _, a := range f.aliases {
			if a == name {
				return f, true
			}
		}
	}
	return flagSpec{}, false
}

func (t flagTable) short(c byte) (flagSpec, bool) {
	for _, f := range t {
		if strings.IndexByte(f.shorts, c) >= 0 {
			return f, true
		}
	}
	return flagSpec{}, false
}

// Shorthands for building tables.
func b(long, shorts string, aliases ...string) flagSpec {
	return flagSpec{long: long, shorts: shorts, aliases: aliases}
}
func v(long, shorts string, aliases ...string) flagSpec {
	return flagSpec{long: long, shorts: shorts, aliases: aliases, value: true}
}

func join(ts ...flagTable) flagTable {
	var out flagTable
	for _, t := range ts {
		out = append(out, t...)
	}
	return out
}

var helpFlag = flagTable{b("help", "h")}

// Global flags, before the subcommand, per binary.
var (
	dockerGlobals = join(helpFlag, flagTable{
		v("host", "H"), v("context", "c"), v("config", ""), v("log-level", "l"),
		v("tlscacert", ""), v("tlscert", ""), v("tlskey", ""),
		b("debug", "D"), b("tls", ""), b("tlsverify", ""), b("version", "v"),
	})
	podmanGlobals = join(helpFlag, flagTable{
		v("root", ""), v("runroot", ""), v("url", "H", "host"), v("connection", "c"),
		v("identity", ""), v("log-level", ""), v("module", ""), v("cgroup-manager", ""),
		v("conmon", ""), v("events-backend", ""), v("hooks-dir", ""), v("imagestore", ""),
		v("network-cmd-path", ""), v("network-config-dir", ""), v("out", ""),
		v("runtime", ""), v("runtime-flag", ""), v("ssh", ""), v("storage-driver", ""),
		v("storage-opt", ""), v("tmpdir", ""), v("volumepath", ""), v("cdi-spec-dir", ""),
		v("db-backend", ""), v("registries-conf", ""), v("config", ""),
		b("remote", "r"), b("debug", "D"), b("syslog", ""), b("transient-store", ""),
		b("noout", ""), b("version", "v"),
	})
	nerdctlGlobals = join(helpFlag, flagTable{
		v("namespace", "n"), v("address", "aH", "host"), v("snapshotter", "", "storage-driver"),
		v("cni-path", ""), v("cni-netconfpath", ""), v("data-root", ""),
		v("cgroup-manager", ""), v("host-gateway-ip", ""), v("hosts-dir", ""),
		v("bridge-ip", ""), v("global-dns", ""), v("global-dns-opts", ""),
		v("global-dns-search", ""),
		b("debug", ""), b("debug-full", ""), b("insecure-registry", ""),
		b("experimental", ""), b("kube-hide-dupe", ""), b("version", "v"),
	})
	// composeGlobals are the flags of `docker compose` and docker-compose
	// before the compose subcommand: -f there is a file, not force.
	composeGlobals = join(helpFlag, flagTable{
		v("file", "f"), v("project-name", "p"), v("profile", ""), v("env-file", ""),
		v("project-directory", ""), v("parallel", ""), v("ansi", ""), v("progress", ""),
		v("host", "H"), v("context", "c"), v("log-level", ""), v("tlscacert", ""),
		v("tlscert", ""), v("tlskey", ""),
		b("dry-run", ""), b("compatibility", ""), b("all-resources", ""),
		b("verbose", ""), b("no-ansi", ""), b("tls", ""), b("tlsverify", ""),
		b("skip-hostname-check", ""), b("version", "v"),
	})
)

// Subcommand flag tables. They are the union over docker, podman and nerdctl
// where the three agree on whether a flag takes a value, which is what
// matters for finding the positional arguments.
var (
	rmFlags = join(helpFlag, flagTable{
		b("force", "f"), b("link", ""), b("volumes", "v"), b("all", "a"),
		b("ignore", "i"), b("depend", ""), b("latest", "l"),
		v("cidfile", ""), v("time", "t"), v("filter", ""),
	})
	killFlags = join(helpFlag, flagTable{
		v("signal", "s"), b("all", "a"), b("latest", "l"), v("cidfile", ""),
	})
	stopFlags = join(helpFlag, flagTable{
		v("signal", "s"), v("time", "t", "timeout"), b("all", "a"), b("ignore", "i"),
		b("latest", "l"), v("cidfile", ""), v("filter", ""), b("running", ""),
	})
	psFlags = join(helpFlag, flagTable{
		b("all", "a"), v("filter", "f"), v("format", ""), v("last", "n"),
		b("latest", "l"), b("no-trunc", ""), b("quiet", "q"), b("size", "s"),
		b("external", ""), b("ns", ""), b("pod", "p"), v("sort", ""), b("sync", ""),
		v("watch", "w"),
	})
	rmiFlags = join(helpFlag, flagTable{
		b("force", "f"), b("no-prune", ""), b("all", "a"), b("ignore", "i"),
		v("platform", ""),
	})
	imagesFlags = join(helpFlag, flagTable{
		b("all", "a"), b("digests", ""), v("filter", "f"), v("format", ""),
		b("no-trunc", ""), b("quiet", "q"), b("tree", ""),
	})
	volumeRmFlags = join(helpFlag, flagTable{
		b("force", "f"), b("all", "a"), v("time", "t"),
	})
	volumePruneFlags = join(helpFlag, flagTable{
		b("all", "a"), v("filter", ""), b("force", "f"),
	})
	volumeLsFlags = join(helpFlag, flagTable{
		v("filter", "f"), v("format", ""), b("quiet", "q"), b("cluster", ""),
	})
	systemPruneFlags = join(helpFlag, flagTable{
		b("all", "a"), v("filter", ""), b("force", "f"), b("volumes", ""),
		b("external", ""), b("build", ""),
	})
	pruneFlags = join(helpFlag, flagTable{
		b("all", "a"), v("filter", ""), b("force", "f"), v("keep-storage", ""),
		v("max-used-space", ""), v("reserved-space", ""), v("min-free-space", ""),
		v("builder", ""), b("verbose", ""),
	})
	forceOnly     = join(helpFlag, flagTable{b("force", "f")})
	buildxRmFlags = join(helpFlag, flagTable{
		b("force", "f"), b("all-inactive", ""), b("keep-state", ""),
		b("keep-daemon", ""), v("builder", ""),
	})
	logsFlags = join(helpFlag, flagTable{
		b("follow", "f"), v("since", ""), v("until", ""), v("tail", "n"),
		b("timestamps", "t"), b("details", ""), b("latest", "l"), b("names", ""),
		v("color", ""),
	})
	podRmFlags = join(helpFlag, flagTable{
		b("force", "f"), b("all", "a"), b("ignore", "i"), b("latest", "l"),
		v("time", "t"), v("pod-id-file", ""),
	})
	podKillFlags = join(helpFlag, flagTable{
		v("signal", "s"), b("all", "a"), b("latest", "l"),
	})
	podStopFlags = join(helpFlag, flagTable{
		v("time", "t"), b("all", "a"), b("ignore", "i"), b("latest", "l"),
		v("pod-id-file", ""),
	})
	// run, create and exec stop parsing flags at the first positional
	// argument (the image or container); the rest belongs to the program.
	runFlags = join(helpFlag, flagTable{
		v("name", ""), v("env", "e"), v("env-file", ""), v("volume", "v"),
		v("publish", "p"), v("network", ""), v("user", "u"), v("workdir", "w"),
		v("entrypoint", ""), v("label", "l"), v("memory", "m"), v("cpus", ""),
		v("mount", ""), v("platform", ""), v("hostname", ""), v("add-host", ""),
		v("restart", ""), v("log-driver", ""), v("log-opt", ""), v("cap-add", ""),
		v("cap-drop", ""), v("device", ""), v("dns", ""), v("expose", ""),
		v("gpus", ""), v("ipc", ""), v("pid", ""), v("security-opt", ""),
		v("shm-size", ""), v("stop-signal", ""), v("stop-timeout", ""),
		v("tmpfs", ""), v("ulimit", ""), v("pull", ""), v("cidfile", ""),
		v("memory-swap", ""), v("memory-reservation", ""), v("pids-limit", ""),
		v("detach-keys", ""), v("health-cmd", ""), v("health-interval", ""),
		v("network-alias", ""), v("attach", "a"), v("cpu-shares", "c"),
		b("detach", "d"), b("interactive", "i"), b("tty", "t"), b("rm", ""),
		b("privileged", ""), b("init", ""), b("read-only", ""), b("quiet", "q"),
		b("publish-all", "P"),
	})
	execFlags = join(helpFlag, flagTable{
		v("env", "e"), v("env-file", ""), v("user", "u"), v("workdir", "w"),
		v("detach-keys", ""), b("detach", "d"), b("interactive", "i"),
		b("tty", "t"), b("privileged", ""),
	})
)

// Compose subcommand tables.
var (
	composeDownFlags = join(helpFlag, flagTable{
		b("remove-orphans", ""), v("rmi", ""), v("timeout", "t"), b("volumes", "v"),
	})
	composeKillFlags = join(helpFlag, flagTable{
		v("signal", "s"), b("remove-orphans", ""),
	})
	composeStopFlags = join(helpFlag, flagTable{
		v("timeout", "t"), b("no-deps", ""),
	})
	composeRmFlags = join(helpFlag, flagTable{
		b("force", "f"), b("stop", "s"), b("volumes", "v"), b("all", "a"),
	})
	composePsFlags = join(helpFlag, flagTable{
		b("all", "a"), b("quiet", "q"), b("services", ""), v("filter", ""),
		v("format", ""), v("status", ""), b("no-trunc", ""), b("orphans", ""),
	})
	composeUpFlags = join(helpFlag, flagTable{
		b("detach", "d"), b("build", ""), b("no-build", ""), b("force-recreate", ""),
		b("no-recreate", ""), b("no-deps", ""), b("remove-orphans", ""),
		b("abort-on-container-exit", ""), b("wait", ""), v("wait-timeout", ""),
		v("timeout", "t"), v("scale", ""), v("exit-code-from", ""), v("pull", ""),
		v("attach", ""), v("no-attach", ""), b("quiet-pull", ""), b("watch", "w"),
		b("renew-anon-volumes", "V"), b("always-recreate-deps", ""), b("no-start", ""),
		b("no-color", ""), b("no-log-prefix", ""), b("timestamps", ""), b("yes", "y"),
		b("menu", ""), v("abort-on-container-failure", ""),
	})
	composeLogsFlags = join(helpFlag, flagTable{
		b("follow", "f"), v("since", ""), v("until", ""), v("tail", "n"),
		b("timestamps", "t"), b("no-color", ""), b("no-log-prefix", ""), v("index", ""),
	})
	composeRunFlags = join(helpFlag, flagTable{
		v("env", "e"), v("env-file", ""), v("volume", "v"), v("publish", "p"),
		v("user", "u"), v("workdir", "w"), v("entrypoint", ""), v("label", "l"),
		v("name", ""), v("cap-add", ""), v("cap-drop", ""), v("pull", ""),
		b("detach", "d"), b("rm", ""), b("no-deps", ""), b("service-ports", ""),
		b("interactive", "i"), b("no-TTY", "T"), b("build", ""), b("quiet-pull", ""),
		b("remove-orphans", ""), b("use-aliases", ""),
	})
	composeExecFlags = join(helpFlag, flagTable{
		v("env", "e"), v("user", "u"), v("workdir", "w"), v("index", ""),
		b("detach", "d"), b("no-TTY", "T"), b("privileged", ""), b("interactive", "i"),
		b("tty", "t"),
	})
)

// node is one command in the command tree. A node with children is a group
// (container, image, compose...).
type node struct {
	path      []string // canonical path, e.g. {"container", "rm"}
	flags     flagTable
	children  map[string]*node
	noInter   bool // flags end at the first positional argument
	groupOnly bool // a group: the next word names a child
}

func leaf(path string, flags flagTable) *node {
	return &node{path: strings.Fields(path), flags: flags}
}

func group(path string, flags flagTable, kids map[string]*node) *node {
	return &node{path: strings.Fields(path), flags: flags, children: kids, groupOnly: true}
}

func noInter(n *node) *node { n.noInter = true; return n }

// root is the command tree shared by docker, podman and nerdctl; only the
// global flags differ between them.
var root, composeRoot = buildTree()

func buildTree() (*node, *node) {
	cRm := leaf("container rm", rmFlags)
	cKill := leaf("container kill", killFlags)
	cStop := leaf("container stop", stopFlags)
	cRestart := leaf("container restart", stopFlags)
	cLs := leaf("container ls", psFlags)
	cPrune := leaf("container prune", pruneFlags)
	cRun := noInter(leaf("container run", runFlags))
	cCreate := noInter(leaf("container create", runFlags))
	cExec := noInter(leaf("container exec", execFlags))
	cLogs := leaf("container logs", logsFlags)
	container := group("container", helpFlag, map[string]*node{
		"rm": cRm, "remove": cRm, "kill": cKill, "stop": cStop, "restart": cRestart,
		"ls": cLs, "list": cLs, "ps": cLs, "prune": cPrune, "run": cRun,
		"create": cCreate, "exec": cExec, "logs": cLogs,
	})
	iRm := leaf("image rm", rmiFlags)
	iLs := leaf("image ls", imagesFlags)
	iPrune := leaf("image prune", pruneFlags)
	iBuild := leaf("image build", nil)
	image := group("image", helpFlag, map[string]*node{
		"rm": iRm, "remove": iRm, "ls": iLs, "list": iLs, "prune": iPrune, "build": iBuild,
	})
	vRm := leaf("volume rm", volumeRmFlags)
	vLs := leaf("volume ls", volumeLsFlags)
	vPrune := leaf("volume prune", volumePruneFlags)
	volume := group("volume", helpFlag, map[string]*node{
		"rm": vRm, "remove": vRm, "ls": vLs, "list": vLs, "prune": vPrune,
	})
	nRm := leaf("network rm", forceOnly)
	network := group("network", helpFlag, map[string]*node{
		"rm": nRm, "remove": nRm, "prune": leaf("network prune", pruneFlags),
	})
	system := group("system", helpFlag, map[string]*node{
		"prune": leaf("system prune", systemPruneFlags),
	})
	bPrune := leaf("builder prune", pruneFlags)
	builder := group("builder", helpFlag, map[string]*node{
		"prune": bPrune, "build": iBuild,
	})
	bxRm := leaf("buildx rm", buildxRmFlags)
	buildx := group("buildx", join(helpFlag, flagTable{v("builder", "")}), map[string]*node{
		"rm": bxRm, "remove": bxRm, "prune": leaf("buildx prune", pruneFlags),
		"build": leaf("buildx build", nil),
	})
	ctxRm := leaf("context rm", forceOnly)
	context := group("context", helpFlag, map[string]*node{
		"rm": ctxRm, "remove": ctxRm,
	})
	pRm := leaf("pod rm", podRmFlags)
	pod := group("pod", helpFlag, map[string]*node{
		"rm": pRm, "remove": pRm, "kill": leaf("pod kill", podKillFlags),
		"stop": leaf("pod stop", podStopFlags), "restart": leaf("pod restart", podStopFlags),
	})

	cDown := leaf("compose down", composeDownFlags)
	cps := leaf("compose ps", composePsFlags)
	compose := group("compose", composeGlobals, map[string]*node{
		"down": cDown, "kill": leaf("compose kill", composeKillFlags),
		"stop":    leaf("compose stop", composeStopFlags),
		"restart": leaf("compose restart", composeStopFlags),
		"rm":      leaf("compose rm", composeRmFlags), "ps": cps,
		"up":   leaf("compose up", composeUpFlags),
		"logs": leaf("compose logs", composeLogsFlags),
		"run":  noInter(leaf("compose run", composeRunFlags)),
		"exec": noInter(leaf("compose exec", composeExecFlags)),
	})

	r := group("", nil, map[string]*node{
		"container": container, "image": image, "volume": volume, "network": network,
		"system": system, "builder": builder, "buildx": buildx, "context": context,
		"pod": pod, "compose": compose,
		"rm": cRm, "kill": cKill, "stop": cStop, "restart": cRestart, "ps": cLs,
		"run": cRun, "create": cCreate, "exec": cExec, "logs": cLogs,
		"rmi": iRm, "images": iLs, "build": iBuild,
	})
	return r, compose
}

func globalsFor(binary string) flagTable {
	switch {
	case strings.Contains(binary, "podman"):
		return podmanGlobals
	case strings.Contains(binary, "nerdctl"):
		return nerdctlGlobals
	}
	return dockerGlobals
}

// Flavor names the command-line dialect of a binary: "podman", "nerdctl"
// or "docker" (anything else configured is treated like docker).
func Flavor(binary string) string {
	switch {
	case strings.Contains(binary, "podman"):
		return "podman"
	case strings.Contains(binary, "nerdctl"):
		return "nerdctl"
	}
	return "docker"
}
