package config

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/docker/go-units"
	"gopkg.in/yaml.v3"

	"github.com/dockguard/dockguard/rules"
)

// Keys lists every key the file accepts, by section ("" is the top level).
// The JSON Schema is tested against it.
var Keys = map[string][]string{
	"":        {"rules", "exclude", "kinds", "memory-budget", "parallel-limit", "binaries", "fail-on", "baseline", "compose", "fix", "live", "cleanup", "guard"},
	"rules.*": {"severity"},
	"kinds":   FileKinds,
	"compose": {"profiles"},
	"fix":     {"stop-timeout", "label"},
	"live":    {"stale-after", "build-cache-threshold", "rate", "in-flight", "deadline", "slow-ping"},
	"cleanup": {"scopes"},
	"guard": {"listen", "in-flight", "read-in-flight", "queue", "queue-timeout", "interval", "stop-timeout",
		"graceful-kill", "burst-removals", "breaker-threshold", "breaker-cooldown", "deny"},
}

// CleanupScopes are the values cleanup.scopes accepts.
var CleanupScopes = []string{"containers", "running", "build-cache", "volumes", "all-volumes", "images", "all-images", "all"}

// Severities are the values a rule's severity accepts.
var Severities = []string{"error", "warning", "info", "off"}

// parser collects every problem of one file instead of stopping at the first.
type parser struct {
	file string
	src  []byte
	errs Errors
	seen map[errorKey]bool
}

// errorf records a problem at n. An alias makes one node reachable many
// times (a YAML bomb: millions of times), and its problem is one problem:
// it is recorded once.
func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	e := &Error{File: p.file, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line = n.Line
		e.Column = rules.RuneColumnToByte(p.src, n.Line, n.Column)
	}
	key := errorKey{e.Line, e.Column, e.Msg}
	if p.seen[key] {
		return
	}
	if p.seen == nil {
		p.seen = map[errorKey]bool{}
	}
	p.seen[key] = true
	p.errs = append(p.errs, e)
}

type errorKey struct {
	line, col int
	msg       string
}

