package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/docker/go-units"

	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// cleanupInterval is the least time between the starts of two writes, the
// incident's 0.5 s.
const cleanupInterval = 500 * time.Millisecond

// cleanupFlags are the flags of `dockguard cleanup`.
type cleanupFlags struct {
	host, context, config          string
	scopes                         cleanup.Scopes
	all                            bool
	labels                         repeatFlag
	project                        string
	staleAfter, olderThan          time.Duration
	stopTimeout                    time.Duration
	keepStorage                    string
	apply, yes                     bool
	inFlight, tries, breaker       int
	interval, reqTimeout, deadline time.Duration
	format, progress               string
}

func runCleanup(env *Env, args []string) int {
	fs := newFlagSet("cleanup", env.Stderr)
	var c cleanupFlags
	fs.StringVar(&c.host, "H", "", "daemon socket to connect to (like docker -H)")
	fs.StringVar(&c.host, "host", "", "daemon socket to connect to (like docker --host)")
	fs.StringVar(&c.context, "context", "", "docker context to use (like docker --context)")
	fs.StringVar(&c.config, "config", "", "docker config folder (default $DOCKER_CONFIG or ~/.docker)")
	fs.BoolVar(&c.scopes.Containers, "containers", false, "remove exited and created containers older than --stale-after")
	fs.BoolVar(&c.scopes.Running, "running", false, "also stop and remove running containers (needs --label or --project)")
	fs.BoolVar(&c.scopes.BuildCache, "build-cache", false, "prune build cache older than --stale-after, keeping --keep-storage")
	fs.BoolVar(&c.scopes.Volumes, "volumes", false, "remove dangling anonymous volumes")
	fs.BoolVar(&c.scopes.AllVolumes, "all-volumes", false, "with --volumes, also dangling named volumes")
	fs.BoolVar(&c.scopes.Images, "images", false, "prune dangling images")
	fs.BoolVar(&c.scopes.AllImages, "all-images", false, "with --images, every unused image")
	fs.BoolVar(&c.all, "all", false, "containers, build cache, dangling anonymous volumes and dangling images")
	fs.Var(&c.labels, "label", "only objects with this label, key or key=value (repeatable)")
	fs.StringVar(&c.project, "project", "", "only objects of this compose project (com.docker.compose.project)")
	fs.DurationVar(&c.staleAfter, "stale-after", 72*time.Hour, "least age of what is removed (default: live.stale-after of .dockguard.yaml, else 3d)")
	fs.DurationVar(&c.olderThan, "older-than", -1, "overrides --stale-after (0s: any age)")
	fs.DurationVar(&c.stopTimeout, "stop-timeout", 10*time.Second, "grace a running container gets before the daemon kills it")
	fs.StringVar(&c.keepStorage, "keep-storage", "0", "build cache to keep, such as 2GiB (keep-storage / reserved-space)")
	fs.BoolVar(&c.apply, "apply", false, "carry the plan out (default: print it, change nothing)")
	fs.BoolVar(&c.yes, "yes", false, "with --apply, do not ask (needed when stdin is not a terminal)")
	d := daemonguard.Defaults()
	fs.IntVar(&c.inFlight, "in-flight", d.MaxInFlight, "most API requests in flight at once")
	fs.DurationVar(&c.interval, "interval", cleanupInterval, "least time between the starts of two write requests")
	fs.DurationVar(&c.reqTimeout, "request-timeout", d.Timeout, "deadline of each API request")
	fs.DurationVar(&c.deadline, "timeout", 10*time.Minute, "deadline of the whole run")
	fs.IntVar(&c.tries, "tries", d.Tries, "attempts per request on transient errors")
	fs.IntVar(&c.breaker, "breaker", d.BreakerThreshold, "consecutive transport failures that stop all calls (DG408)")
	fs.StringVar(&c.format, "format", "text", "output format: text or json")
	fs.StringVar(&c.progress, "progress", "auto", "progress on stderr: auto (on a terminal), always or never")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard cleanup [scopes] [filters] [--apply [--yes]]")
		fmt.Fprintln(env.Stderr, "Plans (and with --apply carries out) a paced, graceful cleanup of what verify finds reclaimable.")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: unexpected argument %q\n", rest[0])
		return ExitUsage
	}
	o, err := c.options(fs)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: %v\n", err)
		return ExitUsage
	}
	if c.format != "text" && c.format != "json" {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: unknown --format %q (want text or json)\n", c.format)
		return ExitUsage
	}
	if c.apply && !c.yes && !isTerminal(env.Stdin) {
		fmt.Fprintln(env.Stderr, "dockguard cleanup: --apply needs --yes when stdin is not a terminal")
		return ExitUsage
	}
	ep, err := endpoint.Resolve(endpoint.Options{Host: c.host, Context: c.context, ConfigDir: c.config, Getenv: env.Getenv})
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: %v\n", err)
		return ExitUsage
	}
	cl, err := dockerapi.New(ep, dockerapi.Config{Guard: daemonguard.Config{MaxInFlight: c.inFlight, Timeout: c.reqTimeout,
		Tries: c.tries, BreakerThreshold: c.breaker, Writes: c.apply, WriteInterval: c.interval}})
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: %v\n", err)
		return ExitUsage
	}
	defer cl.Close()
	o.Endpoint = ep.Host
	var prog *ttyProgress
	if c.progress == "always" || (c.progress == "auto" && isTerminal(env.Stderr)) {
		prog = &ttyProgress{w: env.Stderr}
		o.Progress = cleanupProgress{prog}
	}
	res := cleanupRun(env, cl, o, c.apply, c.yes, c.deadline)
	if prog != nil {
		prog.done()
	}
	if c.format == "json" {
		err = cleanup.JSON(env.Stdout, res)
	} else {
		err = cleanup.Text(env.Stdout, res)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard cleanup: write output: %v\n", err)
		return ExitErrors
	}
	return cleanupExit(res)
}

