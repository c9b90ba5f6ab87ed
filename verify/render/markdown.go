package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dockguard/dockguard/rules"
)

var statusText = map[Status]string{
	StatusPass:       "PASS: nothing to act on",
	StatusAttention:  "ATTENTION: warnings to review",
	StatusFail:       "FAIL: errors to fix",
	StatusIncomplete: "INCOMPLETE: some inputs could not be checked",
}

// Markdown writes the report as GitHub-flavoured Markdown.
func Markdown(w io.Writer, d *Document) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# dockguard verification report\n\n")
	if r := d.Repo; r != nil {
		fmt.Fprintf(&b, "**Repository** %s", mdCode(r.Name))
		if r.Remote != "" {
			fmt.Fprintf(&b, " (%s)", mdCode(r.Remote))
		}
		fmt.Fprintf(&b, " · **commit** %s", mdEscape(commitText(r)))
		fmt.Fprintf(&b, " · **date** %s\n\n", d.Generated.UTC().Format("2006-01-02 15:04 MST"))
	}
	fmt.Fprintf(&b, "Generated %s by %s %s", d.Generated.UTC().Format(time.RFC3339), d.Tool.Name, d.Tool.Version)
	if d.Live != nil {
		fmt.Fprintf(&b, " against %s", mdCode(d.Live.Endpoint))
	}
	b.WriteString(".\n\n")

	// Executive summary.
	b.WriteString("## Summary\n\n")
	fmt.Fprintf(&b, "**%s**\n\n", statusText[d.Status()])
	b.WriteString("| | Errors | Warnings | Info |\n|---|---:|---:|---:|\n")
	if d.Static != nil {
		c := count(d.Static.Result.Findings)
		fmt.Fprintf(&b, "| Static (%d files) | %d | %d | %d |\n", d.Static.FilesScanned, c.Error, c.Warning, c.Info)
	}
	if d.Live != nil {
		c := count(d.LiveResult.Findings)
		fmt.Fprintf(&b, "| Live daemon | %d | %d | %d |\n", c.Error, c.Warning, c.Info)
	}
	c := count(d.Findings())
	fmt.Fprintf(&b, "| **Total** | **%d** | **%d** | **%d** |\n\n", c.Error, c.Warning, c.Info)
	for _, ck := range d.Checklist() {
		mark := "[x]"
		if !ck.OK || !ck.Known {
			mark = "[ ]"
		}
		fmt.Fprintf(&b, "- %s %s: %s\n", mark, ck.Title, mdEscape(ck.Detail))
	}
	if d.Live != nil {
		b.WriteString("\n")
	}

	if acts := d.Actions(); len(acts) > 0 {
		b.WriteString("## Top actions\n\n")
		for i, a := range acts[:min(len(acts), TopActions)] {
			fmt.Fprintf(&b, "%d. **%s** (%s, %s, %d): %s\n", i+1, a.Rule, a.Severity, whereText(a.Live), a.Count, mdInline(a.Text))
		}
		b.WriteString("\n")
	}

	cmp := d.Comparison()
	if cmp != nil {
		b.WriteString("## Before / after\n\n")
		fmt.Fprintf(&b, "Compared with the report generated %s by %s %s (JSON version %d).\n\n", cmp.PreviousGenerated, cell(cmp.PreviousTool.Name), cell(cmp.PreviousTool.Version), cmp.PreviousVersion)
		b.WriteString("| Area | Before | After | Change | Risk |\n|---|---:|---:|---|---|\n")
		for _, r := range cmp.Rows {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", cell(r.Title), cell(r.Before), cell(r.After), cell(r.Change), riskChange(r))
		}
		b.WriteString("\nRisk levels follow the thresholds under \"Risk levels\" at the end of this report.\n\n")
	}

	// Findings, by impact.
	links := d.Links()
	b.WriteString("## Findings\n\n")
	b.WriteString("By impact: errors on the running system first, then errors in the files, then warnings and info.\n\n")
	switch {
	case d.Static == nil:
		b.WriteString("Static checks: not run.\n\n")
	case len(d.Static.Result.Findings) == 0:
		fmt.Fprintf(&b, "Static checks: none in %d files checked.\n\n", d.Static.FilesScanned)
	}
	if d.Live != nil && len(d.LiveResult.Findings) == 0 {
		b.WriteString("Live checks: none.\n\n")
	}
	for _, g := range d.Impact() {
		fmt.Fprintf(&b, "### %s %s (%s, %s, %d)\n\n", g.Rule.ID, g.Rule.Name, g.Severity(), g.Where(), len(g.Findings))
		for _, f := range g.Findings {
			fmt.Fprintf(&b, "- %s: %s", mdCode(Location(f)), mdInline(f.Message))
			if t := linkText(links, f); t != "" {
				fmt.Fprintf(&b, "; %s", mdInline(t))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}

	if cmds := d.Commands(); len(cmds) > 0 {
		b.WriteString("## Ready commands\n\n")
		for _, c := range cmds {
			fmt.Fprintf(&b, "### %s (%s)\n\n", mdEscape(c.Title), c.Rule)
			fence := mdFence(c.Lines)
			fmt.Fprintf(&b, "%s%s\n%s\n%s\n\n", fence, c.Lang, strings.Join(c.Lines, "\n"), fence)
			if c.Note != "" {
				fmt.Fprintf(&b, "%s\n\n", mdInline(c.Note))
			}
		}
	}

	if l := d.Live; l != nil {
		// Running containers.
		b.WriteString("## Running containers\n\n")
		rs := running(l)
		if len(rs) == 0 {
			b.WriteString("None.\n\n")
		} else {
			b.WriteString("| Container | Image | Limit | Reservation | Usage | Restarts | OOM-killed |\n|---|---|---:|---:|---:|---:|---|\n")
			for _, c := range rs {
				usage := "not sampled"
				if c.Usage >= 0 {
					usage = Size(c.Usage)
				}
				fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %d | %s |\n", cell(c.Name), cell(c.Image), Limit(c.Limit), Limit(c.Reservation), usage, c.RestartCount, yesNo(c.OOMKilled))
			}
			b.WriteString("\n")
		}

		// Memory.
		m := l.Memory
		b.WriteString("## Memory budget\n\n")
		b.WriteString("| | |\n|---|---:|\n")
		fmt.Fprintf(&b, "| Limits of limited containers (%d) | %s |\n", m.LimitedCount, Size(m.Limits))
		fmt.Fprintf(&b, "| Usage of unlimited containers (%d) | %s |\n", m.UnlimitedCount, unlimitedUsage(m))
		fmt.Fprintf(&b, "| Committed | %s |\n", committed(m))
		if m.Capacity > 0 {
			fmt.Fprintf(&b, "| Capacity (%s) | %s |\n", m.CapacitySource, Size(m.Capacity))
			fmt.Fprintf(&b, "| Headroom | %s |\n", headroom(m))
		} else {
			b.WriteString("| Capacity | unknown |\n")
		}
		b.WriteString("\n")
		if m.UnsampledCount > 0 {
			fmt.Fprintf(&b, "%d unlimited containers were not sampled; their usage is not counted.\n\n", m.UnsampledCount)
		}
		if l.CgroupReads > 0 {
			fmt.Fprintf(&b, "Containers whose usage was read from the host's cgroups, at no cost to the daemon: %d.\n\n", l.CgroupReads)
		}

		// Reclaimable.
		r := l.Reclaimable
		b.WriteString("## Reclaimable resources\n\n")
		fmt.Fprintf(&b, "| Resource | Count | Size |\n|---|---:|---:|\n")
		fmt.Fprintf(&b, "| Exited containers (%d stale) | %d | %s |\n", r.StaleExited, len(r.Exited), Size(r.ExitedSize))
		fmt.Fprintf(&b, "| Dangling volumes | %d | %s |\n", len(r.DanglingVolumes), Size(r.VolumesSize))
		if r.BuildCache != nil {
			fmt.Fprintf(&b, "| Build cache (reclaimable of %s) | %d | %s |\n", Size(r.BuildCache.BuildCacheTotal), r.BuildCache.BuildCacheRecords, Size(r.BuildCache.BuildCacheReclaimable))
		} else {
			b.WriteString("| Build cache | | not measured |\n")
		}
		b.WriteString("\n")
		if len(r.Exited) > 0 {
			b.WriteString("| Exited container | Image | Finished | Size |\n|---|---|---|---:|\n")
			for _, c := range r.Exited {
				fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", cell(c.Name), cell(c.Image), finished(c.FinishedAt), Size(c.Size))
			}
			b.WriteString("\n")
		}
		if len(r.DanglingVolumes) > 0 {
			b.WriteString("| Dangling volume | Driver | Size |\n|---|---|---:|\n")
			for _, v := range r.DanglingVolumes {
				fmt.Fprintf(&b, "| %s | %s | %s |\n", cell(v.Name), cell(v.Driver), Size(v.Size))
			}
			b.WriteString("\n")
		}

		// Daemon.
		b.WriteString("## Daemon\n\n")
		b.WriteString("| | |\n|---|---|\n")
		fmt.Fprintf(&b, "| Endpoint | %s |\n", mdCode(cell(l.Endpoint)))
		if i := l.Daemon; i != nil {
			fmt.Fprintf(&b, "| Version | %s |\n", cell(i.ServerVersion))
			fmt.Fprintf(&b, "| API | %s |\n", cell(i.APIVersion))
			fmt.Fprintf(&b, "| OS | %s (%s, %s) |\n", cell(i.OperatingSystem), cell(i.OSType), cell(i.Architecture))
			fmt.Fprintf(&b, "| Docker Desktop | %s |\n", yesNo(i.DockerDesktop))
			fmt.Fprintf(&b, "| CPUs | %d |\n", i.NCPU)
			fmt.Fprintf(&b, "| Memory | %s |\n", Size(i.MemTotal))
		} else {
			b.WriteString("| Daemon | unknown (not reached) |\n")
		}
		fmt.Fprintf(&b, "| Ping | %.1f ms |\n", l.PingMS)
		fmt.Fprintf(&b, "| API calls | %d (budget %d) |\n", total(l.Calls), l.Budget)
		b.WriteString("\n")
	}

	if c := d.Cleanup; c != nil {
		b.WriteString("## Resource cleanup\n\n")
		mode := "carried out"
		if c.DryRun {
			mode = "dry run: nothing was changed"
		}
		fmt.Fprintf(&b, "On `%s`, %s, in %s.\n\n", c.Endpoint, mode, (time.Duration(c.DurationMS) * time.Millisecond).String())
		b.WriteString("| Object | Planned | Done | Skipped | Failed | Planned size | Reclaimed |\n|---|---:|---:|---:|---:|---:|---:|\n")
		for _, r := range CleanupRows(c) {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %s | %s |\n", r.Kind, r.Planned, r.Done, r.Skipped, r.Failed, Size(r.PlannedBytes), Size(r.ReclaimedBytes))
		}
		fmt.Fprintf(&b, "| **Total** | **%d** | **%d** | **%d** | **%d** | **%s** | **%s** |\n\n", len(c.Plan), len(c.Done), len(c.Skipped), len(c.Failed), Size(c.PlannedBytes), Size(c.ReclaimedBytes))
		for _, o := range c.Skipped {
			fmt.Fprintf(&b, "- skipped %s %s: %s\n", o.Kind, cell(o.Name), mdEscape(o.Reason))
		}
		for _, o := range c.Failed {
			fmt.Fprintf(&b, "- failed %s %s: %s\n", o.Kind, cell(o.Name), mdEscape(o.Error))
		}
		if c.Stopped != "" {
			fmt.Fprintf(&b, "- stopped early (%s): the rest of the plan was not attempted\n", c.Stopped)
		}
		if len(c.Skipped)+len(c.Failed) > 0 || c.Stopped != "" {
			b.WriteString("\n")
		}
	}

	guardMarkdown(&b, d.Guard)

	// Recommendations.
	b.WriteString("## Recommendations\n\n")
	groups := d.Recommendations()
	if len(groups) == 0 {
		b.WriteString("Nothing to do.\n\n")
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "- **%s %s** (%d): %s %s See [%s](%s).\n", g.Rule.ID, g.Rule.Name, len(g.Findings),
			mdInline(g.Rule.Summary), mdInline(g.Rule.Alternative), g.Rule.ID, g.Rule.HelpURI())
	}
	if len(groups) > 0 {
		b.WriteString("\n")
	}

	if ns, es := d.Notes(), d.Errors(); len(ns)+len(es) > 0 {
		b.WriteString("## Notes\n\n")
		for _, e := range es {
			fmt.Fprintf(&b, "- **not checked**: %s\n", mdInline(joinLoc(e)))
		}
		for _, n := range ns {
			fmt.Fprintf(&b, "- %s\n", mdInline(joinLoc(n)))
		}
		b.WriteString("\n")
	}
	if cmp != nil {
		b.WriteString("## Risk levels\n\n")
		b.WriteString(rules.RiskThresholdsMarkdown())
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// riskChange is "HIGH → LOW", or one level when it did not move.
func riskChange(r CompareRow) string {
	if r.BeforeRisk == r.AfterRisk {
		return r.AfterRisk.String()
	}
	return fmt.Sprintf("**%s → %s**", r.BeforeRisk, r.AfterRisk)
}

func joinLoc(n rules.Note) string {
	if n.File == "" {
		return n.Message
	}
	return n.File + ": " + n.Message
}

func signedSize(n int64) string {
	if n < 0 {
		return "-" + Size(-n)
	}
	return Size(n)
}

func finished(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(time.RFC3339)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// cell escapes a value for a Markdown table cell.
func cell(s string) string {
	s = oneLine(s)
	if s == "" {
		return "-"
	}
	return mdEscape(s)
}

// mdInline renders text whose `backtick` spans are code, as messages and
// rule texts write commands: the code as code spans, the rest escaped.
// Text with an unmatched backtick is escaped whole.
func mdInline(s string) string {
	s = oneLine(s)
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return mdEscape(s)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString(mdCode(p))
		} else {
			b.WriteString(mdReplacer.Replace(p))
		}
	}
	return b.String()
}

// mdCode is s as one code span, fenced with more backticks than it holds
// in a row, and padded where it starts or ends with one.
func mdCode(s string) string {
	s = oneLine(s)
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// mdFence is a code block fence longer than any backtick run in lines.
func mdFence(lines []string) string {
	n := 2
	for _, l := range lines {
		n = max(n, longestRun(l, '`'))
	}
	return strings.Repeat("`", n+1)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

func whereText(live bool) string {
	if live {
		return "live"
	}
	return "static"
}

// mdReplacer neutralises what daemon-provided text (names, errors) could
// turn into markup. Intra-word underscores are harmless in GitHub Markdown.
var mdReplacer = strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;", "`", "\\`", "*", `\*`, "[", `\[`, "]", `\]`)

func mdEscape(s string) string { return mdReplacer.Replace(oneLine(s)) }