// Parse validates and decodes a configuration file's contents; path is
// used in messages and to resolve relative paths.
func Parse(path string, data []byte) (cfg *Config, err error) {
	cfg = Default()
	cfg.Path = path
	if abs, err := filepath.Abs(path); err == nil {
		cfg.Dir = filepath.Dir(abs)
		// The engine reports real paths; resolve links so excludes match.
		if real, err := filepath.EvalSymlinks(cfg.Dir); err == nil {
			cfg.Dir = real
		}
	}
	p := &parser{file: path, src: data}
	defer func() {
		// yaml.v3 has panicked on hostile input before; a bad file is a
		// usage error, never a crash.
		if r := recover(); r != nil {
			cfg, err = nil, Errors{{File: path, Msg: fmt.Sprintf("cannot parse: %v", r)}}
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, msg := yamlErrorLine(err)
		col := 0
		if line > 0 {
			col = 1
		}
		return nil, Errors{{File: path, Line: line, Column: col, Msg: msg}}
	}
	if len(doc.Content) == 0 {
		return cfg, nil // an empty file is the defaults
	}
	root := doc.Content[0]
	if isNull(root) {
		return cfg, nil
	}
	p.mapping(root, "", func(key string, k, v *yaml.Node) {
		switch key {
		case "rules":
			p.rules(v, cfg)
		case "exclude":
			for _, s := range p.strings(v, key) {
				if err := checkGlob(s.value); err != nil {
					p.errorf(s.node, "exclude: bad glob %q: %v", s.value, err)
					continue
				}
				cfg.Exclude = append(cfg.Exclude, s.value)
			}
		case "kinds":
			p.mapping(v, "kinds", func(kind string, _, v *yaml.Node) {
				k := KindGlobs{Kind: kind}
				for _, s := range p.strings(v, "kinds."+kind) {
					if err := checkGlob(s.value); err != nil {
						p.errorf(s.node, "kinds.%s: bad glob %q: %v", kind, s.value, err)
						continue
					}
					k.Globs = append(k.Globs, s.value)
				}
				if len(k.Globs) > 0 {
					cfg.Kinds = append(cfg.Kinds, k)
				}
			})
		case "memory-budget":
			cfg.MemoryBudget = p.size(v, key)
		case "parallel-limit":
			cfg.ParallelLimit = p.positiveInt(v, key)
		case "binaries":
			for _, s := range p.strings(v, key) {
				if !slices.Contains(KnownBinaries, s.value) {
					p.errorf(s.node, "binaries: unknown binary %q%s (known: %s)", s.value, didYouMean(s.value, KnownBinaries), strings.Join(KnownBinaries, ", "))
					continue
				}
				cfg.Binaries = append(cfg.Binaries, s.value)
			}
		case "fail-on":
			if s, ok := p.scalar(v, key); ok {
				sev, err := rules.ParseSeverity(s)
				if err != nil {
					p.errorf(v, "fail-on: unknown severity %q%s (want error, warning, info or none)", s, didYouMean(s, []string{"error", "warning", "info", "none"}))
				} else {
					cfg.FailOn = &sev
				}
			}
		case "baseline":
			if s, ok := p.scalar(v, key); ok {
				cfg.Baseline = s
			}
		case "compose":
			p.mapping(v, "compose", func(key string, _, v *yaml.Node) {
				if key == "profiles" {
					for _, s := range p.strings(v, "compose.profiles") {
						cfg.Compose.Profiles = append(cfg.Compose.Profiles, s.value)
					}
				}
			})
		case "fix":
			p.mapping(v, "fix", func(key string, _, v *yaml.Node) {
				switch key {
				case "stop-timeout":
					cfg.Fix.StopTimeout = p.positiveInt(v, "fix.stop-timeout")
				case "label":
					if s, ok := p.scalar(v, "fix.label"); ok {
						if err := CheckLabel(s); err != nil {
							p.errorf(v, "fix.label: %v", err)
						} else {
							cfg.Fix.Label = s
						}
					}
				}
			})
		case "live":
			p.mapping(v, "live", func(key string, _, v *yaml.Node) {
				name := "live." + key
				switch key {
				case "stale-after":
					cfg.Live.StaleAfter = p.duration(v, name)
				case "build-cache-threshold":
					cfg.Live.BuildCacheThreshold = p.size(v, name)
				case "rate":
					cfg.Live.Rate = p.positiveFloat(v, name)
				case "in-flight":
					cfg.Live.InFlight = p.positiveInt(v, name)
				case "deadline":
					cfg.Live.Deadline = p.duration(v, name)
				case "slow-ping":
					cfg.Live.SlowPing = p.duration(v, name)
				}
			})
		case "guard":
			p.parseGuard(v, cfg)
		case "cleanup":
			p.mapping(v, "cleanup", func(key string, _, v *yaml.Node) {
				if key != "scopes" {
					return
				}
				for _, s := range p.strings(v, "cleanup.scopes") {
					if !slices.Contains(CleanupScopes, s.value) {
						p.errorf(s.node, "cleanup.scopes: unknown scope %q (want one of %s)", s.value, strings.Join(CleanupScopes, ", "))
						continue
					}
					cfg.Cleanup.Scopes = append(cfg.Cleanup.Scopes, s.value)
				}
			})
		}
	})
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return cfg, nil
}

// yamlErrorLine splits a yaml.v3 syntax error ("yaml: line 3: did not
// find expected key") into its line and message.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	rest, ok := strings.CutPrefix(msg, "line ")
	if !ok {
		return 0, msg
	}
	num, text, ok := strings.Cut(rest, ": ")
	n, convErr := strconv.Atoi(num)
	if !ok || convErr != nil {
		return 0, msg
	}
	return n, text
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// mapping walks a mapping node whose keys must be in Keys[section]; fn is
// called for every known key. Unknown and repeated keys are errors.
func (p *parser) mapping(n *yaml.Node, section string, fn func(key string, k, v *yaml.Node)) {
	n = resolveAlias(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		where := "the file"
		if section != "" {
			where = section
		}
		p.errorf(n, "%s: want a mapping (key: value), got %s", where, kindName(n))
		return
	}
	known := Keys[section]
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		key := k.Value
		full := key
		if section != "" {
			full = section + "." + key
		}
		if seen[key] {
			p.errorf(k, "%s: repeated key", full)
			continue
		}
		seen[key] = true
		if !slices.Contains(known, key) {
			if section == "kinds" {
				p.errorf(k, "kinds: unknown file kind %q%s (valid: %s)", key, didYouMean(key, known), strings.Join(known, ", "))
				continue
			}
			p.errorf(k, "unknown key %q%s", full, didYouMean(key, known))
			continue
		}
		fn(key, k, v)
	}
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// rules decodes `rules:`: each key is a rule ID or name; the value is a
// severity (`DG101: warning`, `DG302: off`) or `{severity: ...}`.
func (p *parser) rules(n *yaml.Node, cfg *Config) {
	n = resolveAlias(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "rules: want a mapping of rule IDs, got %s", kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], resolveAlias(n.Content[i+1])
		r, ok := rules.Lookup(k.Value)
		if !ok {
			msg := fmt.Sprintf("rules: unknown rule %q", k.Value)
			if s := rules.Suggest(k.Value); len(s) > 0 {
				msg += fmt.Sprintf(" (did you mean %s?)", s[0])
			}
			p.errorf(k, "%s", msg)
			continue
		}
		if _, dup := cfg.Rules[r.ID]; dup {
			p.errorf(k, "rules: %s is configured twice", r.ID)
			continue
		}
		name := "rules." + k.Value
		sevNode := v
		if v.Kind == yaml.MappingNode {
			sevNode = nil
			p.mapping(v, "rules.*", func(_ string, _, sv *yaml.Node) { sevNode = sv })
			if sevNode == nil {
				continue
			}
			name += ".severity"
		}
		s, ok := p.scalar(sevNode, name)
		if !ok {
			continue
		}
		var set RuleSetting
		switch strings.ToLower(s) {
		case "off", "false", "none", "disable", "disabled":
			set.Off = true
		default:
			sev, err := rules.ParseSeverity(s)
			if err != nil || sev == rules.SeverityNone {
				p.errorf(sevNode, "%s: unknown severity %q%s (want %s)", name, s, didYouMean(s, Severities), strings.Join(Severities, ", "))
				continue
			}
			set.Severity = sev
		}
		cfg.Rules[r.ID] = set
	}
}

