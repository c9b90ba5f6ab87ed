package livetest

//dockguard:ignore-file DG101 -- sends the forced removals the guard under test must turn graceful, on the private daemon
import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

func runID(d *testdaemon.Daemon) string { return strings.TrimPrefix(d.RunLabel, "dockguard.test.run=") }

// dockerCmd is the docker CLI with DOCKER_HOST at host, ended with ctx.
func dockerCmd(ctx context.Context, host string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "docker", args...)
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host, "DOCKER_CONTEXT=")
	return cmd
}

// TestDockerLogsFollow: `docker logs -f` through the guard keeps
// streaming: it delivers lines the container writes after the follower
// attached.
func TestDockerLogsFollow(t *testing.T) {
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	name := "dgguard-logs-" + runID(d)
	if _, err := g.d.Docker("run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel, testdaemon.Image, "tick", "200"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.Docker("rm", "-f", name) })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := dockerCmd(ctx, g.d.Host, "logs", "-f", name)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// The follower is attached once it has printed a line; what the
	// container has written by then, read straight from the daemon, is
	// the backlog.
	select {
	case <-lines:
	case <-ctx.Done():
		t.Fatal("docker logs -f printed nothing")
	}
	backlog, err := d.Docker("logs", name)
	if err != nil {
		t.Fatal(err)
	}
	after := len(strings.Split(backlog, "\n")) + 2
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatal("docker logs -f ended early")
			}
			if n, err := strconv.Atoi(strings.TrimPrefix(l, "tick ")); err == nil && n >= after {
				return
			}
		case <-ctx.Done():
			t.Fatalf("no line past tick %d arrived through the guard", after)
		}
	}
}

// TestDockerExecInteractive: `docker exec -it` through a pty (script)
// over the guard's hijacked connection: the input reaches the process,
// its output comes back, and the end of input ends the exec.
func TestDockerExecInteractive(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script (util-linux) is not installed")
	}
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	name := "dgguard-exec-" + runID(d)
	if _, err := g.d.Docker("run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel, testdaemon.Image, "sleep"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.Docker("rm", "-f", name) })
	cmd := exec.Command("script", "-qec", "docker exec -it "+name+" /helper upper", "/dev/null")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+g.d.Host, "DOCKER_CONTEXT=")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Give the exec time to attach before typing, as a user would.
	time.Sleep(2 * time.Second)
	_, _ = io.WriteString(stdin, "hello guard\r")
	time.Sleep(time.Second)
	_, _ = io.WriteString(stdin, "\x04")
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("docker exec -it: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("docker exec -it did not end after EOF:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "HELLO GUARD") {
		t.Fatalf("the exec's answer did not come back through the guard:\n%q", out.String())
	}
}

// TestDockerBuild: the scratch image built through the guard, with the
// classic builder (the build context uploaded as the request body) and
// with BuildKit (the /session upgrade), then run.
func TestDockerBuild(t *testing.T) {
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	dir := t.TempDir()
	if _, err := testdaemon.BuildHelper(dir); err != nil {
		t.Fatal(err)
	}
	df := "FROM scratch\nCOPY helper /helper\nLABEL " + d.RunLabel + "\nENTRYPOINT [\"/helper\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	tag := "dgguard-build-" + runID(d) + ":classic"
	if _, err := g.d.DockerWith("docker", []string{"DOCKER_BUILDKIT=0"}, "build", "-q", "-t", tag, dir); err != nil {
		t.Fatalf("classic build through the guard: %v", err)
	}
	if _, err := g.d.Docker("run", "--rm", "--network", "none", "--label", d.RunLabel, tag, "exit", "0"); err != nil {
		t.Fatalf("run the built image: %v", err)
	}
	g.rec.Reset()
	if err := g.d.BuildKitBuild("dgguard-build-"+runID(d)+":buildkit", 1<<20); err != nil {
		t.Fatalf("BuildKit build through the guard: %v", err)
	}
	// The 20.10 CLI builds with POST /build?version=2 and serves the
	// build context over the hijacked /session upgrade (buildx would use
	// /grpc too).
	session, build := false, false
	for _, r := range g.rec.Requests() {
		p := r.Path()
		session = session || (r.Method == "POST" && strings.HasSuffix(p, "/session"))
		build = build || (r.Method == "POST" && strings.HasSuffix(p, "/build") && strings.Contains(r.URI, "version=2"))
	}
	if !session || !build {
		t.Fatalf("BuildKit's /session upgrade (%v) and /build?version=2 (%v) did not both reach the daemon through the guard", session, build)
	}
}

