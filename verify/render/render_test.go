package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/guardproxy"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var generated = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func finding(id, file string, line, col int, msg string) rules.Finding {
	r := rules.MustLookup(id)
	return rules.Finding{Rule: r.ID, Name: r.Name, Severity: r.Severity, File: file, Line: line, Column: col, Message: msg}
}

// incident reproduces the state after the incident that started dockguard.
func incident() *Document {
	ep := "unix:///var/run/docker.sock"
	live := &verify.Facts{
		Endpoint: ep, Reached: true, Complete: true, PingMS: 2.4, Checked: generated,
		Daemon: &dockerapi.Info{Name: "docker-desktop", ServerVersion: "28.3.2", APIVersion: "1.51", OperatingSystem: "Docker Desktop",
			OSType: "linux", Architecture: "aarch64", NCPU: 8, MemTotal: 8 << 30, DockerDesktop: true},
		Containers: []verify.ContainerFacts{
			{ID: "a1", Name: "shop-db-1", Image: "postgres:16", State: "running", Limit: 1 << 30, Reservation: 512 << 20, Usage: -1, Project: "shop", Service: "db", Size: 0},
			{ID: "a2", Name: "shop-web-1", Image: "shop/web:2.3", State: "running", Limit: 512 << 20, Usage: -1, RestartCount: 4, Project: "shop", Service: "web", Size: 0},
			{ID: "a3", Name: "grafana|<b>", Image: "grafana/grafana", State: "running", Usage: 7 << 30, Size: -1, UsageSource: "cgroup",
				Project: "shop", Service: "grafana", WorkingDir: "/srv/shop"},
			{ID: "a4", Name: "migrate", Image: "shop/migrate", State: "exited", Usage: -1, FinishedAt: generated.Add(-72 * time.Hour), Size: 12 << 20, Stale: true},
		},
		Memory:      verify.MemoryFacts{Capacity: 8 << 30, CapacitySource: "daemon MemTotal", Limits: 1536 << 20, LimitedCount: 2, UnlimitedUsage: 7 << 30, UnlimitedCount: 1, Committed: 1536<<20 + 7<<30},
		CgroupReads: 1,
		Calls:       map[string]int{"ping": 1, "info": 1, "containers/list": 1, "containers/inspect": 4, "containers/stats": 1, "volumes/list": 1, "system/df": 1},
		Budget:      10,
	}
	live.Reclaimable = verify.ReclaimFacts{
		Exited: []verify.ContainerFacts{live.Containers[3]}, StaleExited: 1, ExitedSize: 12 << 20,
		DanglingVolumes: []dockerapi.Volume{{Name: "old_pgdata", Driver: "local", Size: 3 << 30}},
		VolumesSize:     3 << 30,
		BuildCache:      &dockerapi.DiskUsage{BuildCacheTotal: 13 << 30, BuildCacheReclaimable: 12723072614, BuildCacheRecords: 310},
	}
	grafanaLimit := finding("DG201", "compose.yaml", 8, 3, "service grafana has no memory limit; set `deploy.resources.limits.memory` (or `mem_limit`)")
	grafanaLimit.Key = "service:grafana"
	unlimited := finding("DG401", ep, 0, 0, "container grafana|<b> (grafana/grafana) is running without a memory limit; it used 7GiB when sampled")
	unlimited.Container = "grafana|<b>"
	restarts := finding("DG403", ep, 0, 0, "container shop-web-1 (shop/web:2.3, state running, a memory limit of 512MiB) has restarted 4 times")
	restarts.Container = "shop-web-1"
	return &Document{
		Tool:      Tool{Name: "dockguard", Version: "1.0.0"},
		Generated: generated,
		Repo:      &baseline.Checkout{Name: "shop", Remote: "git@github.com:acme/shop.git", Commit: "3f9c2ab", Dirty: true},
		Static: &Static{Paths: []string{"."}, FilesScanned: 42, Dir: "/srv/shop", Result: rules.Result{
			Findings: []rules.Finding{
				finding("DG105", "scripts/reset.sh", 12, 1, "force removal of every container listed by `docker ps -aq`"),
				finding("DG101", "scripts/clean.sh", 3, 5, "docker rm -f kills web with SIGKILL"),
				finding("DG101", "Makefile", 20, 2, "docker rm -f kills db with SIGKILL"),
				grafanaLimit,
			},
			Notes: []rules.Note{{File: "big.log", Message: "skipped: 12 MiB is over the 4 MiB limit"}},
		}},
		Live: live,
		LiveResult: rules.Result{Findings: []rules.Finding{
			unlimited,
			finding("DG402", "/srv/shop/compose.yaml", 0, 0, "service web of compose project shop declares a memory limit of 1GiB but its container shop-web-1 runs with a memory limit of 512MiB"),
			restarts,
			finding("DG404", ep, 0, 0, "1 container exited more than 1h ago and was never removed: migrate"),
			finding("DG405", ep, 0, 0, "1 dangling volume holding 3GiB: old_pgdata"),
			finding("DG406", ep, 0, 0, "11.85GiB of build cache is reclaimable (threshold 5GiB, 310 records)"),
			finding("DG407", ep, 0, 0, "running containers may use 8.5GiB, more than the daemon MemTotal of 8GiB"),
		}},
	}
}

