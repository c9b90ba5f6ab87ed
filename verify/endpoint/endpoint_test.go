package endpoint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeContext creates a docker context the way `docker context create`
// lays it out.
func writeContext(t *testing.T, cfgDir, name, host string, skipVerify bool, tlsFiles ...string) {
	t.Helper()
	dir := filepath.Join(cfgDir, "contexts", "meta", ContextDir(name))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	skip := "false"
	if skipVerify {
		skip = "true"
	}
	meta := `{"Name":"` + name + `","Metadata":{"Description":"test"},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":` + skip + `}}}`
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), []byte(meta), 0o644); err != nil {
		t.Fatal(err)
	}
	if len(tlsFiles) > 0 {
		tdir := filepath.Join(cfgDir, "contexts", "tls", ContextDir(name), "docker")
		if err := os.MkdirAll(tdir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range tlsFiles {
			if err := os.WriteFile(filepath.Join(tdir, f), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestContextDirIsSHA256(t *testing.T) {
	// `docker context create desktop-linux` stores its metadata here.
	if got := ContextDir("desktop-linux"); got != "fe9c6bd7a66301f49ca9b6a70b217107cd1284598bfc254700c989b916da791e" {
		t.Errorf("ContextDir = %s", got)
	}
}

func TestResolveOrder(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".docker")
	writeContext(t, cfg, "remote", "tcp://10.0.0.5:2376", false, "ca.pem", "cert.pem", "key.pem")
	writeContext(t, cfg, "envctx", "unix:///run/envctx.sock", false)
	writeContext(t, cfg, "current", "unix:///run/current.sock", false)
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"auths":{},"currentContext":"current"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	writeContext(t, other, "elsewhere", "unix:///run/elsewhere.sock", false)
	if err := os.WriteFile(filepath.Join(other, "config.json"), []byte(`{"currentContext":"elsewhere"}`), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		opts    Options
		env     map[string]string
		host    string
		context string
		source  string
	}{
		{"--host wins over everything", Options{Host: "unix:///run/flag.sock"}, map[string]string{"DOCKER_HOST": "tcp://x:1", "DOCKER_CONTEXT": "envctx"}, "unix:///run/flag.sock", "default", "--host"},
		{"--context wins over DOCKER_HOST", Options{Context: "remote"}, map[string]string{"DOCKER_HOST": "tcp://x:1"}, "tcp://10.0.0.5:2376", "remote", "--context"},
		{"DOCKER_HOST over DOCKER_CONTEXT", Options{}, map[string]string{"DOCKER_HOST": "tcp://x:1", "DOCKER_CONTEXT": "envctx"}, "tcp://x:1", "default", "DOCKER_HOST"},
		{"DOCKER_CONTEXT over config", Options{}, map[string]string{"DOCKER_CONTEXT": "envctx"}, "unix:///run/envctx.sock", "envctx", "DOCKER_CONTEXT"},
		{"currentContext in config.json", Options{}, nil, "unix:///run/current.sock", "current", "currentContext"},
		{"DOCKER_CONFIG moves the config", Options{}, map[string]string{"DOCKER_CONFIG": other}, "unix:///run/elsewhere.sock", "elsewhere", "currentContext"},
		{"--config beats DOCKER_CONFIG", Options{ConfigDir: other}, map[string]string{"DOCKER_CONFIG": cfg}, "unix:///run/elsewhere.sock", "elsewhere", "currentContext"},
		{"--context default uses DOCKER_HOST", Options{Context: "default"}, map[string]string{"DOCKER_HOST": "tcp://h:2375"}, "tcp://h:2375", "default", "default context"},
		{"--context default without DOCKER_HOST", Options{Context: "default"}, nil, DefaultHost, "default", "default socket"},
		{"DOCKER_CONTEXT=default", Options{}, map[string]string{"DOCKER_CONTEXT": "default"}, DefaultHost, "default", "default socket"},
		{"nothing configured", Options{HomeDir: t.TempDir()}, nil, DefaultHost, "default", "default socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			if o.HomeDir == "" {
				o.HomeDir = home
			}
			o.Getenv = env(tt.env)
			ep, err := Resolve(o)
			if err != nil {
				t.Fatal(err)
			}
			if ep.Host != tt.host || ep.Context != tt.context || !strings.Contains(ep.Source, tt.source) {
				t.Errorf("got %+v, want host %s context %s source ~%s", ep, tt.host, tt.context, tt.source)
			}
		})
	}
}

func TestConflictAndErrors(t *testing.T) {
	home := t.TempDir()
	if _, err := Resolve(Options{Host: "unix:///a", Context: "b", HomeDir: home, Getenv: env(nil)}); !errors.Is(err, ErrConflict) {
		t.Errorf("both --host and --context: %v", err)
	}
	_, err := Resolve(Options{Context: "missing", HomeDir: home, Getenv: env(nil)})
	if err == nil || !strings.Contains(err.Error(), "context not found") || !strings.Contains(err.Error(), "docker context ls") {
		t.Errorf("missing context: %v", err)
	}
	for _, bad := range []string{"localhost:2375", "http://x", "tcp://", "fd"} {
		if _, err := Resolve(Options{Host: bad, HomeDir: home, Getenv: env(nil)}); err == nil {
			t.Errorf("host %q accepted", bad)
		}
	}
	cfg := filepath.Join(home, ".docker")
	_ = os.MkdirAll(cfg, 0o755)
	_ = os.WriteFile(filepath.Join(cfg, "config.json"), []byte("{not json"), 0o600)
	if _, err := Resolve(Options{HomeDir: home, Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), "config.json") {
		t.Errorf("broken config.json: %v", err)
	}
	// An empty config.json is what some installers leave; it is fine.
	_ = os.WriteFile(filepath.Join(cfg, "config.json"), nil, 0o600)
	if ep, err := Resolve(Options{HomeDir: home, Getenv: env(nil)}); err != nil || ep.Host != DefaultHost {
		t.Errorf("empty config.json: %v %v", ep, err)
	}
}

func TestTLS(t *testing.T) {
	home := t.TempDir()
	cfg := filepath.Join(home, ".docker")
	certs := t.TempDir()
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		_ = os.WriteFile(filepath.Join(certs, f), []byte("x"), 0o600)
	}
	ep, err := Resolve(Options{HomeDir: home, Getenv: env(map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs})})
	if err != nil || ep.TLS == nil || ep.TLS.SkipVerify || ep.TLS.CAFile != filepath.Join(certs, "ca.pem") || ep.TLS.CertFile == "" || ep.TLS.KeyFile == "" {
		t.Errorf("DOCKER_TLS_VERIFY: %+v %+v %v", ep, ep.TLS, err)
	}
	ep, _ = Resolve(Options{HomeDir: home, Getenv: env(map[string]string{"DOCKER_HOST": "tcp://h:2376", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": certs})})
	if ep.TLS == nil || !ep.TLS.SkipVerify || ep.TLS.CAFile != "" {
		t.Errorf("DOCKER_TLS without verify: %+v", ep.TLS)
	}
	ep, _ = Resolve(Options{HomeDir: home, Getenv: env(map[string]string{"DOCKER_HOST": "tcp://h:2375"})})
	if ep.TLS != nil {
		t.Errorf("plain tcp got TLS %+v", ep.TLS)
	}
	writeContext(t, cfg, "secure", "tcp://h:2376", false, "ca.pem", "cert.pem", "key.pem")
	ep, _ = Resolve(Options{Context: "secure", HomeDir: home, Getenv: env(nil)})
	want := filepath.Join(cfg, "contexts", "tls", ContextDir("secure"), "docker")
	if ep.TLS == nil || filepath.Dir(ep.TLS.CAFile) != want || ep.TLS.SkipVerify {
		t.Errorf("context TLS: %+v", ep.TLS)
	}
	writeContext(t, cfg, "insecure", "tcp://h:2376", true)
	ep, _ = Resolve(Options{Context: "insecure", HomeDir: home, Getenv: env(nil)})
	if ep.TLS == nil || !ep.TLS.SkipVerify {
		t.Errorf("context SkipTLSVerify: %+v", ep.TLS)
	}
}

func TestSSHCommand(t *testing.T) {
	tests := []struct {
		host string
		want string
		err  bool
	}{
		{"ssh://me@box", "ssh -o ConnectTimeout=30 -T -l me -- box docker system dial-stdio", false},
		{"ssh://box:2222", "ssh -o ConnectTimeout=30 -T -p 2222 -- box docker system dial-stdio", false},
		{"ssh://me@box/run/user/1000/docker.sock", "ssh -o ConnectTimeout=30 -T -l me -- box docker --host unix:///run/user/1000/docker.sock system dial-stdio", false},
		{"ssh://-oProxyCommand=x", "", true},
		{"ssh://me:secret@box", "", true},
		{"ssh://box?x=1", "", true},
		{"ssh://", "", true},
		{"tcp://box", "", true},
	}
	for _, tt := range tests {
		argv, err := SSHCommand(tt.host)
		if (err != nil) != tt.err {
			t.Errorf("%s: err %v", tt.host, err)
			continue
		}
		if got := strings.Join(argv, " "); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.host, got, tt.want)
		}
	}
}

func FuzzResolveContext(f *testing.F) {
	f.Add(`{"currentContext":"x"}`, `{"Name":"x","Endpoints":{"docker":{"Host":"unix:///s"}}}`)
	f.Add(`{"currentContext":""}`, `{}`)
	f.Add("\x00\xff", `{"Endpoints":{"docker":{"Host":"ssh://me@h"}}}`)
	f.Add(`{"currentContext":"x"}`, `{"Endpoints":null}`)
	f.Fuzz(func(t *testing.T, config, meta string) {
		home := t.TempDir()
		cfg := filepath.Join(home, ".docker")
		dir := filepath.Join(cfg, "contexts", "meta", ContextDir("x"))
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(cfg, "config.json"), []byte(config), 0o600)
		_ = os.WriteFile(filepath.Join(dir, "meta.json"), []byte(meta), 0o600)
		ep, err := Resolve(Options{HomeDir: home, Getenv: env(nil)})
		if err == nil && ep.Host == "" {
			t.Fatal("no error and no host")
		}
	})
}

func FuzzSSHCommand(f *testing.F) {
	for _, s := range []string{"ssh://me@box", "ssh://box:22/x", "ssh://-x", "ssh://%zz", "ssh://[::1]:22"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, host string) {
		argv, err := SSHCommand(host)
		if err != nil {
			return
		}
		// The host never becomes an option: it always follows "--".
		i := -1
		for k, a := range argv {
			if a == "--" {
				i = k
				break
			}
		}
		if i < 0 || i+1 >= len(argv) || strings.HasPrefix(argv[i+1], "-") {
			t.Fatalf("unsafe argv %q", argv)
		}
	})
}
