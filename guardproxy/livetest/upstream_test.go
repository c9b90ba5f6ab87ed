package livetest

//dockguard:ignore-file DG101 -- sends the forced removal the guard under test must turn graceful, on a private daemon
import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockguard/dockguard/internal/testdaemon"
)

// pki is a CA with a server certificate for 127.0.0.1 and a client
// certificate, written as dockerd and the docker CLI expect them: the
// client folder holds ca.pem, cert.pem and key.pem (DOCKER_CERT_PATH).
type pki struct {
	caFile, serverCert, serverKey string
	clientDir                     string
}

func writePEM(t *testing.T, path, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// newPKI generates the CA and both certificates in dir.
func newPKI(t *testing.T, dir string) pki {
	t.Helper()
	key := func() *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	now := time.Now()
	caKey := key()
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "dockguard test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	issue := func(serial int64, cn string, usage x509.ExtKeyUsage, ips []net.IP, certPath, keyPath string) {
		k := key()
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{usage}, IPAddresses: ips}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		kder, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, certPath, "CERTIFICATE", der)
		writePEM(t, keyPath, "EC PRIVATE KEY", kder)
	}
	p := pki{caFile: filepath.Join(dir, "ca.pem"), serverCert: filepath.Join(dir, "server-cert.pem"),
		serverKey: filepath.Join(dir, "server-key.pem"), clientDir: filepath.Join(dir, "client")}
	if err := os.Mkdir(p.clientDir, 0o700); err != nil {
		t.Fatal(err)
	}
	writePEM(t, p.caFile, "CERTIFICATE", caDER)
	writePEM(t, filepath.Join(p.clientDir, "ca.pem"), "CERTIFICATE", caDER)
	issue(2, "127.0.0.1", x509.ExtKeyUsageServerAuth, []net.IP{net.IPv4(127, 0, 0, 1)}, p.serverCert, p.serverKey)
	issue(3, "dockguard test client", x509.ExtKeyUsageClientAuth, nil, filepath.Join(p.clientDir, "cert.pem"), filepath.Join(p.clientDir, "key.pem"))
	return p
}

// freePort returns a loopback TCP port nobody listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// guardEnv is the environment of a guard process: none of the test
// process's DOCKER_* settings, an empty docker config folder, and extra.
func guardEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKER_") {
			env = append(env, kv)
		}
	}
	return append(append(env, "DOCKER_CONFIG="+t.TempDir()), extra...)
}

// runGuardProcess starts `dockguard guard` on a new socket with args and
// env, waits until it answers, and returns the daemon as reached through
// it, the process and its output.
func runGuardProcess(t *testing.T, bin string, d *testdaemon.Daemon, env []string, args ...string) (*testdaemon.Daemon, *exec.Cmd, *proc, *syncBuffer, *syncBuffer) {
	t.Helper()
	sock := filepath.Join(socketDir(t), "guard.sock")
	var stdout, stderr syncBuffer
	cmd := exec.Command(bin, append([]string{"guard", "--listen", "unix://" + sock, "--status", "never"}, args...)...)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	p := start(t, cmd)
	waitSocket(t, sock, stderr.String)
	g := *d
	g.Host = "unix://" + sock
	return &g, cmd, p, &stdout, &stderr
}

// TestUpstreamTCPAndTLS: the guard's upstream is a private dockerd on a
// loopback TCP port, once in plain HTTP and once with --tlsverify (a CA,
// a server and a client certificate generated here). The guard resolves
// the upstream as verify does: --upstream tcp://127.0.0.1:PORT, with
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS. Through it the docker
// CLI (on the guard's unix socket, with no TLS of its own) runs, lists and
// force-removes a running container; the removal is the graceful one, and
// the guard's totals say so. Against the TLS daemon, a guard given another
// CA refuses to talk to it and says why.
func TestUpstreamTCPAndTLS(t *testing.T) {
	d := daemon(t)
	if !d.Private {
		t.Skip("needs to start its own dockerd on a TCP port: run as root with dockerd installed")
	}
	bin := dockguardBinary(t)
	dir := t.TempDir()
	p := newPKI(t, dir)
	for _, tc := range []struct {
		name string
		tls  bool
	}{{"tcp", false}, {"tls", true}} {
		t.Run(tc.name, func(t *testing.T) {
			port := strconv.Itoa(freePort(t))
			host := "tcp://127.0.0.1:" + port
			args := []string{"--host", host}
			var env []string
			if tc.tls {
				args = append(args, "--tlsverify", "--tlscacert", p.caFile, "--tlscert", p.serverCert, "--tlskey", p.serverKey)
				env = []string{"DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + p.clientDir}
			}
			up, err := testdaemon.StartPrivate(args...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if err := up.Stop(); err != nil {
					t.Errorf("stop the TCP daemon: %v", err)
				}
			})
			up.RunLabel = d.RunLabel
			if err := up.ImportImage(); err != nil {
				t.Fatal(err)
			}
			// The daemon really is what the subtest says: plain HTTP is
			// answered on the TLS port only with a refusal.
			resp, err := http.Get("http://127.0.0.1:" + port + "/_ping")
			if err != nil {
				t.Fatalf("plain GET /_ping on %s: %v", host, err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if plainOK := resp.StatusCode == http.StatusOK && string(body) == "OK"; plainOK == tc.tls {
				t.Fatalf("plain HTTP on %s answered %d %q; want it to work only without TLS", host, resp.StatusCode, body)
			}

			g, cmd, proc, stdout, stderr := runGuardProcess(t, bin, up, guardEnv(t, env...), "--upstream", host)
			name := "dgup-" + tc.name + "-" + runID(d)
			id, err := g.Docker("run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel, testdaemon.Image, "sleep")
			if err != nil {
				t.Fatalf("docker run through the guard: %v; guard: %s", err, stderr.String())
			}
			if ps, err := g.Docker("ps", "--filter", "label="+d.RunLabel, "--format", "{{.Names}}"); err != nil || !strings.Contains(ps, name) {
				t.Fatalf("docker ps through the guard: %q, %v", ps, err)
			}
			if _, err := g.Docker("rm", "-f", name); err != nil {
				t.Fatalf("docker rm -f through the guard: %v", err)
			}
			if out, err := up.Docker("ps", "-aq", "--filter", "id="+id); err != nil || out != "" {
				t.Fatalf("container still there after rm -f: %q, %v", out, err)
			}
			if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
				t.Fatal(err)
			}
			<-proc.done
			if proc.err != nil {
				t.Fatalf("guard exit: %v; stderr %s", proc.err, stderr.String())
			}
			if !strings.Contains(stderr.String(), "forwarding to "+host+" (--host)") {
				t.Errorf("the guard did not say it forwards to %s: %s", host, stderr.String())
			}
			if !strings.Contains(stdout.String(), "rewrites: remove-stop-first 1") {
				t.Errorf("the removal was not the graceful one; totals:\n%s", stdout.String())
			}
			if !tc.tls {
				return
			}
			// Another CA: the guard does not trust the daemon.
			other := newPKI(t, t.TempDir())
			bad, _, _, _, _ := runGuardProcess(t, bin, up, guardEnv(t, "DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH="+other.clientDir), "--upstream", host)
			var errOut bytes.Buffer
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			c := exec.CommandContext(ctx, "docker", "-H", bad.Host, "ps")
			c.Stderr = &errOut
			if err := c.Run(); err == nil || !strings.Contains(errOut.String(), "certificate") {
				t.Fatalf("docker ps through a guard with the wrong CA: %v, %q; want a certificate error", err, errOut.String())
			}
		})
	}
}
