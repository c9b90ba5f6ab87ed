// Package config loads .dockguard.yaml, dockguard's per-repository
// configuration: rule severities, excluded paths, limits for the static and
// live checks, and the baseline file.
//
// Every problem is reported with the file, line and column it comes from,
// and an unknown key or value comes with a "did you mean" suggestion.
package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dockguard/dockguard/rules"
)

// FileNames are the names searched for, in order of preference.
var FileNames = []string{".dockguard.yaml", ".dockguard.yml"}

// Defaults of the settings this package owns. Live thresholds have no
// default here: zero means the live checker's own default.
const (
	DefaultParallelLimit = 3
	DefaultMemoryBudget  = 8 << 30
)

// DefaultBinaries are the container CLIs recognised when none are configured.
var DefaultBinaries = []string{"docker", "podman", "nerdctl"}

// KnownBinaries are the values `binaries` accepts.
var KnownBinaries = []string{"docker", "podman", "nerdctl", "docker-compose"}

// RuleSetting is one entry of `rules:`.
type RuleSetting struct {
	// Off disables the rule.
	Off bool
	// Severity replaces the rule's default severity when not SeverityNone.
	Severity rules.Severity
}

// Compose holds compose-related settings.
type Compose struct {
	// Profiles are the compose profiles budgeted together (DG203).
	Profiles []string
}

// Fix holds the settings of generated fixes.
type Fix struct {
	// StopTimeout is the --time of the graceful stops fixes write, in
	// seconds (0: rules.DefaultStopTimeout).
	StopTimeout int
	// Label is the KEY=VALUE label that scopes mass-removal fixes
	// (DG105); empty: those get no fix.
	Label string
}

// CheckLabel validates a --fix-label / fix.label value: KEY=VALUE with a
// key and a value that need no quoting in a shell word or a docker
// --filter (letters, digits and . _ - / :).
func CheckLabel(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return fmt.Errorf("want KEY=VALUE, got %q", s)
	}
	for _, r := range k + v {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("._-/:", r):
		default:
			return fmt.Errorf("%q: only letters, digits and . _ - / : are accepted", s)
		}
	}
	return nil
}

// Live holds the thresholds of the live daemon checks. A zero field means
// "not configured": the live checker applies its own default.
type Live struct {
	// StaleAfter is how long an exited container may stay before DG404.
	StaleAfter time.Duration
	// BuildCacheThreshold is the reclaimable build cache, in bytes, above
	// which DG406 reports.
	BuildCacheThreshold int64
	// Rate is the sustained request rate to the daemon, in requests per second.
	Rate float64
	// InFlight caps the requests the daemon processes at once.
	InFlight int
	// Deadline bounds the whole live pass (verify, report).
	Deadline time.Duration
	// SlowPing is the ping time above which the daemon is reported as
	// slow (DG408), the transport counts a failure and halves its rate.
	SlowPing time.Duration
}

// Cleanup holds the defaults of `dockguard cleanup`.
type Cleanup struct {
	// Scopes are the scopes on when no scope flag is given (see
	// CleanupScopes).
	Scopes []string
}

// Config is a loaded configuration. A zero or unset field means the
// default; Set records which top-level keys the file gave, so that
// command-line flags can override exactly those.
type Config struct {
	// Path is the file the configuration came from; empty for defaults.
	Path string
	// Dir is the directory relative paths (exclude globs, baseline) are
	// resolved against: the configuration file's directory.
	Dir string
	// Rules maps rule IDs to their setting.
	Rules map[string]RuleSetting
	// Exclude are doublestar globs relative to Dir. A pattern without a
	// slash matches a file or directory name at any depth, as in .gitignore.
	Exclude []string
	// Kinds force a file kind on the files their globs match, in the
	// file's order (the first match wins), over what the name and first
	// line say.
	Kinds []KindGlobs
	// MemoryBudget is the DG203 budget in bytes (0: DefaultMemoryBudget).
	MemoryBudget int64
	// ParallelLimit is the DG106 limit (0: DefaultParallelLimit).
	ParallelLimit int
	// Binaries are the container CLIs to recognise (nil: DefaultBinaries).
	Binaries []string
	// FailOn is the lowest severity that fails a run; nil means the
	// command's default.
	FailOn *rules.Severity
	// Baseline is the baseline file, relative to Dir; empty for none.
	Baseline string
	// Compose and Live are their sections.
	Compose Compose
	Fix     Fix
	Live    Live
	Cleanup Cleanup
	Guard   Guard
}

