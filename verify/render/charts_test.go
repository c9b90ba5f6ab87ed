package render

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/dockguard/dockguard/verify"
)

// chartFacts has one running container of each kind the memory chart
// draws: within its limit, near it, limited but not sampled, unlimited
// and sampled, unlimited and not sampled; and an exited one, not drawn.
func chartFacts() *verify.Facts {
	l := incident().Live
	l.Containers = []verify.ContainerFacts{
		{Name: "api", State: "running", Limit: 512 << 20, Usage: 128 << 20},
		{Name: "hot", State: "running", Limit: 256 << 20, Usage: 250 << 20},
		{Name: "db", State: "running", Limit: 1 << 30, Usage: -1},
		{Name: "cache", State: "running", Usage: 300 << 20},
		{Name: "worker", State: "running", Usage: -1},
		{Name: "job", State: "exited", Limit: 64 << 20, Usage: -1},
	}
	l.Memory = verify.MemoryFacts{Capacity: 2 << 30, CapacitySource: "daemon MemTotal", Limits: (512 + 256 + 1024) << 20, LimitedCount: 3,
		UnlimitedUsage: 300 << 20, UnlimitedCount: 2, UnsampledCount: 1, Committed: (512 + 256 + 1024 + 300) << 20}
	return l
}

// rowTitles returns each chart row's <title>: its text fallback.
func rowTitles(svg string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<g><title>([^<]*)</title>`).FindAllStringSubmatch(svg, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestMemoryChart(t *testing.T) {
	got := string(MemoryChart(chartFacts()))
	want := []string{ // the largest first
		"db: usage unknown, limit 1GiB",
		"api: 128MiB of 512MiB (25%)",
		"cache: 300MiB, no limit",
		"hot: 250MiB of 256MiB (98%)",
		"worker: usage unknown, no limit",
	}
	if rows := rowTitles(got); strings.Join(rows, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(rows, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(got, ">job<") {
		t.Error("an exited container is drawn")
	}
	// Usage not sampled is never drawn or written as 0.
	if strings.Contains(got, "0B") {
		t.Errorf("the chart says 0B: %s", got)
	}
	if !strings.HasPrefix(got, `<figure class="chart"><svg role="img" aria-labelledby="chart-memory-title"`) ||
		!strings.Contains(got, `<title id="chart-memory-title">Memory of 5 running containers against their limits</title>`) ||
		!strings.Contains(got, "<figcaption") {
		t.Errorf("the chart is not labelled for screen readers or lacks its caption: %.300s", got)
	}
	// The near-limit one is red, the one within its limit blue, the
	// unlimited ones' tracks dashed.
	for _, w := range []string{`fill="` + colHot + `"`, `fill="` + colUse + `"`, `stroke-dasharray`} {
		if !strings.Contains(got, w) {
			t.Errorf("chart lacks %s", w)
		}
	}
	if n := strings.Count(got, "stroke-dasharray"); n != 2 {
		t.Errorf("%d dashed (unlimited) tracks, want 2", n)
	}
	// Bars are on one scale: the 1 GiB limit is the widest track.
	if !strings.Contains(got, `width="360.0" height="12" fill="`+colTrack+`"`) {
		t.Errorf("the largest limit does not span the chart: %s", got)
	}

	// Names are escaped, cut with an ellipsis, and whole in the title.
	l := chartFacts()
	l.Containers = []verify.ContainerFacts{{Name: "<script>" + strings.Repeat("x", 40), State: "running", Limit: 1 << 20, Usage: 1}}
	got = string(MemoryChart(l))
	if strings.Contains(got, "<script>") || !strings.Contains(got, "&lt;script&gt;"+strings.Repeat("x", 40)+":") || !strings.Contains(got, "…</text>") {
		t.Errorf("name not escaped or not cut: %s", got)
	}

	// Many containers: the chart draws ChartRows and says how many more.
	l.Containers = nil
	for i := 0; i < ChartRows+7; i++ {
		l.Containers = append(l.Containers, verify.ContainerFacts{Name: fmt.Sprintf("c%02d", i), State: "running", Limit: int64(i+1) << 20, Usage: -1})
	}
	got = string(MemoryChart(l))
	if n := len(rowTitles(got)); n != ChartRows || !strings.Contains(got, "7 more in the table below") {
		t.Errorf("%d rows drawn for %d containers: %.400s", n, ChartRows+7, got)
	}
	if l.Containers = nil; MemoryChart(l) != "" {
		t.Error("a chart without running containers")
	}
}

func TestCommittedChart(t *testing.T) {
	got := string(CommittedChart(chartFacts().Memory))
	for _, w := range []string{
		`<title id="chart-committed-title">Committed memory at least 2.043GiB: limits 1.75GiB, unlimited usage 300MiB, and 1 not sampled; over the daemon MemTotal of 2GiB by 44MiB</title>`,
		"capacity 2GiB</text>",
		"committed at least 2.043GiB</text>",
		"1 unlimited container not sampled, left out",
		`stroke="` + colHot + `"`, // over capacity: the capacity line is red
	} {
		if !strings.Contains(got, w) {
			t.Errorf("committed chart lacks %q:\n%s", w, got)
		}
	}
	// Within capacity: green line, headroom; no capacity: said so, no line.
	m := chartFacts().Memory
	m.Capacity = 4 << 30
	if got := string(CommittedChart(m)); !strings.Contains(got, "within the daemon MemTotal of 4GiB (headroom at most 1.957GiB)") || strings.Contains(got, `stroke="`+colHot+`"`) {
		t.Errorf("within capacity: %s", got)
	}
	m.Capacity = 0
	if got := string(CommittedChart(m)); !strings.Contains(got, "capacity unknown") || strings.Contains(got, "<line") {
		t.Errorf("unknown capacity: %s", got)
	}
	if CommittedChart(verify.MemoryFacts{}) != "" {
		t.Error("a chart with nothing committed and no capacity")
	}
}

// TestHTMLHasNoExternalURL: every report HTML, charts included, loads
// nothing: no src attribute at all, and the only href URLs are the rules'
// help pages, which a reader follows, not the page.
func TestHTMLHasNoExternalURL(t *testing.T) {
	docs := map[string]*Document{"incident": incident(), "unreachable": unreachable(), "clean": clean(), "cleaned": cleaned()}
	charted := incident()
	charted.Live = chartFacts()
	docs["charts"] = charted
	attr := regexp.MustCompile(`(?i)\b(src|href|xlink:href|action|data)\s*=\s*["']?([^"' >]*)`)
	for name, d := range docs {
		var b bytes.Buffer
		if err := HTML(&b, d); err != nil {
			t.Fatal(err)
		}
		s := b.String()
		for _, m := range attr.FindAllStringSubmatch(s, -1) {
			if m[1] != "href" || !strings.HasPrefix(m[2], "https://github.com/dockguard/dockguard/blob/main/docs/rules/DG") {
				t.Errorf("%s: %s=%q", name, m[1], m[2])
			}
		}
		// Outside the help links, no URL at all (no xmlns, no url()).
		rest := regexp.MustCompile(`href="https://github.com/dockguard/dockguard/blob/main/docs/rules/DG\d+\.md"`).ReplaceAllString(s, "")
		for _, bad := range []string{"http://", "https://", "url(", "@import", "<script", "<link", "<img", "<iframe"} {
			if strings.Contains(rest, bad) {
				t.Errorf("%s: HTML contains %q", name, bad)
			}
		}
		if name == "charts" && (!strings.Contains(s, `aria-labelledby="chart-memory-title"`) || !strings.Contains(s, `aria-labelledby="chart-committed-title"`)) {
			t.Errorf("%s: the charts are missing", name)
		}
	}
}
