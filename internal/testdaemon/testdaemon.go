// Package testdaemon gives tests a real Docker daemon without disturbing
// anyone else's:
//
//   - as root with dockerd installed, it starts a private dockerd whose
//     data-root, exec-root, pidfile and socket live in a temporary folder,
//     without a bridge or iptables rules, and stops it by PID at the end;
//   - otherwise, when DOCKGUARD_TEST_DOCKER_HOST names a daemon, it uses
//     that one, and tests scope every assertion to containers carrying the
//     per-run label;
//   - otherwise the live tests skip, saying why. With
//     DOCKGUARD_REQUIRE_DAEMON=1 a skip is a failure.
//
// Start the daemon once per test binary from TestMain with Main.
package testdaemon

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Image is the tag of the test image built from the helper program.
const Image = "dockguard-test-helper:latest"

// Daemon is a daemon the tests may use.
type Daemon struct {
	// Host is the daemon URL (unix://…).
	Host string
	// Private is true for a daemon this package started.
	Private bool
	// RunLabel is "dockguard.test.run=<random>", put on every object the
	// tests create so that assertions can be scoped to them.
	RunLabel string
	// Dir is the temporary folder of a private daemon.
	Dir string

	cmd    *exec.Cmd
	waitCh chan struct{} // closed when dockerd has exited
	log    *os.File
}

var (
	current    *Daemon
	skipReason string
)

// Main is TestMain's body: it provides a daemon, runs the tests, stops the
// daemon and returns the exit code.
func Main(m *testing.M) int {
	d, reason, err := Provide()
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdaemon: %v\n", err)
		skipReason = err.Error()
	} else if d == nil {
		skipReason = reason
	}
	current = d
	code := m.Run()
	if d != nil && !d.Private {
		if err := d.Cleanup(); err != nil {
			fmt.Fprintf(os.Stderr, "testdaemon: cleanup: %v\n", err)
		}
	}
	if d != nil {
		if err := d.Stop(); err != nil {
			fmt.Fprintf(os.Stderr, "testdaemon: stop: %v\n", err)
		}
	}
	return code
}

// Require returns the daemon, or skips the test saying why (or fails it
// when DOCKGUARD_REQUIRE_DAEMON=1).
func Require(t testing.TB) *Daemon {
	t.Helper()
	if current != nil {
		return current
	}
	reason := skipReason
	if reason == "" {
		reason = "testdaemon.Main was not called from TestMain"
	}
	if os.Getenv("DOCKGUARD_REQUIRE_DAEMON") == "1" {
		t.Fatalf("live test needs a Docker daemon (DOCKGUARD_REQUIRE_DAEMON=1): %s", reason)
	}
	t.Skipf("live test skipped: %s", reason)
	return nil
}

// Provide chooses a daemon as the package comment describes. It returns a
// nil daemon and the reason when live tests must skip.
func Provide() (*Daemon, string, error) {
	label := "dockguard.test.run=" + randomID()
	if os.Geteuid() == 0 {
		if _, err := exec.LookPath("dockerd"); err == nil {
			d, err := StartPrivate()
			if err != nil {
				return nil, "", err
			}
			d.RunLabel = label
			return d, "", nil
		}
	}
	if h := os.Getenv("DOCKGUARD_TEST_DOCKER_HOST"); h != "" {
		return &Daemon{Host: h, RunLabel: label}, "", nil
	}
	why := "not running as root"
	if os.Geteuid() == 0 {
		why = "dockerd is not installed (apt-get install docker.io)"
	}
	return nil, why + ", and DOCKGUARD_TEST_DOCKER_HOST is not set", nil
}

// StartPrivate starts a private dockerd and waits until it answers on
// its unix socket. extra are further dockerd flags, such as a second
// --host on a loopback TCP port with its --tlsverify material.
func StartPrivate(extra ...string) (*Daemon, error) {
	// Unix socket paths are limited to 108 bytes, so keep the folder short.
	dir, err := os.MkdirTemp("", "dgd")
	if err != nil {
		return nil, fmt.Errorf("temp dir: %w", err)
	}
	sock := filepath.Join(dir, "docker.sock")
	logf, err := os.Create(filepath.Join(dir, "dockerd.log"))
	if err != nil {
		return nil, fmt.Errorf("dockerd log: %w", err)
	}
	args := []string{
		"--data-root", filepath.Join(dir, "data"),
		"--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "dockerd.pid"),
		"--host", "unix://" + sock,
		"--bridge=none", "--iptables=false", "--ip6tables=false",
		"--storage-driver=overlay2",
	}
	cmd := exec.Command("dockerd", append(args, extra...)...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group, so that a Ctrl-C of `go test` does not reach
	// it before Stop does.
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start dockerd: %w", err)
	}
	d := &Daemon{Host: "unix://" + sock, Private: true, Dir: dir, cmd: cmd, log: logf}
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if pingSocket(sock) {
			d.waitCh = exited
			return d, nil
		}
		select {
		case <-exited:
			logf.Close()
			tail := tailFile(logf.Name(), 2000)
			os.RemoveAll(dir)
			return nil, fmt.Errorf("dockerd exited during start-up (%w): %s", waitErr, tail)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			logf.Close()
			return nil, fmt.Errorf("dockerd did not answer within 60 s: %s", tailFile(logf.Name(), 2000))
		}
	}
}

func pingSocket(sock string) bool {
	c := &http.Client{Timeout: time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", sock)
		}}}
	resp, err := c.Get("http://docker/_ping")
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

