package livetest

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
