package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
)

func TestImpactOrder(t *testing.T) {
	d := incident()
	var got []string
	for _, g := range d.Impact() {
		got = append(got, g.Rule.ID+"/"+g.Where())
	}
	// Live errors, static errors (more findings first), warnings, info.
	want := "DG401/live DG403/live DG407/live DG101/static DG105/static DG201/static DG402/live DG404/live DG405/live DG406/live"
	if strings.Join(got, " ") != want {
		t.Errorf("impact order:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	// A severity raised by the configuration counts, not the rule's.
	d.Static.Result.Findings[0].Severity = rules.SeverityInfo // DG105 lowered to info
	for _, g := range d.Impact() {
		if g.Rule.ID == "DG105" && g.Severity() != rules.SeverityInfo {
			t.Errorf("DG105 ranked at %s", g.Severity())
		}
	}
	if acts := d.Actions(); acts[len(acts)-1].Rule != "DG105" && acts[len(acts)-2].Rule != "DG105" {
		t.Errorf("a lowered rule did not move down: %+v", acts)
	}
}

func TestMarkdownWritesCodeNotEscapedBackticks(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, incident()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if strings.Contains(s, "\\`") {
		t.Errorf("escaped backticks in the Markdown report:\n%s", s)
	}
	for _, want := range []string{
		"listed by `docker ps -aq`",
		"```sh\ndocker rm migrate\n```",
		"```sh\ndocker volume rm old_pgdata\n```",
		"```yaml\nservices:\n  grafana:\n    deploy:\n      resources:\n        limits:\n          memory: 8256m  # p99 7GiB",
		"## Top actions\n\n1. **DG401** (error, live, 1)",
		"**Repository** `shop` (`git@github.com:acme/shop.git`) · **commit** 3f9c2ab with uncommitted changes · **date** 2026-06-01 12:00 UTC",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	top := s[strings.Index(s, "## Top actions"):strings.Index(s, "## Findings")]
	if !strings.Contains(top, "\n1. ") || !strings.Contains(top, "\n2. ") || !strings.Contains(top, "\n3. ") {
		t.Errorf("fewer than 3 top actions:\n%s", top)
	}
	if strings.Contains(s, "\n4. ") {
		t.Error("more than 3 top actions")
	}
}

func TestMdCode(t *testing.T) {
	for in, want := range map[string]string{
		"docker rm web": "`docker rm web`",
		"a`b":           "``a`b``",
		"`x":            "`` `x ``",
		"a\nb":          "`a b`",
	} {
		if got := mdCode(in); got != want {
			t.Errorf("mdCode(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdInline("run `a|b` <now>"); got != "run `a|b` &lt;now&gt;" {
		t.Errorf("mdInline: %q", got)
	}
	if got := mdInline("odd ` one"); got != "odd \\` one" {
		t.Errorf("mdInline unmatched: %q", got)
	}
	if f := mdFence([]string{"echo ```"}); f != "````" {
		t.Errorf("fence %q", f)
	}
}

// TestUnknownUsageIsNotZero: usage that was not sampled is unknown, in
// the row and in what it adds up to.
func TestUnknownUsageIsNotZero(t *testing.T) {
	d := incident()
	l := d.Live
	l.Containers[2].Usage = -1
	l.Memory = verify.MemoryFacts{Capacity: 8 << 30, CapacitySource: "daemon MemTotal", Limits: 1536 << 20, LimitedCount: 2,
		UnlimitedCount: 1, UnsampledCount: 1, Committed: 1536 << 20}
	var md, html bytes.Buffer
	if err := Markdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&html, d); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| Usage of unlimited containers (1) | unknown (not sampled) |", "| Committed | at least 1.5GiB |", "| Headroom | at most 6.5GiB |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if strings.Contains(md.String(), "unlimited containers (1) | 0B") || strings.Contains(html.String(), ">0B<") {
		t.Error("unknown usage shown as 0B")
	}
	if !strings.Contains(html.String(), "unknown (not sampled)") {
		t.Error("HTML lacks the unknown usage")
	}
	l.Memory.UnlimitedCount, l.Memory.UnlimitedUsage = 2, 1<<30
	if got := unlimitedUsage(l.Memory); got != "1GiB, and 1 not sampled" {
		t.Errorf("partly sampled: %q", got)
	}
}

func commandsOf(d *Document, rule string) []CommandBlock {
	var out []CommandBlock
	for _, c := range d.Commands() {
		if c.Rule == rule {
			out = append(out, c)
		}
	}
	return out
}

func TestCommandsAreQuotedAndGraceful(t *testing.T) {
	d := incident()
	l := d.Live
	l.Endpoint = "ssh://ops@build-1"
	l.Reclaimable.Exited = []verify.ContainerFacts{
		{Name: "job;1", State: "exited", Stale: true},
		{Name: "my app", State: "dead", Stale: true},
		{Name: "fresh", State: "exited"}, // not stale: not removed
		{Name: "stuck", State: "restarting", Stale: true},
	}
	l.Reclaimable.DanglingVolumes = []dockerapi.Volume{{Name: "$(rm -rf ~)"}}
	rm := commandsOf(d, "DG404")
	if len(rm) != 1 {
		t.Fatalf("DG404 blocks: %+v", rm)
	}
	want := []string{
		"docker -H ssh://ops@build-1 rm 'job;1'",
		"docker -H ssh://ops@build-1 rm 'my app'",
		"docker -H ssh://ops@build-1 stop --time 10 stuck && docker -H ssh://ops@build-1 rm stuck",
	}
	if strings.Join(rm[0].Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("removals:\n%s\nwant\n%s", strings.Join(rm[0].Lines, "\n"), strings.Join(want, "\n"))
	}
	for _, line := range rm[0].Lines {
		if strings.Contains(line, " -f") || strings.Contains(line, "--force") {
			t.Errorf("forced removal advised: %s", line)
		}
	}
	if v := commandsOf(d, "DG405"); len(v) != 1 || v[0].Lines[0] != "docker -H ssh://ops@build-1 volume rm '$(rm -rf ~)'" {
		t.Errorf("volume removal: %+v", v)
	}
	// More than MaxCommands: the rest is counted, and cleanup named.
	l.Reclaimable.Exited = nil
	for i := range MaxCommands + 5 {
		l.Reclaimable.Exited = append(l.Reclaimable.Exited, verify.ContainerFacts{Name: fmt.Sprintf("job-%d", i), State: "exited", Stale: true})
	}
	rm = commandsOf(d, "DG404")
	if len(rm[0].Lines) != MaxCommands || !strings.Contains(rm[0].Note, "5 more not shown") || !strings.Contains(rm[0].Note, "dockguard cleanup --containers --apply") {
		t.Errorf("capped block: %d lines, note %q", len(rm[0].Lines), rm[0].Note)
	}
	// Without DG404 (disabled, or nothing stale) there is no block.
	d.LiveResult.Findings = d.LiveResult.Findings[:3]
	if b := commandsOf(d, "DG404"); len(b) != 0 {
		t.Errorf("a removal block without DG404: %+v", b)
	}
}

func TestLimitCommands(t *testing.T) {
	d := incident()
	l := d.Live
	// A second unlimited container outside compose with a series, and a
	// compose one never sampled.
	l.Containers = append(l.Containers,
		verify.ContainerFacts{Name: "adhoc", State: "running", Usage: 100 << 20, Samples: []int64{90 << 20, 100 << 20}, WindowSeconds: 900},
		verify.ContainerFacts{Name: "shop-worker-1", State: "running", Usage: -1, Project: "shop", Service: "worker", WorkingDir: "/srv/shop"})
	for _, n := range []string{"adhoc", "shop-worker-1"} {
		f := finding("DG401", l.Endpoint, 0, 0, "container "+n+" is running without a memory limit")
		f.Container = n
		d.LiveResult.Findings = append(d.LiveResult.Findings, f)
	}
	bs := commandsOf(d, "DG401")
	if len(bs) != 2 {
		t.Fatalf("DG401 blocks: %+v", bs)
	}
	yaml := strings.Join(bs[0].Lines, "\n")
	if !strings.Contains(yaml, "  grafana:\n    deploy:\n      resources:\n        limits:\n          memory: 8256m") ||
		!strings.Contains(yaml, "  worker:\n    deploy:\n      resources:\n        limits:\n          memory: SIZE  # not sampled") {
		t.Errorf("compose snippet:\n%s", yaml)
	}
	if !strings.Contains(bs[0].Note, "No usage of worker was sampled") {
		t.Errorf("note %q", bs[0].Note)
	}
	// 100 MiB × 1.15, rounded up to 16 MiB: 128 MiB; 15 minutes is not provisional.
	if bs[1].Lines[0] != "docker update --memory 128m --memory-swap 128m adhoc  # p99 100MiB, 2 samples over 15m ×1.15" {
		t.Errorf("docker update: %q", bs[1].Lines[0])
	}
}

func TestComposeSizeAndYAMLKey(t *testing.T) {
	for n, want := range map[int64]string{1 << 30: "1g", 3 << 30: "3g", 1168 << 20: "1168m", 32 << 20: "32m"} {
		if got := composeSize(n); got != want {
			t.Errorf("composeSize(%d) = %q, want %q", n, got, want)
		}
	}
	for in, want := range map[string]string{"web": "web", "web-1_x.y": "web-1_x.y", "a b": `"a b"`, "x: y": `"x: y"`} {
		if got := yamlKey(in); got != want {
			t.Errorf("yamlKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLinks(t *testing.T) {
	d := incident()
	ls := d.Links()
	if len(ls) != 1 || ls[0] != (Link{Container: "grafana|<b>", Project: "shop", Service: "grafana", File: "compose.yaml", Line: 8, Column: 3}) {
		t.Fatalf("links %+v", ls)
	}
	// The config_files label beats the working directory: a file it
	// names elsewhere is the one linked.
	other := finding("DG201", "/etc/stacks/shop.yaml", 2, 3, "service grafana has no memory limit")
	other.Key = "service:grafana"
	d.Static.Result.Findings = append(d.Static.Result.Findings, other)
	d.Live.Containers[2].Labels = map[string]string{verify.LabelConfigFiles: "/etc/stacks/shop.yaml"}
	if ls := d.Links(); len(ls) != 1 || ls[0].File != "/etc/stacks/shop.yaml" {
		t.Errorf("config_files link %+v", ls)
	}
	// Another service, or another project in another folder: no link.
	d = incident()
	d.Live.Containers[2].Service = "metrics"
	if ls := d.Links(); len(ls) != 0 {
		t.Errorf("linked across services: %+v", ls)
	}
	d = incident()
	d.Live.Containers[2].Project, d.Live.Containers[2].WorkingDir = "billing", "/srv/billing"
	if ls := d.Links(); len(ls) != 0 {
		t.Errorf("linked across projects: %+v", ls)
	}
	// Made on another machine: the folder named as the project links.
	d = incident()
	d.Static.Dir = "/home/ci/work/shop"
	d.Live.Containers[2].WorkingDir = "/opt/deploy/current"
	if ls := d.Links(); len(ls) != 1 {
		t.Errorf("project-name link: %+v", ls)
	}
	var b bytes.Buffer
	if err := HTML(&b, incident()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "declared without a limit as service grafana of compose project shop at <code>compose.yaml:8:3</code> (DG201)") ||
		!strings.Contains(b.String(), "running without a limit as container <code>grafana|&lt;b&gt;</code> of compose project shop (DG401)") {
		t.Error("HTML lacks the DG401/DG201 link in both directions")
	}
}

func TestHTMLHeaderAndCommands(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, incident()); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{
		`<strong>Repository</strong> <code>shop</code> (<code>git@github.com:acme/shop.git</code>) &middot; <strong>commit</strong> 3f9c2ab with uncommitted changes &middot; <strong>date</strong> 2026-06-01 12:00 UTC`,
		`<pre class="cmd"><code class="language-sh">docker rm migrate</code></pre>`,
		"<h2>Top actions</h2>",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Index(s, "<h2>Top actions</h2>") > strings.Index(s, "<h2>Findings</h2>") {
		t.Error("the top actions do not open the report")
	}
}