func tailFile(path string, n int) string {
	b, _ := os.ReadFile(path)
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

// Stop stops a private daemon by its PID (SIGTERM, then SIGKILL after
// 20 s) and removes its folder. It does nothing for a shared daemon.
func (d *Daemon) Stop() error {
	if !d.Private || d.cmd == nil {
		return nil
	}
	pid := d.cmd.Process.Pid
	if b, err := os.ReadFile(filepath.Join(d.Dir, "dockerd.pid")); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p != pid {
			return fmt.Errorf("pidfile names %d, started %d; not signalling", p, pid)
		}
	}
	terminate(d.cmd.Process)
	select {
	case <-d.waitCh:
	case <-time.After(20 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.waitCh
	}
	d.log.Close()
	// containerd's mounts are gone once dockerd has stopped; a leftover
	// busy mount must not fail the test run.
	if err := os.RemoveAll(d.Dir); err != nil {
		return fmt.Errorf("remove %s: %w", d.Dir, err)
	}
	return nil
}

// Cleanup removes what the tests created on a shared daemon: the containers
// and volumes carrying RunLabel, stopped gracefully first (never force
// removal, which is what dockguard warns about), and the images built.
func (d *Daemon) Cleanup() error {
	var errs []error
	ids, err := d.Docker("ps", "-aq", "--filter", "label="+d.RunLabel)
	if err != nil {
		errs = append(errs, err)
	}
	if list := strings.Fields(ids); len(list) > 0 {
		if _, err := d.Docker(append([]string{"stop", "--time", "5"}, list...)...); err != nil {
			errs = append(errs, err)
		}
		if _, err := d.Docker(append([]string{"rm", "--volumes"}, list...)...); err != nil {
			errs = append(errs, err)
		}
	}
	vols, err := d.Docker("volume", "ls", "-q", "--filter", "label="+d.RunLabel)
	if err != nil {
		errs = append(errs, err)
	}
	if list := strings.Fields(vols); len(list) > 0 {
		if _, err := d.Docker(append([]string{"volume", "rm"}, list...)...); err != nil {
			errs = append(errs, err)
		}
	}
	imgs, err := d.Docker("image", "ls", "-q", "--filter", "label="+d.RunLabel)
	if err != nil {
		errs = append(errs, err)
	}
	if list := strings.Fields(imgs); len(list) > 0 {
		if _, err := d.Docker(append([]string{"image", "rm"}, list...)...); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Docker runs the docker CLI against the daemon and returns its stdout.
func (d *Daemon) Docker(args ...string) (string, error) {
	return d.DockerWith("docker", nil, args...)
}

// DockerWith runs the given docker binary with extra environment.
func (d *Daemon) DockerWith(bin string, env []string, args ...string) (string, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "DOCKER_HOST="+d.Host, "DOCKER_CONTEXT="), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%s %s: %w: %s", bin, strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), nil
}

// BuildHelper compiles the helper program statically into dir and returns
// the binary's path.
func BuildHelper(dir string) (string, error) {
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("cannot locate the helper source")
	}
	src := filepath.Join(filepath.Dir(self), "helper")
	out := filepath.Join(dir, "helper")
	// `go test` puts its own go command first on PATH.
	cmd := exec.Command("go", "build", "-buildvcs=false", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = src
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build helper: %w: %s", err, b)
	}
	return out, nil
}

// ImportImage builds the helper and imports it as Image, FROM scratch:
// `docker import` of a one-file tarball needs no registry and no builder.
func (d *Daemon) ImportImage() error {
	dir, err := os.MkdirTemp("", "dgimg")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := BuildHelper(dir)
	if err != nil {
		return err
	}
	tarball := filepath.Join(dir, "helper.tar")
	if b, err := exec.Command("tar", "-C", dir, "-cf", tarball, filepath.Base(bin)).CombinedOutput(); err != nil {
		return fmt.Errorf("tar: %w: %s", err, b)
	}
	_, err = d.Docker("import", "--change", `ENTRYPOINT ["/helper"]`, "--change", "LABEL "+d.RunLabel, tarball, Image)
	return err
}

// BuildKitBuild makes build cache: a BuildKit build FROM scratch of a
// context holding size bytes of random data. It looks for a docker CLI on
// PATH that can build with BuildKit without buildx (the 20.10 CLI can).
func (d *Daemon) BuildKitBuild(tag string, size int) error {
	dir, err := os.MkdirTemp("", "dgbk")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	blob := make([]byte, size)
	_, _ = rand.Read(blob)
	if err := os.WriteFile(filepath.Join(dir, "blob"), blob, 0o644); err != nil {
		return err
	}
	df := "FROM scratch\nCOPY blob /blob\nLABEL " + d.RunLabel + "\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		return err
	}
	var errs []string
	for _, bin := range DockerBinaries() {
		_, err := d.DockerWith(bin, []string{"DOCKER_BUILDKIT=1"}, "build", "-q", "-t", tag, dir)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	return fmt.Errorf("no docker CLI on PATH can build with BuildKit: %s", strings.Join(errs, "; "))
}

// DockerBinaries lists every executable named docker on PATH, in order
// and without duplicates (a symlink and its target count once).
func DockerBinaries() []string {
	var out []string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		p := filepath.Join(dir, "docker")
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		real, err := filepath.EvalSymlinks(p)
		if err != nil || seen[real] {
			continue
		}
		seen[real] = true
		out = append(out, p)
	}
	return out
}

func randomID() string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
