package cli

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/engine"
)

// kindFlag collects --kind KIND=GLOB,GLOB… (repeatable); the values are
// checked by forcedKinds, where a bad one is a usage error.
type kindFlag []string

func (k *kindFlag) String() string { return strings.Join(*k, " ") }

func (k *kindFlag) Set(v string) error { *k = append(*k, v); return nil }

// kindRule is one parsed --kind value.
type kindRule struct {
	kind  engine.Kind
	globs []string
}

// parse reads the --kind values in order.
func (k kindFlag) parse() ([]kindRule, error) {
	var out []kindRule
	for _, v := range k {
		name, globs, ok := strings.Cut(v, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, &usageError{fmt.Sprintf("--kind %q: want KIND=GLOB[,GLOB...], such as --kind shell=bin/*,run (kinds: %s)", v, strings.Join(engine.KindNames(), ", "))}
		}
		kind, known := engine.KindByName(name)
		if !known {
			return nil, &usageError{fmt.Sprintf("--kind %q: unknown file kind %q (valid: %s)", v, name, strings.Join(engine.KindNames(), ", "))}
		}
		r := kindRule{kind: kind}
		for _, g := range splitGlobs(globs) {
			if !doublestar.ValidatePattern(g) {
				return nil, &usageError{fmt.Sprintf("--kind %q: bad glob %q", v, g)}
			}
			r.globs = append(r.globs, g)
		}
		if len(r.globs) == 0 {
			return nil, &usageError{fmt.Sprintf("--kind %q: no glob after %s=", v, name)}
		}
		out = append(out, r)
	}
	return out, nil
}

// splitGlobs splits a comma-separated list of globs, keeping the commas
// of a {a,b} alternative inside its glob.
func splitGlobs(s string) []string {
	var out []string
	depth, start := 0, 0
	add := func(g string) {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '{':
			depth++
		case '}':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth == 0 {
				add(s[start:i])
				start = i + 1
			}
		}
	}
	add(s[start:])
	return out
}

// forcedKinds builds engine.Options.Forced from --kind and the
// configuration's kinds:. The flag comes first (its globs match the path
// as reported, relative to the working directory), then the file's
// entries (relative to its folder); within each, the first match wins.
// It returns nil when neither forces anything.
func (c *checkFlags) forcedKinds() (func(string) (engine.Kind, bool), error) {
	flagRules, err := c.kinds.parse()
	if err != nil {
		return nil, err
	}
	cfg := c.adopt.cfg
	if len(flagRules) == 0 && (cfg == nil || len(cfg.Kinds) == 0) {
		return nil, nil
	}
	cwd := workDir()
	return func(display string) (engine.Kind, bool) {
		rel := display
		if filepath.IsAbs(rel) {
			r, err := filepath.Rel(cwd, rel)
			if err != nil || strings.HasPrefix(r, "..") {
				rel = ""
			} else {
				rel = filepath.ToSlash(r)
			}
		}
		if rel != "" {
			for _, r := range flagRules {
				if config.MatchFile(r.globs, rel) {
					return r.kind, true
				}
			}
		}
		if cfg == nil {
			return engine.KindNone, false
		}
		abs := display
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, filepath.FromSlash(display))
		}
		if name, ok := cfg.ForcedKind(abs); ok {
			return engine.KindByName(name)
		}
		return engine.KindNone, false
	}, nil
}
