// Package golangciplugin registers dockguard's Go analyzers as a
// golangci-lint v2 module plugin named "dockguard".
//
// Build a golangci-lint binary that includes it with `golangci-lint custom`
// and a .custom-gcl.yml that lists this module, then enable the linter in
// .golangci.yml under linters.settings.custom.dockguard (type: module). See
// docs/golangci-lint.md.
//
// Settings (all optional):
//
//	binaries:       [docker, podman, nerdctl]  # container CLIs recognised in os/exec calls
//	parallel-limit: 3                          # largest accepted concurrency (DG106)
//	disable:        [DG302]                    # rule IDs not to report
//	stop-timeout:   10                         # seconds the stops inserted by fixes give (golangci-lint --fix)
package golangciplugin

import (
	"fmt"
	"go/token"
	"path/filepath"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/rules"
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

// Name is the linter's name in .golangci.yml.
const Name = "dockguard"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings from .golangci.yml.
type Settings struct {
	Binaries      []string `json:"binaries"`
	ParallelLimit int      `json:"parallel-limit"`
	Disable       []string `json:"disable"`
	StopTimeout   int      `json:"stop-timeout"`
}

// Plugin is the golangci-lint linter plugin.
type Plugin struct {
	settings Settings
	disabled map[string]bool
}

var _ register.LinterPlugin = (*Plugin)(nil)

// New decodes the settings and returns the plugin.
func New(conf any) (register.LinterPlugin, error) {
	s, err := register.DecodeSettings[Settings](conf)
	if err != nil {
		return nil, fmt.Errorf("dockguard settings: %w", err)
	}
	if s.StopTimeout < 0 {
		return nil, fmt.Errorf("dockguard settings: stop-timeout must not be negative, got %d", s.StopTimeout)
	}
	if s.ParallelLimit < 0 {
		return nil, fmt.Errorf("dockguard settings: parallel-limit must not be negative, got %d", s.ParallelLimit)
	}
	p := &Plugin{settings: s, disabled: map[string]bool{}}
	for _, id := range s.Disable {
		r, ok := rules.Lookup(id)
		if !ok {
			return nil, fmt.Errorf("dockguard settings: disable: unknown rule %q", id)
		}
		p.disabled[r.ID] = true
	}
	return p, nil
}

// BuildAnalyzers returns the configured analyzers; those whose rules are
// all disabled are left out, and disabled rules are filtered from the rest.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	all := analyzers.New(analyzers.Config{Binaries: p.settings.Binaries, ParallelLimit: p.settings.ParallelLimit, StopTimeout: p.settings.StopTimeout})
	var out []*analysis.Analyzer
	for _, a := range all {
		ids := analyzers.Rules[a.Name]
		on := 0
		for _, id := range ids {
			if !p.disabled[id] {
				on++
			}
		}
		if on == 0 {
			continue
		}
		out = append(out, p.wrap(a))
	}
	return out, nil
}

// wrap adapts a's diagnostics to golangci-lint: those of disabled rules are
// dropped, and related information is folded into the message, since
// golangci-lint would report each related position as an issue of its own.
func (p *Plugin) wrap(a *analysis.Analyzer) *analysis.Analyzer {
	b := *a
	run := a.Run
	b.Run = func(pass *analysis.Pass) (any, error) {
		report := pass.Report
		pass.Report = func(d analysis.Diagnostic) {
			if p.disabled[d.Category] {
				return
			}
			d.Message = foldRelated(pass.Fset, d)
			d.Related = nil
			report(d)
		}
		defer func() { pass.Report = report }()
		return run(pass)
	}
	return &b
}

// foldRelated appends d's related information to its message, before the
// " (DGnnn)" suffix: "…; the listing: docker ps -aq at cleanup.go:12 (DG105)".
func foldRelated(fset *token.FileSet, d analysis.Diagnostic) string {
	if len(d.Related) == 0 {
		return d.Message
	}
	msg := analyzers.PlainMessage(d)
	suffix := d.Message[len(msg):]
	for _, r := range d.Related {
		pos := fset.Position(r.Pos)
		msg += fmt.Sprintf("; %s at %s:%d", r.Message, filepath.Base(pos.Filename), pos.Line)
	}
	return msg + suffix
}

// GetLoadMode asks for type information: the analyzers match the Docker
// SDK by type.
func (p *Plugin) GetLoadMode() string { return register.LoadModeTypesInfo }
