package rules

import (
	"fmt"
	"strings"
	"time"
)

// Risk is the level `dockguard report --compare` gives an area of its
// before/after table. Every level comes from a threshold of RiskAreas, and
// the rule pages and the report's footer print those thresholds, so that no
// level is given without a written rule behind it.
type Risk int

// Risk levels, lowest first. RiskUnknown is given when a figure the
// threshold needs was not measured.
const (
	RiskUnknown Risk = iota
	RiskLow
	RiskMedium
	RiskHigh
)

// String returns "LOW", "MEDIUM", "HIGH" or "unknown".
func (r Risk) String() string {
	switch r {
	case RiskLow:
		return "LOW"
	case RiskMedium:
		return "MEDIUM"
	case RiskHigh:
		return "HIGH"
	}
	return "unknown"
}

// MarshalText encodes the level as its name.
func (r Risk) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText decodes a level name; anything else is RiskUnknown.
func (r *Risk) UnmarshalText(b []byte) error {
	switch strings.ToUpper(string(b)) {
	case "LOW":
		*r = RiskLow
	case "MEDIUM":
		*r = RiskMedium
	case "HIGH":
		*r = RiskHigh
	default:
		*r = RiskUnknown
	}
	return nil
}

// The thresholds. The texts of RiskAreas are written from these constants,
// so the documentation cannot drift from the levels the report gives.
const (
	// RiskRestartsHigh is DG403's restart count.
	RiskRestartsHigh = 3
	// RiskOvercommitMedium and RiskOvercommitHigh bound the ratio of
	// committed memory to the daemon's capacity; above 1 is DG407.
	RiskOvercommitMedium = 0.8
	RiskOvercommitHigh   = 1.0
	// RiskReclaimMedium is DG406's default build-cache threshold;
	// RiskReclaimHigh is twice that.
	RiskReclaimMedium int64 = 5 << 30
	RiskReclaimHigh   int64 = 10 << 30
	// RiskPingMedium is a quarter of DG408's slow-ping threshold (1 s).
	RiskPingMedium = 250 * time.Millisecond
)

// RiskCrashRules are the static rules whose findings count towards the
// "Docker daemon crash" area: force removals, kills, bursts and prunes.
var RiskCrashRules = []string{"DG101", "DG102", "DG103", "DG104", "DG105", "DG106", "DG107"}

// RiskArea is one kind of row of the before/after table.
type RiskArea struct {
	// ID names the area in the report's JSON ("crash", "static", ...).
	ID    string
	Title string
	// Rules are the rules whose pages print the thresholds.
	Rules []string
	// Thresholds says how the level is computed.
	Thresholds string
}

// RiskAreas lists the areas in the order of the before/after table.
var RiskAreas = []RiskArea{
	{ID: "crash", Title: "Docker daemon crash", Rules: append([]string{"DG408"}, RiskCrashRules...),
		Thresholds: "the worst of four levels: the static findings of " + strings.Join(RiskCrashRules, ", ") +
			" (HIGH for any finding of error severity, MEDIUM for any warning), and the levels of \"containers without limits\", \"memory overcommit\" and \"daemon health\". It is HIGH as soon as one of them is; LOW or MEDIUM only when all four are known."},
	{ID: "static", Title: "Static findings of a rule", Rules: nil,
		Thresholds: "HIGH when the rule has findings of error severity, MEDIUM for warnings, LOW for info findings or none."},
	{ID: "unlimited", Title: "Containers without limits", Rules: []string{"DG401"},
		Thresholds: "HIGH when any running container has no memory limit (DG401); LOW when none has."},
	{ID: "oom", Title: "OOM kills and restarts", Rules: []string{"DG403"},
		Thresholds: fmt.Sprintf("HIGH when a running container was OOM-killed or restarted %d times or more (DG403); MEDIUM when one restarted at all; LOW otherwise.", RiskRestartsHigh)},
	{ID: "overcommit", Title: "Memory overcommit", Rules: []string{"DG407"},
		Thresholds: fmt.Sprintf("the ratio of committed memory (limits, plus the sampled usage of unlimited containers) to the daemon's capacity: HIGH above %.0f%% (DG407), MEDIUM from %.0f%%, LOW below; unknown when the capacity is.", RiskOvercommitHigh*100, RiskOvercommitMedium*100)},
	{ID: "reclaimable", Title: "Reclaimable bytes", Rules: []string{"DG404", "DG405", "DG406"},
		Thresholds: fmt.Sprintf("the writable layers of exited containers, dangling volumes and reclaimable build cache together: HIGH from %s, MEDIUM from %s (DG406's default threshold), LOW below; unknown when no size was measured.", gib(RiskReclaimHigh), gib(RiskReclaimMedium))},
	{ID: "daemon", Title: "Daemon health", Rules: []string{"DG408"},
		Thresholds: fmt.Sprintf("HIGH when the daemon did not answer or DG408 was reported (slow ping, API errors, the breaker opened, a cleanup stopped); MEDIUM when a ping took %s or more; LOW otherwise.", RiskPingMedium)},
}

