// Package render writes the verification report that `dockguard report`
// produces: the static findings of `dockguard check` together with the live
// facts and findings of `dockguard verify`, as Markdown, self-contained HTML
// or JSON. Each renderer is a pure function of a Document, pinned by golden
// tests.
package render

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/docker/go-units"

	"github.com/dockguard/dockguard/baseline"
	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/report"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

// Tool identifies dockguard in the report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Static is the result of `dockguard check` over the report's paths.
type Static struct {
	Paths        []string     `json:"paths"`
	FilesScanned int          `json:"filesScanned"`
	Suppressed   int          `json:"suppressed"`
	Result       rules.Result `json:"-"`
	// Dir is the folder the findings' relative paths are relative to (the
	// working directory), for linking a compose file to the containers
	// that run it; empty means they are not linked by path.
	Dir string `json:"-"`
}

// Document is everything a report shows. Static or Live may be nil when that
// half was not run.
type Document struct {
	Tool      Tool
	Generated time.Time
	// Repo is the checkout the static paths are in: its name, commit and
	// whether it has uncommitted changes; nil when unknown.
	Repo   *baseline.Checkout
	Static *Static
	Live   *verify.Facts
	// LiveResult holds the live findings, notes and errors.
	LiveResult rules.Result
	// Cleanup, when set, is a cleanup plan or run, shown as "Resource
	// cleanup" (report --cleanup-result, report --cleanup).
	Cleanup *cleanup.Result
	// Previous, when set, is an earlier report (report --compare): the
	// report then opens with a "Before / after" table.
	Previous *Previous
	// Guard, when set, holds a running guard proxy's totals (report
	// --guard-metrics).
	Guard *Guard
}

// Comparison is the before/after table against Previous, or nil.
func (d *Document) Comparison() *Comparison {
	if d.Previous == nil || d.Previous.Doc == nil {
		return nil
	}
	return Compare(d.Previous, d)
}

// CleanupRow is one line of the "Resource cleanup" table: per kind, what was planned
// and what became of it.
type CleanupRow struct {
	Kind                           string
	Planned, Done, Skipped, Failed int
	PlannedBytes, ReclaimedBytes   int64
}

// CleanupRows sums a cleanup result by kind of object, in plan order.
func CleanupRows(r *cleanup.Result) []CleanupRow {
	var rows []CleanupRow
	idx := map[string]int{}
	row := func(kind string) *CleanupRow {
		i, ok := idx[kind]
		if !ok {
			i = len(rows)
			idx[kind] = i
			rows = append(rows, CleanupRow{Kind: kind})
		}
		return &rows[i]
	}
	for _, it := range r.Plan {
		w := row(it.Kind)
		w.Planned++
		w.PlannedBytes += max(it.Size, 0)
	}
	for _, o := range r.Done {
		w := row(o.Kind)
		w.Done++
		w.ReclaimedBytes += o.Reclaimed
	}
	for _, o := range r.Skipped {
		row(o.Kind).Skipped++
	}
	for _, o := range r.Failed {
		row(o.Kind).Failed++
	}
	return rows
}

// Status is the overall verdict.
type Status string

// Verdicts, worst last.
const (
	StatusPass       Status = "pass"
	StatusAttention  Status = "attention"
	StatusFail       Status = "fail"
	StatusIncomplete Status = "incomplete"
)

// Findings returns the static and live findings together.
func (d *Document) Findings() []rules.Finding {
	var out []rules.Finding
	if d.Static != nil {
		out = append(out, d.Static.Result.Findings...)
	}
	return append(out, d.LiveResult.Findings...)
}

// Errors returns the inputs that could not be checked.
func (d *Document) Errors() []rules.Note {
	var out []rules.Note
	if d.Static != nil {
		out = append(out, d.Static.Result.Errors...)
	}
	return append(out, d.LiveResult.Errors...)
}

// Notes returns the notes of both halves.
func (d *Document) Notes() []rules.Note {
	var out []rules.Note
	if d.Static != nil {
		out = append(out, d.Static.Result.Notes...)
	}
	return append(out, d.LiveResult.Notes...)
}

// Status computes the verdict: fail on any error finding, attention on
// warnings, incomplete when something could not be checked, else pass.
func (d *Document) Status() Status {
	worst := rules.SeverityNone
	for _, f := range d.Findings() {
		worst = max(worst, f.Severity)
	}
	switch {
	case worst == rules.SeverityError:
		return StatusFail
	case len(d.Errors()) > 0:
		return StatusIncomplete
	case worst == rules.SeverityWarning:
		return StatusAttention
	}
	return StatusPass
}

// Counts are findings per severity.
type Counts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

func count(fs []rules.Finding) Counts {
	var c Counts
	for _, f := range fs {
		switch f.Severity {
		case rules.SeverityError:
			c.Error++
		case rules.SeverityWarning:
			c.Warning++
		case rules.SeverityInfo:
			c.Info++
		}
	}
	return c
}