func unreachable() *Document {
	ep := "unix:///var/run/docker.sock"
	return &Document{
		Tool: Tool{Name: "dockguard", Version: "1.0.0"}, Generated: generated,
		Live: &verify.Facts{Endpoint: ep, Checked: generated, Containers: []verify.ContainerFacts{}, Calls: map[string]int{"ping": 1}, Budget: 5,
			Reclaimable: verify.ReclaimFacts{Exited: []verify.ContainerFacts{}, DanglingVolumes: []dockerapi.Volume{}}},
		LiveResult: rules.Result{
			Findings: []rules.Finding{finding("DG408", ep, 0, 0, "the daemon did not answer a ping: connection refused")},
			Errors:   []rules.Note{{File: ep, Message: "daemon unreachable; no live check was made"}},
		},
	}
}

func clean() *Document {
	return &Document{Tool: Tool{Name: "dockguard", Version: "1.0.0"}, Generated: generated,
		Static: &Static{Paths: []string{"."}, FilesScanned: 3}}
}

// cleaned is the incident's report with the incident's cleanup applied:
// 3 stale exited containers, an orphaned volume and 11.85 GB of build
// cache, one container skipped on a 409.
func cleaned() *Document {
	d := incident()
	c := func(id, name string, size int64) cleanup.Item {
		return cleanup.Item{Kind: cleanup.KindContainer, ID: id, Name: name, Rule: "DG404", Why: "exited 3 days ago", Size: size, Action: cleanup.ActionRemove}
	}
	plan := []cleanup.Item{c("a1", "job-1", 10<<20), c("a2", "job-2", 20<<20), c("a3", "job-3", 5<<20), c("a4", "job-4", 1<<20),
		{Kind: cleanup.KindVolume, Name: "orphan", Rule: "DG405", Why: "dangling anonymous volume", Size: 106 << 20, Action: cleanup.ActionRemove},
		{Kind: cleanup.KindBuildCache, Name: "build cache", Rule: "DG406", Why: "11GiB reclaimable", Size: 11850000000, Action: cleanup.ActionPrune, Count: 40}}
	done := func(it cleanup.Item, n int64) cleanup.Outcome { return cleanup.Outcome{Item: it, Reclaimed: n} }
	d.Cleanup = &cleanup.Result{Version: cleanup.ResultVersion, Endpoint: "unix:///var/run/docker.sock", Plan: plan,
		Done:    []cleanup.Outcome{done(plan[0], 10<<20), done(plan[1], 20<<20), done(plan[2], 5<<20), done(plan[4], 106<<20), done(plan[5], 11850000000)},
		Skipped: []cleanup.Outcome{{Item: plan[3], Reason: "skipped after 3 tries: conflict: removal in progress"}},
		Failed:  []cleanup.Outcome{}, PlannedBytes: 12_000_000_000, ReclaimedBytes: 11850000000 + 141<<20, DurationMS: 3012}
	return d
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./verify/render -update and review the diff.\n--- got ---\n%s", name, got)
	}
}

