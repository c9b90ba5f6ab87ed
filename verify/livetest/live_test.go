package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/cli"
	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/internal/testdaemon"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
)

func TestMain(m *testing.M) {
	code := testdaemon.Main(m)
	if staged.composeDir != "" {
		os.RemoveAll(staged.composeDir)
	}
	os.Exit(code)
}

// stage is the set of objects every live test looks at. It is created once.
type stage struct {
	d          *testdaemon.Daemon
	composeDir string
	volume     string
	buildCache bool
	err        error
}

var (
	stageOnce sync.Once
	staged    stage
)

func setup(t *testing.T) *stage {
	t.Helper()
	d := testdaemon.Require(t)
	stageOnce.Do(func() { staged = build(d) })
	if staged.err != nil {
		t.Fatalf("staging the daemon: %v", staged.err)
	}
	return &staged
}

func build(d *testdaemon.Daemon) stage {
	s := stage{d: d}
	fail := func(err error) stage { s.err = err; return s }
	if err := d.ImportImage(); err != nil {
		return fail(err)
	}
	run := func(name string, args ...string) error {
		base := []string{"run", "-d", "--network", "none", "--name", name + "-" + runID(d), "--label", d.RunLabel}
		_, err := d.Docker(append(base, args...)...)
		return err
	}
	img := testdaemon.Image
	// Limited and unlimited running containers; the unlimited one holds
	// 24 MiB so that its sampled usage is visible.
	if err := run("limited", "--memory", "64m", img, "sleep"); err != nil {
		return fail(err)
	}
	if err := run("unlimited", img, "alloc", "24"); err != nil {
		return fail(err)
	}
	// One that exits, and one that the kernel OOM-kills.
	if err := run("exits", img, "exit", "3"); err != nil {
		return fail(err)
	}
	if err := run("oom", "--memory", "16m", "--memory-swap", "16m", img, "alloc", "64"); err != nil {
		return fail(err)
	}
	// A restart loop: exits 1, restarted by the daemon.
	if err := run("loop", "--memory", "32m", "--restart", "on-failure:10", img, "exit", "1"); err != nil {
		return fail(err)
	}
	// A compose service whose running limit (64m) differs from its file (128m).
	dir, err := os.MkdirTemp("", "dgcompose")
	if err != nil {
		return fail(err)
	}
	s.composeDir = dir
	file := filepath.Join(dir, "compose.yaml")
	yaml := "services:\n  web:\n    image: " + img + "\n    mem_limit: 128m\n"
	if err := os.WriteFile(file, []byte(yaml), 0o644); err != nil {
		return fail(err)
	}
	if err := run("web", "--memory", "64m",
		"--label", verify.LabelProject+"=dgproj", "--label", verify.LabelService+"=web",
		"--label", verify.LabelConfigFiles+"="+file, "--label", verify.LabelWorkingDir+"="+dir,
		"--label", verify.LabelOneoff+"=False", img, "sleep"); err != nil {
		return fail(err)
	}
	// A dangling volume.
	s.volume = "dgvol-" + runID(d)
	if _, err := d.Docker("volume", "create", "--label", d.RunLabel, s.volume); err != nil {
		return fail(err)
	}
	// Build cache from a BuildKit build.
	if err := d.BuildKitBuild("dockguard-test-cache:"+runID(d), 2<<20); err == nil {
		s.buildCache = true
	} else {
		fmt.Fprintf(os.Stderr, "livetest: no build cache: %v\n", err)
	}
	// Wait until the states the checks look for have happened. The restart
	// back-off doubles from 100 ms and a loaded CI machine is slow to start
	// containers, so allow plenty of time; the wait ends as soon as they are there.
	const wait = 120 * time.Second
	deadline := time.Now().Add(wait)
	var oom, oomState, exited string
	var n, oomStarts int
	for time.Now().Before(deadline) {
		oom, _ = d.Docker("inspect", "-f", "{{.State.OOMKilled}}", "oom-"+runID(d))
		oomState, _ = d.Docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "oom-"+runID(d))
		if oom == "false" && strings.HasPrefix(oomState, "exited") && oomStarts < 3 {
			// Killed, but the daemon's exit event won the race against its
			// OOM event (Docker 20.10 on a loaded machine), leaving
			// OOMKilled false: run it again.
			oomStarts++
			fmt.Fprintf(os.Stderr, "livetest: oom container %s without OOMKilled; starting it again\n", oomState)
			_, _ = d.Docker("start", "oom-"+runID(d))
		}
		restarts, _ := d.Docker("inspect", "-f", "{{.RestartCount}}", "loop-"+runID(d))
		exited, _ = d.Docker("inspect", "-f", "{{.State.Status}}", "exits-"+runID(d))
		n, _ = strconv.Atoi(restarts)
		if oom == "true" && exited == "exited" && n >= 3 {
			return s
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fail(fmt.Errorf("containers did not reach their states within %v: oom OOMKilled=%q (state %q, started again %d times), exits status=%q, loop RestartCount=%d (want true, exited, >= 3)", wait, oom, oomState, oomStarts, exited, n))
}

func runID(d *testdaemon.Daemon) string {
	_, id, _ := strings.Cut(d.RunLabel, "=")
	return id
}

func client(t *testing.T, host string) *dockerapi.Client {
	t.Helper()
	c, err := dockerapi.New(endpoint.Endpoint{Host: host}, dockerapi.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func byRule(fs []rules.Finding) map[string][]rules.Finding {
	m := map[string][]rules.Finding{}
	for _, f := range fs {
		m[f.Rule] = append(m[f.Rule], f)
	}
	return m
}

func TestEveryLiveRule(t *testing.T) {
	s := setup(t)
	d := s.d
	c := client(t, d.Host)
	facts, res := verify.Run(context.Background(), c, verify.Options{
		Endpoint:            d.Host,
		Labels:              []string{d.RunLabel},
		StaleAfter:          time.Hour,
		Now:                 func() time.Time { return time.Now().Add(2 * time.Hour) },
		BuildCacheThreshold: 1 << 20,
		MemoryBudget:        150 << 20,
		SlowPing:            time.Nanosecond, // every ping is "slow": DG408 on a healthy daemon
		ComposeLimits:       compose.DeclaredLimits,
	})
	got := byRule(res.Findings)
	id := runID(d)
	want := func(rule string, substrings ...string) {
		t.Helper()
		fs := got[rule]
		if len(fs) == 0 {
			t.Errorf("%s: no finding; all findings: %v", rule, res.Findings)
			return
		}
		all := ""
		for _, f := range fs {
			all += f.Message + "\n"
			if rule != "DG402" && f.File != d.Host {
				t.Errorf("%s: File = %q, want the endpoint", rule, f.File)
			}
		}
		for _, sub := range substrings {
			if !strings.Contains(all, sub) {
				t.Errorf("%s: no message mentions %q:\n%s", rule, sub, all)
			}
		}
	}
	want("DG401", "unlimited-"+id)
	if n := len(got["DG401"]); n != 1 {
		t.Errorf("DG401: %d findings, want 1 (only the unlimited container): %v", n, got["DG401"])
	}
	want("DG402", "web", "128MiB", "64MiB")
	if fs := got["DG402"]; len(fs) > 0 && (fs[0].File != filepath.Join(s.composeDir, "compose.yaml") || fs[0].Line != 2 || fs[0].Column != 3) {
		t.Errorf("DG402 at %s:%d:%d, want the service key in the compose file (line 2, column 3)", fs[0].File, fs[0].Line, fs[0].Column)
	}
	want("DG403", "oom-"+id, "OOM-killed", "loop-"+id, "restarted")
	want("DG404", "exits-"+id, "oom-"+id)
	want("DG405", s.volume)
	if s.buildCache {
		want("DG406", "build cache")
	} else {
		t.Error("DG406 not exercised: no docker CLI could make build cache")
	}
	want("DG407", "150MiB")
	want("DG408", "ping")

	// Traps: the limited, running container is in no finding.
	for _, f := range res.Findings {
		if strings.Contains(f.Message, "limited-"+id) && !strings.Contains(f.Message, "unlimited-"+id) {
			t.Errorf("limited container reported: %s: %s", f.Rule, f.Message)
		}
	}
	// The facts carry the sampled usage of the unlimited container only.
	for _, ct := range facts.Containers {
		switch ct.Name {
		case "unlimited-" + id:
			if ct.Usage < 20<<20 {
				t.Errorf("unlimited usage = %d, want ≥ 20 MiB", ct.Usage)
			}
		case "limited-" + id:
			if ct.Usage != -1 || ct.Limit != 64<<20 {
				t.Errorf("limited: usage %d limit %d, want not sampled and 64 MiB", ct.Usage, ct.Limit)
			}
		}
	}
	// The API-call budget: every call counted is within it, and the
	// transport agrees with verify's own count.
	total := 0
	for _, n := range facts.Calls {
		total += n
	}
	if total > facts.Budget {
		t.Errorf("%d API calls, budget %d: %v", total, facts.Budget, facts.Calls)
	}
	if facts.Calls["containers/inspect"] != len(facts.Containers) {
		t.Errorf("inspects = %d, containers = %d", facts.Calls["containers/inspect"], len(facts.Containers))
	}
	if n := facts.Calls["containers/stats"] + facts.CgroupReads; n != 1 {
		t.Errorf("usage samples = %d (%d stats calls, %d cgroup reads), want 1 (only the unlimited running container)", n, facts.Calls["containers/stats"], facts.CgroupReads)
	}
	if d.Private && facts.CgroupReads != 1 {
		// A private daemon runs on this host: its cgroups are readable, so
		// the default source costs the daemon no stats call.
		t.Errorf("private daemon: %d cgroup reads, want 1", facts.CgroupReads)
	}
	if facts.Calls["system/df"] != 1 {
		t.Errorf("system/df calls = %d, want 1", facts.Calls["system/df"])
	}
	if tr := facts.Transport; tr == nil || tr.Attempts != total || tr.PeakInFlight > 3 {
		t.Errorf("transport stats %+v, want %d attempts and at most 3 in flight", tr, total)
	}
	if facts.Daemon == nil || facts.Daemon.MemTotal <= 0 || facts.Daemon.ServerVersion == "" {
		t.Errorf("daemon info missing: %+v", facts.Daemon)
	}
}

// TestUsageSources samples the unlimited container (which holds 24 MiB)
// through the API and through the host's cgroups: both see the memory, and
// they agree, since the daemon reads the same counters.
func TestUsageSources(t *testing.T) {
	s := setup(t)
	c := client(t, s.d.Host)
	usage := func(src verify.UsageSource) (*verify.Facts, verify.ContainerFacts) {
		t.Helper()
		facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: s.d.Host, Labels: []string{s.d.RunLabel}, NoDiskUsage: true, UsageSource: src})
		if len(res.Errors) > 0 {
			t.Errorf("%s: errors %v", src, res.Errors)
		}
		for _, ct := range facts.Containers {
			if ct.Name == "unlimited-"+runID(s.d) {
				return facts, ct
			}
		}
		t.Fatalf("%s: unlimited container not found in %+v", src, facts.Containers)
		return nil, verify.ContainerFacts{}
	}
	apiFacts, api := usage(verify.UsageAPI)
	if api.UsageSource != "stats" || api.Usage < 20<<20 || apiFacts.Calls["containers/stats"] != 1 || apiFacts.CgroupReads != 0 {
		t.Errorf("api: usage %d from %q, %d stats calls, %d cgroup reads; want ≥ 20 MiB from one stats call", api.Usage, api.UsageSource, apiFacts.Calls["containers/stats"], apiFacts.CgroupReads)
	}
	if !s.d.Private {
		return // the cgroups of a daemon elsewhere are not readable here
	}
	cgFacts, cg := usage(verify.UsageCgroup)
	if cg.UsageSource != "cgroup" || cg.Usage < 20<<20 || cgFacts.Calls["containers/stats"] != 0 || cgFacts.CgroupReads != 1 {
		t.Errorf("cgroup: usage %d from %q, %d stats calls, %d cgroup reads; want ≥ 20 MiB from one cgroup read", cg.Usage, cg.UsageSource, cgFacts.Calls["containers/stats"], cgFacts.CgroupReads)
	}
	t.Logf("unlimited container: %d bytes from stats, %d from its cgroup", api.Usage, cg.Usage)
	if diff := cg.Usage - api.Usage; diff < -8<<20 || diff > 8<<20 {
		t.Errorf("cgroup usage %d and stats usage %d differ by more than 8 MiB", cg.Usage, api.Usage)
	}
}

func TestHealthyDefaultsReportLittle(t *testing.T) {
	s := setup(t)
	c := client(t, s.d.Host)
	// Defaults: a 1 h staleness threshold (nothing is that old), 5 GiB of
	// build cache, MemTotal as capacity, a 1 s ping.
	_, res := verify.Run(context.Background(), c, verify.Options{Endpoint: s.d.Host, Labels: []string{s.d.RunLabel}, ComposeLimits: compose.DeclaredLimits})
	got := byRule(res.Findings)
	for _, rule := range []string{"DG404", "DG406", "DG407", "DG408"} {
		if len(got[rule]) > 0 {
			t.Errorf("%s reported with default thresholds: %v", rule, got[rule])
		}
	}
	if len(res.Errors) > 0 {
		t.Errorf("errors: %v", res.Errors)
	}
}

func TestNoDiskUsageAndUsageFlags(t *testing.T) {
	s := setup(t)
	c := client(t, s.d.Host)
	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: s.d.Host, Labels: []string{s.d.RunLabel}, NoDiskUsage: true, Usage: true})
	if facts.Calls["system/df"] != 0 || facts.Reclaimable.BuildCache != nil {
		t.Errorf("--no-disk-usage still called /system/df: %v", facts.Calls)
	}
	running := 0
	for _, ct := range facts.Containers {
		if ct.Running() {
			running++
		}
	}
	if n := facts.Calls["containers/stats"] + facts.CgroupReads; n != running {
		t.Errorf("--usage: %d samples (%d stats, %d cgroup) for %d running containers", n, facts.Calls["containers/stats"], facts.CgroupReads, running)
	}
	if len(byRule(res.Findings)["DG406"]) != 0 {
		t.Error("DG406 without disk usage")
	}
}

