package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/suppress"
)

// adoptFlags are check's configuration, baseline, new-code and output
// flags, and the state they produce.
type adoptFlags struct {
	configFile       string
	noConfig         bool
	baseline         string
	newFromRev       string
	newFromMergeBase string
	output           string
	outputs          outputList

	// cfg is the loaded configuration (defaults when there is no file).
	cfg *config.Config
	// sup applies inline directives; wireAdoption creates it.
	sup *suppress.Suppressor
}

// register adds the flags. They are registered by check only: other
// commands that share checkFlags have flags of the same names (report
// registers its own --config and --no-config beside verify's flags).
func (a *adoptFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.configFile, "config", "", "configuration `FILE` (default: .dockguard.yaml found from the checked path up to the repository root)")
	fs.BoolVar(&a.noConfig, "no-config", false, "ignore .dockguard.yaml files")
	fs.StringVar(&a.baseline, "baseline", "", "hide the findings recorded in this `FILE` (written by dockguard baseline)")
	fs.StringVar(&a.newFromRev, "new-from-rev", "", "report only findings on lines changed since git revision `REV`")
	fs.StringVar(&a.newFromMergeBase, "new-from-merge-base", "", "report only findings on lines changed since the merge base with this `BRANCH`")
	fs.StringVar(&a.output, "output", "", "write the output to this `FILE` instead of stdout")
	fs.StringVar(&a.output, "o", "", "shorthand for --output")
	if f := fs.Lookup("format"); f != nil {
		// --format may repeat, each with its own destination.
		f.Value = &a.outputs
		f.Usage = "output `FORMAT`: " + strings.Join(report.FormatNames(), ", ") + "; FORMAT=FILE writes that format to FILE (repeatable)"
	}
}

// setFlags returns the names of the flags given on the command line.
func setFlags(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// loadProjectConfig finds and loads the configuration for paths: the file
// given with explicit, none with noConfig, otherwise the nearest
// .dockguard.yaml from the first checked path up to the repository root.
// Errors are usage errors (exit 2) carrying file:line and a suggestion.
func loadProjectConfig(paths []string, explicit string, noConfig bool) (*config.Config, error) {
	if noConfig {
		if explicit != "" {
			return nil, &usageError{"--config and --no-config contradict each other"}
		}
		return config.Default(), nil
	}
	path := explicit
	if path == "" {
		start := "."
		for _, p := range paths {
			if p != "-" {
				start = p
				break
			}
		}
		found, err := config.Find(start)
		if err != nil {
			return nil, &usageError{err.Error()}
		}
		if found == "" {
			return config.Default(), nil
		}
		path = displayPath(found)
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, &usageError{err.Error()}
	}
	return cfg, nil
}

// displayPath shows an absolute path relative to the working directory
// when it lies below it, as finding paths are shown.
func displayPath(abs string) string {
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return abs
}

// applyConfig loads the configuration and copies its settings into the
// flags the user did not give: flags override the file.
func (c *checkFlags) applyConfig(fs *flag.FlagSet, paths []string) error {
	a := &c.adopt
	cfg, err := loadProjectConfig(paths, a.configFile, a.noConfig)
	if err != nil {
		return err
	}
	a.cfg = cfg
	set := setFlags(fs)
	if !set["fail-on"] && cfg.FailOn != nil {
		c.failOn = cfg.FailOn.String()
	}
	if !set["binaries"] && len(cfg.Binaries) > 0 {
		c.binaries = listFlag(cfg.Binaries)
	}
	if !set["parallel-limit"] && cfg.ParallelLimit > 0 {
		c.parallelLimit = cfg.ParallelLimit
	}
	if !set["memory-budget"] && cfg.MemoryBudget > 0 {
		c.memoryBudget = strconv.FormatInt(cfg.MemoryBudget, 10)
	}
	if !set["profile"] && len(cfg.Compose.Profiles) > 0 {
		c.profiles = listFlag(cfg.Compose.Profiles)
	}
	if !set["baseline"] && cfg.Baseline != "" {
		a.baseline = cfg.BaselinePath()
	}
	if a.newFromRev != "" && a.newFromMergeBase != "" {
		return &usageError{"--new-from-rev and --new-from-merge-base contradict each other"}
	}
	return a.outputs.check(a.output)
}

// wireAdoption connects the configuration's rule settings and excludes
// and the inline suppressions to the engine. options calls it, so every
// command built on checkFlags honours directives.
func (c *checkFlags) wireAdoption(o *engine.Options) {
	a := &c.adopt
	if cfg := a.cfg; cfg != nil {
		o.Enabled = configEnabled(cfg, o.Enabled, c.enable)
		if len(cfg.Exclude) > 0 {
			cwd := workDir()
			prev := o.Excluded
			o.Excluded = func(display string) bool {
				if prev != nil && prev(display) {
					return true
				}
				abs := display
				if !filepath.IsAbs(abs) {
					abs = filepath.Join(cwd, filepath.FromSlash(display))
				}
				return cfg.Excluded(abs)
			}
		}
	}
	a.sup = &suppress.Suppressor{Enabled: o.Enabled}
	o.Filter = a.sup.Filter
}

// workDir is the working directory with links resolved, as the engine
// computes display paths.
func workDir() string {
	wd, _ := os.Getwd()
	if real, err := filepath.EvalSymlinks(wd); err == nil {
		return real
	}
	return wd
}

// repoRoot returns the repository holding dir: the nearest parent with a
// .git entry, or dir itself.
func repoRoot(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// sourceCache reads finding files once for column conversions and
// fingerprints.
func sourceCache(dir string) func(file string) []byte {
	cache := map[string][]byte{}
	return func(file string) []byte {
		if file == "" || strings.Contains(file, "://") {
			return nil
		}
		if src, ok := cache[file]; ok {
			return src
		}
		p := file
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(file))
		}
		src, err := os.ReadFile(p)
		if err != nil {
			src = nil
		}
		cache[file] = src
		return src
	}
}