// cleanupRun plans, asks when it must, and executes. The signal context
// is separate from the deadline: Ctrl-C stops new work only.
func cleanupRun(env *Env, cl *dockerapi.Client, o cleanup.Options, apply, yes bool, deadline time.Duration) *cleanup.Result {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	sig, stopSig := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stopSig()
	// Planning is all reads: a signal may cancel it outright.
	planCtx, planCancel := context.WithCancel(ctx)
	defer planCancel()
	go func() {
		select {
		case <-sig.Done():
			planCancel()
		case <-planCtx.Done():
		}
	}()
	plan := cleanup.NewPlan(planCtx, cl, o)
	if sig.Err() != nil {
		r := cleanup.DryRun(plan)
		r.Stopped = "signal"
		r.Notes = append(r.Notes, "interrupted while planning: nothing was changed")
		return r
	}
	if !apply || len(plan.Items) == 0 {
		return cleanup.DryRun(plan)
	}
	if !yes && !confirm(env, plan) {
		r := cleanup.DryRun(plan)
		r.Notes = append(r.Notes, "not confirmed: nothing was changed")
		return r
	}
	return cleanup.Execute(ctx, sig.Done(), cl, plan, o)
}

func confirm(env *Env, p *cleanup.Plan) bool {
	_ = cleanup.Text(env.Stderr, cleanup.DryRun(p))
	fmt.Fprintf(env.Stderr, "Carry out this plan (%d objects)? [y/N] ", len(p.Items))
	line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

// cleanupExit: a dry run exits 1 when there is something to do (like
// check, so CI can gate on it); --apply exits 0 when everything planned was
// done, 1 when something was skipped or failed, 3 when the run stopped
// early (breaker, deadline) or could not plan, and 130 after Ctrl-C.
func cleanupExit(r *cleanup.Result) int {
	switch {
	case r.Stopped == "signal":
		return ExitInterrupted
	case len(r.Errors) > 0 || r.Stopped == "breaker" || r.Stopped == "deadline":
		return ExitErrors
	case r.DryRun && len(r.Plan) > 0:
		return ExitFindings
	case len(r.Skipped) > 0 || len(r.Failed) > 0:
		return ExitFindings
	}
	return ExitOK
}

// options combines the flags with .dockguard.yaml: live.stale-after is
// the default age, cleanup.scopes the default scopes; a flag wins.
func (c *cleanupFlags) options(fs *flag.FlagSet) (cleanup.Options, error) {
	cfg, err := loadProjectConfig(nil, "", false)
	if err != nil {
		return cleanup.Options{}, err
	}
	set := setFlags(fs)
	s := c.scopes
	if c.all {
		a := cleanup.All()
		s.Containers, s.BuildCache, s.Volumes, s.Images = true, a.BuildCache, true, true
	}
	if s.AllVolumes {
		s.Volumes = true
	}
	if s.AllImages {
		s.Images = true
	}
	if !s.Any() {
		for _, name := range cfg.Cleanup.Scopes {
			if err := s.ParseScope(name); err != nil {
				return cleanup.Options{}, fmt.Errorf("%s: %w", cfg.Path, err)
			}
		}
	}
	age := c.staleAfter
	if !set["stale-after"] && cfg.Live.StaleAfter > 0 {
		age = cfg.Live.StaleAfter
	}
	if set["older-than"] {
		age = c.olderThan
	}
	if c.stopTimeout < 0 || c.interval < 0 || c.reqTimeout <= 0 || c.deadline <= 0 || c.inFlight < 1 || c.tries < 1 || c.breaker < 1 {
		return cleanup.Options{}, &usageError{"--stop-timeout and --interval must not be negative; --request-timeout, --timeout, --in-flight, --tries and --breaker must be positive"}
	}
	if c.progress != "auto" && c.progress != "always" && c.progress != "never" {
		return cleanup.Options{}, &usageError{fmt.Sprintf("--progress %q: want auto, always or never", c.progress)}
	}
	keep, err := config.ParseSize(c.keepStorage)
	if err != nil || keep < 0 {
		msg := fmt.Sprintf("%q: want a size such as 2GiB", c.keepStorage)
		if err != nil {
			msg = err.Error()
		}
		return cleanup.Options{}, &usageError{"--keep-storage: " + msg}
	}
	o := cleanup.Options{Scopes: s, Labels: c.labels, Project: c.project, OlderThan: age, StopTimeout: c.stopTimeout,
		KeepStorage: keep, Workers: c.inFlight}
	if err := o.Validate(); err != nil {
		return cleanup.Options{}, err
	}
	return o, nil
}

// cleanupProgress shows n/N and the bytes reclaimed on verify's status line.
type cleanupProgress struct{ *ttyProgress }

func (p cleanupProgress) Cleaned(done, total int, reclaimed int64) {
	p.Step(fmt.Sprintf("cleanup (%s reclaimed)", units.BytesSize(float64(reclaimed))), done, total)
}