func TestGolden(t *testing.T) {
	docs := map[string]*Document{"incident": incident(), "unreachable": unreachable(), "clean": clean(), "cleaned": cleaned()}
	for name, d := range docs {
		for ext, fn := range map[string]func(*bytes.Buffer, *Document) error{
			"md":   func(b *bytes.Buffer, d *Document) error { return Markdown(b, d) },
			"html": func(b *bytes.Buffer, d *Document) error { return HTML(b, d) },
			"json": func(b *bytes.Buffer, d *Document) error { return JSON(b, d) },
		} {
			t.Run(name+"."+ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := fn(&b, d); err != nil {
					t.Fatal(err)
				}
				golden(t, name+"."+ext, b.Bytes())
			})
		}
	}
}

func TestStatus(t *testing.T) {
	if s := incident().Status(); s != StatusFail {
		t.Errorf("incident: %s", s)
	}
	if s := clean().Status(); s != StatusPass {
		t.Errorf("clean: %s", s)
	}
	d := clean()
	d.Static.Result.Errors = []rules.Note{{File: "x", Message: "unreadable"}}
	if s := d.Status(); s != StatusIncomplete {
		t.Errorf("unreadable: %s", s)
	}
	d = clean()
	d.Static.Result.Findings = []rules.Finding{finding("DG102", "a.sh", 1, 1, "x")}
	if s := d.Status(); s != StatusAttention {
		t.Errorf("warning only: %s", s)
	}
}

