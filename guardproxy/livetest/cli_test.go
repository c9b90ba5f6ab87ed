package livetest

//dockguard:ignore-file DG101,DG104 -- sends the forced removals and kills the guard under test must turn graceful, on the private daemon
import (
	"strings"
	"testing"

	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

// TestDockerCLIRunPsRemove: `docker run -d`, `docker ps` and `docker rm -f`
// of the running container through the guard. The container ends removed,
// and the daemon saw a stop with t=10 before a removal without force.
func TestDockerCLIRunPsRemove(t *testing.T) {
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{})
	name := "dgguard-rm-" + strings.TrimPrefix(d.RunLabel, "dockguard.test.run=")
	id, err := g.d.Docker("run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel, testdaemon.Image, "sleep")
	if err != nil {
		t.Fatal(err)
	}
	ps, err := g.d.Docker("ps", "--filter", "label="+d.RunLabel, "--format", "{{.Names}}")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ps, name) {
		t.Fatalf("docker ps through the guard does not list %s: %q", name, ps)
	}
	g.rec.Reset()
	if _, err := g.d.Docker("rm", "-f", name); err != nil {
		t.Fatalf("docker rm -f through the guard: %v", err)
	}
	if out, err := d.Docker("ps", "-aq", "--filter", "id="+id); err != nil || out != "" {
		t.Fatalf("container still there after rm -f: %q, %v", out, err)
	}
	var seq []string
	for _, r := range g.rec.Requests() {
		if r.Method != "GET" && r.Method != "HEAD" {
			seq = append(seq, r.Method+" "+r.URI)
		}
	}
	if len(seq) != 2 || !strings.HasSuffix(seq[0], "/containers/"+name+"/stop?t=10") || !strings.HasPrefix(seq[1], "DELETE ") || strings.Contains(seq[1], "force") {
		t.Fatalf("the daemon got %q; want a stop with t=10, then a DELETE without force", seq)
	}
	if got := g.srv.Totals().Rewrites[guardproxy.RewriteStopFirst]; got != 1 {
		t.Fatalf("rewrites = %d, want 1", got)
	}
}

// TestDockerKillGraceful: with graceful-kill, `docker kill` (SIGKILL)
// reaches the daemon as a stop with t=10, and `docker kill -s WINCH` (a
// signal the helper ignores, as a reload signal would be handled) passes
// unchanged.
func TestDockerKillGraceful(t *testing.T) {
	d := daemon(t)
	g := startGuard(t, d, guardproxy.Config{GracefulKill: true})
	name := "dgguard-kill-" + strings.TrimPrefix(d.RunLabel, "dockguard.test.run=")
	if _, err := g.d.Docker("run", "-d", "--network", "none", "--name", name, "--label", d.RunLabel, testdaemon.Image, "sleep"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = d.Docker("rm", "-f", name) })
	g.rec.Reset()
	if _, err := g.d.Docker("kill", "-s", "WINCH", name); err != nil {
		t.Fatalf("docker kill -s WINCH: %v", err)
	}
	if _, err := g.d.Docker("kill", name); err != nil {
		t.Fatalf("docker kill through the guard: %v", err)
	}
	var seq []string
	for _, r := range g.rec.Requests() {
		if r.Method == "POST" {
			seq = append(seq, r.URI)
		}
	}
	if len(seq) != 2 || !strings.HasSuffix(seq[0], "/kill?signal=WINCH") || !strings.HasSuffix(seq[1], "/containers/"+name+"/stop?t=10") {
		t.Fatalf("the daemon got %q; want the WINCH kill unchanged, then a stop with t=10", seq)
	}
	if st, err := d.Docker("inspect", "-f", "{{.State.Status}}", name); err != nil || st != "exited" {
		t.Fatalf("state after the graceful kill: %q, %v", st, err)
	}
	// A second SIGKILL of the stopped container fails as a kill would.
	if _, err := g.d.Docker("kill", name); err == nil || !strings.Contains(err.Error(), "not running") {
		t.Fatalf("kill of a stopped container: %v, want a not-running error", err)
	}
}
