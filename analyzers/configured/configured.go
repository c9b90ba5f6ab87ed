// Package configured gives drivers that run dockguard's Go analyzers
// themselves (go vet -vettool, the golangci-lint plugin) what `dockguard
// check` applies to the analyzers' diagnostics: the nearest .dockguard.yaml
// (rules that are off, severities, exclude globs, binaries, parallel-limit,
// fix.stop-timeout) and the inline directives (//dockguard:ignore,
// //dockguard:ignore-file, //nolint:dockguard), with DG002 for a directive
// that hides nothing and DG003 for a malformed one.
//
// Each analyzer's Run is wrapped so that its pass.Report goes through one
// filter, and a last analyzer, "directives", which requires all the others
// and so runs after them on each package, reports the directives' own
// findings. Matching and the DG002/DG003 messages are package suppress's,
// as in check.
package configured

import (
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"sync"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/suppress"
	"golang.org/x/tools/go/analysis"
)

// DirectivesName is the name of the analyzer that reports malformed and
// unused directives.
const DirectivesName = "directives"

// Options are a driver's settings, layered on top of the configuration
// file: a field that is set wins over the file.
type Options struct {
	// ConfigFile is the configuration file for every package; NoConfig
	// uses none. By default each package gets the nearest .dockguard.yaml
	// (config.FindForPackage).
	ConfigFile string
	NoConfig   bool
	// Binaries, ParallelLimit and StopTimeout override the file's
	// binaries, parallel-limit and fix.stop-timeout when set.
	Binaries      []string
	ParallelLimit int
	StopTimeout   int
	// Disable are rule IDs turned off on top of the file's.
	Disable []string
	// DriverNoLint is set when the driver applies //nolint:dockguard
	// itself (golangci-lint does, and reports unused ones with
	// nolintlint), so that those comments are left to it.
	DriverNoLint bool
	// Rewrite adapts each diagnostic that is kept for the driver (nil:
	// unchanged). It sees the message with its " (DGnnn)" suffix.
	Rewrite func(*token.FileSet, analysis.Diagnostic) analysis.Diagnostic
}

// Analyzers returns every analyzer, configured for packages in dir: the
// analyzers' own settings (binaries, parallel limit, stop timeout) come
// from the configuration that applies to dir, while rules, severities,
// excludes and directives are taken per package from the configuration
// that applies to each package's directory. Analyzers whose rules are all
// in o.Disable are left out. The last analyzer is DirectivesName.
func Analyzers(dir string, o Options) ([]*analysis.Analyzer, error) {
	f := &filter{o: o, disabled: map[string]bool{}, configs: map[string]*loaded{}, files: map[fileKey]*fileState{}}
	for _, id := range o.Disable {
		r, ok := rules.Lookup(id)
		if !ok {
			return nil, fmt.Errorf("disable: unknown rule %q", id)
		}
		f.disabled[r.ID] = true
	}
	cfg, err := f.config(dir)
	if err != nil {
		return nil, err
	}
	ac := analyzers.Config{Binaries: cfg.Binaries, ParallelLimit: cfg.ParallelLimit, StopTimeout: cfg.Fix.StopTimeout}
	if len(o.Binaries) > 0 {
		ac.Binaries = o.Binaries
	}
	if o.ParallelLimit > 0 {
		ac.ParallelLimit = o.ParallelLimit
	}
	if o.StopTimeout > 0 {
		ac.StopTimeout = o.StopTimeout
	}
	var out []*analysis.Analyzer
	for _, a := range analyzers.New(ac) {
		on := 0
		for _, id := range analyzers.Rules[a.Name] {
			if !f.disabled[id] {
				on++
			}
		}
		if on == 0 {
			continue
		}
		out = append(out, f.wrap(a))
	}
	out = append(out, &analysis.Analyzer{
		Name:     DirectivesName,
		Doc:      "report dockguard directives that are malformed (DG003) or hide no finding (DG002)",
		URL:      rules.MustLookup("DG002").HelpURI(),
		Requires: append([]*analysis.Analyzer(nil), out...),
		Run:      f.directives,
	})
	return out, nil
}

// filter is the state the wrapped analyzers share. Analyzers of one
// package run concurrently, and golangci-lint analyses packages
// concurrently in one process, hence the lock.
type filter struct {
	o        Options
	disabled map[string]bool

	mu      sync.Mutex
	configs map[string]*loaded // by package directory
	files   map[fileKey]*fileState
}

type loaded struct {
	cfg *config.Config
	err error
}

// fileKey names a file of one package: a file belongs to a package and
// to its test variant, which golangci-lint may analyse side by side.
type fileKey struct {
	pkg  *types.Package
	name string
}

// fileState is one file's directives and whether it is excluded.
type fileState struct {
	excluded bool
	df       *suppress.File // nil without directives
}

// config returns the configuration that applies to the package directory
// dir, loading each file once.
func (f *filter) config(dir string) (*config.Config, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.configLocked(dir)
}

func (f *filter) configLocked(dir string) (*config.Config, error) {
	if l, ok := f.configs[dir]; ok {
		return l.cfg, l.err
	}
	cfg, err := f.load(dir)
	f.configs[dir] = &loaded{cfg, err}
	return cfg, err
}

func (f *filter) load(dir string) (*config.Config, error) {
	switch {
	case f.o.NoConfig:
		return config.Default(), nil
	case f.o.ConfigFile != "":
		return f.loadFile(f.o.ConfigFile)
	}
	path, err := config.FindForPackage(dir)
	if err != nil {
		return nil, err
	}
	if path == "" {
		return config.Default(), nil
	}
	return f.loadFile(path)
}