func TestHTMLIsSelfContainedAndEscaped(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, incident()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, bad := range []string{"<script", "<link", "src=", "@import", "url(", "<b>"} {
		if strings.Contains(s, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(s, "grafana|&lt;b&gt;") {
		t.Error("a container name is not escaped")
	}
}

func TestMarkdownEscapesTableCells(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, incident()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `| grafana\|&lt;b&gt; |`) {
		t.Error("a pipe in a container name would break the table")
	}
}

func TestJSONIsValid(t *testing.T) {
	for _, d := range []*Document{incident(), unreachable(), clean()} {
		var b bytes.Buffer
		if err := JSON(&b, d); err != nil {
			t.Fatal(err)
		}
		var v map[string]any
		if err := json.Unmarshal(b.Bytes(), &v); err != nil {
			t.Fatalf("invalid JSON: %v", err)
		}
		if v["version"].(float64) != JSONVersion {
			t.Error("version")
		}
	}
}

func TestInlineCode(t *testing.T) {
	for in, want := range map[string]string{
		"run `docker stop --time 10 web` first": "run <code>docker stop --time 10 web</code> first",
		"`<script>` & more":                     "<code>&lt;script&gt;</code> &amp; more",
		"odd ` backtick <b>":                    "odd ` backtick &lt;b&gt;",
	} {
		if got := string(inlineCode(in)); got != want {
			t.Errorf("inlineCode(%q) = %q, want %q", in, got, want)
		}
	}
}

// fixed is the incident's daemon after the fix: limits everywhere, the
// restart loop gone, the stale objects and the build cache cleaned up, and
// the force removals rewritten; one DG201 is left.
func fixed() *Document {
	d := incident()
	d.Generated = generated.Add(24 * time.Hour)
	l := d.Live
	l.Containers = []verify.ContainerFacts{
		{ID: "a1", Name: "shop-db-1", Image: "postgres:16", State: "running", Limit: 1 << 30, Reservation: 512 << 20, Usage: -1, Project: "shop", Service: "db"},
		{ID: "a2", Name: "shop-web-1", Image: "shop/web:2.3", State: "running", Limit: 1 << 30, Usage: -1, Project: "shop", Service: "web"},
		{ID: "a3", Name: "grafana", Image: "grafana/grafana", State: "running", Limit: 2 << 30, Usage: -1, Size: -1},
	}
	l.Memory = verify.MemoryFacts{Capacity: 8 << 30, CapacitySource: "daemon MemTotal", Limits: 4 << 30, LimitedCount: 3, Committed: 4 << 30}
	l.Reclaimable = verify.ReclaimFacts{Exited: []verify.ContainerFacts{}, DanglingVolumes: []dockerapi.Volume{},
		BuildCache: &dockerapi.DiskUsage{BuildCacheTotal: 1 << 30, BuildCacheReclaimable: 512 << 20, BuildCacheRecords: 12}}
	d.Static.Result.Findings = d.Static.Result.Findings[3:]
	d.LiveResult.Findings = nil
	return d
}

// readFixture reads a report of the previous JSON shape (version 1),
// written by dockguard before the version-2 change.
func readFixture(t *testing.T, name string) *Previous {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "v1", name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadJSON(b)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return p
}

func TestCompareGolden(t *testing.T) {
	d := fixed()
	d.Previous = readFixture(t, "incident.json")
	for ext, fn := range map[string]func(*bytes.Buffer, *Document) error{
		"md":   func(b *bytes.Buffer, d *Document) error { return Markdown(b, d) },
		"html": func(b *bytes.Buffer, d *Document) error { return HTML(b, d) },
		"json": func(b *bytes.Buffer, d *Document) error { return JSON(b, d) },
	} {
		t.Run(ext, func(t *testing.T) {
			var b bytes.Buffer
			if err := fn(&b, d); err != nil {
				t.Fatal(err)
			}
			golden(t, "compare."+ext, b.Bytes())
		})
	}
}

// TestReadJSONVersion1 reads reports in the previous shape and checks that
// every figure the comparison uses came back.
func TestReadJSONVersion1(t *testing.T) {
	p := readFixture(t, "incident.json")
	if p.Version != 1 {
		t.Errorf("version %d, want 1", p.Version)
	}
	got, want := FiguresOf(p.Doc), FiguresOf(incident())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("figures of the version-1 report:\n got %+v\nwant %+v", got, want)
	}
	if !p.Doc.Generated.Equal(generated) || p.Doc.Tool.Version != "1.0.0" {
		t.Errorf("header: %v %+v", p.Doc.Generated, p.Doc.Tool)
	}
	c := readFixture(t, "cleaned.json")
	if c.Doc.Cleanup == nil || len(c.Doc.Cleanup.Done) != 5 {
		t.Errorf("cleanup section lost: %+v", c.Doc.Cleanup)
	}
	u := FiguresOf(readFixture(t, "unreachable.json").Doc)
	if !u.Live || u.Reached || u.Static != nil {
		t.Errorf("unreachable: %+v", u)
	}
}

