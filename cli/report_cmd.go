package cli

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
	vrender "github.com/dockguard/dockguard/verify/render"
)

// runReport is `dockguard report [PATH...]`: check PATH, verify the daemon,
// and write one verification report.
func runReport(env *Env, args []string) int {
	fs := newFlagSet("report", env.Stderr)
	var c checkFlags
	c.register(fs)
	// report shares check's flags but writes documents, not finding lines.
	if f := fs.Lookup("format"); f != nil {
		f.Usage = "report format: markdown, html or json"
		f.DefValue = "markdown"
		c.format = "markdown"
	}
	var v verifyFlags
	v.register(fs, false, false)
	registerConfigFlags(fs, &c.adopt.configFile, &c.adopt.noConfig)
	output := fs.String("output", "", "write the report to this file instead of stdout")
	fs.StringVar(output, "o", "", "shorthand for --output")
	noLive := fs.Bool("no-live", false, "do not contact the daemon (static findings only)")
	cleanupResult := fs.String("cleanup-result", "", "add a \"Resource cleanup\" section from this `dockguard cleanup --format json` file")
	compare := fs.String("compare", "", "add a \"Before / after\" table against this earlier `report --format json` file")
	guardMetrics := fs.String("guard-metrics", "", "add a \"Guard proxy\" section with the totals of the dockguard guard at this URL (http://HOST:PORT or its unix:// socket)")
	withCleanup := fs.Bool("cleanup", false, "add a \"Resource cleanup\" section from a cleanup dry run (scopes from cleanup.scopes, else --all)")
	apply := fs.Bool("apply", false, "with --cleanup, carry the cleanup out (needs --yes); the live sections then show the daemon after it")
	yes := fs.Bool("yes", false, "with --cleanup --apply: do not ask")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard report [flags] [PATH...]")
		fmt.Fprintln(env.Stderr, "Runs check on PATH (default .) and verify on the daemon, and writes one verification report.")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if c.version {
		return runVersion(env, nil)
	}
	// report is check plus verify: the configuration applies to both.
	if err := v.dockerConfigAlias(&c.adopt.configFile, "report", env.Stderr); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
		return ExitUsage
	}
	if err := c.applyConfig(fs, paths); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
		return ExitUsage
	}
	v.applyLive(setFlags(fs), c.adopt.cfg.Live)
	failOn, err := rules.ParseSeverity(c.failOn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: --fail-on: %v\n", err)
		return ExitUsage
	}
	var write func(*bytes.Buffer, *vrender.Document) error
	switch c.format {
	case "markdown", "md":
		write = func(b *bytes.Buffer, d *vrender.Document) error { return vrender.Markdown(b, d) }
	case "html":
		write = func(b *bytes.Buffer, d *vrender.Document) error { return vrender.HTML(b, d) }
	case "json":
		write = func(b *bytes.Buffer, d *vrender.Document) error { return vrender.JSON(b, d) }
	default:
		fmt.Fprintf(env.Stderr, "dockguard report: unknown --format %q (want markdown, html or json)\n", c.format)
		return ExitUsage
	}
	// The compose budget flag doubles as the live budget when given.
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "memory-budget" {
			v.memoryBudget = c.memoryBudget
		}
	})
	opts, err := c.options(env, paths)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
		return ExitUsage
	}
	doc := &vrender.Document{
		Tool:      vrender.Tool{Name: "dockguard", Version: Version()},
		Generated: time.Now(),
	}
	if *cleanupResult != "" && *withCleanup {
		fmt.Fprintln(env.Stderr, "dockguard report: --cleanup-result and --cleanup contradict each other")
		return ExitUsage
	}
	if *withCleanup && *noLive {
		fmt.Fprintln(env.Stderr, "dockguard report: --cleanup needs the daemon; it contradicts --no-live")
		return ExitUsage
	}
	if *apply && (!*withCleanup || !*yes) {
		fmt.Fprintln(env.Stderr, "dockguard report: --apply needs --cleanup and --yes (report does not ask)")
		return ExitUsage
	}
	if *cleanupResult != "" {
		if doc.Cleanup, err = readCleanupResult(*cleanupResult); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
			return ExitUsage
		}
	}
	if *compare != "" {
		if doc.Previous, err = readPrevious(*compare); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
			return ExitUsage
		}
	}
	if *guardMetrics != "" {
		t, err := guardproxy.FetchTotals(context.Background(), *guardMetrics)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dockguard report: --guard-metrics: %v\n", err)
			return ExitErrors
		}
		doc.Guard = &vrender.Guard{URL: *guardMetrics, Totals: t}
	}
	var live *liveSetup
	if !*noLive {
		live, err = v.setup(env, opts.Enabled)
		if err != nil {
			fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
			return ExitUsage
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res := engine.Run(ctx, opts)
	if len(paths) == 0 {
		paths = []string{"."}
	}
	doc.Static = &vrender.Static{Paths: paths, FilesScanned: res.FilesScanned, Suppressed: res.Suppressed,
		Result: rules.Result{Findings: res.Findings, Notes: res.Notes, Errors: res.Errors}}
	if paths[0] != "-" {
		repo := baseline.Describe(ctx, paths[0])
		doc.Repo = &repo
	}
	if cwd, err := os.Getwd(); err == nil {
		doc.Static.Dir = cwd
	}
	if live != nil {
		defer live.client.Close()
		// The cleanup plan is part of the live side: the same deadline
		// bounds both (verify.Run keeps its own, to tell it apart). Carrying
		// it out has the whole-run bound of cleanup instead.
		liveCtx, cancel := context.WithTimeout(ctx, v.deadline)
		defer cancel()
		doc.Live, doc.LiveResult = live.run(ctx)
		if *withCleanup {
			doc.Cleanup = reportCleanup(liveCtx, ctx, env, live, doc.Live, doc.LiveResult, v, *apply)
			if *apply && len(doc.Cleanup.Done) > 0 {
				// The live sections show the daemon after the cleanup.
				doc.Live, doc.LiveResult = live.run(ctx)
			}
		}
	}
	var buf bytes.Buffer
	if err := write(&buf, doc); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: render: %v\n", err)
		return ExitErrors
	}
	if *output != "" {
		if err := os.WriteFile(*output, buf.Bytes(), 0o644); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard report: %v\n", err)
			return ExitErrors
		}
	} else if _, err := env.Stdout.Write(buf.Bytes()); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard report: write output: %v\n", err)
		return ExitErrors
	}
	all := &report.Run{Findings: doc.Findings(), Errors: doc.Errors()}
	fmt.Fprintf(env.Stderr, "report: %s; %d static and %d live findings\n", doc.Status(), len(res.Findings), len(doc.LiveResult.Findings))
	return exitCode(all, failOn)
}