func gib(n int64) string { return fmt.Sprintf("%d GiB", n>>30) }

// RiskOfSeverity is the level of the "static" area for a rule whose worst
// finding has severity s (SeverityNone when it has none).
func RiskOfSeverity(s Severity) Risk {
	switch s {
	case SeverityError:
		return RiskHigh
	case SeverityWarning:
		return RiskMedium
	}
	return RiskLow
}

// RiskUnlimited is the level of "containers without limits".
func RiskUnlimited(unlimited int) Risk {
	if unlimited > 0 {
		return RiskHigh
	}
	return RiskLow
}

// RiskOOM is the level of "OOM kills and restarts" from the number of
// OOM-killed running containers and the highest restart count.
func RiskOOM(oomKilled, maxRestarts int) Risk {
	switch {
	case oomKilled > 0 || maxRestarts >= RiskRestartsHigh:
		return RiskHigh
	case maxRestarts > 0:
		return RiskMedium
	}
	return RiskLow
}

// RiskOvercommit is the level of "memory overcommit"; capacity <= 0 is
// unknown.
func RiskOvercommit(committed, capacity int64) Risk {
	if capacity <= 0 {
		return RiskUnknown
	}
	switch ratio := float64(committed) / float64(capacity); {
	case ratio > RiskOvercommitHigh:
		return RiskHigh
	case ratio >= RiskOvercommitMedium:
		return RiskMedium
	}
	return RiskLow
}

// RiskReclaimable is the level of "reclaimable bytes"; negative is
// unknown.
func RiskReclaimable(n int64) Risk {
	switch {
	case n < 0:
		return RiskUnknown
	case n >= RiskReclaimHigh:
		return RiskHigh
	case n >= RiskReclaimMedium:
		return RiskMedium
	}
	return RiskLow
}

// RiskDaemon is the level of "daemon health".
func RiskDaemon(reached bool, dg408 int, ping time.Duration) Risk {
	switch {
	case !reached || dg408 > 0:
		return RiskHigh
	case ping >= RiskPingMedium:
		return RiskMedium
	}
	return RiskLow
}

// RiskWorst is the "crash" rule: HIGH as soon as one level is HIGH,
// otherwise the worst level when all are known, otherwise unknown.
func RiskWorst(levels ...Risk) Risk {
	worst, unknown := RiskUnknown, false
	for _, l := range levels {
		if l == RiskHigh {
			return RiskHigh
		}
		unknown = unknown || l == RiskUnknown
		worst = max(worst, l)
	}
	if unknown {
		return RiskUnknown
	}
	return worst
}

// riskSection is the "Risk in before/after reports" section of a rule page.
func (r *Rule) riskSection() string {
	var b strings.Builder
	for _, a := range RiskAreas {
		for _, id := range a.Rules {
			if id == r.ID {
				fmt.Fprintf(&b, "- **%s**: %s\n", a.Title, a.Thresholds)
			}
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "\n## Risk in before/after reports\n\n`dockguard report --compare` gives these areas a level from this rule's findings:\n\n" + b.String()
}

// RiskThresholdsMarkdown lists every area's thresholds, for the rules index
// and the report's footer.
func RiskThresholdsMarkdown() string {
	var b strings.Builder
	for _, a := range RiskAreas {
		fmt.Fprintf(&b, "- **%s**: %s\n", a.Title, a.Thresholds)
	}
	return b.String()
}
