package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

func fake(t *testing.T) *fakedaemon.Daemon {
	t.Helper()
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 4 << 30, NCPU: 2, OS: "Ubuntu 24.04"}
	d.Containers = []fakedaemon.Container{
		{ID: "c1", Name: "api", Image: "api:1", State: "running", Memory: 256 << 20},
		{ID: "c2", Name: "cache", Image: "redis:7", State: "running", Usage: 50 << 20},
		{ID: "c3", Name: "seed", Image: "seed:1", State: "exited", FinishedAt: time.Now().Add(-3 * time.Hour)},
	}
	d.Start()
	t.Cleanup(d.Close)
	return d
}

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVerifyUsageErrors(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("DOCKER_CONFIG", "")
	t.Setenv("DOCKER_HOST", "")
	t.Setenv("DOCKER_CONTEXT", "")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"verify", "-H", "unix:///x.sock", "--context", "prod"}, "conflicting options"},
		{[]string{"verify", "--context", "nope"}, "context not found"},
		{[]string{"verify", "--format", "checkstyle"}, "unknown --format"},
		{[]string{"verify", "--usage", "--no-usage"}, "contradict"},
		{[]string{"verify", "--usage-source", "kernel"}, "unknown usage source"},
		{[]string{"verify", "--fail-on", "fatal"}, "--fail-on"},
		{[]string{"verify", "--build-cache-threshold", "lots"}, "--build-cache-threshold"},
		{[]string{"verify", "--max-in-flight", "0"}, "must be positive"},
		{[]string{"verify", "-H", "http://x"}, "invalid daemon host"},
		{[]string{"verify", "extra"}, "unexpected argument"},
		{[]string{"verify", "--enable", "DG999"}, "unknown rule"},
		{[]string{"report", "--format", "pdf"}, "unknown --format"},
	} {
		code, _, stderr := run(tc.args...)
		if code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
}

