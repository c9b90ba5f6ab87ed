// Package endpoint finds the Docker daemon the way the docker CLI does
// (checked against docker 28), so that `dockguard verify` talks to the same
// daemon as `docker ps` would:
//
//  1. -H/--host or --context (both at once is an error);
//  2. DOCKER_HOST;
//  3. DOCKER_CONTEXT;
//  4. currentContext in config.json under --config or DOCKER_CONFIG
//     (default ~/.docker), read from contexts/meta/<sha256(name)>/meta.json;
//  5. the default socket.
//
// TLS material comes from DOCKER_TLS_VERIFY/DOCKER_TLS and DOCKER_CERT_PATH
// for the default context, and from contexts/tls/<sha256(name)>/docker for a
// named context.
package endpoint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// DefaultHost is the daemon socket used when nothing else is configured.
const DefaultHost = "unix:///var/run/docker.sock"

// DefaultContext is the name of the implicit context built from -H,
// DOCKER_HOST and the TLS environment.
const DefaultContext = "default"

// Options are the inputs of Resolve: the command-line flags plus the
// environment and home directory, which tests replace.
type Options struct {
	// Host is -H/--host; Context is --context; ConfigDir is --config.
	Host, Context, ConfigDir string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// HomeDir replaces the user's home directory when not empty.
	HomeDir string
}

// TLS names the client certificate files. Empty names are not used.
type TLS struct {
	CAFile, CertFile, KeyFile string
	// SkipVerify disables verification of the daemon's certificate.
	SkipVerify bool
}

// Endpoint is a resolved daemon address.
type Endpoint struct {
	// Host is the daemon URL: unix://, tcp://, ssh:// or npipe://.
	Host string `json:"host"`
	// Context is the docker context in use ("default" for none).
	Context string `json:"context"`
	// Source says which setting chose the endpoint, for messages.
	Source string `json:"source"`
	// TLS is nil for a plain connection.
	TLS *TLS `json:"-"`
}

// ErrConflict is returned when both --host and --context are given.
var ErrConflict = errors.New("conflicting options: cannot specify both --host and --context")

// Resolve returns the endpoint the docker CLI would use for the same flags,
// environment and configuration.
func Resolve(o Options) (Endpoint, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if o.Host != "" && o.Context != "" {
		return Endpoint{}, ErrConflict
	}
	cfgDir, err := configDir(o, getenv)
	if err != nil {
		return Endpoint{}, err
	}
	name, source := "", ""
	switch {
	case o.Context != "":
		name, source = o.Context, "--context"
	case o.Host != "":
		return defaultEndpoint(o.Host, "--host", cfgDir, getenv)
	case getenv("DOCKER_HOST") != "":
		return defaultEndpoint(getenv("DOCKER_HOST"), "DOCKER_HOST", cfgDir, getenv)
	case getenv("DOCKER_CONTEXT") != "":
		name, source = getenv("DOCKER_CONTEXT"), "DOCKER_CONTEXT"
	default:
		cur, err := currentContext(cfgDir)
		if err != nil {
			return Endpoint{}, err
		}
		if cur != "" {
			name, source = cur, "currentContext in "+filepath.Join(cfgDir, "config.json")
		}
	}
	if name == "" || name == DefaultContext {
		host := getenv("DOCKER_HOST")
		src := "DOCKER_HOST"
		if host == "" {
			host, src = DefaultHost, "default socket"
		}
		if name == DefaultContext {
			src = source + " (default context, " + src + ")"
		}
		return defaultEndpoint(host, src, cfgDir, getenv)
	}
	ep, err := namedContext(cfgDir, name)
	if err != nil {
		return Endpoint{}, fmt.Errorf("context %q (from %s): %w", name, source, err)
	}
	ep.Source = source
	return ep, nil
}

func configDir(o Options, getenv func(string) string) (string, error) {
	if o.ConfigDir != "" {
		return o.ConfigDir, nil
	}
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d, nil
	}
	home := o.HomeDir
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find the docker config directory: %w", err)
		}
		home = h
	}
	return filepath.Join(home, ".docker"), nil
}