// scalar returns a scalar node's value; lists and mappings are errors.
func (p *parser) scalar(n *yaml.Node, name string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) {
		p.errorf(n, "%s: want a single value, got %s", name, kindName(n))
		return "", false
	}
	return n.Value, true
}

type located struct {
	value string
	node  *yaml.Node
}

// strings decodes a list of strings; a single string is accepted as a
// one-element list.
func (p *parser) strings(n *yaml.Node, name string) []located {
	if isNull(n) {
		return nil
	}
	if n.Kind == yaml.ScalarNode {
		return []located{{n.Value, n}}
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list, got %s", name, kindName(n))
		return nil
	}
	var out []located
	for _, item := range n.Content {
		item = resolveAlias(item)
		if item.Kind != yaml.ScalarNode || isNull(item) || item.Value == "" {
			p.errorf(item, "%s: want a non-empty string, got %s", name, kindName(item))
			continue
		}
		out = append(out, located{item.Value, item})
	}
	return out
}

// size decodes a byte size: "8GiB", "512m" (binary, as compose reads
// it) or a plain number of bytes.
func (p *parser) size(n *yaml.Node, name string) int64 {
	s, ok := p.scalar(n, name)
	if !ok {
		return 0
	}
	v, err := ParseSize(s)
	if err != nil || v <= 0 {
		msg := fmt.Sprintf("want a positive size such as 8GiB or 512m, got %q", s)
		if _, perr := units.RAMInBytes(s); err != nil && perr == nil {
			msg = err.Error() // a size, but one without its unit
		}
		p.errorf(n, "%s: %s", name, msg)
		return 0
	}
	return v
}

// ParseSize parses a byte size as Docker does (units.RAMInBytes: 512m,
// 8GiB, binary units). A plain number is bytes, which is what nobody means
// by `--memory-budget 4`: it is refused with a hint unless it is 0 or at
// least 1 MiB (a byte count written out).
func ParseSize(s string) (int64, error) {
	v, err := units.RAMInBytes(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size; write one such as 512MiB or 8GiB", s)
	}
	t := strings.TrimSpace(s)
	unitless := t != "" && strings.Trim(t, "0123456789.") == ""
	if unitless && v != 0 && v < 1<<20 {
		return 0, fmt.Errorf("%q has no unit, so it is %s bytes; write the unit: %sMiB or %sGiB", s, t, t, t)
	}
	return v, nil
}

func (p *parser) positiveInt(n *yaml.Node, name string) int {
	s, ok := p.scalar(n, name)
	if !ok {
		return 0
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		p.errorf(n, "%s: want a whole number of at least 1, got %q", name, s)
		return 0
	}
	return v
}

func (p *parser) positiveFloat(n *yaml.Node, name string) float64 {
	s, ok := p.scalar(n, name)
	if !ok {
		return 0
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		p.errorf(n, "%s: want a positive number, got %q", name, s)
		return 0
	}
	return v
}

// duration decodes a Go duration ("90m", "1h30m") and also days ("3d"),
// which time.ParseDuration lacks but thresholds for stale containers need.
func (p *parser) duration(n *yaml.Node, name string) time.Duration {
	s, ok := p.scalar(n, name)
	if !ok {
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil || d <= 0 {
		p.errorf(n, "%s: want a positive duration such as 24h, 90m or 3d, got %q", name, s)
		return 0
	}
	return d
}

// ParseDuration parses a Go duration, or a whole number of days ("3d").
func ParseDuration(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("bad number of days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	return time.ParseDuration(s)
}

func checkGlob(g string) error {
	if !doublestar.ValidatePattern(g) {
		return fmt.Errorf("invalid pattern")
	}
	return nil
}

// didYouMean returns ` (did you mean "x"?)` for the closest candidate, or "".
func didYouMean(s string, candidates []string) string {
	best, bestD := "", 0
	for _, c := range candidates {
		d := rules.EditDistance(strings.ToLower(s), c)
		limit := max(2, len(c)/3)
		if d <= limit && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}
