package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/docker/go-units"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
)

// checkFlags are the flags of `dockguard check`; `report` reuses them.
type checkFlags struct {
	format        string
	failOn        string
	enable        listFlag
	disable       listFlag
	only          listFlag
	kinds         kindFlag
	jobs          int
	text          textFlags
	version       bool
	stdinFilename string
	maxFileSize   string
	binaries      listFlag
	parallelLimit int
	composeFiles  repeatFlag
	profiles      listFlag
	memoryBudget  string
	goMode        string
	goLoad        string
	cache         cacheFlags
	shard         shardFlag
	// adopt holds configuration, suppression, baseline and output state
	// (cli/adopt.go).
	adopt adoptFlags
	// fixes holds the fix flags (cli/fix.go); restrict, when set, keeps
	// only the rules it accepts (dockguard fix: the fixable ones).
	fixes    fixFlags
	restrict func(string) bool
	// limits size the compose DG201 fix; sizing is what they resolved to.
	limits limitFlags
	sizing *compose.Sizing
	// streamOpts decide whether non-Go findings print before Go's (check
	// only; cli/stream.go).
	streamOpts streamFlags
}

func (c *checkFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.format, "format", "text", "output format: text or json")
	fs.StringVar(&c.failOn, "fail-on", "warning", "lowest severity that fails the run: error, warning, info or none")
	registerRuleFlags(fs, &c.enable, nil)
	fs.Var(&c.disable, "disable", "do not report these rules (IDs or names, comma-separated)")
	fs.Var(&c.only, "only", "check only these file kinds: "+strings.Join(engine.KindNames(), ", "))
	fs.Var(&c.kinds, "kind", "check the files these globs match as this kind, over their name and shebang: `KIND=GLOB,...` (repeatable; before .dockguard.yaml's kinds:)")
	fs.IntVar(&c.jobs, "jobs", 0, "parallel workers (default: number of CPUs)")
	c.text.register(fs)
	fs.BoolVar(&c.version, "version", false, "print the version and exit")
	fs.StringVar(&c.stdinFilename, "stdin-filename", "", "file name to report for `-` (stdin); its name decides how it is read")
	fs.StringVar(&c.maxFileSize, "max-file-size", "4MiB", "skip files larger than this, with a note")
	fs.Var(&c.binaries, "binaries", "container CLIs to recognise (default docker,podman,nerdctl)")
	fs.IntVar(&c.parallelLimit, "parallel-limit", 3, "largest number of concurrent docker commands accepted (DG106)")
	fs.Var(&c.composeFiles, "compose-file", "load this explicit compose file set, like docker compose -f (repeatable)")
	fs.Var(&c.profiles, "profile", "compose profiles to budget together (DG203; repeatable)")
	fs.StringVar(&c.memoryBudget, "memory-budget", "8GiB", "memory budget for compose services that start together (DG203)")
	c.cache.register(fs)
	c.registerShard(fs)
	fs.StringVar(&c.goMode, "go-mode", "typed", "Go checks: typed (type-check with the go command) or syntax (no go command, no build cache; names resolved through imports)")
	fs.StringVar(&c.goLoad, "go-load", "export", "typed Go checks read dependencies from: export (the go command compiles them), source (type-checked from source, nothing compiled) or auto (source when the build cache lacks most of them)")
}

