package compose

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/template"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
	"gopkg.in/yaml.v3"
)

// quietOnce silences compose-go's logrus warnings ("variable is not set",
// "version is obsolete"): dockguard reports what matters as findings and
// notes, and stray log lines would corrupt --format json on stderr readers.
var quietOnce sync.Once

func quietCompose() {
	quietOnce.Do(func() { logrus.StandardLogger().SetOutput(io.Discard) })
}

// scanScopedVars are variables that choose files and profiles. Set in the
// shell running dockguard they would apply to every folder of the scanned
// tree, which is never what they mean; a folder's own .env still sets them.
var scanScopedVars = []string{"COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PATH_SEPARATOR"}

// projectEnv computes the interpolation environment of a project whose
// working directory is dir, as `docker compose` does: the OS environment,
// then the folder's .env (OS variables win). With forScan, the file- and
// profile-selecting variables of the OS environment are dropped.
// The .env (or COMPOSE_ENV_FILES) must be a regular file within limit.
func projectEnv(dir string, forScan bool, limit int64) (types.Mapping, error) {
	osEnv := func() types.Mapping {
		env := types.NewMapping(os.Environ())
		if forScan {
			for _, k := range scanScopedVars {
				delete(env, k)
			}
		}
		return env
	}
	if err := vetEnvFiles(dir, limit); err != nil {
		return osEnv(), fmt.Errorf("read env file: %w", err)
	}
	fns := []cli.ProjectOptionsFn{cli.WithWorkingDirectory(dir), cli.WithOsEnv}
	if forScan {
		fns = append(fns, func(o *cli.ProjectOptions) error {
			for _, k := range scanScopedVars {
				delete(o.Environment, k)
			}
			return nil
		})
	}
	// Order matters: WithEnvFiles finds .env, WithDotEnv reads it.
	fns = append(fns, cli.WithEnvFiles(), cli.WithDotEnv)
	o, err := cli.NewProjectOptions(nil, fns...)
	if err != nil {
		// The .env file is unreadable or malformed: fall back to the OS
		// environment so the project is still checked.
		return osEnv(), fmt.Errorf("read %s: %s", filepath.Join(dir, ".env"), envErrorText(err))
	}
	return o.Environment, nil
}

// envLineRE finds the line number in the dotenv parser's errors.
var envLineRE = regexp.MustCompile(`line (\d+): ([^"'%]*)`)

// envErrorText is the dotenv parser's error without the content of the
// line it quotes: a malformed .env line often holds a secret, so only its
// number and the kind of error are said.
func envErrorText(err error) string {
	m := envLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return err.Error()
	}
	why := strings.TrimSpace(m[2])
	for _, cut := range []string{" in variable name", " quoted value"} {
		if i := strings.Index(why, cut); i >= 0 {
			why = why[:i+len(cut)]
		}
	}
	return fmt.Sprintf("line %s: %s (the line is not quoted here)", m[1], strings.TrimSuffix(why, " "))
}

// loadMode selects how forgiving a compose-go load is.
type loadMode int

const (
	strictLoad  loadMode = iota // exactly what `docker compose` accepts
	lenientLoad                 // no schema validation or consistency checks
)

// defaultProjectName mirrors compose: the working directory's base name,
// normalised. A `name:` in the files or COMPOSE_PROJECT_NAME overrides it.
func defaultProjectName(dir string) string {
	n := loader.NormalizeProjectName(filepath.Base(dir))
	if n == "" {
		n = "default"
	}
	return n
}

// loadName is the name a load gives compose-go. explicit tells
// compose-go that it is final, so that it does not decode every config
// file once more just to look for a `name:` (loader's projectName).
type loadName struct {
	name     string
	explicit bool
}

// nameFor is the project name compose-go would settle on for p: the last
// non-empty `name:` of its config files, interpolated and normalised, else
// p.name (the folder's). dockguard has parsed the files already, so the
// name it passes as explicit spares compose-go a YAML decode of each file
// on every load. It leaves the search to compose-go (explicit false) where
// its answer could differ: a file of several documents, a top level with
// merge keys, a `name:` that is not a plain string, or one that does not
// interpolate. missing is told of variables without a value, as the
// load's lookup tells it.
func nameFor(p *project, missing func(string)) loadName {
	fallback := loadName{name: p.name}
	raw := ""
	for _, f := range p.configs {
		if f.docs > 1 || (f.docs == 1 && f.root == nil) {
			return fallback
		}
		if f.root == nil {
			continue
		}
		for i := 0; i+1 < len(f.root.Content); i += 2 {
			k, v := f.root.Content[i], f.root.Content[i+1]
			if k.Kind != yaml.ScalarNode || k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0) {
				return fallback // a merge key could bring a name
			}
			if k.Value != "name" {
				continue
			}
			if v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" {
				return fallback
			}
			if v.Value != "" {
				raw = v.Value
			}
		}
	}
	if raw == "" {
		return loadName{p.name, true}
	}
	name, err := template.Substitute(raw, func(k string) (string, bool) {
		v, ok := p.env[k]
		if !ok && missing != nil {
			missing(k)
		}
		return v, ok
	})
	if err != nil {
		return fallback
	}
	if name = loader.NormalizeProjectName(name); name == "" {
		return loadName{p.name, true}
	}
	return loadName{name, true}
}

