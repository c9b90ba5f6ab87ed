package render

import (
	"fmt"
	"html/template"
	"sort"
	"strings"

	"github.com/dockguard/dockguard/verify"
)

// ChartRows is the most containers the memory chart draws; the table
// under it lists them all.
const ChartRows = 30

// Chart geometry, in SVG user units (pixels at 100 %).
const (
	chartLabelW = 190.0 // container names
	chartBarW   = 360.0 // the bars
	chartTextW  = 250.0 // the figures after each bar
	chartRowH   = 22.0
	chartBarH   = 12.0
)

// Chart colours: usage within its limit, usage near (≥ 90 %) or over it,
// usage of an unlimited container, the limit's track, and unknown.
const (
	colUse     = "#0969da"
	colHot     = "#cf222e"
	colNoLimit = "#9a6700"
	colTrack   = "#d0d7de"
	colUnknown = "#8c959f"
)

// memoryRow is one container of the memory chart.
type memoryRow struct {
	name         string
	limit, usage int64 // limit 0: none; usage -1: unknown
}

// text is the row's figures, which its bar shows: also the chart's text
// fallback, so it never says 0 for a usage that was not sampled.
func (r memoryRow) text() string {
	switch {
	case r.limit > 0 && r.usage >= 0:
		return fmt.Sprintf("%s of %s (%.0f%%)", Size(r.usage), Size(r.limit), 100*float64(r.usage)/float64(r.limit))
	case r.limit > 0:
		return "usage unknown, limit " + Size(r.limit)
	case r.usage >= 0:
		return Size(r.usage) + ", no limit"
	}
	return "usage unknown, no limit"
}

