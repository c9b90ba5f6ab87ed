// Package analyzers lists dockguard's Go analyzers. Each lives in its own
// package in the style of golang.org/x/tools/go/analysis/passes and reports
// diagnostics whose Category is the dockguard rule ID:
//
//   - forceremove: DG101, DG102, DG103, DG105 (force removal);
//   - killcontainer: DG104 (SIGKILL without a graceful stop), DG105 for kills
//     of a whole listing;
//   - fanout: DG106 (goroutine fan-out of Docker calls without a bound);
//   - prune: DG107 (volume pruning);
//   - memlimit: DG301 (ContainerCreate without a memory limit);
//   - cmdtimeout: DG302 (exec.Command running docker without a deadline).
//
// The same analyzers run under go vet -vettool, golangci-lint (as a module
// plugin) and dockguard check.
package analyzers

import (
	"bytes"
	"go/token"
	"go/types"
	"slices"

	"github.com/dockguard/dockguard/analyzers/cmdtimeout"
	"github.com/dockguard/dockguard/analyzers/fanout"
	"github.com/dockguard/dockguard/analyzers/forceremove"
	"github.com/dockguard/dockguard/analyzers/internal/diag"
	"github.com/dockguard/dockguard/analyzers/internal/dockerexec"
	"github.com/dockguard/dockguard/analyzers/internal/resolve"
	"github.com/dockguard/dockguard/analyzers/internal/sdk"
	"github.com/dockguard/dockguard/analyzers/killcontainer"
	"github.com/dockguard/dockguard/analyzers/memlimit"
	"github.com/dockguard/dockguard/analyzers/prune"
	"golang.org/x/tools/go/analysis"
)

// All is every analyzer with the default configuration, for
// unitchecker.Main and other drivers.
var All = []*analysis.Analyzer{
	forceremove.Analyzer,
	killcontainer.Analyzer,
	fanout.Analyzer,
	prune.Analyzer,
	memlimit.Analyzer,
	cmdtimeout.Analyzer,
}

// Config tunes a set of analyzers.
type Config struct {
	// Binaries are the container CLIs recognised in os/exec calls (nil:
	// docker, podman, nerdctl; docker-compose is always recognised).
	Binaries []string
	// ParallelLimit is the largest accepted concurrency for DG106 (0: 3).
	ParallelLimit int
	// StopTimeout is the number of seconds the graceful stops inserted by
	// fixes give a container (0: forceremove.DefaultStopTimeout, 10).
	StopTimeout int
	// Facts, when set, carries what the analyzers learn about one
	// package's functions (its command helpers) to the packages analysed
	// after it that import it, for a driver that analyses packages one at
	// a time against export data. When nil the analyzers declare
	// go/analysis facts, which go vet and golangci-lint pass between
	// packages themselves.
	Facts *FactStore
	// Syntax, when set, summarises from source the helpers of other
	// packages of the module that code checked without type information
	// calls (dockguard check's syntax-level fallback).
	Syntax SyntaxIndex
}

// SyntaxIndex summarises packages from their source (see Config.Syntax).
type SyntaxIndex = dockerexec.Syntax

// HelperFact summarises a function that runs a command line built from its
// parameters (see dockerexec.HelperFact).
type HelperFact = dockerexec.HelperFact

// SyntaxSummaries are one package's syntax-level summaries.
type SyntaxSummaries = dockerexec.Summaries

// SummariseSyntax summarises the package of files checked leniently (see
// dockerexec.SummariseSyntax).
var SummariseSyntax = dockerexec.SummariseSyntax

// SummaryKey is the key of a function (recv "") or a method in
// SyntaxSummaries.
var SummaryKey = dockerexec.SummaryKey

// FactStore carries facts between packages analysed one at a time (see
// Config.Facts). It is safe for concurrent use.
type FactStore = dockerexec.Store

// NewFactStore returns an empty FactStore.
func NewFactStore() *FactStore { return dockerexec.NewStore() }

