package cli

import (
	"flag"
	"strconv"

	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/rules"
)

// applyConfig loads the configuration (--config FILE, none with
// --no-config, else the .dockguard.yaml found from the working directory)
// and copies its live thresholds into the verify flags the user did not
// give (flags override the file). The configuration is returned for its
// rule settings.
func (v *verifyFlags) applyConfig(fs *flag.FlagSet) (*config.Config, error) {
	cfg, err := loadProjectConfig(nil, v.configFile, v.noConfig)
	if err != nil {
		return nil, err
	}
	v.applyLive(setFlags(fs), cfg.Live)
	return cfg, nil
}

// applyLive copies the live: section into the verify flags not in set.
func (v *verifyFlags) applyLive(set map[string]bool, l config.Live) {
	if !set["stale-after"] && l.StaleAfter > 0 {
		v.staleAfter = l.StaleAfter
	}
	if !set["build-cache-threshold"] && l.BuildCacheThreshold > 0 {
		v.buildCache = strconv.FormatInt(l.BuildCacheThreshold, 10)
	}
	if !set["rate"] && l.Rate > 0 {
		v.rate = l.Rate
	}
	if !set["max-in-flight"] && l.InFlight > 0 {
		v.maxInFlight = l.InFlight
	}
	if !set["deadline"] && l.Deadline > 0 {
		v.deadline = l.Deadline
	}
	if !set["slow-ping"] && l.SlowPing > 0 {
		v.slowPing = l.SlowPing
	}
}

// configEnabled combines a flag rule selection with the configuration's
// `off` rules; a rule named by --enable stays on.
func configEnabled(cfg *config.Config, base func(string) bool, enable []string) func(string) bool {
	if cfg == nil || len(cfg.Rules) == 0 {
		return base
	}
	explicit := map[string]bool{}
	for _, n := range enable {
		if r, ok := rules.Lookup(n); ok {
			explicit[r.ID] = true
		}
	}
	return func(id string) bool {
		if base != nil && !base(id) {
			return false
		}
		return cfg.RuleOn(id) || explicit[id]
	}
}
