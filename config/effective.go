package config

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/docker/go-units"
	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// Excluded reports whether the file or directory at abs (an absolute path)
// matches an exclude glob. Paths outside Dir are never excluded. A pattern
// matches the path or any of its parent directories, so `build/**` and
// `build` both exclude build/x.sh, also when pre-commit names the file.
func (c *Config) Excluded(abs string) bool {
	if len(c.Exclude) == 0 || c.Dir == "" {
		return false
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return false
	}
	return MatchExclude(c.Exclude, filepath.ToSlash(rel))
}

// ForcedKind returns the kind that kinds: forces on the file at abs (an
// absolute path): the first entry with a glob that matches it (see
// MatchFile). Paths outside Dir match nothing.
func (c *Config) ForcedKind(abs string) (string, bool) {
	if len(c.Kinds) == 0 || c.Dir == "" {
		return "", false
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return "", false
	}
	rel = filepath.ToSlash(rel)
	for _, k := range c.Kinds {
		if MatchFile(k.Globs, rel) {
			return k.Kind, true
		}
	}
	return "", false
}

// MatchFile reports whether the file at rel (slash-separated, relative to
// the patterns' folder) matches one of patterns: a pattern with a slash
// matches the whole path (bin/* is the files directly in bin, bin/** every
// file under it), one without a slash the file's name at any depth. Unlike
// an exclude glob, a pattern that matches a folder does not match the
// files in it: a kind is a file's, not a folder's.
func MatchFile(patterns []string, rel string) bool {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	for _, pat := range patterns {
		pat = strings.TrimPrefix(pat, "./")
		cand := rel
		if !strings.Contains(pat, "/") {
			cand = base
		}
		if ok, _ := doublestar.Match(pat, cand); ok {
			return true
		}
	}
	return false
}

// MatchExclude reports whether rel (slash-separated, relative to the
// configuration's directory) is excluded by patterns.
func MatchExclude(patterns []string, rel string) bool {
	comps := strings.Split(rel, "/")
	for _, pat := range patterns {
		pat = strings.TrimSuffix(strings.TrimPrefix(pat, "./"), "/")
		if pat == "" {
			continue
		}
		anyDepth := !strings.Contains(pat, "/")
		for i := range comps {
			cand := comps[i]
			if !anyDepth {
				cand = strings.Join(comps[:i+1], "/")
			}
			if ok, _ := doublestar.Match(pat, cand); ok {
				return true
			}
		}
	}
	return false
}

// BaselinePath returns the configured baseline file resolved against Dir,
// or "".
func (c *Config) BaselinePath() string {
	if c.Baseline == "" {
		return ""
	}
	if filepath.IsAbs(c.Baseline) || c.Dir == "" {
		return c.Baseline
	}
	return filepath.Join(c.Dir, c.Baseline)
}

// YAML renders the effective configuration, defaults included, in the
// file's own syntax, so that `dockguard config print` output can be saved
// as a .dockguard.yaml.
func (c *Config) YAML() string {
	var b strings.Builder
	if c.Path != "" {
		fmt.Fprintf(&b, "# effective configuration from %s\n", filepath.ToSlash(c.Path))
	} else {
		b.WriteString("# effective configuration (no configuration file; defaults)\n")
	}
	b.WriteString("rules:")
	if len(c.Rules) == 0 {
		b.WriteString(" {}\n")
	} else {
		b.WriteString("\n")
		for _, id := range c.ruleIDs() {
			s := c.Rules[id]
			v := s.Severity.String()
			if s.Off {
				v = "off"
			}
			fmt.Fprintf(&b, "  %s: {severity: %s}  # %s\n", id, v, rules.MustLookup(id).Name)
		}
	}
	writeList(&b, "exclude", c.Exclude, "")
	if len(c.Kinds) == 0 {
		b.WriteString("kinds: {}\n")
	} else {
		b.WriteString("kinds:\n")
		for _, k := range c.Kinds {
			writeList(&b, k.Kind, k.Globs, "  ")
		}
	}
	fmt.Fprintf(&b, "memory-budget: %s\n", formatSize(c.EffectiveMemoryBudget()))
	fmt.Fprintf(&b, "parallel-limit: %d\n", c.EffectiveParallelLimit())
	writeList(&b, "binaries", c.EffectiveBinaries(), "")
	if c.FailOn != nil {
		fmt.Fprintf(&b, "fail-on: %s\n", c.FailOn)
	} else {
		b.WriteString("fail-on: warning\n")
	}
	if c.Baseline != "" {
		fmt.Fprintf(&b, "baseline: %s\n", quote(c.Baseline))
	}
	b.WriteString("compose:\n")
	writeList(&b, "profiles", c.Compose.Profiles, "  ")
	b.WriteString("fix:\n")
	fmt.Fprintf(&b, "  stop-timeout: %d\n", (&rules.FixSettings{StopTimeout: c.Fix.StopTimeout}).Timeout())
	if c.Fix.Label != "" {
		fmt.Fprintf(&b, "  label: %s\n", quote(c.Fix.Label))
	}
	if len(c.Cleanup.Scopes) > 0 {
		b.WriteString("cleanup:\n")
		writeList(&b, "scopes", c.Cleanup.Scopes, "  ")
	}
	c.writeGuard(&b)
	b.WriteString("live:")
	l := c.Live
	if l == (Live{}) {
		b.WriteString(" {}  # the live checks' defaults apply\n")
		return b.String()
	}
	b.WriteString("\n")
	if l.StaleAfter > 0 {
		fmt.Fprintf(&b, "  stale-after: %s\n", formatDuration(l.StaleAfter))
	}
	if l.BuildCacheThreshold > 0 {
		fmt.Fprintf(&b, "  build-cache-threshold: %s\n", formatSize(l.BuildCacheThreshold))
	}
	if l.Rate > 0 {
		fmt.Fprintf(&b, "  rate: %s\n", strconv.FormatFloat(l.Rate, 'g', -1, 64))
	}
	if l.InFlight > 0 {
		fmt.Fprintf(&b, "  in-flight: %d\n", l.InFlight)
	}
	if l.Deadline > 0 {
		fmt.Fprintf(&b, "  deadline: %s\n", formatDuration(l.Deadline))
	}
	if l.SlowPing > 0 {
		fmt.Fprintf(&b, "  slow-ping: %s\n", formatDuration(l.SlowPing))
	}
	return b.String()
}

func writeList(b *strings.Builder, key string, vs []string, indent string) {
	if len(vs) == 0 {
		fmt.Fprintf(b, "%s%s: []\n", indent, key)
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, key)
	for _, v := range vs {
		fmt.Fprintf(b, "%s  - %s\n", indent, quote(v))
	}
}

// quote renders s as a YAML scalar that reads back as s.
func quote(s string) string {
	out, err := yaml.Marshal(s)
	if err != nil {
		return strconv.Quote(s)
	}
	return strings.TrimSuffix(string(out), "\n")
}

// formatSize prints n in the largest binary unit that divides it exactly,
// so that the printed value parses back to the same number.
func formatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"TiB", units.TiB}, {"GiB", units.GiB}, {"MiB", units.MiB}, {"KiB", units.KiB}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.suffix)
		}
	}
	return strconv.FormatInt(n, 10)
}

func formatDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
