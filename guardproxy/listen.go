package guardproxy

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"

	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
)

// DefaultListen is the default address: a socket in $XDG_RUNTIME_DIR
// (private to the user by the XDG specification), or else in a folder of
// the user's own under the temporary folder.
func DefaultListen(getenv func(string) string) string {
	if d := getenv("XDG_RUNTIME_DIR"); d != "" {
		return "unix://" + filepath.Join(d, "dockguard.sock")
	}
	return "unix://" + filepath.Join(os.TempDir(), "dockguard-"+strconv.Itoa(os.Getuid()), "dockguard.sock")
}

// Listen opens addr for the guard and returns the DOCKER_HOST value that
// reaches it. A unix socket gets mode 0600 in a folder that is not
// world-writable; a stale socket file is replaced, a live one is not.
// TCP is accepted only on a loopback address unless insecure is set:
// whoever reaches the guard controls the daemon, which is root on its
// host.
func Listen(addr string, insecure bool) (net.Listener, string, error) {
	scheme, rest, ok := strings.Cut(addr, "://")
	if !ok || rest == "" {
		return nil, "", fmt.Errorf("listen address %q: want unix:///path/to.sock or tcp://127.0.0.1:PORT", addr)
	}
	switch scheme {
	case "unix":
		return listenUnix(rest)
	case "tcp":
		return listenTCP(rest, insecure)
	}
	return nil, "", fmt.Errorf("listen address %q: unsupported scheme %q (want unix or tcp)", addr, scheme)
}

func listenUnix(path string) (net.Listener, string, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", fmt.Errorf("listen: create %s: %w", dir, err)
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	if st.Mode().Perm()&0o002 != 0 && st.Mode()&os.ModeSticky == 0 {
		return nil, "", fmt.Errorf("listen: %s is writable by everyone; another user could replace the socket (choose a private folder)", dir)
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode()&os.ModeSocket == 0 {
			return nil, "", fmt.Errorf("listen: %s exists and is not a socket; not replacing it", path)
		}
		if c, err := net.Dial("unix", path); err == nil {
			c.Close()
			return nil, "", fmt.Errorf("listen: something already answers on %s (another dockguard guard?)", path)
		}
		if err := os.Remove(path); err != nil {
			return nil, "", fmt.Errorf("listen: remove the stale socket %s: %w", path, err)
		}
	}
	// The socket is created 0600 from the start: no moment where another
	// user could connect before a chmod.
	var ln net.Listener
	if err := withUmask(0o177, func() (err error) {
		ln, err = net.Listen("unix", path)
		return err
	}); err != nil {
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	return ln, "unix://" + path, nil
}

func listenTCP(hostport string, insecure bool) (net.Listener, string, error) {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, "", fmt.Errorf("listen address tcp://%s: %w", hostport, err)
	}
	if !insecure && !loopback(host) {
		return nil, "", fmt.Errorf("refusing to listen on tcp://%s: it is not a loopback address, and whoever reaches the guard controls the Docker daemon (root on its host) with no authentication; use tcp://127.0.0.1:PORT or a unix socket, or pass --listen-insecure if a firewall really protects it", hostport)
	}
	ln, err := net.Listen("tcp", hostport)
	if err != nil {
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	return ln, "tcp://" + ln.Addr().String(), nil
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkRequest refuses what must not reach the daemon: methods the API
// does not use, and paths that are not clean (dot segments, empty
// segments, encoded slashes, dots or backslashes, control characters), so
// that the policy classifies the same path the daemon routes.
func checkRequest(r *http.Request) error {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete:
	default:
		return fmt.Errorf("dockguard guard: method %s is not part of the Docker API", strconvQuote(r.Method))
	}
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		return errors.New("dockguard guard: the request path must start with /")
	}
	if p != "/" {
		for rest := p[1:]; ; {
			seg, tail, more := strings.Cut(rest, "/")
			if seg == "" || seg == "." || seg == ".." {
				return fmt.Errorf("dockguard guard: refusing the path %s: it has an empty, . or .. segment", strconvQuote(p))
			}
			if !more {
				break
			}
			rest = tail
		}
	}
	for _, c := range p {
		if unicode.IsControl(c) || c == '\\' {
			return fmt.Errorf("dockguard guard: refusing the path %s: it holds a control character or a backslash", strconvQuote(p))
		}
	}
	if encodedSeparator(r.URL.EscapedPath()) {
		return fmt.Errorf("dockguard guard: refusing the path %s: it holds an encoded slash, dot or backslash", strconvQuote(r.URL.EscapedPath()))
	}
	return nil
}

// encodedSeparator reports whether raw holds %2f, %2e, %5c or %00, in
// either case, without the copy a lower-casing would make.
func encodedSeparator(raw string) bool {
	for i := 0; i+2 < len(raw); i++ {
		if raw[i] != '%' {
			continue
		}
		switch h, l := raw[i+1], raw[i+2]|0x20; {
		case h == '2' && (l == 'f' || l == 'e'), h == '5' && l == 'c', h == '0' && l == '0':
			return true
		}
	}
	return false
}

func strconvQuote(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strconv.Quote(s)
}

// Upstream returns the transport, URL scheme and URL host that reach the
// daemon at ep, as verify reaches it (unix socket, TCP with TLS, ssh).
func Upstream(ep endpoint.Endpoint) (http.RoundTripper, string, string, error) {
	// No cap on connections: long-lived calls hold theirs, and the gates
	// already bound what reaches the daemon.
	tr, _, scheme, err := dockerapi.Transport(ep, 0)
	if err != nil {
		return nil, "", "", err
	}
	tr.MaxConnsPerHost = 0
	// Connections are kept alive and reused: enough idle ones for every
	// read slot and write slot at once, so that 16 concurrent clients do
	// not dial the daemon per request.
	tr.MaxIdleConnsPerHost = 64
	tr.MaxIdleConns = 0
	// Bodies (docker cp, build contexts, pulls) move in fewer system
	// calls through larger buffers than the 4 KiB default.
	tr.WriteBufferSize = 64 << 10
	tr.ReadBufferSize = 64 << 10
	host := "docker"
	if rest, ok := strings.CutPrefix(ep.Host, "tcp://"); ok {
		// TLS verifies the daemon's name, so the URL keeps it.
		host = rest
	}
	return newReadHop(tr, !strings.HasPrefix(ep.Host, "tcp://")), scheme, host, nil
}
