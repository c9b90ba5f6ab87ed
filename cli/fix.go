package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/fix"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
)

// fixFlags are the flags that shape and apply fixes, shared by check and
// fix. Front-end-specific fix flags (compose limits, ...) belong here
// too: register them in register, copy their .dockguard.yaml keys in
// applyConfig, and hand them to the front end in wireFrontEnds through
// frontEndOptions.
type fixFlags struct {
	fix, diff   bool
	stopTimeout int
	label       string
	// rules is `dockguard fix --rules`: the fixable rules to run.
	rules listFlag
}

// register adds the flags; modes adds --fix and --diff (check), which
// the fix command implies.
func (f *fixFlags) register(fs *flag.FlagSet, modes bool) {
	if modes {
		fs.BoolVar(&f.fix, "fix", false, "apply the findings' fixes in place, then report what is left")
		fs.BoolVar(&f.diff, "diff", false, "print the fixes as a unified diff and change nothing (exit code as without it)")
	} else {
		fs.BoolVar(&f.diff, "diff", false, "print the fixes as a unified diff instead of applying them")
		fs.Var(&f.rules, "rules", "fix only these rules (IDs or names, comma-separated; default: every fixable rule)")
	}
	fs.IntVar(&f.stopTimeout, "stop-timeout", rules.DefaultStopTimeout, "seconds of grace the `docker stop --time` written by fixes gives")
	fs.StringVar(&f.label, "fix-label", "", "KEY=VALUE label that scopes the fix of a mass force removal (DG105); without it DG105 gets no fix")
}

// active reports whether fixes are applied or printed.
func (f *fixFlags) active() bool { return f.fix || f.diff }

// applyConfig copies the fix: section into the flags the user did not give.
func (f *fixFlags) applyConfig(set map[string]bool, cfg *config.Config) error {
	if cfg != nil {
		if !set["stop-timeout"] && cfg.Fix.StopTimeout > 0 {
			f.stopTimeout = cfg.Fix.StopTimeout
		}
		if !set["fix-label"] && cfg.Fix.Label != "" {
			f.label = cfg.Fix.Label
		}
	}
	if f.fix && f.diff {
		return &usageError{"--fix and --diff contradict each other: --diff prints the fixes, --fix applies them"}
	}
	if f.stopTimeout < 1 {
		return &usageError{"--stop-timeout must be at least 1 (a stop with no time to stop is a kill)"}
	}
	if f.label != "" {
		if err := config.CheckLabel(f.label); err != nil {
			return &usageError{"--fix-label: " + err.Error()}
		}
	}
	return nil
}

// settings is what the front ends receive.
func (f *fixFlags) settings() rules.FixSettings {
	return rules.FixSettings{StopTimeout: f.stopTimeout, Label: f.label, Explain: f.active()}
}

// fixableSelection returns the predicate of the rules `dockguard fix`
// runs: the fixable ones, or those of --rules.
func fixableSelection(names []string) (func(string) bool, error) {
	set := map[string]bool{}
	if len(names) == 0 {
		for _, r := range rules.Catalogue {
			if r.Fixable {
				set[r.ID] = true
			}
		}
	}
	for _, n := range names {
		r, ok := rules.Lookup(n)
		if !ok {
			msg := fmt.Sprintf("--rules: unknown rule %q", n)
			if s := rules.Suggest(n); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", s[0])
			}
			return nil, &usageError{msg}
		}
		if !r.Fixable {
			return nil, &usageError{fmt.Sprintf("--rules: %s (%s) has no fix; the fixable rules are %s", r.ID, r.Name, strings.Join(fixableIDs(), ", "))}
		}
		set[r.ID] = true
	}
	return func(id string) bool { return set[id] }, nil
}

