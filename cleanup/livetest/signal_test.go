package livetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

// TestSIGINTMidRun builds the dockguard binary, starts `cleanup --apply`
// of six running labelled containers on the private daemon (each stopped,
// then removed, with writes 1 s apart), and sends it SIGINT once the first
// stop reached the daemon. It must finish what was in flight, start
// nothing new, report both lists, exit 130, and leave no container stopped
// but not removed.
func TestSIGINTMidRun(t *testing.T) {
	d := testdaemon.Require(t)
	if err := d.ImportImage(); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "dockguard")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/dockguard/dockguard/cmd/dockguard").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	id := runID(d)
	sel := "dgsigint=" + id
	names := map[string]bool{}
	for i := range 6 {
		name := "sig" + string(rune('a'+i)) + "-" + id
		names[name] = true
		must(t, d, "run", "-d", "--network", "none", "--label", d.RunLabel, "--label", sel, "--name", name, testdaemon.Image, "sleep")
	}
	rec := testdaemon.StartRecorder(t, d.Host)

	var out, errb bytes.Buffer
	cmd := exec.Command(bin, "cleanup", "-H", rec.Host, "--running", "--label", sel, "--older-than", "0s",
		"--apply", "--yes", "--format", "json", "--interval", "1s", "--stop-timeout", "5s", "--progress", "never")
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first stop to reach the daemon, then interrupt.
	var sigAt time.Time
	for deadline := time.Now().Add(60 * time.Second); sigAt.IsZero(); {
		for _, rq := range rec.Requests() {
			if rq.Method == "POST" && strings.HasSuffix(rq.Path(), "/stop") {
				sigAt = time.Now()
				break
			}
		}
		if sigAt.IsZero() {
			if time.Now().After(deadline) {
				_ = cmd.Process.Kill()
				t.Fatalf("no stop within 60 s; stderr %s", errb.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != cli.ExitInterrupted {
		t.Errorf("exit %v, want %d; stderr %s", err, cli.ExitInterrupted, errb.String())
	}
	var r cleanup.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s\nstderr %s", err, out.String(), errb.String())
	}
	if r.Stopped != "signal" || len(r.Plan) != 6 || len(r.Failed) != 0 || len(r.Done)+len(r.Skipped) != 6 {
		t.Fatalf("stopped %q plan %d done %d skipped %d failed %v", r.Stopped, len(r.Plan), len(r.Done), len(r.Skipped), r.Failed)
	}
	if len(r.Done) == 0 || len(r.Skipped) == 0 {
		t.Errorf("done %d, skipped %d: the signal did not land mid-run", len(r.Done), len(r.Skipped))
	}
	for _, o := range r.Skipped {
		if o.Reason != "not attempted: interrupted" {
			t.Errorf("skipped %s: %q", o.Name, o.Reason)
		}
	}

	// The daemon: what was done is gone, what was not is still running.
	left := map[string]string{}
	for _, line := range strings.Split(must(t, d, "ps", "-a", "--filter", "label="+sel, "--format", "{{.Names}} {{.State}}"), "\n") {
		if n, st, ok := strings.Cut(strings.TrimSpace(line), " "); ok {
			left[n] = st
		}
	}
	for _, o := range r.Done {
		if st, ok := left[o.Name]; ok {
			t.Errorf("%s reported done but is still there (%s)", o.Name, st)
		}
	}
	for _, o := range r.Skipped {
		if left[o.Name] != "running" {
			t.Errorf("%s was not attempted but is %q", o.Name, left[o.Name])
		}
	}
	if len(left) != len(r.Skipped) {
		t.Errorf("left %v, want exactly the %d skipped", left, len(r.Skipped))
	}

	// What the daemon saw: every stopped container was also removed, and
	// nothing began after the signal except the removal that completes a
	// stop begun before it.
	stoppedAt := map[string]time.Time{}
	removed := map[string]bool{}
	for _, rq := range rec.Requests() {
		p := rq.Path()
		switch {
		case rq.Method == "POST" && strings.HasSuffix(p, "/stop"):
			stoppedAt[containerID(strings.TrimSuffix(p, "/stop"))] = rq.Start
			if rq.Start.After(sigAt) {
				t.Errorf("a stop began after the signal: %s", rq.URI)
			}
		case rq.Method == "DELETE":
			removed[containerID(p)] = true
		}
		if strings.Contains(rq.URI, "force=") && !strings.Contains(rq.URI, "force=0") {
			t.Errorf("forced: %s", rq.URI)
		}
	}
	for c := range stoppedAt {
		if !removed[c] {
			t.Errorf("container %s was stopped but not removed", c)
		}
	}
	if len(stoppedAt) != len(r.Done) {
		t.Errorf("%d stops, %d done", len(stoppedAt), len(r.Done))
	}
}

func containerID(path string) string { return path[strings.LastIndex(path, "/")+1:] }
