package render

import (
	"bytes"
	"encoding/json"
	"flag"
	"github.com/dockguard/dockguard/cleanup"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
			{ID: "a3", Name: "grafana|<b>", Image: "grafana/grafana", State: "running", Usage: 7 << 30, Size: -1},
			{ID: "a4", Name: "migrate", Image: "shop/migrate", State: "exited", Usage: -1, FinishedAt: generated.Add(-72 * time.Hour), Size: 12 << 20},
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
	return &Document{
		Tool:      Tool{Name: "dockguard", Version: "1.0.0"},
		Generated: generated,
		Static: &Static{Paths: []string{"."}, FilesScanned: 42, Result: rules.Result{
			Findings: []rules.Finding{
				finding("DG105", "scripts/reset.sh", 12, 1, "force removal of every container listed by `docker ps -aq`"),
				finding("DG101", "scripts/clean.sh", 3, 5, "docker rm -f kills web with SIGKILL"),
				finding("DG101", "Makefile", 20, 2, "docker rm -f kills db with SIGKILL"),
				finding("DG201", "compose.yaml", 8, 3, "service grafana has no memory limit"),
			},
			Notes: []rules.Note{{File: "big.log", Message: "skipped: 12 MiB is over the 4 MiB limit"}},
		}},
		Live: live,
		LiveResult: rules.Result{Findings: []rules.Finding{
			finding("DG401", ep, 0, 0, "container grafana|<b> (grafana/grafana) is running without a memory limit; it used 7GiB when sampled"),
			finding("DG402", "/srv/shop/compose.yaml", 0, 0, "service web of compose project shop declares a memory limit of 1GiB but its container shop-web-1 runs with a memory limit of 512MiB"),
			finding("DG403", ep, 0, 0, "container shop-web-1 (shop/web:2.3, state running, a memory limit of 512MiB) has restarted 4 times"),
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
