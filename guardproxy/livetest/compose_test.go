package livetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

// composeCLI is a docker CLI that runs Compose v2 or later as a plugin.
type composeCLI struct {
	bin, compose string
}

// composeMajor is the major version in `docker compose version --short`
// ("2.26.1-4", "v2.40.3", "5.0.0"), or 0.
func composeMajor(short string) int {
	major, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(short), "v"), ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0
	}
	return n
}

// composeV2CLIs returns the docker CLIs on PATH that run `docker compose`
// v2 or later. With DOCKGUARD_REQUIRE_COMPOSE_V2=1 (as in CI) every docker
// CLI on PATH must, and none is a failure; otherwise the test skips when
// none does.
func composeV2CLIs(t *testing.T) []composeCLI {
	t.Helper()
	require := os.Getenv("DOCKGUARD_REQUIRE_COMPOSE_V2") == "1"
	var found []composeCLI
	var missing []string
	for _, bin := range testdaemon.DockerBinaries() {
		out, err := exec.Command(bin, "compose", "version", "--short").CombinedOutput()
		if v := strings.TrimSpace(string(out)); err == nil && composeMajor(v) >= 2 {
			found = append(found, composeCLI{bin: bin, compose: v})
			continue
		}
		missing = append(missing, fmt.Sprintf("%s compose version: %v: %.200s", bin, err, strings.TrimSpace(string(out))))
	}
	const how = "install it as a CLI plugin: scripts/compose-v2.sh"
	if len(found)+len(missing) == 0 {
		missing = append(missing, "no docker CLI on PATH")
	}
	switch {
	case require && len(missing) > 0:
		t.Fatalf("a docker CLI does not run compose v2 (DOCKGUARD_REQUIRE_COMPOSE_V2=1; %s): %s", how, strings.Join(missing, "; "))
	case len(found) == 0:
		t.Skipf("no docker CLI on PATH runs compose v2 (%s): %s", how, strings.Join(missing, "; "))
	}
	return found
}

// spaced tells whether the guard spaces a request: every method but GET
// and HEAD, except the long-lived calls and the few writes that change no
// daemon state (the guard's policy table, restated from the API).
func spaced(method, uri string) bool {
	if method == "GET" || method == "HEAD" {
		return false
	}
	p, _, _ := strings.Cut(uri, "?")
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	if len(segs) > 0 && strings.HasPrefix(segs[0], "v") && strings.Contains(segs[0], ".") {
		segs = segs[1:]
	}
	switch {
	case len(segs) == 1 && (segs[0] == "session" || segs[0] == "grpc" || segs[0] == "auth"):
		return false
	case len(segs) == 3 && segs[0] == "containers" && (segs[2] == "attach" || segs[2] == "wait" || segs[2] == "resize"):
		return false
	case len(segs) == 3 && segs[0] == "exec" && (segs[2] == "start" || segs[2] == "resize"):
		return false
	}
	return true
}

// spacedPeak is the most spaced writes the recorder had in flight at once.
func spacedPeak(reqs []testdaemon.Request) int {
	var spans []span
	for _, r := range reqs {
		if spaced(r.Method, r.URI) {
			spans = append(spans, span{r.Start, r.End})
		}
	}
	return peak(spans)
}

// assertSpacedWrites checks what the guard sent upstream: at most 3
// spaced writes in flight, each sent at least 0.5 s after the one before,
// and at least want of them. It returns how many there were.
func assertSpacedWrites(t *testing.T, sent []wireSend, want int) int {
	t.Helper()
	var writes []wireSend
	for _, s := range sent {
		if spaced(s.Method, s.URI) {
			writes = append(writes, s)
		}
	}
	if len(writes) < want {
		t.Errorf("the guard sent %d spaced writes, want at least %d: %v", len(writes), want, writes)
	}
	var spans []span
	for _, s := range writes {
		spans = append(spans, span{s.Wrote, s.Done})
	}
	if p := peak(spans); p > 3 {
		t.Errorf("the guard had %d writes in flight at once, want at most 3", p)
	}
	sort.Slice(writes, func(i, j int) bool { return writes[i].Wrote.Before(writes[j].Wrote) })
	for i := 1; i < len(writes); i++ {
		if gap := writes[i].Wrote.Sub(writes[i-1].Wrote); gap < 500*time.Millisecond {
			t.Errorf("the guard sent %s %s and %s %s %s apart, want at least 0.5 s",
				writes[i-1].Method, writes[i-1].URI, writes[i].Method, writes[i].URI, gap)
		}
	}
	return len(writes)
}