// TestReadJSONRoundTrip reads back what this version writes.
func TestReadJSONRoundTrip(t *testing.T) {
	for name, d := range map[string]*Document{"incident": incident(), "fixed": fixed(), "clean": clean(), "unreachable": unreachable()} {
		var b bytes.Buffer
		if err := JSON(&b, d); err != nil {
			t.Fatal(err)
		}
		p, err := ReadJSON(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Version != JSONVersion || !reflect.DeepEqual(FiguresOf(p.Doc), FiguresOf(d)) {
			t.Errorf("%s: figures differ after a round trip: %+v", name, FiguresOf(p.Doc))
		}
	}
}

func TestReadJSONRefuses(t *testing.T) {
	for in, want := range map[string]string{
		``:                "not a dockguard JSON report",
		`[1,2]`:           "not a dockguard JSON report",
		`{"plan": []}`:    "no version field",
		`{"version": 99}`: "version 99",
		`{"version": 0}`:  "version 0",
		`{"version": 1, "generated": "yesterday"}`:                        "generated",
		`{"version": 1, "static": {"findings": [{"severity": "fatal"}]}}`: "severity",
	} {
		_, err := ReadJSON([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ReadJSON(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

func TestCompareLevels(t *testing.T) {
	d := fixed()
	d.Previous = readFixture(t, "incident.json")
	rows := map[string]CompareRow{}
	for _, r := range d.Comparison().Rows {
		rows[r.Area+r.Rule] = r
	}
	for area, want := range map[string][2]rules.Risk{
		"crash":       {rules.RiskHigh, rules.RiskLow},
		"staticDG101": {rules.RiskHigh, rules.RiskLow},
		"staticDG201": {rules.RiskHigh, rules.RiskHigh},
		"unlimited":   {rules.RiskHigh, rules.RiskLow},
		"oom":         {rules.RiskHigh, rules.RiskLow},
		"overcommit":  {rules.RiskHigh, rules.RiskLow},
		"reclaimable": {rules.RiskHigh, rules.RiskLow},
		"daemon":      {rules.RiskLow, rules.RiskLow},
	} {
		r, ok := rows[area]
		if !ok {
			t.Errorf("no %s row", area)
			continue
		}
		if r.BeforeRisk != want[0] || r.AfterRisk != want[1] {
			t.Errorf("%s: %s → %s, want %s → %s", area, r.BeforeRisk, r.AfterRisk, want[0], want[1])
		}
	}
	if r := rows["reclaimable"]; r.Change != "−14.36GiB" {
		t.Errorf("reclaimable change %q", r.Change)
	}
	// A report without its live half gives no level to live areas, nor to
	// the crash area unless a known part is HIGH.
	d = clean()
	d.Previous = &Previous{Version: 1, Doc: clean()}
	for _, r := range d.Comparison().Rows {
		if r.Area != "static" && r.AfterRisk != rules.RiskUnknown {
			t.Errorf("%s: %s without a live half", r.Area, r.AfterRisk)
		}
	}
}

func FuzzReadJSON(f *testing.F) {
	for _, name := range []string{"incident.json", "cleaned.json", "unreachable.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "v1", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":2,"live":{"reached":true,"containers":[{"state":"running"}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ReadJSON(b)
		if err != nil {
			return
		}
		d := clean()
		d.Previous = p
		var out bytes.Buffer
		if err := Markdown(&out, d); err != nil {
			t.Fatal(err)
		}
		if err := HTML(&out, d); err != nil {
			t.Fatal(err)
		}
	})
}

func TestGuardSection(t *testing.T) {
	d := &Document{Tool: Tool{Name: "dockguard", Version: "test"}, Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Guard: &Guard{URL: "unix:///run/user/1000/dockguard.sock", Totals: guardproxy.Totals{
			Requests: map[string]int64{"write": 100, "read": 150}, Rewrites: map[string]int64{"remove-stop-first": 50},
			Refused: map[string]int64{}, PeakWriteInFlight: 3, PeakReadInFlight: 9}}}
	var md, js, html bytes.Buffer
	if err := Markdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := JSON(&js, d); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&html, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Guard proxy", "| Requests | read 150, write 100 |", "| Rewritten into graceful ones | remove-stop-first 50 |", "| Refused by the guard | none |", "3 writes, 9 reads"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q:\n%s", want, md.String())
		}
	}
	if !strings.Contains(js.String(), `"guard": {`) || !strings.Contains(js.String(), `"peakWriteInFlight": 3`) {
		t.Errorf("JSON lacks the guard:\n%s", js.String())
	}
	if !strings.Contains(html.String(), "<h2>Guard proxy</h2>") || !strings.Contains(html.String(), "remove-stop-first 50") {
		t.Error("HTML lacks the guard section")
	}
}