// usageError is a bad flag value: exit 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// options turns the flags into engine options.
func (c *checkFlags) options(env *Env, paths []string) (*engine.Options, error) {
	maxSize, err := sizeFlag("max-file-size", c.maxFileSize, "4MiB")
	if err != nil {
		return nil, err
	}
	budget, err := sizeFlag("memory-budget", c.memoryBudget, "8GiB")
	if err != nil {
		return nil, err
	}
	if c.jobs < 0 {
		return nil, &usageError{"--jobs must be positive"}
	}
	if c.parallelLimit < 1 {
		return nil, &usageError{"--parallel-limit must be at least 1"}
	}
	goMode, err := gocheck.ParseMode(c.goMode)
	if err != nil {
		return nil, &usageError{"--go-mode: " + err.Error()}
	}
	goLoad, err := gocheck.ParseLoad(c.goLoad)
	if err != nil {
		return nil, &usageError{"--go-load: " + err.Error()}
	}
	enabled, err := ruleSelection(c.enable, c.disable)
	if err != nil {
		return nil, err
	}
	if only := c.restrict; only != nil {
		prev := enabled
		enabled = func(id string) bool { return only(id) && (prev == nil || prev(id)) }
	}
	only := map[engine.Kind]bool{}
	for _, k := range c.only {
		kind, ok := kindByName(k)
		if !ok {
			return nil, &usageError{fmt.Sprintf("--only %q: unknown file kind (valid: %s)", k, strings.Join(engine.KindNames(), ", "))}
		}
		only[kind] = true
	}
	forced, err := c.forcedKinds()
	if err != nil {
		return nil, err
	}
	o := &engine.Options{
		Paths:         paths,
		Stdin:         env.Stdin,
		StdinFilename: c.stdinFilename,
		Jobs:          c.jobs,
		MaxFileSize:   maxSize,
		Shell:         shell.Config{Binaries: c.binaries, ParallelLimit: c.parallelLimit, Fix: c.fixes.settings()},
		Only:          only,
		Forced:        forced,
		Enabled:       enabled,
		KeepFixable:   c.fixes.active(),
	}
	o.Shard = c.shard.filter()
	c.wireAdoption(o)
	fe := &frontEndOptions{composeFiles: c.composeFiles, profiles: c.profiles, memoryBudget: budget, goMode: goMode, goLoad: goLoad, fix: c.fixes.settings(), sizing: c.sizing}
	if isTerminal(env.Stderr) {
		fe.goProgress, fe.goLoading = progressLine(env.Stderr)
	}
	c.cache.open(env)
	// Limits sized from observed usage depend on the daemon, not on the
	// files: such a run neither reads nor fills the cache.
	if c.cache.c != nil && c.sizing == nil {
		fe.cache, fe.salt = c.cache.c, c.cacheSalt(o, fe)
	}
	wireFrontEnds(o, fe)
	return o, nil
}

// sizeFlag parses the size value of --name (config.ParseSize: a unit is
// required below 1 MiB); it must be positive. example is a size to suggest.
func sizeFlag(name, value, example string) (int64, error) {
	n, err := config.ParseSize(value)
	if err != nil {
		return 0, &usageError{fmt.Sprintf("--%s: %v", name, err)}
	}
	if n <= 0 {
		return 0, &usageError{fmt.Sprintf("--%s %q: want a positive size such as %s", name, value, example)}
	}
	return n, nil
}

func kindByName(name string) (engine.Kind, bool) { return engine.KindByName(name) }

// registerRuleFlags adds --only-rules with its alias --enable (which
// golangci-lint and ShellCheck users read as "add to the defaults", so the
// name that says what it does comes first), and --disable when disable is
// not nil.
func registerRuleFlags(fs *flag.FlagSet, only, disable *listFlag) {
	fs.Var(only, "only-rules", "report only these rules (IDs or names, comma-separated)")
	fs.Var(only, "enable", "same as --only-rules: only these rules, not these on top of the defaults")
	if disable != nil {
		fs.Var(disable, "disable", "do not report these rules (IDs or names, comma-separated)")
	}
}

// ruleSelection builds the Enabled predicate from --only-rules (alias
// --enable) and --disable; naming a rule in both is a usage error.
func ruleSelection(enable, disable []string) (func(string) bool, error) {
	resolve := func(flagName string, names []string) (map[string]bool, error) {
		set := map[string]bool{}
		for _, n := range names {
			r, ok := rules.Lookup(n)
			if !ok {
				msg := fmt.Sprintf("--%s: unknown rule %q", flagName, n)
				if s := rules.Suggest(n); len(s) > 0 {
					msg += fmt.Sprintf(" (did you mean %s?)", s[0])
				}
				return nil, &usageError{msg}
			}
			set[r.ID] = true
		}
		return set, nil
	}
	en, err := resolve("only-rules", enable)
	if err != nil {
		return nil, err
	}
	dis, err := resolve("disable", disable)
	if err != nil {
		return nil, err
	}
	for _, r := range rules.Catalogue {
		if id := r.ID; en[id] && dis[id] {
			return nil, &usageError{fmt.Sprintf("--only-rules %s and --disable %s contradict each other; give one of them", id, id)}
		}
	}
	if len(en) == 0 && len(dis) == 0 {
		return nil, nil
	}
	return func(id string) bool {
		if dis[id] {
			return false
		}
		return len(en) == 0 || en[id]
	}, nil
}

func runCheck(env *Env, args []string) int {
	fs := newFlagSet("check", env.Stderr)
	var c checkFlags
	c.register(fs)
	c.adopt.register(fs)
	c.fixes.register(fs, true)
	c.limits.register(fs, false)
	c.streamOpts.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard check [flags] [PATH...]   (PATH - reads stdin)")
		fs.PrintDefaults()
	}
	return c.run(env, fs, "check", args)
}

