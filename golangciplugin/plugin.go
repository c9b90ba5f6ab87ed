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
//	config:         path/.dockguard.yaml       # this configuration for every package (default: the nearest)
//	no-config:      false                      # ignore .dockguard.yaml files
//
// The settings are layered on top of the nearest .dockguard.yaml (rules
// that are off, severities, exclude globs), and //dockguard:ignore
// directives apply as dockguard check applies them.
package golangciplugin

import (
	"fmt"
	"go/token"
	"path/filepath"

	"github.com/dockguard/dockguard/analyzers"
	"github.com/dockguard/dockguard/analyzers/configured"
	"github.com/dockguard/dockguard/rules"
	"github.com/golangci/plugin-module-register/register"
	"golang.org/x/tools/go/analysis"
)

// Name is the linter's name in .golangci.yml.
const Name = "dockguard"

func init() {
	register.Plugin(Name, New)
}

// Settings are the plugin's settings from .golangci.yml. They are layered
// on top of the nearest .dockguard.yaml, as dockguard check reads it.
type Settings struct {
	Binaries      []string `json:"binaries"`
	ParallelLimit int      `json:"parallel-limit"`
	Disable       []string `json:"disable"`
	StopTimeout   int      `json:"stop-timeout"`
	// Config is the .dockguard.yaml for every package (default: the
	// nearest one from each package's directory); NoConfig uses none.
	Config   string `json:"config"`
	NoConfig bool   `json:"no-config"`
}

// Plugin is the golangci-lint linter plugin.
type Plugin struct {
	settings Settings
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
	if s.Config != "" && s.NoConfig {
		return nil, fmt.Errorf("dockguard settings: config and no-config contradict each other")
	}
	for _, id := range s.Disable {
		if _, ok := rules.Lookup(id); !ok {
			return nil, fmt.Errorf("dockguard settings: disable: unknown rule %q", id)
		}
	}
	return &Plugin{settings: s}, nil
}

// BuildAnalyzers returns the analyzers, configured by the settings over the
// .dockguard.yaml that applies to the directory golangci-lint runs in (for
// binaries, parallel-limit and fix.stop-timeout) and to each package's
// directory (for rules, severities, excludes and inline directives). Those
// whose rules are all disabled by the settings are left out. The
// //nolint:dockguard comments are golangci-lint's own to apply.
func (p *Plugin) BuildAnalyzers() ([]*analysis.Analyzer, error) {
	as, err := configured.Analyzers(".", p.options())
	if err != nil {
		return nil, fmt.Errorf("dockguard: %w", err)
	}
	return as, nil
}

func (p *Plugin) options() configured.Options {
	s := p.settings
	return configured.Options{
		ConfigFile:    s.Config,
		NoConfig:      s.NoConfig,
		Binaries:      s.Binaries,
		ParallelLimit: s.ParallelLimit,
		StopTimeout:   s.StopTimeout,
		Disable:       s.Disable,
		DriverNoLint:  true,
		Rewrite:       fold,
	}
}

// fold adapts a diagnostic to golangci-lint: related information is folded
// into the message, since golangci-lint would report each related position
// as an issue of its own.
func fold(fset *token.FileSet, d analysis.Diagnostic) analysis.Diagnostic {
	d.Message = foldRelated(fset, d)
	d.Related = nil
	return d
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
