package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/cache"
	"github.com/dockguard/dockguard/cishell"
	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/dockerfile"
	"github.com/dockguard/dockguard/engine"
	"github.com/dockguard/dockguard/gocheck"
	"github.com/dockguard/dockguard/jenkinsfile"
	"github.com/dockguard/dockguard/justfile"
	"github.com/dockguard/dockguard/makefiles"
	"github.com/dockguard/dockguard/python"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/shell"
	"github.com/dockguard/dockguard/systemd"
)

// frontEndOptions carry the flags that only some front ends read.
type frontEndOptions struct {
	composeFiles []string
	profiles     []string
	memoryBudget int64
	// fix shapes the fixes every front end attaches to its findings.
	fix    rules.FixSettings
	goMode gocheck.Mode
	goLoad gocheck.Load
	// goProgress, when set, is told of each Go package checked, and
	// goLoading of each module whose packages the go command lists.
	goProgress func(done, total int)
	goLoading  func()
	// cache, when set, holds results between runs; salt is the part of
	// every key that the run's settings give.
	cache *cache.Cache
	salt  cache.Key
	// sizing is the compose DG201 fix's value source (nil: none).
	sizing *compose.Sizing
}

// progressLine returns a Go progress reporter that rewrites one line of w
// (a terminal) and clears it when the last package is done, and the
// loading reporter that says, on that line, what the go command is doing
// before the first package is done (on a cold build cache, for minutes).
func progressLine(w io.Writer) (progress func(done, total int), loading func()) {
	var mu sync.Mutex
	progress = func(done, total int) {
		mu.Lock()
		defer mu.Unlock()
		if done >= total {
			fmt.Fprint(w, "\r\x1b[K")
			return
		}
		fmt.Fprintf(w, "\rGo: %d/%d packages\x1b[K", done, total)
	}
	loading = func() {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprint(w, "\rGo: listing packages (go list -export; a cold build cache takes minutes)\x1b[K")
	}
	return progress, loading
}

// wireFrontEnds connects every front end to the engine.
func wireFrontEnds(o *engine.Options, fe *frontEndOptions) {
	o.ShellFamily = map[engine.Kind]engine.FileFunc{
		engine.KindScript:             shell.CheckScript,
		engine.KindMakefile:           makefiles.Check,
		engine.KindGitHubWorkflow:     cishell.CheckGitHubWorkflow,
		engine.KindGitHubAction:       cishell.CheckGitHubAction,
		engine.KindGitLabCI:           cishell.CheckGitLabCI,
		engine.KindCircleCI:           cishell.CheckCircleCI,
		engine.KindPackageJSON:        cishell.CheckPackageJSON,
		engine.KindTaskfile:           cishell.CheckTaskfile,
		engine.KindAzurePipelines:     cishell.CheckAzurePipelines,
		engine.KindBitbucketPipelines: cishell.CheckBitbucketPipelines,
		engine.KindDrone:              cishell.CheckDrone,
		engine.KindSystemd:            systemd.Check,
		engine.KindDockerfile:         dockerfile.Check,
		engine.KindJenkinsfile:        jenkinsfile.Check,
		engine.KindJustfile:           justfile.Check,
	}
	copts := compose.Options{ComposeFiles: fe.composeFiles, Profiles: fe.profiles, MemoryBudget: fe.memoryBudget, Fix: fe.fix, MaxFileSize: o.MaxFileSize, Sizing: fe.sizing}
	// Each project's result is cached on its own, under the whole set's
	// entry (cache.Compose), so touching one file re-loads its project.
	copts.Memo = cache.ComposeProjects(fe.cache, fe.salt, nil)
	o.Memo = cache.Prefilter(fe.cache, fe.salt)
	sh := &o.Shell
	o.Compose = func(ctx context.Context, files []string) rules.Result {
		res := compose.Check(ctx, files, copts)
		for _, f := range files {
			if src, err := os.ReadFile(f); err == nil {
				res.Findings = append(res.Findings, cishell.CheckComposeCommands(f, src, sh)...)
			}
		}
		return res
	}
	for k, f := range o.ShellFamily {
		o.ShellFamily[k] = cache.File(fe.cache, fe.salt, k, f)
	}
	o.Compose = cache.Compose(fe.cache, fe.salt, o.Compose)
	o.ComposeSource = func(ctx context.Context, file string, src []byte) rules.Result {
		res := compose.CheckSource(ctx, file, src, copts)
		res.Findings = append(res.Findings, cishell.CheckComposeCommands(file, src, sh)...)
		return res
	}
	o.Python = python.New().Check
	o.PythonNeedles = python.Needles
	o.GoNeedles = analyzers.Needles
	gopts := gocheck.Options{Binaries: o.Shell.Binaries, ParallelLimit: o.Shell.ParallelLimit, Fix: fe.fix, Jobs: o.Jobs, Mode: fe.goMode, Load: fe.goLoad, Progress: fe.goProgress, Loading: fe.goLoading}
	o.Go = cache.Go(fe.cache, fe.salt, func(ctx context.Context, files []string, facts *analyzers.FactStore, reuse gocheck.ReuseFunc) ([]gocheck.Unit, rules.Result) {
		o := gopts
		o.Facts = facts
		o.Reuse = reuse
		return gocheck.CheckUnits(ctx, files, o)
	})
	o.GoSource = func(ctx context.Context, file string, src []byte) rules.Result {
		return gocheck.CheckSource(ctx, file, src, gopts)
	}
	fixed := gopts
	fixed.Progress = nil // a re-check is one package, not the run's progress
	o.GoFixed = func(ctx context.Context, file string, src []byte) rules.Result {
		return gocheck.CheckFixed(ctx, file, src, fixed)
	}
	if len(fe.composeFiles) > 0 && o.Compose != nil {
		// An explicit --compose-file set is checked even when the walk
		// finds no compose file.
		o.AlwaysCompose = true
	}
}
