package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify"
)

// Figures are the measures of one report that the before/after table
// compares. A negative byte count or ratio is unknown.
type Figures struct {
	// Static is nil when the report has no static half.
	Static map[string]StaticFigure
	// Live is false when the report has no live half; the rest is then
	// unknown.
	Live        bool
	Reached     bool
	PingMS      float64
	DaemonIssue int // DG408 findings
	Running     int
	Unlimited   int
	OOMKilled   int
	Restarts    int // summed over running containers
	MaxRestarts int
	Committed   int64
	Capacity    int64 // 0 unknown
	Reclaimable int64 // -1 unknown
}

// StaticFigure is one rule's static findings.
type StaticFigure struct {
	Count int
	Worst rules.Severity
}

// FiguresOf measures d.
func FiguresOf(d *Document) Figures {
	f := Figures{Reclaimable: -1}
	if d.Static != nil {
		f.Static = map[string]StaticFigure{}
		for _, x := range d.Static.Result.Findings {
			s := f.Static[x.Rule]
			s.Count++
			s.Worst = max(s.Worst, x.Severity)
			f.Static[x.Rule] = s
		}
	}
	l := d.Live
	if l == nil {
		return f
	}
	f.Live, f.Reached, f.PingMS = true, l.Reached, l.PingMS
	f.DaemonIssue = has(d.LiveResult.Findings, "DG408")
	if d.Cleanup != nil {
		// A cleanup stopped by the breaker or its deadline is DG408 too.
		for _, x := range d.Cleanup.Findings {
			if x.Rule == "DG408" && strings.HasPrefix(x.Message, "cleanup incomplete") {
				f.DaemonIssue++
			}
		}
	}
	if !l.Reached {
		return f
	}
	for _, c := range running(l) {
		f.Running++
		if c.Limit == 0 {
			f.Unlimited++
		}
		if c.OOMKilled {
			f.OOMKilled++
		}
		f.Restarts += c.RestartCount
		f.MaxRestarts = max(f.MaxRestarts, c.RestartCount)
	}
	f.Committed, f.Capacity = l.Memory.Committed, l.Memory.Capacity
	f.Reclaimable = reclaimable(l.Reclaimable)
	return f
}

// reclaimable sums what cleanup could free: exited containers
// layers, dangling volumes and reclaimable build cache; -1 when none of
// them was measured.
func reclaimable(r verify.ReclaimFacts) int64 {
	var n int64
	known := false
	for _, c := range r.Exited {
		if c.Size > 0 {
			n += c.Size
		}
		known = known || c.Size >= 0
	}
	if r.VolumesSize >= 0 {
		n += r.VolumesSize
		known = true
	}
	if r.BuildCache != nil {
		n += r.BuildCache.BuildCacheReclaimable
		known = true
	}
	if !known {
		return -1
	}
	return n
}

// CompareRow is one line of the before/after table.
type CompareRow struct {
	// Area is a rules.RiskAreas ID; Rule is set for "static" rows.
	Area   string `json:"area"`
	Title  string `json:"title"`
	Rule   string `json:"rule,omitempty"`
	Before string `json:"before"`
	After  string `json:"after"`
	Change string `json:"change"`
	// BeforeValue and AfterValue are the figures the HTML bars draw; -1
	// is unknown. Unit is "count", "bytes", "percent" or "ms".
	BeforeValue float64    `json:"beforeValue"`
	AfterValue  float64    `json:"afterValue"`
	Unit        string     `json:"unit"`
	BeforeRisk  rules.Risk `json:"beforeRisk"`
	AfterRisk   rules.Risk `json:"afterRisk"`
}

// Comparison is the "Before / after" section.
type Comparison struct {
	// Previous describes the earlier report.
	PreviousGenerated string       `json:"previousGenerated"`
	PreviousTool      Tool         `json:"previousTool"`
	PreviousVersion   int          `json:"previousVersion"`
	Rows              []CompareRow `json:"rows"`
}

// Previous is an earlier report read back by ReadJSON, for --compare.
type Previous struct {
	Version int
	Doc     *Document
}