func TestVerifyTextAndJSON(t *testing.T) {
	d := fake(t)
	code, stdout, stderr := run("verify", "-H", d.Host(), "--progress", "never")
	if code != ExitFindings {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	// The location is the container, not the socket every live finding shares.
	want := "\ncache: error: container cache (redis:7) is running without a memory limit"
	if !strings.Contains("\n"+stdout, want) || !strings.Contains(stdout, "[DG401 live-container-no-memory-limit]") {
		t.Errorf("text output:\n%s\nwant a line with %q", stdout, want)
	}
	if !strings.Contains(stderr, "3 containers inspected") || !strings.Contains(stderr, "budget") {
		t.Errorf("summary line: %s", stderr)
	}
	// --fail-on none: findings do not fail the run.
	if code, _, _ := run("verify", "-H", d.Host(), "--fail-on", "none"); code != ExitOK {
		t.Errorf("--fail-on none: exit %d", code)
	}
	// Only info findings at --fail-on warning: exit 0.
	if code, _, _ := run("verify", "-H", d.Host(), "--enable", "DG404"); code != ExitOK {
		t.Errorf("info only: exit %d", code)
	}
	if strings.Contains(stdout, d.Host()+": error: container") {
		t.Errorf("a container's finding is located at the socket:\n%s", stdout)
	}
	code, stdout, _ = run("verify", "-H", d.Host(), "--format", "json")
	if code != ExitFindings {
		t.Errorf("json exit %d", code)
	}
	var doc struct {
		Version  int `json:"version"`
		Findings []struct {
			Rule      string `json:"rule"`
			File      string `json:"file"`
			Container string `json:"container"`
		} `json:"findings"`
		Live struct {
			Calls  map[string]int `json:"apiCalls"`
			Budget int            `json:"apiCallBudget"`
		} `json:"live"`
		Summary struct {
			BySeverity map[string]int `json:"bySeverity"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if doc.Version != 1 || len(doc.Findings) == 0 || doc.Findings[0].File != d.Host() || doc.Live.Budget == 0 || doc.Summary.BySeverity["error"] == 0 {
		t.Errorf("json: %+v", doc)
	}
	if f := doc.Findings[0]; f.Rule != "DG401" || f.Container != "cache" {
		t.Errorf("json: the DG401 finding is %+v, want container cache", f)
	}
}

func TestVerifyOutputFileSARIFAndGitHub(t *testing.T) {
	d := fake(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "live.sarif")
	code, stdout, stderr := run("verify", "-H", d.Host(), "--format", "sarif", "-o", out)
	if code != ExitFindings || stdout != "" {
		t.Fatalf("sarif -o: exit %d, stdout %q, stderr %s", code, stdout, stderr)
	}
	if !strings.Contains(stderr, "3 containers inspected") {
		t.Errorf("with -o the summary goes to stderr: %s", stderr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
					Logical []struct {
						Name string `json:"name"`
						Kind string `json:"kind"`
					} `json:"logicalLocations"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("sarif: %s", b)
	}
	rulesSeen := map[string]bool{}
	for _, r := range log.Runs[0].Results {
		rulesSeen[r.RuleID] = true
		if len(r.Locations) != 1 || r.Locations[0].Physical.Artifact.URI != d.Host() {
			t.Errorf("%s: locations %+v", r.RuleID, r.Locations)
			continue
		}
		if lg := r.Locations[0].Logical; r.RuleID == "DG401" && (len(lg) != 1 || lg[0].Name != "cache" || lg[0].Kind != "resource") {
			t.Errorf("DG401 logical location %+v, want the container cache", lg)
		}
	}
	if !rulesSeen["DG401"] || !rulesSeen["DG404"] {
		t.Errorf("sarif results: %v", rulesSeen)
	}

	code, stdout, _ = run("verify", "-H", d.Host(), "--format", "github")
	if code != ExitFindings {
		t.Errorf("github: exit %d", code)
	}
	if !strings.Contains(stdout, "::error title=DG401::cache: container cache (redis:7) is running without a memory limit") {
		t.Errorf("github annotations:\n%s", stdout)
	}
	if strings.Contains(stdout, "file=") {
		t.Errorf("a live finding names a repository file:\n%s", stdout)
	}
	// Text to a file has no colour even when forced.
	txt := filepath.Join(dir, "live.txt")
	if code, _, _ := run("verify", "-H", d.Host(), "--color", "always", "-o", txt); code != ExitFindings {
		t.Errorf("text -o: exit %d", code)
	}
	if b, err := os.ReadFile(txt); err != nil || !strings.Contains(string(b), "cache: error:") || strings.Contains(string(b), "\x1b[") {
		t.Errorf("text file: %v\n%q", err, b)
	}
}

func TestRulesJSON(t *testing.T) {
	code, stdout, stderr := run("rules", "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Version int `json:"version"`
		Rules   []struct {
			ID        string   `json:"id"`
			Severity  string   `json:"severity"`
			Frontends []string `json:"frontends"`
			HelpURI   string   `json:"helpUri"`
			Fixable   bool     `json:"fixable"`
		} `json:"rules"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if doc.Version != 1 || len(doc.Rules) != len(rules.Catalogue) {
		t.Fatalf("%d rules, want %d", len(doc.Rules), len(rules.Catalogue))
	}
	for i, r := range doc.Rules {
		c := rules.Catalogue[i]
		if r.ID != c.ID || r.Severity != c.Severity.String() || r.HelpURI != c.HelpURI() || r.Fixable != c.Fixable || len(r.Frontends) == 0 {
			t.Errorf("rule %d: %+v, want %s", i, r, c.ID)
		}
	}
	if code, _, stderr := run("rules", "--format", "yaml"); code != ExitUsage || !strings.Contains(stderr, "text, markdown or json") {
		t.Errorf("bad format: exit %d %s", code, stderr)
	}
}

func TestVerifyFollowsDockerHost(t *testing.T) {
	d := fake(t)
	t.Setenv("DOCKER_HOST", d.Host())
	if code, _, stderr := run("verify", "--enable", "DG401"); code != ExitFindings {
		t.Errorf("DOCKER_HOST not used: exit %d %s", code, stderr)
	}
}

func TestReportFormats(t *testing.T) {
	d := fake(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "clean.sh"), []byte("#!/bin/sh\ndocker rm -f web\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for format, marker := range map[string]string{"markdown": "## Running containers", "html": "<!DOCTYPE html>", "json": `"recommendations"`} {
		out := filepath.Join(t.TempDir(), "report."+format)
		code, stdout, stderr := run("report", "-H", d.Host(), "--format", format, "-o", out, dir)
		if code != ExitFindings || stdout != "" {
			t.Errorf("%s: exit %d stdout %q stderr %s", format, code, stdout, stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), marker) || !strings.Contains(string(b), "DG401") {
			t.Errorf("%s report lacks %q or DG401", format, marker)
		}
	}
	// Static only.
	code, stdout, _ := run("report", "--no-live", dir)
	if code != ExitFindings || !strings.Contains(stdout, "(error, static, 1)") || strings.Contains(stdout, "## Running containers") {
		t.Errorf("--no-live: exit %d\n%s", code, stdout)
	}
	// An unreachable daemon still gives a report, with DG408, and exit 3.
	code, stdout, _ = run("report", "-H", "tcp://127.0.0.1:1", "--tries", "1", dir)
	if code != ExitErrors || !strings.Contains(stdout, "DG408") || !strings.Contains(stdout, "INCOMPLETE") && !strings.Contains(stdout, "FAIL") {
		t.Errorf("unreachable: exit %d\n%s", code, stdout)
	}
}

func TestVerifyProgress(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 8 << 30}
	for i := range 8 {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: string(rune('a' + i)), Name: "svc" + string(rune('a'+i)), State: "running", Usage: 1 << 20})
	}
	d.Start()
	t.Cleanup(d.Close)
	_, _, stderr := run("verify", "-H", d.Host(), "--progress", "always", "--no-disk-usage")
	for _, want := range []string{"\r\x1b[K", "inspecting containers", "sampling the memory of 8 containers", "--no-usage skips it"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("progress lacks %q:\n%q", want, stderr)
		}
	}
	// Not a terminal and --progress auto: no progress at all.
	_, _, stderr = run("verify", "-H", d.Host(), "--no-disk-usage")
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "sampling") {
		t.Errorf("progress on a non-terminal:\n%q", stderr)
	}
	if code, _, stderr := run("verify", "-H", d.Host(), "--progress", "sometimes"); code != ExitUsage || !strings.Contains(stderr, "--progress") {
		t.Errorf("bad --progress: exit %d %s", code, stderr)
	}
}

func TestVerifySummaryCountsCgroupReads(t *testing.T) {
	f := &verify.Facts{Endpoint: "unix:///d.sock", Reached: true, Containers: make([]verify.ContainerFacts, 3),
		Calls: map[string]int{"ping": 1, "containers/inspect": 3}, Budget: 9, CgroupReads: 1}
	got := verifySummary(f, rules.Result{})
	if want := "0 findings on unix:///d.sock: 3 containers inspected, 4 API calls (budget 9) plus 1 usage sample read from cgroups in 0s"; got != want {
		t.Errorf("summary %q\nwant    %q", got, want)
	}
	f.CgroupReads = 0
	if got := verifySummary(f, rules.Result{}); strings.Contains(got, "cgroups") {
		t.Errorf("summary without cgroup reads mentions them: %q", got)
	}
}

// TestProgressETA: the progress line estimates the time left once the
// phase is expected to take more than 30 s, and says when the deadline
// will stop the pass first.
func TestProgressETA(t *testing.T) {
	start := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	clock := start
	var b bytes.Buffer
	p := &ttyProgress{w: &b, now: func() time.Time { return clock }, deadline: start.Add(2 * time.Minute)}
	p.Step("inspecting containers", 0, 100)
	clock = start.Add(2 * time.Second)
	p.Step("inspecting containers", 10, 100) // 20 s expected in all: no estimate
	if strings.Contains(b.String(), "left") {
		t.Errorf("estimate for a 20 s phase: %q", b.String())
	}
	b.Reset()
	clock = start.Add(5 * time.Second)
	p.Step("inspecting containers", 10, 100) // 50 s in all, 45 s left
	if got := b.String(); !strings.HasSuffix(got, "inspecting containers 10/100, about 45s left") {
		t.Errorf("progress %q", got)
	}
	b.Reset()
	clock = start.Add(20 * time.Second)
	p.Step("inspecting containers", 10, 1000) // 1,980 s left, deadline in 100 s
	if got := b.String(); !strings.HasSuffix(got, "10/1000, about 33m0s left; the deadline stops it in 1m40s") {
		t.Errorf("progress %q", got)
	}
	b.Reset()
	clock = start.Add(21 * time.Second)
	p.Step("sampling memory usage", 1, 50) // a new phase starts its own clock
	if strings.Contains(b.String(), "left") {
		t.Errorf("estimate carried over from the previous phase: %q", b.String())
	}
}

// TestVerifyDeadline: --deadline (or live.deadline) stops a pass against a
// slow daemon; what was gathered is reported with DG408 and exit 3.
func TestVerifyDeadline(t *testing.T) {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 8 << 30}
	for i := range 30 {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("svc%02d", i), State: "running", Memory: 64 << 20})
	}
	d.Faults = map[string]*fakedaemon.Fault{"containers/inspect": {Delay: 100 * time.Millisecond}}
	d.Start()
	t.Cleanup(d.Close)
	dir := t.TempDir()
	t.Chdir(dir)
	code, stdout, stderr := run("verify", "-H", d.Host(), "--deadline", "400ms", "--max-in-flight", "1", "--no-disk-usage", "--format", "json")
	if code != ExitErrors || !strings.Contains(stdout, "incomplete: deadline reached after ") || !strings.Contains(stdout, "of 30 containers (--deadline 400ms)") {
		t.Errorf("--deadline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	// From the configuration, and for report too.
	if err := os.WriteFile(filepath.Join(dir, ".dockguard.yaml"), []byte("live:\n  deadline: 300ms\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = run("verify", "-H", d.Host(), "--max-in-flight", "1", "--no-disk-usage")
	if code != ExitErrors || !strings.Contains(stdout, "(--deadline 300ms)") {
		t.Errorf("live.deadline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	code, stdout, stderr = run("report", "-H", d.Host(), "--max-in-flight", "1", "--no-disk-usage", "--format", "markdown", ".")
	if code != ExitErrors || !strings.Contains(stdout, "(--deadline 300ms)") {
		t.Errorf("report with live.deadline: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if code, _, stderr := run("verify", "-H", d.Host(), "--deadline", "0s"); code != ExitUsage || !strings.Contains(stderr, "--deadline must be positive") {
		t.Errorf("--deadline 0: exit %d %s", code, stderr)
	}
}

// TestVerifyConfigFlags: --docker-config is the docker config folder;
// --config FILE and --no-config choose .dockguard.yaml as in check; a
// --config that names a folder is the deprecated spelling of
// --docker-config, read as such with a note.
func TestVerifyConfigFlags(t *testing.T) {
	t.Setenv("DOCKER_HOST", "")
	t.Setenv("DOCKER_CONTEXT", "")
	t.Setenv("DOCKER_CONFIG", "")
	t.Setenv("HOME", t.TempDir())
	dir := t.TempDir()
	t.Chdir(dir)
	dockerCfg := filepath.Join(dir, "docker")
	if err := os.Mkdir(dockerCfg, 0o755); err != nil {
		t.Fatal(err)
	}
	// A current context that does not exist: reading the folder fails
	// with that name, which shows the folder was read.
	if err := os.WriteFile(filepath.Join(dockerCfg, "config.json"), []byte(`{"currentContext": "from-folder"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"verify", "report"} {
		code, _, stderr := run(cmd, "--docker-config", dockerCfg)
		if code != ExitUsage || !strings.Contains(stderr, "from-folder") || strings.Contains(stderr, "deprecated") {
			t.Errorf("%s --docker-config: exit %d, stderr %q; want the folder's context read", cmd, code, stderr)
		}
		code, _, stderr = run(cmd, "--config", dockerCfg)
		if code != ExitUsage || !strings.Contains(stderr, "from-folder") || !strings.Contains(stderr, "deprecated") || !strings.Contains(stderr, "use --docker-config "+dockerCfg) {
			t.Errorf("%s --config FOLDER: exit %d, stderr %q; want the folder read as --docker-config, with a deprecation note", cmd, code, stderr)
		}
		code, _, stderr = run(cmd, "--config", dockerCfg, "--docker-config", dockerCfg)
		if code != ExitUsage || !strings.Contains(stderr, "--docker-config") || strings.Contains(stderr, "from-folder") {
			t.Errorf("%s --config FOLDER --docker-config FOLDER: exit %d, stderr %q; want a usage error", cmd, code, stderr)
		}
		code, _, stderr = run(cmd, "--config", "nosuch")
		if code != ExitUsage || !strings.Contains(stderr, "no such file") || !strings.Contains(stderr, "--docker-config") {
			t.Errorf("%s --config nosuch: exit %d, stderr %q; want a hint at --docker-config", cmd, code, stderr)
		}
		code, _, stderr = run(cmd, "--config", "x.yaml", "--no-config")
		if code != ExitUsage || !strings.Contains(stderr, "contradict") {
			t.Errorf("%s --config --no-config: exit %d, stderr %q", cmd, code, stderr)
		}
	}

	d := fake(t)
	// The .dockguard.yaml found from here turns DG401 off; --config names
	// another that turns DG404 off; --no-config reads neither.
	if err := os.WriteFile(filepath.Join(dir, ".dockguard.yaml"), []byte("rules:\n  DG401: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "ci.yaml")
	if err := os.WriteFile(other, []byte("rules:\n  DG404: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rulesOf := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := run(append([]string{"verify", "-H", d.Host(), "--progress", "never", "--format", "json"}, args...)...)
		if code != ExitFindings && code != ExitOK {
			t.Fatalf("verify %v: exit %d\n%s", args, code, stderr)
		}
		var doc struct {
			Findings []struct {
				Rule string `json:"rule"`
			} `json:"findings"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		seen := map[string]bool{}
		for _, f := range doc.Findings {
			seen[f.Rule] = true
		}
		return fmt.Sprintf("DG401=%v DG404=%v", seen["DG401"], seen["DG404"])
	}
	if got := rulesOf(); got != "DG401=false DG404=true" {
		t.Errorf("discovered .dockguard.yaml: %s", got)
	}
	if got := rulesOf("--config", other); got != "DG401=true DG404=false" {
		t.Errorf("--config %s: %s", other, got)
	}
	if got := rulesOf("--no-config"); got != "DG401=true DG404=true" {
		t.Errorf("--no-config: %s", got)
	}
}