// New returns a fresh set of every analyzer configured by cfg. The
// analyzers share one exec-site helper, so each os/exec call is judged once.
func New(cfg Config) []*analysis.Analyzer {
	exec := dockerexec.New(dockerexec.Config{Binaries: cfg.Binaries, ParallelLimit: cfg.ParallelLimit, Facts: cfg.Facts, Syntax: cfg.Syntax})
	return []*analysis.Analyzer{
		forceremove.New(exec, cfg.StopTimeout),
		killcontainer.New(exec),
		fanout.New(exec, cfg.ParallelLimit),
		prune.New(exec),
		memlimit.New(exec),
		cmdtimeout.New(exec),
	}
}

// Rules maps each analyzer name to the rule IDs it reports.
var Rules = map[string][]string{
	"forceremove":   {"DG101", "DG102", "DG103", "DG105", "DG001"},
	"killcontainer": {"DG104", "DG105"},
	"fanout":        {"DG106"},
	"prune":         {"DG107"},
	"memlimit":      {"DG301"},
	"cmdtimeout":    {"DG302"},
}

// Needles are byte strings, besides the container CLIs' names, of which a
// Go file must contain at least one for any analyzer to report in it: the
// import paths the analyzers resolve calls through, and the Docker SDK
// method names they judge (which a file can call through a field or an
// interface declared elsewhere, without naming the SDK itself). Front ends
// use them to skip type-checking files that cannot produce a finding.
var Needles = slices.Clip(append([]string{"os/exec", "moby/moby", "docker/docker", "fsouza/go-dockerclient"}, sdkMethods...))

// sdkMethods are the Docker SDK methods the analyzers judge, in both SDK
// generations' spelling.
var sdkMethods = []string{
	"ContainerRemove", "RemoveContainer", "ImageRemove", "RemoveImage",
	"ContainerKill", "KillContainer", "ContainerStop", "StopContainer",
	"ContainerRestart", "RestartContainer", "VolumesPrune", "VolumePrune",
	"PruneVolumes", "ContainerCreate", "CreateContainer",
}

// RunnerOrClientPkg reports whether importing path directly can make a
// package hold a finding by itself: a command runner (os/exec or a known
// wrapper) or a Docker SDK client package.
func RunnerOrClientPkg(path string) bool {
	return sdk.IsExecPkg(path) || dockerexec.IsRunnerPkg(path) || sdk.IsClientPkg(path)
}

// SDKPkg reports whether path belongs to a Docker SDK (a client or its API
// types), whose types a call through an interface or a field can carry.
func SDKPkg(path string) bool { return sdk.IsSDKPkg(path) }

// NamesSDKMethod reports whether src names one of the SDK methods the
// analyzers judge.
func NamesSDKMethod(src []byte) bool {
	for _, m := range sdkMethods {
		if bytes.Contains(src, []byte(m)) {
			return true
		}
	}
	return false
}

// PlainMessage removes the " (DGnnn)" suffix that the analyzers add to
// their messages for go vet and golangci-lint, for front ends that show the
// rule ID themselves.
func PlainMessage(d analysis.Diagnostic) string { return diag.TrimRule(d.Message, d.Category) }

// Diagnostic returns the diagnostic the analyzers report for a finding of
// rule on [pos, end): the rule ID as its category, the rule's page as its
// URL and " (DGnnn)" after msg. Drivers that report findings of their own
// (the directive checks of go vet mode) use it to look alike.
func Diagnostic(rule string, pos, end token.Pos, msg string) analysis.Diagnostic {
	return diag.New(rule, pos, end, msg)
}

// StandInImporter imports every path as an empty package named as the
// analyzers expect it to be, so that a file can be type-checked without its
// dependencies and its import names still resolve to their paths. The
// analyzers then match by import path where types are missing.
type StandInImporter struct{}

// Import returns an empty stand-in package for path.
func (StandInImporter) Import(path string) (*types.Package, error) {
	return types.NewPackage(path, resolve.ImportName(path)), nil
}