// runFix is `dockguard fix [PATH...]`: check --fix with the fixable rules
// only (or those of --rules).
func runFix(env *Env, args []string) int {
	fs := newFlagSet("fix", env.Stderr)
	var c checkFlags
	c.register(fs)
	c.adopt.register(fs)
	c.fixes.register(fs, false)
	c.limits.register(fs, true)
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard fix [flags] [PATH...]")
		fmt.Fprintln(env.Stderr, "Applies the fixes of the fixable rules ("+strings.Join(fixableIDs(), ", ")+") in place, then reports what is left.")
		fs.PrintDefaults()
	}
	return c.run(env, fs, "fix", args)
}

// run parses args and runs check (or fix, name) with them.
func (c *checkFlags) run(env *Env, fs *flag.FlagSet, name string, args []string) int {
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if c.version {
		return runVersion(env, nil)
	}
	if c.stdinFilename != "" && !slices.Contains(paths, "-") {
		// Without "-" the flag would be ignored and "." checked instead.
		fmt.Fprintf(env.Stderr, "dockguard %s: --stdin-filename names what is read from standard input, but no path is -; add it: dockguard %s - --stdin-filename %s\n", name, name, report.QuoteName(c.stdinFilename))
		return ExitUsage
	}
	if name == "fix" {
		c.fixes.fix = !c.fixes.diff
		if c.restrict, err = fixableSelection(c.fixes.rules); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
			return ExitUsage
		}
	}
	if err := c.applyConfig(fs, paths); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
		return ExitUsage
	}
	if err := c.fixes.applyConfig(setFlags(fs), c.adopt.cfg); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
		return ExitUsage
	}
	failOn, err := rules.ParseSeverity(c.failOn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: --fail-on: %v\n", name, err)
		return ExitUsage
	}
	if c.limits.budget != "" {
		c.memoryBudget = c.limits.budget
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if c.sizing, err = c.limits.sizing(ctx, env); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
		var ue *usageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitErrors
	}
	opts, err := c.options(env, paths)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
		return ExitUsage
	}
	specs := c.adopt.outputs.specs(c.adopt.output)
	var printed map[printedKey]bool
	streamed := c.streamSpec(env, specs)
	if streamed >= 0 {
		printed = map[printedKey]bool{}
		opts.Early = c.earlyPrinter(env, paths, printed)
	}
	res := engine.Run(ctx, opts)
	c.cache.trim(env)
	run := &report.Run{
		Tool:         report.Tool{Name: "dockguard", Version: Version()},
		Findings:     res.Findings,
		Notes:        res.Notes,
		Errors:       res.Errors,
		FilesScanned: res.FilesScanned,
		Suppressed:   res.Suppressed,
	}
	if err := c.finishRun(run, paths); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
		return ExitUsage
	}
	if streamed >= 0 {
		specs[streamed].omit = printed
	}
	if c.fixes.active() {
		if err := applyFixes(env, &c.fixes, opts, res, run, paths); err != nil {
			fmt.Fprintf(env.Stderr, "dockguard %s: %v\n", name, err)
			return ExitUsage
		}
		if c.fixes.diff {
			// The diff owns stdout; reports still go to their files, and
			// the summary to stderr.
			specs = toFiles(specs)
		}
	}
	if err := writeOutputs(env, specs, run, &c.text); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard %s: write output: %v\n", name, err)
		return ExitErrors
	}
	if c.limits.active() {
		budget, _ := units.RAMInBytes(c.memoryBudget)
		c.limits.writeTable(env.Stderr, budget)
	}
	return exitCode(run, failOn)
}

func joinLoc(file, msg string) string {
	if file == "" {
		return msg
	}
	return report.QuoteName(file) + ": " + msg
}

// exitCode applies the exit-code contract: 3 when an input could not be
// checked, else 1 when a finding is at or above failOn, else 0.
func exitCode(run *report.Run, failOn rules.Severity) int {
	if len(run.Errors) > 0 {
		return ExitErrors
	}
	if failOn == rules.SeverityNone {
		return ExitOK
	}
	for _, f := range run.Findings {
		if f.Severity >= failOn {
			return ExitFindings
		}
	}
	return ExitOK
}

// isTerminal reports whether a stream (stdin, stdout, stderr) is a
// character device: a terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && ttyFile(f)
}