// assertStoppedBeforeRemoval checks what the daemon saw for one container
// (by id or name): exactly one removal, and a stop answered before it
// started, so that no forced removal of a running container reached the
// daemon (compose v2 removes with force=1 after its own stop; the guard
// lets that through because the container is already stopped).
func assertStoppedBeforeRemoval(t *testing.T, reqs []testdaemon.Request, id, name string) {
	t.Helper()
	is := func(r testdaemon.Request, suffix string) bool {
		p := r.Path()
		return strings.HasSuffix(p, "/containers/"+id+suffix) || strings.HasSuffix(p, "/containers/"+name+suffix)
	}
	var stops []testdaemon.Request
	removals := 0
	for _, r := range reqs {
		switch {
		case r.Method == "POST" && is(r, "/stop"):
			stops = append(stops, r)
		case r.Method == "DELETE" && is(r, ""):
			removals++
			ok := false
			for _, s := range stops {
				ok = ok || !s.End.After(r.Start)
			}
			if !ok {
				t.Errorf("%s (%s) was removed (%s) before a stop of it was answered", name, id, r.URI)
			}
		}
	}
	if len(stops) == 0 || removals != 1 {
		t.Errorf("%s: the daemon saw %d stops and %d removals, want a stop and one removal", name, len(stops), removals)
	}
}

// TestDockerComposeV2: `docker compose` v2 (the Go CLI plugin), run by
// every docker CLI on PATH (Debian's 20.10 among them in CI), through the
// guard: `up -d` of three services, one of them built FROM scratch by
// compose (BuildKit in compose 2.26, the classic builder in compose 5
// without buildx), starts all three; `down` stops and removes them. The daemon
// sees the guard's spacing and limit, and a stop before every removal.
func TestDockerComposeV2(t *testing.T) {
	clis := composeV2CLIs(t)
	d := daemon(t)
	for i, c := range clis {
		ver, err := d.DockerWith(c.bin, nil, "version", "--format", "{{.Client.Version}}")
		if err != nil {
			t.Fatal(err)
		}
		t.Run("docker-"+ver+"-compose-"+c.compose, func(t *testing.T) {
			composeUpDown(t, d, c, fmt.Sprintf("dgguardv2%s%d", runID(d), i))
		})
	}
}

