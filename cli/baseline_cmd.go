package cli

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
)

// runBaseline is `dockguard baseline [PATH...]`: check PATH like `check`
// and record every finding, so that `check --baseline FILE` reports only
// new ones.
func runBaseline(env *Env, args []string) int {
	fs := newFlagSet("baseline", env.Stderr)
	var c checkFlags
	c.register(fs)
	fs.StringVar(&c.adopt.configFile, "config", "", "configuration file (default: .dockguard.yaml found from the checked path up to the repository root)")
	fs.BoolVar(&c.adopt.noConfig, "no-config", false, "ignore .dockguard.yaml files")
	out := fs.String("output", "", "baseline file to write (default: the configuration's `baseline`, else "+baseline.DefaultFile+" at the repository root)")
	fs.StringVar(out, "o", "", "shorthand for --output")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: dockguard baseline [flags] [PATH...]")
		fmt.Fprintln(env.Stderr, "Records the current findings; `dockguard check --baseline FILE` then reports only new ones.")
		fs.PrintDefaults()
	}
	paths, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if setFlags(fs)["format"] {
		fmt.Fprintln(env.Stderr, "dockguard baseline: --format does not apply; the baseline is always JSON (--output names the file)")
		return ExitUsage
	}
	if err := c.applyConfig(fs, paths); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard baseline: %v\n", err)
		return ExitUsage
	}
	target := *out
	if target == "" {
		target = c.adopt.baseline // the configuration's baseline
	}
	c.adopt.baseline = "" // record everything, hide nothing
	opts, err := c.options(env, paths)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard baseline: %v\n", err)
		return ExitUsage
	}
	res := engine.Run(context.Background(), opts)
	run := &report.Run{Findings: res.Findings, Notes: res.Notes, Errors: res.Errors, FilesScanned: res.FilesScanned, Suppressed: res.Suppressed}
	if err := c.finishRun(run, paths); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard baseline: %v\n", err)
		return ExitUsage
	}
	if target == "" {
		target = filepath.Join(run.Root, baseline.DefaultFile)
	}
	fp := &baseline.Fingerprinter{Root: run.Root, Dir: run.Dir, Source: run.Source}
	b := fp.New("dockguard", run.Findings)
	if err := b.Write(target); err != nil {
		fmt.Fprintf(env.Stderr, "dockguard baseline: %v\n", err)
		return ExitErrors
	}
	for _, e := range run.Errors {
		fmt.Fprintf(env.Stderr, "dockguard: %s\n", joinLoc(e.File, e.Message))
	}
	shown := displayPath(target)
	fmt.Fprintf(env.Stderr, "wrote %d findings to %s; check with `dockguard check --baseline %s` or set `baseline:` in .dockguard.yaml\n", len(b.Entries), shown, shown)
	if len(run.Errors) > 0 {
		return ExitErrors
	}
	return ExitOK
}