// KindGlobs forces one file kind (a name of FileKinds) on the files that
// Globs match: doublestar globs relative to Dir (see MatchFile).
type KindGlobs struct {
	Kind  string
	Globs []string
}

// FileKinds are the file kinds that kinds: accepts, spelt as --only and
// --kind spell them (the engine's kind names; a test keeps them equal).
var FileKinds = []string{"shell", "makefile", "github-workflow", "github-action", "gitlab-ci", "circleci", "package-json", "go", "compose", "python",
	"taskfile", "azure-pipelines", "bitbucket-pipelines", "drone", "systemd", "dockerfile", "jenkinsfile", "justfile"}

// Default returns the configuration used when there is no file.
func Default() *Config { return &Config{Rules: map[string]RuleSetting{}} }

// Error is one problem in a configuration file.
type Error struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	case e.File != "":
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return e.Msg
}

// Errors are all the problems found in one file; Error joins them by line.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// MaxFileSize bounds a configuration file; real ones are a few hundred
// bytes.
const MaxFileSize = 1 << 20

// Load reads and validates the configuration file at path. It must be a
// regular file (after symlinks) of at most MaxFileSize: `--config
// /dev/zero` once exhausted memory, and a FIFO hung the run.
func Load(path string) (*Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("read configuration: %s is not a regular file", path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	defer f.Close()
	// The size is checked on what is read, not on the stat: the file may
	// have grown (or been replaced) since.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read configuration: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("read configuration: %s is larger than %d KiB", path, MaxFileSize>>10)
	}
	return Parse(path, data)
}

// Find looks for a configuration file in dir and its parents, stopping at
// the repository root (the first directory holding .git) or the file
// system root. It returns "" when there is none.
func Find(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find configuration from %s: %w", dir, err)
	}
	// A root that is a file, or that cannot be read at all (missing, a
	// symlink loop), is looked for from its folder: the unreadable root is
	// the check's to report ("cannot read", exit 3), not a config error.
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for d := abs; ; {
		for _, name := range FileNames {
			p := filepath.Join(d, name)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p, nil
			} else if err != nil && !errors.Is(err, os.ErrNotExist) {
				return "", fmt.Errorf("find configuration: %w", err)
			}
		}
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", nil
		}
		d = parent
	}
}

// EffectiveParallelLimit returns the DG106 limit with its default applied.
func (c *Config) EffectiveParallelLimit() int {
	if c.ParallelLimit > 0 {
		return c.ParallelLimit
	}
	return DefaultParallelLimit
}

// EffectiveMemoryBudget returns the DG203 budget with its default applied.
func (c *Config) EffectiveMemoryBudget() int64 {
	if c.MemoryBudget > 0 {
		return c.MemoryBudget
	}
	return DefaultMemoryBudget
}

// EffectiveBinaries returns the recognised CLIs with the default applied.
func (c *Config) EffectiveBinaries() []string {
	if len(c.Binaries) > 0 {
		return c.Binaries
	}
	return DefaultBinaries
}

// RuleOn reports whether the configuration leaves rule id enabled.
func (c *Config) RuleOn(id string) bool { return !c.Rules[id].Off }

// Severity returns the severity a finding of rule id gets: the configured
// one, or def.
func (c *Config) Severity(id string, def rules.Severity) rules.Severity {
	if s := c.Rules[id]; !s.Off && s.Severity != rules.SeverityNone {
		return s.Severity
	}
	return def
}

// ApplySeverities rewrites the severity of findings whose rule has a
// configured severity.
func (c *Config) ApplySeverities(fs []rules.Finding) {
	if len(c.Rules) == 0 {
		return
	}
	for i := range fs {
		fs[i].Severity = c.Severity(fs[i].Rule, fs[i].Severity)
	}
}

// ruleIDs returns the configured rule IDs in order.
func (c *Config) ruleIDs() []string {
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// FindForPackage is Find for a Go package's directory, as go vet and
// golangci-lint see packages: the nearest file from dir up to the
// repository root, or, for a module outside any repository, up to the
// module root (the nearest go.mod), so that a stray file above a module in
// a temporary or home folder does not apply to it.
func FindForPackage(dir string) (string, error) {
	p, err := Find(dir)
	if p == "" || err != nil {
		return p, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("find configuration from %s: %w", dir, err)
	}
	mod := nearest(abs, "go.mod")
	at := filepath.Dir(p)
	if mod == "" || within(at, mod) || nearest(at, ".git") != "" {
		return p, nil
	}
	return "", nil
}

// nearest returns the first of dir and its parents that holds name, or "".
func nearest(dir, name string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, name)); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// within reports whether dir is root or lies below it.
func within(dir, root string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