func fixableIDs() []string {
	var ids []string
	for _, r := range rules.Catalogue {
		if r.Fixable {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

// fixRoots are the directories fixed files must lie in once their links
// are resolved: each checked directory, or the directory of each checked
// file, as written and with its links resolved.
func fixRoots(paths []string) []string {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var roots []string
	for _, p := range paths {
		if p == "-" {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if st, err := os.Lstat(abs); err == nil && !st.IsDir() {
			if st.Mode()&os.ModeSymlink == 0 || !isDir(abs) {
				abs = filepath.Dir(abs)
			}
		}
		roots = append(roots, abs)
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			roots = append(roots, real)
		}
	}
	return roots
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// applyFixes runs package fix on the run's findings, which are exactly
// those check reports (suppressions, baseline and --new-from-rev already
// applied), then updates run to what is left: applied findings leave it,
// the others move with the edits. With --diff it writes the diff to
// stdout instead and leaves run as it is.
func applyFixes(env *Env, f *fixFlags, opts *engine.Options, res *engine.Result, run *report.Run, paths []string) error {
	ctx := context.Background()
	stdinName := ""
	for _, p := range paths {
		if p == "-" {
			stdinName = opts.StdinFilename
			if stdinName == "" {
				stdinName = "<stdin>"
			}
		}
	}
	if f.fix && stdinName != "" {
		return &usageError{"--fix cannot write standard input; use --diff"}
	}
	fres := fix.Run(ctx, run.Findings, &fix.Options{
		Checked: func(file string) *fix.Checked { return res.Checked[file] },
		Recheck: func(ctx context.Context, file string, src []byte) []rules.Finding {
			if stdinName != "" && file == stdinName {
				return engine.CheckSource(ctx, opts, file, src)
			}
			// Files on disk are re-checked as the run checked them: Go
			// in its package, with types.
			return engine.RecheckFile(ctx, opts, file, src)
		},
		Dir:      run.Dir,
		Roots:    fixRoots(paths),
		Write:    f.fix,
		InMemory: func(file string) bool { return stdinName != "" && file == stdinName },
	})
	for _, r := range fres.Rejected {
		run.Notes = append(run.Notes, rules.Note{File: r.Finding.File, Message: fmt.Sprintf("%s at line %d: %s", r.Finding.Rule, r.Finding.Line, r.Reason)})
	}
	run.Notes = append(run.Notes, fres.Errors...)
	if f.diff {
		if err := fres.WriteDiff(env.Stdout); err != nil {
			return fmt.Errorf("write the diff: %w", err)
		}
		fmt.Fprintf(env.Stderr, "dockguard: %s would be fixed in %s; run with --fix to apply\n", plural(len(fres.Applied), "finding"), plural(len(fres.Files), "file"))
		return nil
	}
	updateRun(run, fres)
	fmt.Fprintf(env.Stderr, "dockguard: fixed %s in %s\n", plural(len(fres.Applied), "finding"), plural(len(fres.Files), "file"))
	return nil
}

// updateRun removes the applied findings from run and moves the others of
// the fixed files to where their text now is.
func updateRun(run *report.Run, fres *fix.Result) {
	done := map[string]map[[3]int]bool{}
	for _, f := range fres.Applied {
		k := [3]int{f.Start, f.End, ruleNum(f.Rule)}
		if done[f.File] == nil {
			done[f.File] = map[[3]int]bool{}
		}
		done[f.File][k] = true
	}
	files := map[string]*fix.File{}
	for _, f := range fres.Files {
		files[f.Name] = f
	}
	kept := run.Findings[:0]
	for _, f := range run.Findings {
		if done[f.File][[3]int{f.Start, f.End, ruleNum(f.Rule)}] && len(f.Fixes) > 0 {
			continue
		}
		if ff, ok := files[f.File]; ok {
			fix.Move(&f, ff)
		}
		kept = append(kept, f)
	}
	run.Findings = kept
	sort.SliceStable(run.Findings, func(i, j int) bool { return engine.Less(&run.Findings[i], &run.Findings[j]) })
	prev := run.Source
	run.Source = func(file string) []byte {
		if ff, ok := files[file]; ok {
			return ff.After
		}
		if prev == nil {
			return nil
		}
		return prev(file)
	}
}

// ruleNum turns DGnnn into nnn for a compact map key.
func ruleNum(id string) int {
	n, _ := strconv.Atoi(strings.TrimPrefix(id, "DG"))
	return n
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