// MemoryChart draws each running container's memory usage against its
// limit as inline SVG (no script, no external asset): a grey track as
// long as the limit with the usage in it, a dashed open track for a
// container without a limit, and no usage bar, only the words, where the
// usage is unknown. Each row's figures are written next to its bar and in
// its <title>, so the chart reads without the picture. Empty when no
// container runs.
func MemoryChart(l *verify.Facts) template.HTML {
	var rows []memoryRow
	for _, c := range running(l) {
		rows = append(rows, memoryRow{name: c.Name, limit: c.Limit, usage: c.Usage})
	}
	if len(rows) == 0 {
		return ""
	}
	// The largest first: those are the ones a reader acts on.
	sort.SliceStable(rows, func(i, j int) bool { return max(rows[i].limit, rows[i].usage) > max(rows[j].limit, rows[j].usage) })
	more := 0
	if len(rows) > ChartRows {
		rows, more = rows[:ChartRows], len(rows)-ChartRows
	}
	var top int64
	for _, r := range rows {
		top = max(top, r.limit, r.usage)
	}
	scale := func(n int64) float64 {
		if n <= 0 || top <= 0 {
			return 0
		}
		return max(1, chartBarW*float64(n)/float64(top))
	}
	width := chartLabelW + chartBarW + chartTextW
	height := chartRowH*float64(len(rows)) + 8
	summary := fmt.Sprintf("Memory of %d running %s against %s limits", len(rows), plural(len(rows), "container", "containers"), plural(len(rows), "its", "their"))
	if more > 0 {
		summary += fmt.Sprintf(" (the %d largest; %d more in the table below)", len(rows), more)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart"><svg role="img" aria-labelledby="chart-memory-title" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-size="12">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="chart-memory-title">%s</title>`, esc(summary))
	for i, r := range rows {
		y := 4 + chartRowH*float64(i)
		mid := y + chartRowH/2
		by := mid - chartBarH/2
		fmt.Fprintf(&b, `<g><title>%s: %s</title>`, esc(r.name), esc(r.text()))
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" text-anchor="end" dominant-baseline="middle">%s</text>`, chartLabelW-8, mid, esc(ellipsis(r.name, 28)))
		x := chartLabelW
		switch {
		case r.limit > 0:
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, x, by, scale(r.limit), chartBarH, colTrack)
			if r.usage >= 0 {
				fill := colUse
				if float64(r.usage) >= 0.9*float64(r.limit) {
					fill = colHot
				}
				fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, x, by, scale(r.usage), chartBarH, fill)
			}
		default:
			// No limit: the track runs open to the edge.
			fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.0f" height="%.0f" fill="none" stroke="%s" stroke-dasharray="4 3"/>`, x, by, chartBarW, chartBarH, colNoLimit)
			if r.usage >= 0 {
				fmt.Fprintf(&b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.0f" fill="%s"/>`, x, by, scale(r.usage), chartBarH, colNoLimit)
			}
		}
		fill := "#1d2330"
		if r.usage < 0 {
			fill = colUnknown
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.1f" dominant-baseline="middle" fill="%s">%s</text></g>`, chartLabelW+chartBarW+8, mid, fill, esc(r.text()))
	}
	b.WriteString(`</svg><figcaption class="muted">`)
	b.WriteString(esc(summary) + `. Blue: usage within the limit (grey); red: at 90 % of it or more; amber, dashed: no limit; no bar: usage not sampled.`)
	b.WriteString(`</figcaption></figure>`)
	return template.HTML(b.String()) // every text is escaped; the rest are numbers
}

// CommittedChart draws the memory the running containers may commit (the
// limits of the limited ones plus the sampled usage of the unlimited
// ones) against the daemon's capacity, as one stacked bar with the
// capacity marked. Unsampled containers are said to be left out, not
// drawn as 0. Empty when there is nothing to draw.
func CommittedChart(m verify.MemoryFacts) template.HTML {
	if m.Committed <= 0 && m.Capacity <= 0 {
		return ""
	}
	const barW, labelW, height = 560.0, 250.0, 64.0
	top := max(m.Committed, m.Capacity)
	scale := func(n int64) float64 {
		if n <= 0 || top <= 0 {
			return 0
		}
		return max(1, barW*float64(n)/float64(top))
	}
	summary := fmt.Sprintf("Committed memory %s: limits %s, unlimited usage %s", committed(m), Size(m.Limits), unlimitedUsage(m))
	switch {
	case m.Capacity <= 0:
		summary += "; capacity unknown"
	case m.Committed > m.Capacity:
		summary += fmt.Sprintf("; over the %s of %s by %s", m.CapacitySource, Size(m.Capacity), Size(m.Committed-m.Capacity))
	default:
		summary += fmt.Sprintf("; within the %s of %s (headroom %s)", m.CapacitySource, Size(m.Capacity), headroom(m))
	}
	width := 8 + barW + labelW
	var b strings.Builder
	fmt.Fprintf(&b, `<figure class="chart"><svg role="img" aria-labelledby="chart-committed-title" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-size="12">`, width, height, width, height)
	fmt.Fprintf(&b, `<title id="chart-committed-title">%s</title>`, esc(summary))
	const y, h = 18.0, 18.0
	fmt.Fprintf(&b, `<rect x="0" y="%.0f" width="%.0f" height="%.0f" fill="none" stroke="%s"/>`, y, barW, h, colTrack)
	lw := scale(m.Limits)
	fmt.Fprintf(&b, `<rect x="0" y="%.0f" width="%.1f" height="%.0f" fill="%s"><title>limits of %d limited %s: %s</title></rect>`,
		y, lw, h, colUse, m.LimitedCount, plural(m.LimitedCount, "container", "containers"), esc(Size(m.Limits)))
	if m.UnlimitedUsage > 0 {
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.0f" width="%.1f" height="%.0f" fill="%s"><title>usage of unlimited containers: %s</title></rect>`,
			lw, y, scale(m.UnlimitedUsage), h, colNoLimit, esc(unlimitedUsage(m)))
	}
	if m.Capacity > 0 {
		cx := scale(m.Capacity)
		colour := "#1a7f37"
		if m.Committed > m.Capacity {
			colour = colHot
		}
		fmt.Fprintf(&b, `<line x1="%.1f" x2="%.1f" y1="14" y2="%.0f" stroke="%s" stroke-width="2"/>`, cx, cx, y+h+6, colour)
		fmt.Fprintf(&b, `<text x="%.1f" y="11" text-anchor="%s" fill="%s">capacity %s</text>`, cx, anchor(cx, barW), colour, esc(Size(m.Capacity)))
	}
	fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" dominant-baseline="middle">committed %s</text>`, barW+8, y+h/2, esc(committed(m)))
	legend := fmt.Sprintf("blue: limits (%d %s); amber: unlimited usage (%d %s)", m.LimitedCount, plural(m.LimitedCount, "container", "containers"),
		m.UnlimitedCount-m.UnsampledCount, plural(m.UnlimitedCount-m.UnsampledCount, "container", "containers"))
	if m.UnsampledCount > 0 {
		legend += fmt.Sprintf("; %d unlimited %s not sampled, left out", m.UnsampledCount, plural(m.UnsampledCount, "container", "containers"))
	}
	fmt.Fprintf(&b, `<text x="0" y="%.0f" fill="%s">%s</text>`, y+h+16, "#5b6475", esc(legend))
	b.WriteString(`</svg><figcaption class="muted">` + esc(summary) + `.</figcaption></figure>`)
	return template.HTML(b.String()) // every text is escaped; the rest are numbers
}

// anchor keeps the capacity's label inside the chart.
func anchor(x, w float64) string {
	switch {
	case x < 60:
		return "start"
	case x > w-60:
		return "end"
	}
	return "middle"
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// ellipsis cuts s to n runes, ending with "…" when it was longer.
func ellipsis(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