// Check is one line of the executive checklist, in the words of a
// hand-written incident verification report.
type Check struct {
	OK     bool   `json:"ok"`
	Known  bool   `json:"known"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func has(fs []rules.Finding, id string) int {
	n := 0
	for _, f := range fs {
		if f.Rule == id {
			n++
		}
	}
	return n
}

// Checklist summarises the live pass as the questions an operator asks
// after an incident.
func (d *Document) Checklist() []Check {
	l := d.Live
	if l == nil {
		return nil
	}
	fs := d.LiveResult.Findings
	var out []Check
	stable := Check{Title: "Daemon stable", Known: true, OK: l.Reached && has(fs, "DG408") == 0}
	switch {
	case !l.Reached:
		stable.Detail = "the daemon did not answer"
	case stable.OK:
		stable.Detail = fmt.Sprintf("ping %.1f ms, no API errors", l.PingMS)
	default:
		stable.Detail = "see DG408"
	}
	out = append(out, stable)
	if !l.Reached {
		return out
	}
	running, unlimited := 0, 0
	for _, c := range l.Containers {
		if c.Running() {
			running++
			if c.Limit == 0 {
				unlimited++
			}
		}
	}
	drift := has(fs, "DG402")
	lim := Check{Title: "Limits applied", Known: true, OK: unlimited == 0 && drift == 0}
	lim.Detail = fmt.Sprintf("%d of %d running containers have a memory limit", running-unlimited, running)
	if drift > 0 {
		lim.Detail += fmt.Sprintf("; %d %s from the compose file", drift, plural(drift, "differs", "differ"))
	}
	out = append(out, lim)
	oom := has(fs, "DG403")
	out = append(out, Check{Title: "No OOM kills or restart loops", Known: true, OK: oom == 0,
		Detail: fmt.Sprintf("%d %s", oom, plural(oom, "container affected", "containers affected"))})
	m := l.Memory
	mem := Check{Title: "Memory within capacity", Known: m.Capacity > 0, OK: has(fs, "DG407") == 0}
	if m.Capacity > 0 {
		mem.Detail = fmt.Sprintf("%s committed of %s (%s)", Size(m.Committed), Size(m.Capacity), m.CapacitySource)
	} else {
		mem.Detail = "capacity unknown"
	}
	out = append(out, mem)
	r := l.Reclaimable
	out = append(out, Check{Title: "Stale containers and unused volumes cleaned up", Known: true,
		OK: r.StaleExited == 0 && len(r.DanglingVolumes) == 0,
		Detail: fmt.Sprintf("%d stale exited %s, %d dangling %s", r.StaleExited, plural(r.StaleExited, "container", "containers"),
			len(r.DanglingVolumes), plural(len(r.DanglingVolumes), "volume", "volumes"))})
	bc := Check{Title: "Build cache under control", Known: r.BuildCache != nil, OK: has(fs, "DG406") == 0}
	if r.BuildCache != nil {
		bc.Detail = Size(r.BuildCache.BuildCacheReclaimable) + " reclaimable"
	} else {
		bc.Detail = "not measured"
	}
	out = append(out, bc)
	return out
}

// RuleGroup is the findings of one rule.
type RuleGroup struct {
	Rule     *rules.Rule
	Findings []rules.Finding
}

// ByRule groups findings by rule ID, in ID order, each sorted by location.
func ByRule(fs []rules.Finding) []RuleGroup {
	m := map[string][]rules.Finding{}
	for _, f := range fs {
		m[f.Rule] = append(m[f.Rule], f)
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make([]RuleGroup, 0, len(ids))
	for _, id := range ids {
		g := m[id]
		sort.SliceStable(g, func(i, j int) bool {
			if a, b := report.Where(&g[i]), report.Where(&g[j]); a != b {
				return a < b
			}
			if g[i].Line != g[j].Line {
				return g[i].Line < g[j].Line
			}
			return g[i].Column < g[j].Column
		})
		r, ok := rules.Lookup(id)
		if !ok {
			r = &rules.Rule{ID: id, Name: g[0].Name, Severity: g[0].Severity}
		}
		out = append(out, RuleGroup{Rule: r, Findings: g})
	}
	return out
}

// Location is file:line:col, or the file alone for findings without a
// position; a live finding about one container is located at its name.
func Location(f rules.Finding) string {
	if f.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	return report.Where(&f)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// Size formats bytes in binary units ("1.5GiB"); negative is unknown.
func Size(n int64) string {
	if n < 0 {
		return "unknown"
	}
	return units.BytesSize(float64(n))
}

// Limit formats a memory limit; 0 is "none".
func Limit(n int64) string {
	if n == 0 {
		return "none"
	}
	return Size(n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// running returns the running containers.
func running(l *verify.Facts) []verify.ContainerFacts {
	var out []verify.ContainerFacts
	for _, c := range l.Containers {
		if c.Running() {
			out = append(out, c)
		}
	}
	return out
}

// oneLine flattens a message for a table cell.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Recommendations are the rules with findings, in impact order, for the
// closing list: each rule's advice once.
func (d *Document) Recommendations() []Group { return d.Impact() }

// commitText is "abc1234", "abc1234 with uncommitted changes", or "none"
// before the first commit or outside git.
func commitText(r *baseline.Checkout) string {
	switch {
	case r.Commit == "":
		return "unknown (not a git checkout, or no commit yet)"
	case r.Dirty:
		return r.Commit + " with uncommitted changes"
	}
	return r.Commit
}

// unlimitedUsage is the summed usage of the unlimited containers: usage
// that was not sampled is unknown, not 0, and is said to be.
func unlimitedUsage(m verify.MemoryFacts) string {
	switch {
	case m.UnsampledCount > 0 && m.UnsampledCount >= m.UnlimitedCount:
		return "unknown (not sampled)"
	case m.UnsampledCount > 0:
		return fmt.Sprintf("%s, and %d not sampled", Size(m.UnlimitedUsage), m.UnsampledCount)
	}
	return Size(m.UnlimitedUsage)
}

// committed is the memory the running containers may use; with unsampled
// unlimited containers it is a lower bound.
func committed(m verify.MemoryFacts) string {
	if m.UnsampledCount > 0 {
		return "at least " + Size(m.Committed)
	}
	return Size(m.Committed)
}

// headroom is capacity minus committed; with unsampled unlimited
// containers it is an upper bound.
func headroom(m verify.MemoryFacts) string {
	if m.UnsampledCount > 0 {
		return "at most " + signedSize(m.Capacity-m.Committed)
	}
	return signedSize(m.Capacity - m.Committed)
}
