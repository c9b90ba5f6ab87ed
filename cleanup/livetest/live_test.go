package livetest

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
)

func TestMain(m *testing.M) { os.Exit(testdaemon.Main(m)) }

func runID(d *testdaemon.Daemon) string {
	_, id, _ := strings.Cut(d.RunLabel, "=")
	return id
}

func must(t *testing.T, d *testdaemon.Daemon, args ...string) string {
	t.Helper()
	out, err := d.Docker(args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func cleanupJSON(t *testing.T, host string, args ...string) (*cleanup.Result, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(append([]string{"cleanup", "-H", host, "--format", "json"}, args...), nil, &out, &errb)
	var r cleanup.Result
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("cleanup %v: exit %d, not JSON: %v\n%s\nstderr: %s", args, code, err, out.String(), errb.String())
	}
	return &r, code
}

// state is what the daemon holds of the test's objects.
func state(t *testing.T, d *testdaemon.Daemon) string {
	t.Helper()
	cs := must(t, d, "ps", "-a", "--filter", "label="+d.RunLabel, "--format", "{{.Names}} {{.State}}")
	vs := must(t, d, "volume", "ls", "--filter", "label="+d.RunLabel, "--format", "{{.Name}}")
	lines := strings.Fields(strings.ReplaceAll(cs+"\n"+vs, " ", "="))
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func planned(r *cleanup.Result) []string {
	var out []string
	for _, it := range r.Plan {
		out = append(out, it.Kind+":"+it.Name)
	}
	slices.Sort(out)
	return out
}

// TestCleanupOnARealDaemon stages what the issue lists, plans with two
// ages, applies, and checks what the daemon saw through the proxy.
func TestCleanupOnARealDaemon(t *testing.T) {
	d := testdaemon.Require(t)
	if err := d.ImportImage(); err != nil {
		t.Fatal(err)
	}
	id := runID(d)
	sel := "dgcleanup=" + id
	img := testdaemon.Image
	base := []string{"run", "-d", "--network", "none", "--label", d.RunLabel}
	// Exited containers: one finished a few seconds before the other.
	must(t, d, append(base, "--label", sel, "--name", "old-"+id, img, "exit", "0")...)
	time.Sleep(3 * time.Second)
	must(t, d, append(base, "--label", sel, "--name", "new-"+id, img, "exit", "0")...)
	// Running: one selected by the label, one not; the second uses a volume.
	must(t, d, append(base, "--label", sel, "--name", "run-labelled-"+id, img, "sleep")...)
	must(t, d, "volume", "create", "--label", d.RunLabel, "--label", sel, "used-"+id)
	must(t, d, append(base, "--name", "run-other-"+id, "-v", "used-"+id+":/data", img, "sleep")...)
	// Dangling volumes: an anonymous one and a named one.
	anon := must(t, d, "volume", "create", "--label", d.RunLabel, "--label", sel)
	must(t, d, "volume", "create", "--label", d.RunLabel, "--label", sel, "named-"+id)
	for deadline := time.Now().Add(60 * time.Second); ; {
		st := must(t, d, "inspect", "-f", "{{.State.Status}}", "old-"+id, "new-"+id)
		if st == "exited\nexited" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("containers did not exit: %q", st)
		}
		time.Sleep(100 * time.Millisecond)
	}

	rec := testdaemon.StartRecorder(t, d.Host)
	scopes := []string{"--containers", "--running", "--volumes", "--label", sel}
	before := state(t, d)

	// Dry runs: 1h selects no exited container, 2s the older one only.
	r, code := cleanupJSON(t, rec.Host, append(scopes, "--older-than", "1h")...)
	if code != cli.ExitFindings || !r.DryRun {
		t.Errorf("dry run exit %d (want 1: something to do), dryRun %v", code, r.DryRun)
	}
	if got := planned(r); strings.Join(got, " ") != "container:run-labelled-"+id+" volume:"+anon {
		t.Errorf("plan at 1h: %v", got)
	}
	// An age between the two exits, taken from the daemon's FinishedAt.
	fin := strings.Fields(must(t, d, "inspect", "-f", "{{.State.FinishedAt}}", "old-"+id, "new-"+id))
	oldAt, err1 := time.Parse(time.RFC3339Nano, fin[0])
	newAt, err2 := time.Parse(time.RFC3339Nano, fin[1])
	if err1 != nil || err2 != nil {
		t.Fatalf("FinishedAt %v: %v %v", fin, err1, err2)
	}
	between := time.Since(oldAt.Add(newAt.Sub(oldAt) / 2)).Round(time.Millisecond)
	r, _ = cleanupJSON(t, rec.Host, append(scopes, "--older-than", between.String())...)
	if got := planned(r); strings.Join(got, " ") != "container:old-"+id+" container:run-labelled-"+id+" volume:"+anon {
		t.Errorf("plan at %s (exits %s apart): %v", between, newAt.Sub(oldAt), got)
	}
	for _, rq := range rec.Requests() {
		if rq.Method != "GET" && rq.Method != "HEAD" {
			t.Errorf("a dry run sent %s %s", rq.Method, rq.URI)
		}
	}
	if after := state(t, d); after != before {
		t.Errorf("the dry run changed the daemon:\n%s\nwas\n%s", after, before)
	}

	// report --cleanup adds the dry run's plan as "Resource cleanup",
	// read-only, on the same client as the report's verify pass.
	var rep, repErr bytes.Buffer
	cli.Run([]string{"report", "-H", rec.Host, "--label", sel, "--cleanup", t.TempDir()}, nil, &rep, &repErr)
	if !strings.Contains(rep.String(), "## Resource cleanup") || !strings.Contains(rep.String(), "dry run: nothing was changed") {
		t.Errorf("report --cleanup without the section; stderr %s\n%s", repErr.String(), rep.String())
	}
	for _, rq := range rec.Requests() {
		if rq.Method != "GET" && rq.Method != "HEAD" {
			t.Errorf("report --cleanup sent %s %s", rq.Method, rq.URI)
		}
	}
	if after := state(t, d); after != before {
		t.Errorf("report --cleanup changed the daemon")
	}

	// Apply at 0s: both exited containers, the labelled running one and
	// the anonymous volume.
	rec.Reset()
	r, code = cleanupJSON(t, rec.Host, append(scopes, "--older-than", "0s", "--apply", "--yes", "--stop-timeout", "1s")...)
	want := "container:new-" + id + " container:old-" + id + " container:run-labelled-" + id + " volume:" + anon
	if got := planned(r); strings.Join(got, " ") != want {
		t.Errorf("plan at 0s: %v", got)
	}
	if code != cli.ExitOK || len(r.Done) != 4 || len(r.Failed)+len(r.Skipped) != 0 {
		t.Fatalf("apply exit %d: done %v skipped %v failed %v", code, r.Done, r.Skipped, r.Failed)
	}
	left := state(t, d)
	for _, gone := range []string{"old-" + id, "new-" + id, "run-labelled-" + id, anon} {
		if strings.Contains(left, gone) {
			t.Errorf("%s survived --apply:\n%s", gone, left)
		}
	}
	for _, kept := range []string{"run-other-" + id + "=running", "named-" + id, "used-" + id} {
		if !strings.Contains(left, kept) {
			t.Errorf("%s was touched:\n%s", kept, left)
		}
	}

	// What the daemon saw.
	reqs := rec.Requests()
	slices.SortFunc(reqs, func(a, b testdaemon.Request) int { return a.Start.Compare(b.Start) })
	var writes []testdaemon.Request
	stopped := map[string]bool{}
	for _, rq := range reqs {
		if strings.Contains(rq.URI, "force=1") || strings.Contains(rq.URI, "force=true") {
			t.Errorf("forced: %s %s", rq.Method, rq.URI)
		}
		if rq.Method == "GET" || rq.Method == "HEAD" {
			continue
		}
		writes = append(writes, rq)
		if rq.Method == "POST" && strings.HasSuffix(rq.Path(), "/stop") {
			if !strings.Contains(rq.URI, "t=1") {
				t.Errorf("stop without t=: %s", rq.URI)
			}
			stopped[strings.TrimSuffix(rq.Path(), "/stop")] = true
		}
	}
	runningID := ""
	for _, it := range r.Done {
		if it.Action == cleanup.ActionStopRemove {
			runningID = it.ID
		}
	}
	sawDelete := false
	for _, w := range writes {
		if w.Method == "DELETE" && strings.HasSuffix(w.Path(), "/containers/"+runningID) {
			sawDelete = true
			if !stopped[strings.TrimSuffix(w.Path(), "")] {
				t.Errorf("DELETE %s of a running container without a stop before it", w.URI)
			}
		}
	}
	if runningID == "" || !sawDelete {
		t.Errorf("no removal of the running container seen: %v", writes)
	}
	if len(writes) != 5 { // 1 stop + 3 container removals + 1 volume
		t.Errorf("%d writes, want 5: %v", len(writes), writes)
	}
	for i := 1; i < len(writes); i++ {
		// The guard spaces the writes on the wire (daemonguard's own tests
		// assert the exact interval where the transport acts); the proxy
		// stamps them when its handler runs, a scheduling hop later that
		// differs from one request to the next by up to 140 ms on a loaded
		// CI runner. Writes that were not spaced at all would arrive
		// milliseconds apart, so half the interval tells the two apart.
		if gap := writes[i].Start.Sub(writes[i-1].Start); gap < 250*time.Millisecond {
			t.Errorf("writes %s and %s started %s apart (interval 0.5s)", writes[i-1].URI, writes[i].URI, gap)
		}
	}
	if p := rec.Peak(); p > 3 {
		t.Errorf("%d requests in flight at once", p)
	}
}

// TestBuildCachePrune makes build cache with a BuildKit build from scratch
// (random content, so nothing is cached before) and prunes it. Build cache
// carries no labels, so this runs only on a private daemon.
func TestBuildCachePrune(t *testing.T) {
	d := testdaemon.Require(t)
	if !d.Private {
		t.Skip("build cache has no labels: pruning it is only safe on a private daemon")
	}
	if err := d.BuildKitBuild("dockguard-cleanup-cache:"+runID(d), 4<<20); err != nil {
		t.Fatalf("no build cache: %v", err)
	}
	rec := testdaemon.StartRecorder(t, d.Host)
	r, code := cleanupJSON(t, rec.Host, "--build-cache", "--older-than", "0s")
	if code != cli.ExitFindings || len(r.Plan) != 1 || r.Plan[0].Size <= 0 {
		t.Fatalf("dry run exit %d plan %+v", code, r.Plan)
	}
	r, code = cleanupJSON(t, rec.Host, "--build-cache", "--older-than", "0s", "--apply", "--yes")
	if code != cli.ExitOK || len(r.Done) != 1 || r.ReclaimedBytes <= 0 {
		t.Fatalf("apply exit %d: %+v", code, r)
	}
	var prune string
	for _, rq := range rec.Requests() {
		if rq.Method == "POST" {
			prune = rq.URI
		}
	}
	if !strings.Contains(prune, "/build/prune") {
		t.Errorf("no build prune seen: %q", prune)
	}
}
