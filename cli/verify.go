package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
	vrender "github.com/dockguard/dockguard/verify/render"
)

// verifyFlags are the flags of `dockguard verify`; `report` reuses them.
type verifyFlags struct {
	host, context, config string
	// configFile and noConfig are --config FILE and --no-config, for
	// dockguard's own .dockguard.yaml; config is --docker-config.
	configFile         string
	noConfig           bool
	labels             repeatFlag
	staleAfter         time.Duration
	buildCache         string
	memoryBudget       string
	restarts           int
	slowPing           time.Duration
	deadline           time.Duration
	usage, noUsage     bool
	usageSource        string
	noDiskUsage        bool
	observe            time.Duration
	maxInFlight        int
	rate               float64
	burst              int
	timeout, dfTimeout time.Duration
	tries              int
	breaker            int
	progress           string
}

// register adds verify's flags. report, which registers check's flags
// beside them, passes withConfig false: check's --config and --no-config
// are registered by the caller then.
func (v *verifyFlags) register(fs *flag.FlagSet, withBudget, withConfig bool) {
	v.registerConn(fs, "docker-config")
	if withConfig {
		registerConfigFlags(fs, &v.configFile, &v.noConfig)
	}
	fs.Var(&v.labels, "label", "only check containers with this label, key or key=value (repeatable)")
	fs.DurationVar(&v.staleAfter, "stale-after", time.Hour, "DG404: exited containers older than this are stale")
	fs.StringVar(&v.buildCache, "build-cache-threshold", "5GiB", "DG406: reclaimable build cache above this is reported")
	if withBudget {
		fs.StringVar(&v.memoryBudget, "memory-budget", "", "DG407: memory the running containers may commit (default: the daemon's MemTotal)")
	}
	fs.IntVar(&v.restarts, "restart-threshold", 3, "DG403: restart count that counts as a restart loop")
	fs.DurationVar(&v.slowPing, "slow-ping", daemonguard.Defaults().SlowPing, "DG408: a ping slower than this is reported, counts as a transport failure and halves --rate")
	fs.DurationVar(&v.deadline, "deadline", verify.DefaultDeadline, "deadline of the whole live pass; at it, what was gathered is reported with DG408")
	fs.BoolVar(&v.usage, "usage", false, "sample memory usage of every running container, not only the unlimited ones")
	fs.BoolVar(&v.noUsage, "no-usage", false, "sample no memory usage; DG407 then counts limits only")
	fs.BoolVar(&v.noDiskUsage, "no-disk-usage", false, "skip /system/df (no DG406, sizes unknown)")
	fs.DurationVar(&v.observe, "observe", 0, "sample every running container's memory every 5s over this window instead of once, and write the series into --format json (for fix --limits-from)")
	fs.DurationVar(&v.dfTimeout, "disk-usage-timeout", 60*time.Second, "deadline of the /system/df request")
}

// registerConn adds the flags that reach the daemon and protect it: the
// endpoint, the usage source and the guard's limits. configName is the
// docker config folder's flag, which check and fix call --docker-config
// (their --config is dockguard's own).
func (v *verifyFlags) registerConn(fs *flag.FlagSet, configName string) {
	fs.StringVar(&v.host, "H", "", "daemon socket to connect to (like docker -H)")
	fs.StringVar(&v.host, "host", "", "daemon socket to connect to (like docker --host)")
	fs.StringVar(&v.context, "context", "", "docker context to use (like docker --context)")
	fs.StringVar(&v.context, "c", "", "shorthand for --context")
	fs.StringVar(&v.config, configName, "", "docker config folder (default $DOCKER_CONFIG or ~/.docker)")
	fs.StringVar(&v.usageSource, "usage-source", "auto", "where usage comes from: auto (the host's cgroups when the daemon runs here, else one-shot stats), api or cgroup")
	d := daemonguard.Defaults()
	fs.IntVar(&v.maxInFlight, "max-in-flight", d.MaxInFlight, "most API requests in flight at once")
	fs.Float64Var(&v.rate, "rate", d.Rate, "API requests per second")
	fs.IntVar(&v.burst, "burst", d.Burst, "API requests allowed back to back")
	fs.DurationVar(&v.timeout, "timeout", d.Timeout, "deadline of each API request")
	fs.IntVar(&v.tries, "tries", d.Tries, "attempts per request on transient errors (never on 4xx)")
	fs.IntVar(&v.breaker, "breaker", d.BreakerThreshold, "consecutive transport failures that stop all calls (DG408)")
	fs.StringVar(&v.progress, "progress", "auto", "progress on stderr: auto (on a terminal), always or never")
}