// TestGoSDK: the moby Go client through the guard: create, start, stop,
// and a forced removal of a running container, which the daemon sees as
// a stop and a plain removal.
func TestGoSDK(t *testing.T) {
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	api, err := client.New(client.WithHost(g.d.Host))
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	key, val, _ := strings.Cut(d.RunLabel, "=")
	create := func(name string) string {
		t.Helper()
		res, err := api.ContainerCreate(ctx, client.ContainerCreateOptions{Name: name,
			Config:     &container.Config{Image: testdaemon.Image, Cmd: []string{"sleep"}, Labels: map[string]string{key: val}},
			HostConfig: &container.HostConfig{NetworkMode: "none", Resources: container.Resources{Memory: 64 << 20}}})
		if err != nil {
			t.Fatalf("create through the guard: %v", err)
		}
		if _, err := api.ContainerStart(ctx, res.ID, client.ContainerStartOptions{}); err != nil {
			t.Fatalf("start through the guard: %v", err)
		}
		return res.ID
	}
	a := create("dgguard-sdk-a-" + runID(d))
	timeout := 5
	if _, err := api.ContainerStop(ctx, a, client.ContainerStopOptions{Timeout: &timeout}); err != nil {
		t.Fatalf("stop through the guard: %v", err)
	}
	if _, err := api.ContainerRemove(ctx, a, client.ContainerRemoveOptions{}); err != nil {
		t.Fatalf("remove through the guard: %v", err)
	}
	b := create("dgguard-sdk-b-" + runID(d))
	g.rec.Reset()
	//dockguard:ignore DG101 -- the forced removal is the input the guard must turn into a graceful one
	if _, err := api.ContainerRemove(ctx, b, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatalf("forced remove through the guard: %v", err)
	}
	for _, id := range []string{a, b} {
		if _, err := api.ContainerInspect(ctx, id, client.ContainerInspectOptions{}); err == nil {
			t.Errorf("%s still exists", id)
		}
	}
	assertGraceful(t, g.rec.Requests(), b)
}

// assertGraceful checks that the daemon saw a stop with t=10 of the
// container before its removal, and no forced removal.
func assertGraceful(t *testing.T, reqs []testdaemon.Request, id string) {
	t.Helper()
	stopped := false
	for _, r := range reqs {
		p := r.Path()
		switch {
		case r.Method == "POST" && strings.HasSuffix(p, "/containers/"+id+"/stop"):
			if !strings.Contains(r.URI, "t=10") {
				t.Errorf("stop without t=10: %s", r.URI)
			}
			stopped = true
		case r.Method == "DELETE" && strings.HasSuffix(p, "/containers/"+id):
			if strings.Contains(r.URI, "force=1") || strings.Contains(r.URI, "force=true") || strings.Contains(r.URI, "force=True") {
				t.Errorf("a forced removal reached the daemon: %s", r.URI)
			}
			if !stopped {
				t.Errorf("removal of %s before its stop", id)
			}
			return
		}
	}
	t.Errorf("no removal of %s reached the daemon: %v", id, reqs)
}

// python is Debian's python3, which has python3-docker (docker-py).
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/python3"} {
		if err := exec.Command(p, "-c", "import docker").Run(); err == nil {
			return p
		}
	}
	if os.Getenv("DOCKGUARD_REQUIRE_PYTHON") == "1" {
		t.Fatal("python3-docker is not installed (apt-get install python3-docker)")
	}
	t.Skip("python3-docker is not installed (apt-get install python3-docker)")
	return ""
}

// TestDockerPy: docker-py through the guard: run, stop, remove, and a
// forced removal of a running container.
func TestDockerPy(t *testing.T) {
	py := python(t)
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	key, val, _ := strings.Cut(d.RunLabel, "=")
	script := fmt.Sprintf(`
import docker, sys
c = docker.DockerClient(base_url=sys.argv[1])
labels = {%q: %q}
a = c.containers.run(%q, "sleep", detach=True, labels=labels, network_mode="none", name=sys.argv[2] + "-a")
a.stop(timeout=5)
a.remove()
b = c.containers.run(%q, "sleep", detach=True, labels=labels, network_mode="none", name=sys.argv[2] + "-b")
b.reload()
assert b.status == "running", b.status
print(b.id)
b.remove(force=True)
names = [x.name for x in c.containers.list(all=True, filters={"label": %q})]
assert sys.argv[2] + "-a" not in names and sys.argv[2] + "-b" not in names, names
`, key, val, testdaemon.Image, testdaemon.Image, d.RunLabel)
	cmd := exec.Command(py, "-c", script, g.d.Host, "dgguard-py-"+runID(d))
	cmd.Env = append(os.Environ(), "DOCKER_HOST=", "DOCKER_CONTEXT=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("docker-py through the guard: %v\n%s", err, out)
	}
	id := strings.TrimSpace(string(out))
	assertGraceful(t, g.rec.Requests(), id)
}

// TestDockerCompose: `docker-compose up -d` and `down` of three services
// through the guard.
func TestDockerCompose(t *testing.T) {
	bin, err := exec.LookPath("docker-compose")
	if err != nil {
		if os.Getenv("DOCKGUARD_REQUIRE_DAEMON") == "1" {
			t.Fatal("docker-compose is not installed (apt-get install docker-compose)")
		}
		t.Skip("docker-compose is not installed (apt-get install docker-compose)")
	}
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	dir := t.TempDir()
	project := "dgguard" + runID(d)
	var b strings.Builder
	b.WriteString("version: \"2.4\"\nservices:\n")
	for _, svc := range []string{"api", "worker", "cache"} {
		fmt.Fprintf(&b, "  %s:\n    image: %s\n    command: [\"sleep\"]\n    network_mode: none\n    mem_limit: 64m\n    labels: [%q]\n", svc, testdaemon.Image, d.RunLabel)
	}
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	compose := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append([]string{"-p", project}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "DOCKER_HOST="+g.d.Host, "DOCKER_CONTEXT=")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("docker-compose %s through the guard: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	compose("up", "-d")
	running, err := d.Docker("ps", "--filter", "label=com.docker.compose.project="+project, "--format", "{{.Names}}")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(running)); n != 3 {
		t.Fatalf("%d services running after up -d, want 3: %q", n, running)
	}
	compose("down")
	left, err := d.Docker("ps", "-a", "--filter", "label=com.docker.compose.project="+project, "--format", "{{.Names}}")
	if err != nil || left != "" {
		t.Fatalf("after down: %q, %v", left, err)
	}
}