// loadProject runs compose-go over configs (given in override order, with
// their contents when known) with every profile enabled, so that every
// service is checked. missing collects variables interpolated without a
// value.
func loadProject(ctx context.Context, dir string, configs []types.ConfigFile, env types.Mapping, name loadName, mode loadMode, missing func(string)) (p *types.Project, err error) {
	quietCompose()
	defer func() {
		// compose-go is a third-party parser fed with untrusted input.
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("compose loader failed: %v", r)
		}
	}()
	// compose-go writes COMPOSE_PROJECT_NAME into the map it is given, and
	// the projects of one folder share theirs and load in parallel: each
	// load gets its own copy, so that neither a race nor one project's name
	// reaches its siblings.
	env = maps.Clone(env)
	if env == nil {
		env = types.Mapping{}
	}
	if v := env["COMPOSE_PROJECT_NAME"]; v != "" && loader.NormalizeProjectName(v) == v {
		name = loadName{v, true}
	}
	details := types.ConfigDetails{WorkingDir: dir, ConfigFiles: configs, Environment: env}
	opts := []func(*loader.Options){
		func(o *loader.Options) {
			o.SetProjectName(name.name, name.explicit)
			o.Profiles = []string{"*"}
			if mode == lenientLoad {
				o.SkipValidation = true
				o.SkipConsistencyCheck = true
			}
			if missing != nil && o.Interpolate != nil {
				ip := *o.Interpolate
				lookup := ip.LookupValue
				ip.LookupValue = func(key string) (string, bool) {
					v, ok := lookup(key)
					if !ok {
						missing(key)
					}
					return v, ok
				}
				o.Interpolate = &ip
			}
		},
	}
	return loader.LoadWithContext(ctx, details, opts...)
}

// effectiveLimit is the memory limit compose applies to s: a non-zero
// deploy.resources.limits.memory wins over mem_limit.
func effectiveLimit(s types.ServiceConfig) (limit int64, fromDeploy bool) {
	if s.Deploy != nil && s.Deploy.Resources.Limits != nil && s.Deploy.Resources.Limits.MemoryBytes > 0 {
		return int64(s.Deploy.Resources.Limits.MemoryBytes), true
	}
	if s.MemLimit > 0 {
		return int64(s.MemLimit), false
	}
	return 0, false
}

// effectiveReservation mirrors effectiveLimit for reservations.
func effectiveReservation(s types.ServiceConfig) (res int64, fromDeploy bool) {
	if s.Deploy != nil && s.Deploy.Resources.Reservations != nil && s.Deploy.Resources.Reservations.MemoryBytes > 0 {
		return int64(s.Deploy.Resources.Reservations.MemoryBytes), true
	}
	if s.MemReservation > 0 {
		return int64(s.MemReservation), false
	}
	return 0, false
}

// DeclaredLimits loads the compose project made of configFiles (absolute, or
// relative to workingDir; in override order, as the
// com.docker.compose.project.config_files label lists them) and returns the
// memory limit in bytes that compose would apply to each service now, every
// profile included; 0 means no limit. workingDir is the project directory
// (com.docker.compose.project.working_dir) whose .env is read; projectName
// may be empty. The OS environment is used for interpolation, as
// `docker compose up` run now would.
func DeclaredLimits(ctx context.Context, workingDir string, configFiles []string, projectName string) (map[string]int64, error) {
	if len(configFiles) == 0 {
		return nil, fmt.Errorf("declared limits: no compose file given")
	}
	dir := workingDir
	if dir == "" {
		dir = filepath.Dir(configFiles[0])
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("declared limits: %w", err)
	}
	env, err := projectEnv(dir, false, maxFileSize)
	if err != nil {
		return nil, fmt.Errorf("declared limits: %w", err)
	}
	configs := make([]types.ConfigFile, 0, len(configFiles))
	for _, f := range configFiles {
		if !filepath.IsAbs(f) {
			f = filepath.Join(dir, f)
		}
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("declared limits: %w", err)
		}
		configs = append(configs, types.ConfigFile{Filename: f, Content: src})
	}
	name := strings.TrimSpace(projectName)
	if name == "" || loader.NormalizeProjectName(name) != name {
		name = defaultProjectName(dir)
	}
	p, err := loadProject(ctx, dir, configs, env, loadName{name: name}, strictLoad, nil)
	if err != nil {
		// The error may quote interpolated values (secrets): mask them.
		srcs := make([][]byte, len(configs))
		for i, cf := range configs {
			srcs[i] = cf.Content
		}
		msg := redact(err.Error(), interpolatedValues(env, srcs...))
		return nil, fmt.Errorf("declared limits: load %s: %s", strings.Join(configFiles, ", "), msg)
	}
	out := make(map[string]int64, len(p.Services))
	for n, s := range p.Services {
		out[n], _ = effectiveLimit(s)
	}
	for n, s := range p.DisabledServices {
		out[n], _ = effectiveLimit(s)
	}
	return out, nil
}
