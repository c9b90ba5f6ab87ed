package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/shquote"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// guardFlags are the flags of `dockguard guard`.
type guardFlags struct {
	listen, host, context, config string
	insecure, printEnv            bool
	logFormat                     string
	logRequests                   bool
	status                        string
	drain                         time.Duration
	g                             config.Guard
	deny                          repeatFlag
}

func runGuard(env *Env, args []string) int {
	fs := newFlagSet("guard", env.Stderr)
	var c guardFlags
	d := config.DefaultGuard
	fs.StringVar(&c.listen, "listen", "", "address to listen on: unix:///path/to.sock or tcp://127.0.0.1:PORT (default: guard.listen, else a socket in $XDG_RUNTIME_DIR or the temporary folder)")
	fs.BoolVar(&c.insecure, "listen-insecure", false, "allow a TCP address that is not loopback (anyone reaching it controls the daemon)")
	fs.StringVar(&c.host, "upstream", "", "daemon to forward to (like docker -H; default: as the docker CLI resolves it)")
	fs.StringVar(&c.host, "H", "", "same as --upstream")
	fs.StringVar(&c.context, "context", "", "docker context of the daemon to forward to")
	fs.StringVar(&c.config, "config", "", "docker config folder (default $DOCKER_CONFIG or ~/.docker)")
	fs.BoolVar(&c.printEnv, "print-env", false, "print the export DOCKER_HOST=… line for eval, and exit")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format on stderr: text or json (json: one line per request)")
	fs.BoolVar(&c.logRequests, "log-requests", false, "log every request, not only rewrites and refusals")
	fs.StringVar(&c.status, "status", "auto", "live status line on stderr: auto (on a terminal), always or never")
	fs.DurationVar(&c.drain, "drain-timeout", time.Minute, "on SIGINT, longest wait for the requests in flight")
	fs.IntVar(&c.g.InFlight, "in-flight", d.InFlight, "most write requests at the daemon at once")
	fs.IntVar(&c.g.ReadInFlight, "read-in-flight", d.ReadInFlight, "most read requests at the daemon at once")
	fs.IntVar(&c.g.Queue, "queue", d.Queue, "most requests waiting; past it they get 429")
	fs.DurationVar(&c.g.QueueTimeout, "queue-timeout", d.QueueTimeout, "longest wait of one request; past it 429")
	fs.DurationVar(&c.g.Interval, "interval", d.Interval, "least time between the starts of two writes")
	fs.DurationVar(&c.g.StopTimeout, "stop-timeout", d.StopTimeout, "grace of the stop that replaces a forced removal (whole seconds)")
	fs.BoolVar(&c.g.GracefulKill, "graceful-kill", false, "turn SIGKILLs (docker kill) into stops with --stop-timeout")
	fs.IntVar(&c.g.BurstRemovals, "burst-removals", d.BurstRemovals, "container removals that may start within 2 s; more wait")
	fs.IntVar(&c.g.BreakerThreshold, "breaker", d.BreakerThreshold, "consecutive transport failures that open the circuit breaker")
	fs.DurationVar(&c.g.BreakerCooldown, "breaker-cooldown", d.BreakerCooldown, "time the breaker stays open before one probe")
	fs.Var(&c.deny, "deny", "refuse METHOD /path/pattern with 403, such as \"POST /containers/*/exec\" (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard guard [--listen ADDR] [--upstream HOST | --context NAME] [--print-env]")
		fmt.Fprintln(env.Stderr, "Forwards the Docker API to the daemon, holding every client to a few spaced writes, graceful removals and a circuit breaker.")
		fmt.Fprintln(env.Stderr, "Point clients at it with DOCKER_HOST; settings come from guard: in .dockguard.yaml, flags override them.")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.Stderr, "dockguard guard: unexpected argument %q\n", rest[0])
		return ExitUsage
	}
	if err := c.applyConfig(fs); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitUsage
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		fmt.Fprintf(env.Stderr, "dockguard guard: unknown --log-format %q (want text or json)\n", c.logFormat)
		return ExitUsage
	}
	if c.g.StopTimeout%time.Second != 0 || c.g.StopTimeout < 0 {
		fmt.Fprintf(env.Stderr, "dockguard guard: --stop-timeout must be whole seconds, got %s\n", c.g.StopTimeout)
		return ExitUsage
	}
	if c.listen == "" {
		c.listen = guardproxy.DefaultListen(env.Getenv)
	}
	if c.printEnv {
		return c.printEnvLine(env)
	}
	ep, err := endpoint.Resolve(endpoint.Options{Host: c.host, Context: c.context, ConfigDir: c.config, Getenv: env.Getenv})
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitUsage
	}
	if ep.Host == c.listen {
		fmt.Fprintf(env.Stderr, "dockguard guard: the upstream (%s, from %s) is the guard's own address; unset DOCKER_HOST or pass --upstream\n", ep.Host, ep.Source)
		return ExitUsage
	}
	tr, scheme, host, err := guardproxy.Upstream(ep)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitUsage
	}
	cfg := guardproxy.FromConfig(c.g)
	var handler slog.Handler = slog.NewTextHandler(env.Stderr, nil)
	if c.logFormat == "json" {
		handler = slog.NewJSONHandler(env.Stderr, nil)
	}
	srv, err := guardproxy.New(guardproxy.Options{Config: cfg, Transport: tr, Scheme: scheme, Host: host,
		Logger: slog.New(handler), LogAll: c.logRequests || c.logFormat == "json"})
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitUsage
	}
	ln, dockerHost, err := guardproxy.Listen(c.listen, c.insecure)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(env.Stderr, "dockguard guard: forwarding to %s (%s): %d writes in flight, %s apart, %d reads; metrics at %s\n",
		ep.Host, ep.Source, cfg.InFlight, cfg.Interval, cfg.ReadInFlight, guardproxy.MetricsPath)
	fmt.Fprintf(env.Stdout, "DOCKER_HOST=%s\n", dockerHost)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var wg sync.WaitGroup
	if c.status == "always" || (c.status == "auto" && isTerminal(env.Stderr)) {
		wg.Add(1)
		go func() { defer wg.Done(); statusLine(ctx, env.Stderr, srv) }()
	}
	err = srv.Serve(ctx, ln, c.drain)
	stop()
	wg.Wait()
	printTotals(env.Stdout, srv.Totals())
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: %v\n", err)
		return ExitErrors
	}
	return ExitOK
}