// finishRun applies what comes after the engine: configured severities,
// the suppressed findings, the baseline and the new-code filter. Errors
// are usage errors (a missing baseline, an unknown revision).
func (c *checkFlags) finishRun(run *report.Run, paths []string) error {
	return c.adjustRun(run, paths, false)
}

// adjustRun is finishRun; with partial, run holds only some of the
// findings (those streamed before the Go front end finished), so the
// suppressed findings and the baseline entries that no longer occur, which
// are about the whole run, are left to the final pass.
func (c *checkFlags) adjustRun(run *report.Run, paths []string, partial bool) error {
	a := &c.adopt
	cwd := workDir()
	run.Dir = cwd
	run.Root = repoRoot(cwd)
	run.Source = sourceCache(cwd)
	if a.sup != nil && !partial {
		run.SuppressedFindings = append(run.SuppressedFindings, a.sup.Suppressed()...)
	}
	if cfg := a.cfg; cfg != nil {
		cfg.ApplySeverities(run.Findings)
		for i := range run.SuppressedFindings {
			f := &run.SuppressedFindings[i].Finding
			f.Severity = cfg.Severity(f.Rule, f.Severity)
		}
	}
	fp := &baseline.Fingerprinter{Root: run.Root, Dir: cwd, Source: run.Source}
	if a.baseline != "" {
		b, err := baseline.Load(a.baseline)
		if err != nil {
			return &usageError{err.Error()}
		}
		kept, hidden, stale := b.Apply(fp, run.Findings)
		run.Findings = kept
		run.Suppressed += len(hidden)
		for _, f := range hidden {
			run.SuppressedFindings = append(run.SuppressedFindings, report.Suppressed{Finding: f, Kind: "external", Justification: "recorded in the baseline " + filepath.ToSlash(a.baseline)})
		}
		if partial {
			stale = nil
		}
		inScope := scopeFunc(run.Root, cwd, paths, a.cfg)
		for _, e := range stale {
			if inScope(e.File) {
				run.Notes = append(run.Notes, rules.Note{File: a.baseline, Message: fmt.Sprintf("baseline entry %s in %s (line %d) no longer occurs; run `dockguard baseline` to shrink the baseline", e.Rule, e.File, e.Line)})
			}
		}
	}
	if a.newFromRev != "" || a.newFromMergeBase != "" {
		if err := c.newCodeOnly(run, fp); err != nil {
			return &usageError{err.Error()}
		}
	}
	return nil
}

// scopeFunc reports whether a repository-relative file lies under one of
// the checked paths and is not excluded, so that baseline entries of files
// outside this run are not called stale.
func scopeFunc(root, cwd string, paths []string, cfg *config.Config) func(string) bool {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var roots []string
	for _, p := range paths {
		if p == "-" {
			continue
		}
		abs := p
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, p)
		}
		if real, err := filepath.EvalSymlinks(abs); err == nil {
			abs = real
		}
		roots = append(roots, abs)
	}
	return func(file string) bool {
		abs := filepath.Join(root, filepath.FromSlash(file))
		if cfg != nil && cfg.Excluded(abs) {
			return false
		}
		for _, r := range roots {
			if abs == r || strings.HasPrefix(abs, r+string(filepath.Separator)) {
				return true
			}
		}
		return false
	}
}

// newCodeOnly keeps the findings on lines changed since the revision.
func (c *checkFlags) newCodeOnly(run *report.Run, fp *baseline.Fingerprinter) error {
	a := &c.adopt
	ctx := context.Background()
	root, err := baseline.RepoRoot(ctx, fp.Dir)
	if err != nil {
		return fmt.Errorf("--new-from-rev needs a git repository: %w", err)
	}
	fp.Root = root
	rev := a.newFromRev
	if a.newFromMergeBase != "" {
		if rev, err = baseline.MergeBase(ctx, root, a.newFromMergeBase); err != nil {
			return fmt.Errorf("--new-from-merge-base %s: %w", a.newFromMergeBase, err)
		}
	}
	changes, err := baseline.Changed(ctx, root, rev)
	if err != nil {
		return fmt.Errorf("--new-from-rev %s: %w", rev, err)
	}
	blocks := map[string][][2]int{}
	kept := run.Findings[:0]
	for _, f := range run.Findings {
		if f.File == "" || strings.Contains(f.File, "://") {
			kept = append(kept, f) // live findings are not in the repository
			continue
		}
		rel := fp.RepoPath(f.File)
		if strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "../") {
			kept = append(kept, f) // outside the repository: git knows nothing
			continue
		}
		b, ok := blocks[f.File]
		if !ok {
			if k, _ := engine.ClassifyName(f.File); k == engine.KindCompose {
				b = baseline.ServiceBlocks(run.Source(f.File))
			}
			blocks[f.File] = b
		}
		from, to := baseline.FindingSpan(&f, b)
		if changes.Touches(rel, from, to) {
			kept = append(kept, f)
		}
	}
	run.Findings = kept
	return nil
}