// registerConfigFlags adds --config FILE and --no-config for
// .dockguard.yaml, as check has them.
func registerConfigFlags(fs *flag.FlagSet, file *string, no *bool) {
	fs.StringVar(file, "config", "", "configuration `FILE` (default: .dockguard.yaml found from the current folder up to the repository root); a folder is read as --docker-config, deprecated")
	fs.BoolVar(no, "no-config", false, "ignore .dockguard.yaml files")
}

// dockerConfigAlias resolves the deprecated spelling of --docker-config:
// before verify and report had --config FILE for .dockguard.yaml, their
// --config named the docker config folder. A .dockguard.yaml is never a
// folder, so a --config that names one is taken as --docker-config for one
// more release, with a note on stderr; anything else is dockguard's
// configuration file.
func (v *verifyFlags) dockerConfigAlias(file *string, cmd string, stderr io.Writer) error {
	if *file == "" {
		return nil
	}
	st, err := os.Stat(*file)
	if errors.Is(err, os.ErrNotExist) && !strings.HasSuffix(*file, ".yaml") && !strings.HasSuffix(*file, ".yml") {
		return &usageError{fmt.Sprintf("--config %s: no such file; --config names a .dockguard.yaml (the docker config folder is --docker-config)", *file)}
	}
	if err != nil || !st.IsDir() {
		return nil
	}
	if v.config != "" {
		return &usageError{fmt.Sprintf("--config %s is a folder, the deprecated spelling of --docker-config, and --docker-config %s is given too", *file, v.config)}
	}
	fmt.Fprintf(stderr, "dockguard %s: note: --config %s is a folder, read as the docker config folder; this is deprecated and --config will only name a .dockguard.yaml in the next release: use --docker-config %s\n", cmd, *file, *file)
	v.config, *file = *file, ""
	return nil
}

// liveSetup is what a verify run needs.
type liveSetup struct {
	ep     endpoint.Endpoint
	client *dockerapi.Client
	opts   verify.Options
}

func (v *verifyFlags) setup(env *Env, enabled func(string) bool) (*liveSetup, error) {
	if v.maxInFlight < 1 || v.burst < 1 || v.rate <= 0 || v.tries < 1 || v.breaker < 1 {
		return nil, &usageError{"--max-in-flight, --rate, --burst, --tries and --breaker must be positive"}
	}
	if v.timeout <= 0 || v.dfTimeout <= 0 || v.staleAfter <= 0 || v.slowPing <= 0 || v.deadline <= 0 {
		return nil, &usageError{"--timeout, --disk-usage-timeout, --stale-after, --slow-ping and --deadline must be positive"}
	}
	if v.usage && v.noUsage {
		return nil, &usageError{"--usage and --no-usage contradict each other"}
	}
	if v.observe < 0 || (v.observe > 0 && v.noUsage) {
		return nil, &usageError{"--observe must be positive, and contradicts --no-usage"}
	}
	src, err := verify.ParseUsageSource(v.usageSource)
	if err != nil {
		return nil, &usageError{"--usage-source: " + err.Error()}
	}
	bc, err := config.ParseSize(v.buildCache)
	if err != nil || bc < 0 {
		msg := fmt.Sprintf("%q: want a size such as 5GiB", v.buildCache)
		if err != nil {
			msg = err.Error()
		}
		return nil, &usageError{"--build-cache-threshold: " + msg}
	}
	var budget int64
	if v.memoryBudget != "" {
		if budget, err = sizeFlag("memory-budget", v.memoryBudget, "8GiB"); err != nil {
			return nil, err
		}
	}
	if v.progress != "auto" && v.progress != "always" && v.progress != "never" {
		return nil, &usageError{fmt.Sprintf("--progress %q: want auto, always or never", v.progress)}
	}
	ep, c, err := v.client(env)
	if err != nil {
		return nil, err
	}
	o := verify.Options{
		Endpoint: ep.Host, Labels: v.labels, StaleAfter: v.staleAfter, BuildCacheThreshold: bc,
		MemoryBudget: budget, RestartThreshold: v.restarts, SlowPing: v.slowPing, Deadline: v.deadline + v.observe, Usage: v.usage, // the observation adds its window
		NoUsage: v.noUsage, Observe: v.observe, Period: samplePeriod, UsageSource: src, NoDiskUsage: v.noDiskUsage, Workers: v.maxInFlight, ComposeLimits: compose.DeclaredLimits,
		Enabled: enabled,
	}
	if v.progress == "always" || (v.progress == "auto" && isTerminal(env.Stderr)) {
		o.Progress = &ttyProgress{w: env.Stderr, deadline: time.Now().Add(v.deadline)}
	}
	return &liveSetup{ep: ep, client: c, opts: o}, nil
}