func currentContext(cfgDir string) (string, error) {
	path := filepath.Join(cfgDir, "config.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read docker config: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return "", nil
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", fmt.Errorf("parse docker config %s: %w", path, err)
	}
	return cfg.CurrentContext, nil
}

// ContextDir returns the directory name the docker CLI uses for a context:
// the hex SHA-256 of its name.
func ContextDir(name string) string {
	sum := sha256.Sum256([]byte(name))
	return hex.EncodeToString(sum[:])
}

func namedContext(cfgDir, name string) (Endpoint, error) {
	dir := ContextDir(name)
	path := filepath.Join(cfgDir, "contexts", "meta", dir, "meta.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return Endpoint{}, fmt.Errorf("context not found (no %s); `docker context ls` lists the known ones", path)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("read context: %w", err)
	}
	var meta struct {
		Name      string `json:"Name"`
		Endpoints map[string]struct {
			Host          string `json:"Host"`
			SkipTLSVerify bool   `json:"SkipTLSVerify"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return Endpoint{}, fmt.Errorf("parse %s: %w", path, err)
	}
	d, ok := meta.Endpoints["docker"]
	if !ok || d.Host == "" {
		return Endpoint{}, fmt.Errorf("%s has no docker endpoint", path)
	}
	if err := checkHost(d.Host); err != nil {
		return Endpoint{}, err
	}
	ep := Endpoint{Host: d.Host, Context: name}
	tlsDir := filepath.Join(cfgDir, "contexts", "tls", dir, "docker")
	if t := tlsFiles(tlsDir); t != nil {
		t.SkipVerify = d.SkipTLSVerify
		ep.TLS = t
	} else if d.SkipTLSVerify && strings.HasPrefix(d.Host, "tcp://") {
		ep.TLS = &TLS{SkipVerify: true}
	}
	return ep, nil
}

// tlsFiles returns the certificate files present in dir, or nil when there
// are none.
func tlsFiles(dir string) *TLS {
	var t TLS
	found := false
	for name, dst := range map[string]*string{"ca.pem": &t.CAFile, "cert.pem": &t.CertFile, "key.pem": &t.KeyFile} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			*dst = p
			found = true
		}
	}
	if !found {
		return nil
	}
	return &t
}

func defaultEndpoint(host, source, cfgDir string, getenv func(string) string) (Endpoint, error) {
	if err := checkHost(host); err != nil {
		return Endpoint{}, fmt.Errorf("%s: %w", source, err)
	}
	ep := Endpoint{Host: host, Context: DefaultContext, Source: source}
	// As in the docker CLI, TLS is on when DOCKER_TLS_VERIFY or DOCKER_TLS
	// is set; the files come from DOCKER_CERT_PATH, else the config folder.
	verify := getenv("DOCKER_TLS_VERIFY") != ""
	if verify || getenv("DOCKER_TLS") != "" {
		certDir := getenv("DOCKER_CERT_PATH")
		if certDir == "" {
			certDir = cfgDir
		}
		t := tlsFiles(certDir)
		if t == nil {
			t = &TLS{}
		}
		t.SkipVerify = !verify
		if !verify {
			// Without verification the CA is irrelevant.
			t.CAFile = ""
		}
		ep.TLS = t
	}
	return ep, nil
}

func checkHost(host string) error {
	scheme, rest, ok := strings.Cut(host, "://")
	if !ok || rest == "" {
		return fmt.Errorf("invalid daemon host %q: want unix://PATH, tcp://HOST:PORT or ssh://[USER@]HOST", host)
	}
	switch scheme {
	case "unix", "tcp", "ssh", "npipe":
		return nil
	}
	return fmt.Errorf("invalid daemon host %q: unsupported scheme %q (want unix, tcp, ssh or npipe)", host, scheme)
}