// loadFile loads path once for all the directories it applies to.
func (f *filter) loadFile(path string) (*config.Config, error) {
	key := "\x00" + path
	if l, ok := f.configs[key]; ok {
		return l.cfg, l.err
	}
	cfg, err := config.Load(path)
	f.configs[key] = &loaded{cfg, err}
	return cfg, err
}

// enabled reports whether cfg and the driver leave rule id on.
func (f *filter) enabled(cfg *config.Config, id string) bool {
	return cfg.RuleOn(id) && !f.disabled[id]
}

// file returns the state of the file holding pos, reading it on first use.
func (f *filter) file(pass *analysis.Pass, cfg *config.Config, tf *token.File) *fileState {
	f.mu.Lock()
	defer f.mu.Unlock()
	key := fileKey{pass.Pkg, tf.Name()}
	if st, ok := f.files[key]; ok {
		return st
	}
	st := &fileState{}
	abs, err := filepath.Abs(tf.Name())
	if err == nil && cfg.Excluded(abs) {
		st.excluded = true
	} else if src, err := os.ReadFile(tf.Name()); err == nil {
		// A file that cannot be read again has no directives to apply;
		// its findings are reported as they are.
		ds := suppress.Parse(tf.Name(), src)
		if f.o.DriverNoLint {
			ds = withoutNoLint(ds)
		}
		if len(ds) > 0 {
			st.df = suppress.NewFile(tf.Name(), src, ds)
		}
	}
	f.files[key] = st
	return st
}

func withoutNoLint(ds []suppress.Directive) []suppress.Directive {
	out := ds[:0]
	for _, d := range ds {
		if !d.NoLint {
			out = append(out, d)
		}
	}
	return out
}

// packageDir is the directory of the package pass analyses: that of its
// first file.
func packageDir(pass *analysis.Pass) string {
	for _, file := range pass.Files {
		if tf := pass.Fset.File(file.Pos()); tf != nil {
			return filepath.Dir(tf.Name())
		}
	}
	return "."
}

// wrap returns a copy of a whose diagnostics go through the filter.
func (f *filter) wrap(a *analysis.Analyzer) *analysis.Analyzer {
	b := *a
	run := a.Run
	b.Run = func(pass *analysis.Pass) (any, error) {
		cfg, err := f.config(packageDir(pass))
		if err != nil {
			return nil, err
		}
		report := pass.Report
		pass.Report = func(d analysis.Diagnostic) {
			if d, ok := f.keep(pass, cfg, d); ok {
				report(d)
			}
		}
		defer func() { pass.Report = report }()
		return run(pass)
	}
	return &b
}

// keep applies the configuration and the directives to d, as check does:
// a rule that is off, a file that is excluded or a directive that covers
// the line drops it; a configured severity is named in the message, since
// neither go vet nor golangci-lint shows one.
func (f *filter) keep(pass *analysis.Pass, cfg *config.Config, d analysis.Diagnostic) (analysis.Diagnostic, bool) {
	r, known := rules.Lookup(d.Category)
	if known && !f.enabled(cfg, r.ID) {
		return d, false
	}
	if tf := pass.Fset.File(d.Pos); tf != nil {
		st := f.file(pass, cfg, tf)
		if st.excluded {
			return d, false
		}
		if st.df != nil && known {
			f.mu.Lock()
			hidden := st.df.Hide(r.ID, tf.Position(d.Pos).Line) != nil
			f.mu.Unlock()
			if hidden {
				return d, false
			}
		}
	}
	return f.finish(pass, cfg, d), true
}

// finish adapts a diagnostic that is kept: the driver's rewrite, then the
// configured severity.
func (f *filter) finish(pass *analysis.Pass, cfg *config.Config, d analysis.Diagnostic) analysis.Diagnostic {
	if f.o.Rewrite != nil {
		d = f.o.Rewrite(pass.Fset, d)
	}
	if r, ok := rules.Lookup(d.Category); ok {
		if sev := cfg.Severity(r.ID, r.Severity); sev != r.Severity {
			d.Message = analyzers.PlainMessage(d) + fmt.Sprintf(" (%s, %s)", r.ID, sev)
		}
	}
	return d
}

// directives reports the DG002 and DG003 findings of the package's files,
// once the other analyzers (which it requires) have offered theirs to the
// filter, and forgets the files.
func (f *filter) directives(pass *analysis.Pass) (any, error) {
	cfg, err := f.config(packageDir(pass))
	if err != nil {
		return nil, err
	}
	for _, file := range pass.Files {
		tf := pass.Fset.File(file.Pos())
		if tf == nil {
			continue
		}
		st := f.file(pass, cfg, tf)
		f.mu.Lock()
		delete(f.files, fileKey{pass.Pkg, tf.Name()})
		var problems []rules.Finding
		if st.df != nil && !st.excluded {
			problems = st.df.Problems(func(id string) bool { return f.enabled(cfg, id) })
		}
		f.mu.Unlock()
		for _, p := range problems {
			if p.Start < 0 || p.End > tf.Size() {
				continue // the file changed since it was parsed
			}
			pass.Report(f.finish(pass, cfg, analyzers.Diagnostic(p.Rule, tf.Pos(p.Start), tf.Pos(p.End), p.Message)))
		}
	}
	return nil, nil
}