// Compare builds the before/after table of an earlier report against d.
func Compare(prev *Previous, d *Document) *Comparison {
	b, a := FiguresOf(prev.Doc), FiguresOf(d)
	c := &Comparison{PreviousGenerated: prev.Doc.Generated.UTC().Format(time.RFC3339), PreviousTool: prev.Doc.Tool, PreviousVersion: prev.Version}
	crash := func(f Figures) rules.Risk {
		return rules.RiskWorst(crashStatic(f), unlimitedRisk(f), overcommitRisk(f), daemonRisk(f))
	}
	c.Rows = append(c.Rows, CompareRow{Area: "crash", Before: crash(b).String(), After: crash(a).String(),
		BeforeValue: float64(crash(b)), AfterValue: float64(crash(a)), Unit: "level", BeforeRisk: crash(b), AfterRisk: crash(a)})

	ids := map[string]bool{}
	for id := range b.Static {
		ids[id] = true
	}
	for id := range a.Static {
		ids[id] = true
	}
	sorted := make([]string, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	sort.Strings(sorted)
	for _, id := range sorted {
		row := CompareRow{Area: "static", Rule: id, Unit: "count"}
		row.Before, row.BeforeValue, row.BeforeRisk = staticCell(b, id)
		row.After, row.AfterValue, row.AfterRisk = staticCell(a, id)
		c.Rows = append(c.Rows, row)
	}
	if len(sorted) == 0 && (b.Static != nil || a.Static != nil) {
		row := CompareRow{Area: "static", Unit: "count"}
		row.Before, row.BeforeValue, row.BeforeRisk = staticCell(b, "")
		row.After, row.AfterValue, row.AfterRisk = staticCell(a, "")
		c.Rows = append(c.Rows, row)
	}

	c.Rows = append(c.Rows,
		liveRow("unlimited", "count", b, a, func(f Figures) (string, float64, rules.Risk) {
			return fmt.Sprintf("%d of %d running", f.Unlimited, f.Running), float64(f.Unlimited), unlimitedRisk(f)
		}),
		liveRow("oom", "count", b, a, func(f Figures) (string, float64, rules.Risk) {
			return fmt.Sprintf("%d OOM-killed, %d %s", f.OOMKilled, f.Restarts, plural(f.Restarts, "restart", "restarts")),
				float64(f.OOMKilled + f.Restarts), rules.RiskOOM(f.OOMKilled, f.MaxRestarts)
		}),
		liveRow("overcommit", "percent", b, a, func(f Figures) (string, float64, rules.Risk) {
			if f.Capacity <= 0 {
				return "capacity unknown", -1, rules.RiskUnknown
			}
			p := 100 * float64(f.Committed) / float64(f.Capacity)
			return fmt.Sprintf("%.0f%% (%s of %s)", p, Size(f.Committed), Size(f.Capacity)), p, overcommitRisk(f)
		}),
		liveRow("reclaimable", "bytes", b, a, func(f Figures) (string, float64, rules.Risk) {
			if f.Reclaimable < 0 {
				return "not measured", -1, rules.RiskUnknown
			}
			return Size(f.Reclaimable), float64(f.Reclaimable), rules.RiskReclaimable(f.Reclaimable)
		}),
		daemonRow(b, a),
	)
	for i := range c.Rows {
		r := &c.Rows[i]
		if r.Title == "" {
			r.Title = areaTitle(r.Area)
			if r.Rule != "" {
				r.Title = "Static " + r.Rule
				if rule, ok := rules.Lookup(r.Rule); ok {
					r.Title += " " + rule.Name
				}
			}
		}
		r.Change = change(r.Unit, r.BeforeValue, r.AfterValue)
	}
	return c
}

func areaTitle(id string) string {
	for _, a := range rules.RiskAreas {
		if a.ID == id {
			return a.Title
		}
	}
	return id
}

func staticCell(f Figures, id string) (string, float64, rules.Risk) {
	if f.Static == nil {
		return "not checked", -1, rules.RiskUnknown
	}
	s := f.Static[id]
	if id == "" {
		return "0", 0, rules.RiskLow
	}
	return fmt.Sprintf("%d", s.Count), float64(s.Count), rules.RiskOfSeverity(s.Worst)
}

// liveRow fills a row from a figure of the live half, "not measured" when
// the report had none or the daemon did not answer.
func liveRow(area, unit string, b, a Figures, cell func(Figures) (string, float64, rules.Risk)) CompareRow {
	r := CompareRow{Area: area, Unit: unit}
	one := func(f Figures) (string, float64, rules.Risk) {
		if !f.Live || !f.Reached {
			return "not measured", -1, rules.RiskUnknown
		}
		return cell(f)
	}
	r.Before, r.BeforeValue, r.BeforeRisk = one(b)
	r.After, r.AfterValue, r.AfterRisk = one(a)
	return r
}

func daemonRow(b, a Figures) CompareRow {
	r := CompareRow{Area: "daemon", Unit: "ms"}
	one := func(f Figures) (string, float64, rules.Risk) {
		switch {
		case !f.Live:
			return "not checked", -1, rules.RiskUnknown
		case !f.Reached:
			return "unreachable", -1, rules.RiskHigh
		}
		s := fmt.Sprintf("ping %.1f ms", f.PingMS)
		if f.DaemonIssue > 0 {
			s += fmt.Sprintf(", %d DG408", f.DaemonIssue)
		}
		return s, f.PingMS, daemonRisk(f)
	}
	r.Before, r.BeforeValue, r.BeforeRisk = one(b)
	r.After, r.AfterValue, r.AfterRisk = one(a)
	return r
}

func crashStatic(f Figures) rules.Risk {
	if f.Static == nil {
		return rules.RiskUnknown
	}
	worst := rules.SeverityNone
	for _, id := range rules.RiskCrashRules {
		worst = max(worst, f.Static[id].Worst)
	}
	return rules.RiskOfSeverity(worst)
}

func unlimitedRisk(f Figures) rules.Risk {
	if !f.Live || !f.Reached {
		return rules.RiskUnknown
	}
	return rules.RiskUnlimited(f.Unlimited)
}

func overcommitRisk(f Figures) rules.Risk {
	if !f.Live || !f.Reached {
		return rules.RiskUnknown
	}
	return rules.RiskOvercommit(f.Committed, f.Capacity)
}

func daemonRisk(f Figures) rules.Risk {
	if !f.Live {
		return rules.RiskUnknown
	}
	return rules.RiskDaemon(f.Reached, f.DaemonIssue, time.Duration(f.PingMS*float64(time.Millisecond)))
}

// change says how a figure moved: "−4", "+1.2GiB", "−35 pts", or "" when
// one side is unknown.
func change(unit string, before, after float64) string {
	if before < 0 || after < 0 {
		return ""
	}
	d := after - before
	if d == 0 {
		return "no change"
	}
	sign := "+"
	if d < 0 {
		sign, d = "−", -d
	}
	switch unit {
	case "bytes":
		return sign + Size(int64(d))
	case "percent":
		return fmt.Sprintf("%s%.0f pts", sign, d)
	case "ms":
		return fmt.Sprintf("%s%.1f ms", sign, d)
	case "level":
		if after > before {
			return "worse"
		}
		return "better"
	}
	return fmt.Sprintf("%s%.0f", sign, d)
}

// MaxReportSize bounds what ReadJSON reads, so a wrong file given to
// --compare fails fast instead of filling memory.
const MaxReportSize = 256 << 20

// ReadJSON reads a report written by JSON, of any version from 1 to
// JSONVersion, back into a Document for --compare. Fields a version does
// not have stay zero; fields it does not know are ignored.
func ReadJSON(b []byte) (*Previous, error) {
	if len(b) > MaxReportSize {
		return nil, fmt.Errorf("not a dockguard report: over %d MiB", MaxReportSize>>20)
	}
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, fmt.Errorf("not a dockguard JSON report: %w", err)
	}
	if probe.Version == nil {
		return nil, errors.New("not a dockguard JSON report: no version field (write it with dockguard report --format json)")
	}
	if v := *probe.Version; v < 1 || v > JSONVersion {
		return nil, fmt.Errorf("report version %d: this dockguard reads versions 1 to %d", v, JSONVersion)
	}
	var r jsonReport
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	d := &Document{Tool: r.Tool, Cleanup: r.Cleanup}
	if r.Generated != "" {
		t, err := time.Parse(time.RFC3339, r.Generated)
		if err != nil {
			return nil, fmt.Errorf("read report: generated: %w", err)
		}
		d.Generated = t
	}
	if s := r.Static; s != nil {
		d.Static = &Static{Paths: s.Paths, FilesScanned: s.FilesScanned, Suppressed: s.Suppressed,
			Result: rules.Result{Findings: s.Findings, Notes: s.Notes, Errors: s.Errors}}
	}
	if l := r.Live; l != nil {
		d.Live = l.Facts
		if d.Live == nil {
			d.Live = &verify.Facts{}
		}
		d.LiveResult = rules.Result{Findings: l.Findings, Notes: l.Notes, Errors: l.Errors}
	}
	return &Previous{Version: r.Version, Doc: d}, nil
}