func TestUnreachableDaemonIsDG408(t *testing.T) {
	dir := t.TempDir()
	var out, errb bytes.Buffer
	code := cli.Run([]string{"verify", "-H", "unix://" + filepath.Join(dir, "nothing.sock"), "--format", "json", "--tries", "1"}, nil, &out, &errb)
	if code != cli.ExitErrors {
		t.Fatalf("exit %d, want %d; stderr: %s", code, cli.ExitErrors, errb.String())
	}
	var doc struct {
		Findings []rules.Finding `json:"findings"`
		Errors   []rules.Note    `json:"errors"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out.String())
	}
	if len(doc.Findings) != 1 || doc.Findings[0].Rule != "DG408" || len(doc.Errors) != 1 {
		t.Errorf("findings %v errors %v, want one DG408 and one error", doc.Findings, doc.Errors)
	}
}

func TestVerifyAndReportOnlyRead(t *testing.T) {
	s := setup(t)
	rec := testdaemon.StartRecorder(t, s.d.Host)
	proxyHost := rec.Host
	work := t.TempDir()
	script := "#!/bin/sh\ndocker rm -f web\n"
	if err := os.WriteFile(filepath.Join(work, "clean.sh"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := cli.Run([]string{"verify", "-H", proxyHost, "--label", s.d.RunLabel, "--stale-after", "1ms", "--usage"}, nil, &out, &errb)
	if code != cli.ExitFindings {
		t.Errorf("verify exit %d, want 1; stderr: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "DG401") || !strings.Contains(out.String(), "DG403") {
		t.Errorf("verify text output lacks findings:\n%s", out.String())
	}
	for _, format := range []string{"markdown", "html", "json"} {
		out.Reset()
		errb.Reset()
		code = cli.Run([]string{"report", "-H", proxyHost, "--label", s.d.RunLabel, "--format", format, work}, nil, &out, &errb)
		if code != cli.ExitFindings {
			t.Errorf("report --format %s: exit %d, want 1; stderr: %s", format, code, errb.String())
		}
		if !strings.Contains(out.String(), "DG401") {
			t.Errorf("report --format %s lacks the live DG401", format)
		}
	}
	var paths []string
	methods := map[string]int{}
	for _, r := range rec.Requests() {
		paths = append(paths, r.Method+" "+r.Path())
		methods[r.Method]++
	}
	if len(paths) == 0 {
		t.Fatal("the proxy saw no request")
	}
	for m := range methods {
		if m != http.MethodGet && m != http.MethodHead {
			t.Errorf("method %s sent to the daemon; requests: %v", m, paths)
		}
	}
	if !slices.ContainsFunc(paths, func(p string) bool { return strings.HasSuffix(p, "/system/df") }) {
		t.Errorf("no /system/df seen: %v", paths)
	}
}

func TestReportJSONShape(t *testing.T) {
	s := setup(t)
	var out, errb bytes.Buffer
	code := cli.Run([]string{"report", "-H", s.d.Host, "--label", s.d.RunLabel, "--format", "json", "--no-disk-usage", t.TempDir()}, nil, &out, &errb)
	if code != cli.ExitFindings {
		t.Fatalf("exit %d; stderr %s", code, errb.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "status", "summary", "checklist", "static", "live", "recommendations"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("report JSON lacks %q", k)
		}
	}
	live := doc["live"].(map[string]any)
	if live["daemon"] == nil || live["containers"] == nil {
		t.Errorf("live section incomplete: %v", live)
	}
}

func TestSSHDialStdio(t *testing.T) {
	s := setup(t)
	// A stand-in ssh that ignores the host and runs `docker system
	// dial-stdio` locally against the test daemon, as sshd would remotely.
	bin := t.TempDir()
	fake := "#!/bin/sh\n# arguments: -o ConnectTimeout=30 -T [-l user] [-p port] -- host docker system dial-stdio\nexec docker -H '" + s.d.Host + "' system dial-stdio\n"
	if err := os.WriteFile(filepath.Join(bin, "ssh"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	c := client(t, "ssh://tester@example.invalid")
	facts, res := verify.Run(context.Background(), c, verify.Options{Endpoint: "ssh://tester@example.invalid", Labels: []string{s.d.RunLabel}, NoDiskUsage: true})
	if !facts.Reached || len(res.Errors) > 0 {
		t.Fatalf("over ssh: reached=%v errors=%v findings=%v", facts.Reached, res.Errors, res.Findings)
	}
	if len(facts.Containers) < 5 {
		t.Errorf("over ssh saw %d containers", len(facts.Containers))
	}
}