// readPrevious reads the earlier report of --compare.
func readPrevious(path string) (*vrender.Previous, error) {
	b, err := readBounded(path, vrender.MaxReportSize)
	if err != nil {
		return nil, fmt.Errorf("--compare: %w", err)
	}
	p, err := vrender.ReadJSON(b)
	if err != nil {
		return nil, fmt.Errorf("--compare %s: %w", path, err)
	}
	return p, nil
}

// readBounded reads at most limit bytes of path, so that a wrong file
// (a device, a huge log) fails with a message instead of filling memory.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, limit>>20)
	}
	return b, nil
}

// readCleanupResult reads a `dockguard cleanup --format json` file.
func readCleanupResult(path string) (*cleanup.Result, error) {
	b, err := readBounded(path, vrender.MaxReportSize)
	if err != nil {
		return nil, fmt.Errorf("--cleanup-result: %w", err)
	}
	r, err := cleanup.ReadResult(b)
	if err != nil {
		return nil, fmt.Errorf("--cleanup-result %s: %w", path, err)
	}
	return r, nil
}

// reportCleanup is the cleanup of report --cleanup: planned from the
// report's own verify pass (no second pass), with the scopes of
// cleanup.scopes, else --all. A dry run unless apply, which carries the
// plan out on a client of its own that may write, paced as
// `dockguard cleanup` paces it.
func reportCleanup(ctx, runCtx context.Context, env *Env, live *liveSetup, facts *verify.Facts, res rules.Result, v verifyFlags, apply bool) *cleanup.Result {
	o := cleanup.Options{Labels: v.labels, Endpoint: live.ep.Host, OlderThan: 72 * time.Hour}
	if cfg, err := loadProjectConfig(nil, "", false); err == nil {
		for _, name := range cfg.Cleanup.Scopes {
			_ = o.Scopes.ParseScope(name) // validated when the file was parsed
		}
		if cfg.Live.StaleAfter > 0 {
			o.OlderThan = cfg.Live.StaleAfter
		}
	}
	if !o.Scopes.Any() {
		o.Scopes = cleanup.All()
	}
	if err := o.Validate(); err != nil {
		return &cleanup.Result{Version: cleanup.ResultVersion, Endpoint: live.ep.Host, DryRun: true, Plan: []cleanup.Item{},
			Errors: []rules.Note{{File: live.ep.Host, Message: "cleanup not planned: " + err.Error()}}}
	}
	plan := cleanup.PlanFrom(ctx, live.client, o, facts, res)
	// The pass's findings are the report's live findings already.
	plan.Result.Findings = nil
	if !apply || len(plan.Items) == 0 {
		return cleanup.DryRun(plan)
	}
	w, err := dockerapi.New(live.ep, dockerapi.Config{Guard: daemonguard.Config{MaxInFlight: v.maxInFlight, Timeout: v.timeout,
		Tries: v.tries, BreakerThreshold: v.breaker, Writes: true, WriteInterval: cleanupInterval}})
	if err != nil {
		r := cleanup.DryRun(plan)
		r.Errors = append(r.Errors, rules.Note{File: live.ep.Host, Message: "cleanup not carried out: " + err.Error()})
		return r
	}
	defer w.Close()
	sig, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	run, cancel := context.WithTimeout(runCtx, 10*time.Minute)
	defer cancel()
	fmt.Fprintf(env.Stderr, "report: carrying out the cleanup of %d objects\n", len(plan.Items))
	return cleanup.Execute(run, sig.Done(), w, plan, o)
}