// client resolves the endpoint and connects to it through the guard.
func (v *verifyFlags) client(env *Env) (endpoint.Endpoint, *dockerapi.Client, error) {
	if v.maxInFlight < 1 || v.burst < 1 || v.rate <= 0 || v.tries < 1 || v.breaker < 1 || v.timeout <= 0 {
		return endpoint.Endpoint{}, nil, &usageError{"--max-in-flight, --rate, --burst, --tries, --breaker and --timeout must be positive"}
	}
	ep, err := endpoint.Resolve(endpoint.Options{Host: v.host, Context: v.context, ConfigDir: v.config, Getenv: env.Getenv})
	if err != nil {
		return endpoint.Endpoint{}, nil, &usageError{err.Error()}
	}
	dfTimeout := v.dfTimeout
	if dfTimeout <= 0 {
		dfTimeout = 60 * time.Second
	}
	c, err := dockerapi.New(ep, dockerapi.Config{
		Guard: daemonguard.Config{MaxInFlight: v.maxInFlight, Rate: v.rate, Burst: v.burst, Timeout: v.timeout,
			Tries: v.tries, BreakerThreshold: v.breaker, SlowPing: v.slowPing},
		DiskUsageTimeout: dfTimeout,
	})
	if err != nil {
		return endpoint.Endpoint{}, nil, &usageError{err.Error()}
	}
	return ep, c, nil
}

// run makes the verify pass; the caller closes s.client.
func (s *liveSetup) run(ctx context.Context) (*verify.Facts, rules.Result) {
	facts, res := verify.Run(ctx, s.client, s.opts)
	if p, ok := s.opts.Progress.(*ttyProgress); ok {
		p.done()
	}
	// Compose files named by DG402 follow check's path rule: relative to
	// the current directory when under it. Daemon endpoints stay as they are.
	if cwd, err := os.Getwd(); err == nil {
		for i := range res.Findings {
			if f := &res.Findings[i]; filepath.IsAbs(f.File) {
				f.File = engine.DisplayPath(cwd, f.File)
			}
		}
	}
	return facts, res
}

func runVerify(env *Env, args []string) int {
	fs := newFlagSet("verify", env.Stderr)
	var v verifyFlags
	v.register(fs, true, true)
	format := fs.String("format", "text", "output format: "+strings.Join(verifyFormats, ", "))
	output := fs.String("output", "", "write the findings to this file instead of stdout")
	fs.StringVar(output, "o", "", "shorthand for --output")
	failOn := fs.String("fail-on", "warning", "lowest severity that fails the run: error, warning, info or none")
	var enable, disable listFlag
	registerRuleFlags(fs, &enable, &disable)
	var tf textFlags
	tf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard verify [flags]")
		fmt.Fprintln(env.Stderr, "Checks the live daemon, read-only, within a fixed API-call budget (rules DG401-DG408).")
		fs.PrintDefaults()
	}
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(rest) > 0 {
		fmt.Fprintf(env.Stderr, "dockguard verify: unexpected argument %q\n", rest[0])
		return ExitUsage
	}
	if err := v.dockerConfigAlias(&v.configFile, "verify", env.Stderr); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: %v\n", err)
		return ExitUsage
	}
	cfg, err := v.applyConfig(fs)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: %v\n", err)
		return ExitUsage
	}
	sev, err := rules.ParseSeverity(*failOn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: --fail-on: %v\n", err)
		return ExitUsage
	}
	if !slices.Contains(verifyFormats, *format) {
		fmt.Fprintf(env.Stderr, "dockguard verify: unknown --format %q (want %s)\n", *format, strings.Join(verifyFormats, ", "))
		return ExitUsage
	}
	enabled, err := ruleSelection(enable, disable)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: %v\n", err)
		return ExitUsage
	}
	s, err := v.setup(env, configEnabled(cfg, enabled, enable))
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: %v\n", err)
		return ExitUsage
	}
	// Ctrl-C stops the calls; what was seen so far is still reported.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	defer s.client.Close()
	facts, res := s.run(ctx)
	cfg.ApplySeverities(res.Findings)
	tool := vrender.Tool{Name: "dockguard", Version: Version()}
	if err := writeVerify(env, *format, *output, &tf, tool, facts, res); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard verify: write %s: %v\n", *format, err)
		return ExitErrors
	}
	if *format == "text" || *output != "" {
		// As for check: the summary goes to stderr when text is written
		// or stdout carries nothing, so a CI log says what happened.
		for _, e := range res.Errors {
			fmt.Fprintf(env.Stderr, "dockguard: %s\n", joinLoc(e.File, e.Message))
		}
		for _, n := range res.Notes {
			fmt.Fprintf(env.Stderr, "note: %s\n", joinLoc(n.File, n.Message))
		}
		fmt.Fprintln(env.Stderr, verifySummary(facts, res))
	}
	return exitCode(&report.Run{Findings: res.Findings, Errors: res.Errors}, sev)
}

