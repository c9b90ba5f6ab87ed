package livetest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/rules"
	vrender "github.com/dockguard/dockguard/verify/render"
)

func report(t *testing.T, args ...string) string {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(append([]string{"report"}, args...), nil, &out, &errb)
	if code > cli.ExitFindings {
		t.Fatalf("report %v: exit %d\n%s", args, code, errb.String())
	}
	return out.String()
}

// TestReportCompareAroundACleanup makes a JSON report, cleans up with
// `dockguard cleanup --apply`, and compares the next report with the
// first, on the real daemon; then report --cleanup --apply carries a
// cleanup out itself, from its own verify pass.
func TestReportCompareAroundACleanup(t *testing.T) {
	d := testdaemon.Require(t)
	if err := d.ImportImage(); err != nil {
		t.Fatal(err)
	}
	id := runID(d)
	sel := "dgcompare=" + id
	// An exited container with 2 MiB in its writable layer, and a running
	// one without a memory limit.
	must(t, d, "run", "-d", "--network", "none", "--label", d.RunLabel, "--label", sel, "--name", "big-"+id, testdaemon.Image, "sleep")
	blob := filepath.Join(t.TempDir(), "blob")
	if err := os.WriteFile(blob, bytes.Repeat([]byte("x"), 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	must(t, d, "cp", blob, "big-"+id+":/blob")
	must(t, d, "stop", "-t", "1", "big-"+id)
	must(t, d, "run", "-d", "--network", "none", "--label", d.RunLabel, "--label", sel, "--name", "keep-"+id, testdaemon.Image, "sleep")
	empty := t.TempDir()

	before := filepath.Join(t.TempDir(), "before.json")
	report(t, "-H", d.Host, "--label", sel, "--format", "json", "-o", before, empty)
	if r, code := cleanupJSON(t, d.Host, "--containers", "--label", sel, "--older-than", "0s", "--apply", "--yes"); code != cli.ExitOK || len(r.Done) != 1 {
		t.Fatalf("cleanup exit %d: %+v", code, r)
	}
	js := report(t, "-H", d.Host, "--label", sel, "--format", "json", "--compare", before, empty)
	var doc struct {
		Version int                `json:"version"`
		Compare vrender.Comparison `json:"compare"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatal(err)
	}
	rows := map[string]vrender.CompareRow{}
	for _, r := range doc.Compare.Rows {
		rows[r.Area] = r
	}
	if doc.Version != vrender.JSONVersion || doc.Compare.PreviousVersion != vrender.JSONVersion {
		t.Errorf("versions %d, previous %d", doc.Version, doc.Compare.PreviousVersion)
	}
	rec := rows["reclaimable"]
	if rec.BeforeValue-rec.AfterValue < 2<<20 {
		t.Errorf("reclaimable %s → %s: the 2 MiB container's removal does not show", rec.Before, rec.After)
	}
	if u := rows["unlimited"]; u.Before != "1 of 1 running" || u.After != "1 of 1 running" || u.AfterRisk != rules.RiskHigh {
		t.Errorf("containers without limits: %+v", u)
	}
	if c := rows["crash"]; c.AfterRisk != rules.RiskHigh {
		t.Errorf("crash risk with an unlimited container running: %s", c.AfterRisk)
	}
	md := report(t, "-H", d.Host, "--label", sel, "--compare", before, empty)
	if !strings.Contains(md, "## Before / after") || !strings.Contains(md, "| Containers without limits | 1 of 1 running | 1 of 1 running | no change | HIGH |") {
		t.Errorf("Markdown before/after:\n%s", md)
	}

	// report --cleanup --apply: the dangling anonymous volume goes, and
	// the report's verify pass is the plan's (one container list before
	// the cleanup, one after it for the live sections).
	vol := must(t, d, "volume", "create", "--label", d.RunLabel, "--label", sel)
	recorder := testdaemon.StartRecorder(t, d.Host)
	out := report(t, "-H", recorder.Host, "--label", sel, "--cleanup", "--apply", "--yes", empty)
	if !strings.Contains(out, "## Resource cleanup") || !strings.Contains(out, "carried out") {
		t.Errorf("report --cleanup --apply:\n%s", out)
	}
	if left := must(t, d, "volume", "ls", "-q", "--filter", "label="+sel); strings.Contains(left, vol) {
		t.Errorf("volume %s survived report --cleanup --apply", vol)
	}
	lists := 0
	for _, rq := range recorder.Requests() {
		if rq.Method == "GET" && strings.HasSuffix(rq.Path(), "/containers/json") {
			lists++
		}
	}
	if lists != 2 {
		t.Errorf("%d container lists, want 2 (the pass the plan shares, then the state after the cleanup)", lists)
	}
	recorder.Reset()
	report(t, "-H", recorder.Host, "--label", sel, "--cleanup", empty)
	lists = 0
	for _, rq := range recorder.Requests() {
		if rq.Method == "GET" && strings.HasSuffix(rq.Path(), "/containers/json") {
			lists++
		}
		if rq.Method != "GET" && rq.Method != "HEAD" {
			t.Errorf("report --cleanup (dry run) sent %s %s", rq.Method, rq.URI)
		}
	}
	if lists != 1 {
		t.Errorf("report --cleanup made %d container lists, want 1 (one verify pass)", lists)
	}
	if code, _, _ := runCLI("report", "--no-live", "--cleanup", "--apply", empty); code != cli.ExitUsage {
		t.Errorf("--apply without --yes: exit %d", code)
	}
}

func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(args, nil, &out, &errb)
	return code, out.String(), errb.String()
}