func composeUpDown(t *testing.T, d *testdaemon.Daemon, c composeCLI, project string) {
	g := startGuard(t, d, guardproxy.Config{})
	dir := t.TempDir()
	if _, err := testdaemon.BuildHelper(dir); err != nil {
		t.Fatal(err)
	}
	df := "FROM scratch\nCOPY helper /helper\nLABEL " + d.RunLabel + "\nENTRYPOINT [\"/helper\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(df), 0o644); err != nil {
		t.Fatal(err)
	}
	built := project + "-api:built"
	services := map[string]string{"api": built, "worker": testdaemon.Image, "cache": testdaemon.Image}
	var b strings.Builder
	b.WriteString("services:\n")
	for _, svc := range []string{"api", "worker", "cache"} {
		fmt.Fprintf(&b, "  %s:\n    image: %s\n    command: [\"sleep\"]\n    network_mode: none\n    mem_limit: 64m\n    labels: [%q]\n", svc, services[svc], d.RunLabel)
		// Built here, never pulled: the test reaches no registry.
		if svc == "api" {
			b.WriteString("    build: .\n    pull_policy: build\n")
		} else {
			b.WriteString("    pull_policy: never\n")
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	filter := "label=com.docker.compose.project=" + project
	t.Cleanup(func() {
		if left, err := d.Docker("ps", "-aq", "--filter", filter); err == nil && left != "" {
			_, _ = d.Docker(append([]string{"stop", "-t", "10"}, strings.Fields(left)...)...)
			_, _ = d.Docker(append([]string{"rm"}, strings.Fields(left)...)...)
		}
		_, _ = d.Docker("rmi", built)
	})
	compose := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, c.bin, append([]string{"compose", "-p", project}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "DOCKER_HOST="+g.d.Host, "DOCKER_CONTEXT=", "DOCKER_BUILDKIT=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s compose %s through the guard: %v\n%s", c.bin, strings.Join(args, " "), err, out)
		}
	}

	g.rec.Reset()
	g.wire.Reset()
	compose("up", "-d")
	ps, err := d.Docker("ps", "-a", "--filter", filter, "--format", `{{.Label "com.docker.compose.service"}} {{.State}} {{.Image}}`)
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, l := range strings.Split(ps, "\n") {
		if f := strings.Fields(l); len(f) == 3 {
			state[f[0]] = f[1] + " " + f[2]
		}
	}
	for svc, img := range services {
		if want := "running " + img; state[svc] != want {
			t.Errorf("service %s after up -d: %q, want %q (all: %q)", svc, state[svc], want, ps)
		}
	}
	if lbl, err := d.Docker("image", "inspect", "--format", "{{index .Config.Labels \"dockguard.test.run\"}}", built); err != nil || "dockguard.test.run="+lbl != d.RunLabel {
		t.Errorf("the image compose built: label %q, %v", lbl, err)
	}
	up := g.rec.Requests()
	// Compose 2.26 builds with buildx's library: the solve goes over the
	// hijacked /grpc upgrade and the context over /session. Compose 5
	// without the buildx plugin uses the classic POST /build.
	var grpc, session, classic bool
	for _, r := range up {
		grpc = grpc || (r.Method == "POST" && strings.HasSuffix(r.Path(), "/grpc"))
		session = session || (r.Method == "POST" && strings.HasSuffix(r.Path(), "/session"))
		classic = classic || (r.Method == "POST" && strings.HasSuffix(r.Path(), "/build"))
	}
	if !classic && (!grpc || !session) {
		t.Errorf("the build reached the daemon neither as POST /build nor over the /grpc (%v) and /session (%v) upgrades", grpc, session)
	}
	// A create and a start per service.
	upWrites := assertSpacedWrites(t, g.wire.Sent(), 6)
	if p := spacedPeak(up); p > 3 {
		t.Errorf("%d writes in flight at the daemon during up, want at most 3", p)
	}

	ids, err := d.Docker("ps", "--no-trunc", "--filter", filter, "--format", "{{.ID}} {{.Names}}")
	if err != nil {
		t.Fatal(err)
	}
	g.rec.Reset()
	g.wire.Reset()
	compose("down")
	if left, err := d.Docker("ps", "-a", "--filter", filter, "--format", "{{.Names}}"); err != nil || left != "" {
		t.Fatalf("after down: %q, %v", left, err)
	}
	down := g.rec.Requests()
	n := 0
	for _, l := range strings.Split(ids, "\n") {
		if id, name, ok := strings.Cut(l, " "); ok {
			assertStoppedBeforeRemoval(t, down, id, name)
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d containers before down, want 3: %q", n, ids)
	}
	// A stop and a removal per service.
	downWrites := assertSpacedWrites(t, g.wire.Sent(), 6)
	if p := spacedPeak(down); p > 3 {
		t.Errorf("%d writes in flight at the daemon during down, want at most 3", p)
	}
	t.Logf("%s (compose %s): up -d %d requests (%d spaced writes), down %d requests (%d spaced writes)",
		c.bin, c.compose, len(up), upWrites, len(down), downWrites)
}

// TestComposeHelpers: the version test accepts compose v2 and later and
// rejects v1 and errors; spaced leaves out exactly the long-lived calls.
func TestComposeHelpers(t *testing.T) {
	for v, want := range map[string]int{"2.26.1-4": 2, "v2.40.3\n": 2, "5.0.0": 5, "1.29.2": 1, "": 0, "docker: 'compose' is not a docker command.": 0} {
		if got := composeMajor(v); got != want {
			t.Errorf("composeMajor(%q) = %d, want %d", v, got, want)
		}
	}
	for _, c := range []struct {
		method, uri string
		want        bool
	}{
		{"POST", "/v1.41/containers/create?name=x", true},
		{"POST", "/v1.41/containers/abc/start", true},
		{"POST", "/containers/abc/stop?t=10", true},
		{"DELETE", "/v1.41/containers/abc?force=1", true},
		{"POST", "/v1.41/images/create?fromImage=x", true},
		{"POST", "/v1.41/build", true},
		{"GET", "/v1.41/containers/json", false},
		{"HEAD", "/_ping", false},
		{"POST", "/session", false},
		{"POST", "/grpc", false},
		{"POST", "/v1.41/containers/abc/attach?stream=1", false},
		{"POST", "/v1.41/containers/abc/wait", false},
		{"POST", "/v1.41/exec/abc/start", false},
		{"POST", "/v1.41/exec/abc/resize?h=1", false},
	} {
		if got := spaced(c.method, c.uri); got != c.want {
			t.Errorf("spaced(%s %s) = %v, want %v", c.method, c.uri, got, c.want)
		}
	}
}