// verifyFormats are verify's --format values: its own JSON document,
// and the finding formats of check that carry live findings well.
var verifyFormats = []string{"text", "json", "sarif", "github"}

// writeVerify writes the live pass's findings in format to output ("" or
// "-": stdout).
func writeVerify(env *Env, format, output string, tf *textFlags, tool vrender.Tool, facts *verify.Facts, res rules.Result) error {
	out, closeOut, err := openOutput(env, output)
	if err != nil {
		return err
	}
	run := &report.Run{Tool: report.Tool(tool), Findings: res.Findings, Notes: res.Notes, Errors: res.Errors}
	switch format {
	case "json":
		err = vrender.VerifyJSON(out, tool, facts, res)
	case "text":
		var o report.TextOptions
		if output == "" || output == "-" {
			o.Color = tf.useColor(env, env.Stdout)
		}
		// Text shows findings; errors and notes go to stderr below.
		err = report.Text(out, &report.Run{Tool: run.Tool, Findings: res.Findings}, o)
	default:
		err = report.Formats[format](out, run)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return err
}

// verifySummary is the one-line summary of a live pass on stderr.
func verifySummary(f *verify.Facts, res rules.Result) string {
	n := len(res.Findings)
	word := "findings"
	if n == 1 {
		word = "finding"
	}
	if !f.Reached {
		return fmt.Sprintf("%d %s; daemon %s not reached", n, word, f.Endpoint)
	}
	calls := 0
	for _, c := range f.Calls {
		calls += c
	}
	local := ""
	if f.CgroupReads > 0 {
		samples := "samples"
		if f.CgroupReads == 1 {
			samples = "sample"
		}
		local = fmt.Sprintf(" plus %d usage %s read from cgroups", f.CgroupReads, samples)
	}
	return fmt.Sprintf("%d %s on %s: %d containers inspected, %d API calls (budget %d)%s in %s",
		n, word, f.Endpoint, len(f.Containers), calls, f.Budget, local, f.Elapsed.Round(time.Millisecond))
}

// ttyProgress rewrites one status line on a terminal.
type ttyProgress struct {
	mu    sync.Mutex
	w     io.Writer
	last  time.Time
	dirty bool
	// deadline is when the live pass stops (zero: none); now is the clock
	// (default time.Now).
	deadline time.Time
	now      func() time.Time
	// phase and phaseStart time the current phase, for the estimate.
	phase      string
	phaseStart time.Time
}

// etaAfter is how long a phase must be expected to take before the
// progress line says how long is left: shorter ones end before anyone
// wonders.
const etaAfter = 30 * time.Second

func (p *ttyProgress) Step(phase string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	if p.now != nil {
		now = p.now()
	}
	if phase != p.phase {
		p.phase, p.phaseStart = phase, now
	}
	// At most ten redraws a second, but always the last step.
	if total > 0 && done < total && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	p.last = now
	if total > 0 {
		fmt.Fprintf(p.w, "\r\x1b[K%s %d/%d%s", phase, done, total, p.eta(now, done, total))
	} else {
		fmt.Fprintf(p.w, "\r\x1b[K%s…", phase)
	}
	p.dirty = true
}

// eta estimates the time left in the phase from its pace so far, when the
// phase is expected to take more than etaAfter; it says so when the
// deadline will stop the pass first.
func (p *ttyProgress) eta(now time.Time, done, total int) string {
	if done <= 0 || done >= total {
		return ""
	}
	elapsed := now.Sub(p.phaseStart)
	left := time.Duration(float64(elapsed) / float64(done) * float64(total-done))
	if elapsed+left <= etaAfter {
		return ""
	}
	msg := fmt.Sprintf(", about %s left", roundETA(left))
	if !p.deadline.IsZero() && now.Add(left).After(p.deadline) {
		msg += fmt.Sprintf("; the deadline stops it in %s", roundETA(p.deadline.Sub(now)))
	}
	return msg
}

// roundETA rounds an estimate to what is worth reading: seconds under two
// minutes, else minutes.
func roundETA(d time.Duration) time.Duration {
	if d < 2*time.Minute {
		return max(d.Round(time.Second), 0)
	}
	return d.Round(time.Minute)
}

func (p *ttyProgress) Say(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dirty {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.dirty = false
	}
	fmt.Fprintf(p.w, "%s\n", msg)
}

func (p *ttyProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dirty {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.dirty = false
	}
}