// applyConfig copies the guard section of the .dockguard.yaml found from
// the working directory into the flags the user did not give.
func (c *guardFlags) applyConfig(fs *flag.FlagSet) error {
	cfg, err := loadProjectConfig(nil, "", false)
	if err != nil {
		return err
	}
	set := setFlags(fs)
	g := cfg.EffectiveGuard()
	for name, f := range map[string]struct{ dst, src *int }{"in-flight": {&c.g.InFlight, &g.InFlight},
		"read-in-flight": {&c.g.ReadInFlight, &g.ReadInFlight}, "queue": {&c.g.Queue, &g.Queue},
		"burst-removals": {&c.g.BurstRemovals, &g.BurstRemovals}, "breaker": {&c.g.BreakerThreshold, &g.BreakerThreshold}} {
		if !set[name] {
			*f.dst = *f.src
		}
	}
	for name, f := range map[string]struct{ dst, src *time.Duration }{"queue-timeout": {&c.g.QueueTimeout, &g.QueueTimeout},
		"interval": {&c.g.Interval, &g.Interval}, "stop-timeout": {&c.g.StopTimeout, &g.StopTimeout},
		"breaker-cooldown": {&c.g.BreakerCooldown, &g.BreakerCooldown}} {
		if !set[name] {
			*f.dst = *f.src
		}
	}
	if !set["graceful-kill"] {
		c.g.GracefulKill = g.GracefulKill
	}
	if !set["listen"] {
		c.listen = g.Listen
	}
	c.g.Deny = append(append([]string(nil), g.Deny...), c.deny...)
	for name, v := range map[string]int{"in-flight": c.g.InFlight, "read-in-flight": c.g.ReadInFlight, "queue": c.g.Queue,
		"burst-removals": c.g.BurstRemovals, "breaker": c.g.BreakerThreshold} {
		if v < 1 {
			return fmt.Errorf("--%s must be at least 1", name)
		}
	}
	for _, d := range c.deny {
		if err := config.CheckDenyRule(d); err != nil {
			return fmt.Errorf("--deny: %w", err)
		}
	}
	return nil
}

// printEnvLine prints the line for eval, and warns when no guard answers
// at the address yet.
func (c *guardFlags) printEnvLine(env *Env) int {
	fmt.Fprintf(env.Stdout, "export DOCKER_HOST=%s\n", shquote.Word(c.listen))
	scheme, addr, _ := strings.Cut(c.listen, "://")
	if conn, err := net.DialTimeout(scheme, addr, time.Second); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard guard: nothing answers on %s yet; start `dockguard guard` (or its service) before the clients\n", c.listen)
	} else {
		conn.Close()
	}
	return ExitOK
}

func statusLine(ctx context.Context, w io.Writer, srv *guardproxy.Server) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			fmt.Fprint(w, "\r\033[K")
			return
		case <-tick.C:
			fmt.Fprintf(w, "\r\033[K%s", srv.Status())
		}
	}
}

func printTotals(w io.Writer, t guardproxy.Totals) {
	fmt.Fprintln(w, "dockguard guard totals:")
	line := func(title string, m map[string]int64) {
		fmt.Fprintf(w, "  %-9s %s\n", title+":", guardproxy.FormatCounts(m))
	}
	line("requests", t.Requests)
	line("rewrites", t.Rewrites)
	line("refused", t.Refused)
	fmt.Fprintf(w, "  retries:  %d\n  peak in flight: %d writes, %d reads\n  breaker opened: %d times\n", t.Retries, t.PeakWriteInFlight, t.PeakReadInFlight, t.BreakerOpens)
}
