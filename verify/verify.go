package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/docker/go-units"
	"github.com/moby/moby/client/pkg/versions"

	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/internal/shquote"
	"github.com/dockguard/dockguard/memusage"
	"github.com/dockguard/dockguard/rules"
	"github.com/dockguard/dockguard/verify/dockerapi"
)

// Compose labels set by docker compose on the containers it creates.
const (
	LabelProject     = memusage.LabelProject
	LabelService     = memusage.LabelService
	LabelConfigFiles = "com.docker.compose.project.config_files"
	LabelWorkingDir  = memusage.LabelWorkingDir
	LabelOneoff      = memusage.LabelOneoff
)

// LimitsFunc returns the memory limit compose would now apply to each
// service of a project (0 = none). compose.DeclaredLimits implements it.
type LimitsFunc func(ctx context.Context, workingDir string, configFiles []string, projectName string) (map[string]int64, error)

// Progress receives progress messages. The CLI prints them on stderr when
// stderr is a terminal.
type Progress interface {
	// Step reports done of total for a phase; total 0 means a single step.
	Step(phase string, done, total int)
	// Say prints a one-off explanation (why a phase is slow).
	Say(msg string)
}

// Options tune Run. Zero values mean the defaults.
type Options struct {
	// Endpoint names the daemon in findings (their File).
	Endpoint string
	// Labels restricts the containers to those carrying these labels
	// ("key" or "key=value").
	Labels []string
	// StaleAfter is the DG404 threshold (default 1 h).
	StaleAfter time.Duration
	// BuildCacheThreshold is the DG406 threshold in bytes (default 5 GiB).
	BuildCacheThreshold int64
	// MemoryBudget replaces the daemon's MemTotal for DG407 when > 0.
	MemoryBudget int64
	// RestartThreshold is the DG403 restart count (default 3).
	RestartThreshold int
	// SlowPing is the DG408 ping threshold (default 2 s, as the guard's).
	SlowPing time.Duration
	// Deadline bounds the whole pass (default DefaultDeadline). When it
	// passes, Run stops asking the daemon and reports what it gathered,
	// with DG408 "incomplete: deadline reached after N of M containers".
	Deadline time.Duration
	// Usage samples every running container's memory, not only the
	// unlimited ones.
	Usage bool
	// NoUsage takes no usage sample at all: DG407 then counts limits only.
	NoUsage bool
	// Observe, when positive, samples the usage of every running container
	// (as Usage does) every Period (default 5 s) over this window instead of
	// once, and keeps the series: `fix --limits-from report.json` sizes
	// limits from it.
	Observe, Period time.Duration
	// UsageSource says where usage samples come from (default UsageAuto).
	UsageSource UsageSource
	// Cgroups reads usage from the host's cgroups for UsageAuto and
	// UsageCgroup (default: a memusage.CgroupReader on the real /proc and /sys).
	Cgroups CgroupReader
	// NoDiskUsage skips /system/df (DG406 and sizes are then unknown).
	NoDiskUsage bool
	// Workers is the number of concurrent per-container calls (default 3;
	// the guard transport caps what reaches the daemon anyway).
	Workers int
	// ComposeLimits loads declared limits for DG402; nil skips DG402.
	ComposeLimits LimitsFunc
	// Progress, when set, receives progress.
	Progress Progress
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Enabled filters rules; nil enables all.
	Enabled func(id string) bool
}

func (o *Options) defaults() {
	if o.StaleAfter <= 0 {
		o.StaleAfter = time.Hour
	}
	if o.BuildCacheThreshold <= 0 {
		o.BuildCacheThreshold = 5 << 30
	}
	if o.RestartThreshold <= 0 {
		o.RestartThreshold = 3
	}
	if o.SlowPing <= 0 {
		o.SlowPing = 2 * time.Second
	}
	if o.Deadline <= 0 {
		o.Deadline = DefaultDeadline
	}
	if o.Workers <= 0 {
		o.Workers = 3
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Endpoint == "" {
		o.Endpoint = "docker"
	}
	if o.Progress == nil {
		o.Progress = nopProgress{}
	}
	if o.UsageSource == "" {
		o.UsageSource = UsageAuto
	}
	if o.Cgroups == nil {
		o.Cgroups = &memusage.CgroupReader{}
	}
}

// DefaultDeadline bounds a whole live pass: a daemon that answers each
// call just under the per-request timeout would otherwise keep verify busy
// for hours on thousands of containers.
const DefaultDeadline = 2 * time.Minute

// errDeadline is the cause of the run's context once Options.Deadline
// has passed, telling it from a caller's cancellation (Ctrl-C).
var errDeadline = errors.New("the live pass reached its deadline")

// UsageSource says where verify reads a container's memory usage; it is
// memusage's, which fix --limits-from shares.
type UsageSource = memusage.Source

// The usage sources.
const (
	UsageAuto   = memusage.SourceAuto
	UsageAPI    = memusage.SourceAPI
	UsageCgroup = memusage.SourceCgroup
)

// ParseUsageSource checks a --usage-source value.
func ParseUsageSource(s string) (UsageSource, error) { return memusage.ParseSource(s) }

// CgroupReader reads a container's memory usage from the kernel's cgroup
// accounting; memusage.CgroupReader implements it.
type CgroupReader = memusage.Cgroups

type nopProgress struct{}

func (nopProgress) Step(string, int, int) {}
func (nopProgress) Say(string)            {}

// Facts is what the live pass saw; the report renders it.
type Facts struct {
	Endpoint string `json:"endpoint"`
	// Labels is the label filter of the pass (Options.Labels): the
	// containers and dangling volumes are those carrying these labels;
	// the build cache and the capacity are daemon-wide.
	Labels   []string        `json:"labels,omitempty"`
	Daemon   *dockerapi.Info `json:"daemon,omitempty"`
	PingMS   float64         `json:"pingMs"`
	Reached  bool            `json:"reached"`
	Complete bool            `json:"complete"`
	// Deadline is set when the pass stopped at Options.Deadline.
	Deadline    *DeadlineFacts   `json:"deadline,omitempty"`
	Checked     time.Time        `json:"checkedAt"`
	Elapsed     time.Duration    `json:"-"`
	Containers  []ContainerFacts `json:"containers"`
	Memory      MemoryFacts      `json:"memory"`
	Reclaimable ReclaimFacts     `json:"reclaimable"`
	// Calls counts the API requests by endpoint class; Budget is the most
	// the budget allows for what was found.
	Calls  map[string]int `json:"apiCalls"`
	Budget int            `json:"apiCallBudget"`
	// CgroupReads counts the usage samples read from the host's cgroups
	// instead of the API.
	CgroupReads int `json:"cgroupReads"`
	// Transport carries the guard's counters when the daemon is a real
	// client (retries, peak in flight).
	Transport *daemonguard.Stats `json:"transport,omitempty"`
}

// DeadlineFacts says how far a pass got before its deadline.
type DeadlineFacts struct {
	// After is the deadline ("2m0s").
	After string `json:"after"`
	// Listed is the number of containers listed, Inspected the number
	// whose inspect ended before the deadline.
	Listed    int `json:"listed"`
	Inspected int `json:"inspected"`
}

// ContainerFacts is one inspected container.
type ContainerFacts struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Image       string `json:"image"`
	State       string `json:"state"`
	Limit       int64  `json:"memoryLimit"`
	Reservation int64  `json:"memoryReservation"`
	Usage       int64  `json:"memoryUsage"` // -1 when not sampled
	// UsageSource is "cgroup" or "stats" when Usage was sampled.
	UsageSource string `json:"usageSource,omitempty"`
	// Samples are the usage series of Options.Observe (Usage is its last
	// sample), taken over WindowSeconds.
	Samples       []int64 `json:"memorySamples,omitempty"`
	WindowSeconds float64 `json:"memoryWindowSeconds,omitempty"`
	Pid           int     `json:"-"`
	RestartCount  int     `json:"restartCount"`
	OOMKilled     bool    `json:"oomKilled"`
	// ExitCode is the last exit's code. With Options.Observe the daemon's
	// oom events are read too, and OOMKilled is also set (with
	// OOMFromEvents) for an exit 137, or a restart, after an oom event,
	// which Docker 20.10 can leave out of the state.
	ExitCode      int       `json:"exitCode,omitempty"`
	OOMFromEvents bool      `json:"oomFromEvents,omitempty"`
	Project       string    `json:"composeProject,omitempty"`
	Service       string    `json:"composeService,omitempty"`
	WorkingDir    string    `json:"composeWorkingDir,omitempty"`
	FinishedAt    time.Time `json:"finishedAt,omitzero"`
	// Stale is set on an exited container DG404 counts: finished longer
	// than Options.StaleAfter ago.
	Stale bool  `json:"stale,omitempty"`
	Size  int64 `json:"size"` // writable layer, -1 unknown
	// Created and Labels are for cleanup's selection, not the report.
	Created time.Time         `json:"-"`
	Started time.Time         `json:"-"`
	Labels  map[string]string `json:"-"`
}

// Running reports whether the container holds memory.
func (c ContainerFacts) Running() bool {
	return c.State == "running" || c.State == "restarting" || c.State == "paused"
}

// MemoryFacts is the memory budget against the daemon's capacity.
type MemoryFacts struct {
	Capacity       int64  `json:"capacity"`
	CapacitySource string `json:"capacitySource"`
	// Limits sums the limits of running limited containers.
	Limits       int64 `json:"limits"`
	LimitedCount int   `json:"limitedCount"`
	// UnlimitedUsage sums the sampled usage of running unlimited ones.
	UnlimitedUsage int64 `json:"unlimitedUsage"`
	UnlimitedCount int   `json:"unlimitedCount"`
	// UnsampledCount counts unlimited containers whose usage is unknown.
	UnsampledCount int   `json:"unsampledCount"`
	Committed      int64 `json:"committed"`
}

// ReclaimFacts lists what could be cleaned up.
type ReclaimFacts struct {
	Exited          []ContainerFacts     `json:"exitedContainers"`
	StaleExited     int                  `json:"staleExited"`
	ExitedSize      int64                `json:"exitedSize"` // -1 unknown
	DanglingVolumes []dockerapi.Volume   `json:"danglingVolumes"`
	VolumesSize     int64                `json:"danglingVolumesSize"` // -1 unknown
	BuildCache      *dockerapi.DiskUsage `json:"buildCache,omitempty"`
}

// guarded is implemented by dockerapi.Client; Run uses it for counters and
// the breaker state.
type guarded interface {
	Guard() *daemonguard.Transport
}

type run struct {
	ctx   context.Context
	d     dockerapi.Daemon
	o     Options
	facts *Facts
	res   rules.Result

	mu        sync.Mutex
	apiErrors []string
	calls     map[string]int
	// composeLabels keeps each inspected container's labels for DG402.
	composeLabels map[string]map[string]string
	// listed is the number of containers the list returned, inspected
	// the number whose inspect ended (found or gone).
	listed, inspected int
	// listFailed is set when the container list itself failed (then an
	// empty list says nothing about the label filter).
	listFailed bool
	// phase is what the pass was doing, for the deadline's message.
	phase string
}

// Run performs the live pass against d and returns what it saw and the
// findings. It never returns early without a result: an unreachable or
// failing daemon is reported as DG408, and Result.Errors says which checks
// could not be made.
func Run(ctx context.Context, d dockerapi.Daemon, o Options) (*Facts, rules.Result) {
	o.defaults()
	start := o.Now()
	ctx, cancel := context.WithTimeoutCause(ctx, o.Deadline, errDeadline)
	defer cancel()
	r := &run{ctx: ctx, d: d, o: o, calls: map[string]int{},
		facts: &Facts{Endpoint: o.Endpoint, Labels: o.Labels, Checked: start.UTC(), Containers: []ContainerFacts{}}}
	r.facts.Reclaimable.DanglingVolumes = []dockerapi.Volume{}
	r.facts.Reclaimable.Exited = []ContainerFacts{}
	r.do()
	if r.deadlineReached() {
		r.facts.Deadline = &DeadlineFacts{After: humanDuration(o.Deadline), Listed: r.listed, Inspected: r.inspected}
	}
	r.facts.Elapsed = o.Now().Sub(start)
	r.facts.Calls = r.calls
	if g, ok := d.(guarded); ok {
		s := g.Guard().Stats()
		r.facts.Transport = &s
	}
	r.finish()
	return r.facts, r.res
}

func (r *run) count(class string) {
	r.mu.Lock()
	r.calls[class]++
	r.mu.Unlock()
}

func (r *run) apiError(what string, err error) {
	if r.deadlineReached() {
		// Cut short by the deadline, which DG408 reports once.
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.apiErrors = append(r.apiErrors, fmt.Sprintf("%s: %v", what, err))
}

// broken reports whether the daemon can no longer be asked anything.
func (r *run) broken() bool {
	if r.ctx.Err() != nil {
		return true
	}
	if g, ok := r.d.(guarded); ok && g.Guard().BreakerOpen() {
		return true
	}
	return false
}

// deadlineReached reports whether the pass was stopped by its deadline
// (and not by the caller).
func (r *run) deadlineReached() bool {
	return r.ctx.Err() != nil && errors.Is(context.Cause(r.ctx), errDeadline)
}

// step reports progress and remembers the phase for the deadline's message.
func (r *run) step(phase string, done, total int) {
	r.mu.Lock()
	r.phase = phase
	r.mu.Unlock()
	r.o.Progress.Step(phase, done, total)
}

func (r *run) enabled(id string) bool { return r.o.Enabled == nil || r.o.Enabled(id) }

func (r *run) add(id, file, key, msg string) {
	if !r.enabled(id) {
		return
	}
	rule := rules.MustLookup(id)
	r.res.Findings = append(r.res.Findings, rules.Finding{
		Rule: rule.ID, Name: rule.Name, Severity: rule.Severity,
		File: file, Message: msg, Key: key,
	})
}

// addContainer adds a finding about container c: on the daemon's
// endpoint, located at the container's name.
func (r *run) addContainer(id string, c ContainerFacts, msg string) {
	n := len(r.res.Findings)
	r.add(id, r.o.Endpoint, containerKey(c), msg)
	if len(r.res.Findings) > n {
		r.res.Findings[n].Container = c.Name
	}
}

func (r *run) note(msg string) {
	r.res.Notes = append(r.res.Notes, rules.Note{File: r.o.Endpoint, Message: msg})
}

func (r *run) do() {
	p := r.o.Progress
	r.step("ping", 0, 0)
	r.count("ping")
	ping, err := r.d.Ping(r.ctx)
	r.facts.PingMS = float64(ping.Duration.Microseconds()) / 1000
	if err != nil && r.deadlineReached() {
		return // the deadline's DG408 says it
	}
	if err != nil {
		r.add("DG408", r.o.Endpoint, "ping", fmt.Sprintf("the daemon did not answer a ping: %v", err))
		r.res.Errors = append(r.res.Errors, rules.Note{File: r.o.Endpoint, Message: "daemon unreachable; no live check was made"})
		return
	}
	r.facts.Reached = true
	if ping.Duration > r.o.SlowPing {
		r.add("DG408", r.o.Endpoint, "slow-ping", fmt.Sprintf("the daemon took %s to answer a ping (threshold %s); it is overloaded or stuck", ping.Duration.Round(time.Millisecond), r.o.SlowPing))
	}

	r.count("info")
	info, err := r.d.Info(r.ctx)
	if err != nil {
		r.apiError("info", err)
	} else {
		if info.APIVersion == "" {
			info.APIVersion = ping.APIVersion
		}
		r.facts.Daemon = &info
	}

	containers := r.inspectAll()
	if len(r.o.Labels) > 0 && r.listed == 0 && !r.broken() && !r.listFailed {
		args := []string{"docker", "ps", "-a"}
		for _, l := range r.o.Labels {
			args = append(args, "--filter", "label="+l)
		}
		r.note(fmt.Sprintf("no container matches the label filter %s: the container checks (DG401-DG404, DG407) had nothing to look at; `%s` lists what it selects", labelText(r.o.Labels), shquote.Join(args...)))
	}
	if r.o.NoUsage {
		r.note("memory usage not sampled (--no-usage): DG407 counts the limits of limited containers only")
	}
	if r.o.Observe > 0 && !r.o.NoUsage {
		r.observeUsage(containers)
	} else {
		r.sampleUsage(containers)
	}
	r.facts.Containers = containers

	if !r.broken() {
		r.step("listing dangling volumes", 0, 0)
		r.count("volumes/list")
		vols, err := r.d.DanglingVolumes(r.ctx, r.o.Labels)
		if err != nil {
			r.apiError("list dangling volumes", err)
		} else {
			sort.Slice(vols, func(i, j int) bool { return vols[i].Name < vols[j].Name })
			r.facts.Reclaimable.DanglingVolumes = vols
		}
	}
	if len(r.o.Labels) > 0 && !r.o.NoDiskUsage && r.enabled("DG406") {
		r.note(fmt.Sprintf("the label filter %s scopes the containers and the dangling volumes (DG405); the build cache (DG406) is daemon-wide: it carries no labels, and /system/df cannot filter it", labelText(r.o.Labels)))
	}
	if r.o.NoDiskUsage {
		r.note("disk usage not read (--no-disk-usage): build cache (DG406) and sizes are unknown")
	} else if !r.broken() {
		if ping.APIVersion != "" && versions.LessThan(ping.APIVersion, "1.42") {
			r.note(fmt.Sprintf("the daemon speaks API %s (< 1.42): it ignores the type filter of /system/df and scans images, containers, volumes and build cache in full; use --no-disk-usage on busy daemons", ping.APIVersion))
			p.Say("reading disk usage: this daemon (API < 1.42) scans everything for /system/df, which can take a while")
		}
		r.step("disk usage", 0, 0)
		r.count("system/df")
		du, err := r.d.DiskUsage(r.ctx)
		if err != nil {
			r.apiError("disk usage", err)
		} else {
			r.facts.Reclaimable.BuildCache = &du
			for i := range r.facts.Containers {
				if s, ok := du.ContainerSizes[r.facts.Containers[i].ID]; ok {
					r.facts.Containers[i].Size = s
				}
			}
			for i := range r.facts.Reclaimable.DanglingVolumes {
				v := &r.facts.Reclaimable.DanglingVolumes[i]
				if s, ok := du.VolumeSizes[v.Name]; ok && v.Size < 0 {
					v.Size = s
				}
			}
		}
	}
	r.facts.Complete = !r.broken() && len(r.apiErrors) == 0
}

// inspectAll lists the containers and inspects each, with at most
// Options.Workers calls at a time.
func (r *run) inspectAll() []ContainerFacts {
	if r.broken() {
		return []ContainerFacts{}
	}
	r.step("listing containers", 0, 0)
	r.count("containers/list")
	list, err := r.d.Containers(r.ctx, r.o.Labels)
	if err != nil {
		r.apiError("list containers", err)
		r.listFailed = true
		return []ContainerFacts{}
	}
	r.listed = len(list)
	out := make([]ContainerFacts, len(list))
	keep := make([]bool, len(list))
	var done int
	var mu sync.Mutex
	r.parallel(len(list), func(i int) {
		s := list[i]
		r.count("containers/inspect")
		c, err := r.d.Inspect(r.ctx, s.ID)
		if err != nil && r.deadlineReached() {
			return // not inspected: the deadline cut it short
		}
		mu.Lock()
		done++
		r.inspected = done
		r.step("inspecting containers", done, len(list))
		mu.Unlock()
		if err != nil {
			if errors.Is(err, dockerapi.ErrNotFound) {
				return // removed since the list; nothing to check
			}
			r.apiError("inspect "+nameOr(s.Name, s.ID), err)
			return
		}
		out[i] = ContainerFacts{
			ID: c.ID, Name: nameOr(c.Name, s.Name), Image: c.Image, State: c.State, Pid: c.Pid,
			Limit: c.Memory, Reservation: c.MemoryReservation, Usage: -1,
			RestartCount: c.RestartCount, OOMKilled: c.OOMKilled, ExitCode: c.ExitCode, Started: c.StartedAt,
			Project: c.Labels[LabelProject], Service: c.Labels[LabelService], WorkingDir: c.Labels[LabelWorkingDir],
			FinishedAt: c.FinishedAt, Size: -1, Created: c.Created, Labels: c.Labels,
		}
		keep[i] = true
		r.mu.Lock()
		if r.composeLabels == nil {
			r.composeLabels = map[string]map[string]string{}
		}
		r.composeLabels[c.ID] = c.Labels
		r.mu.Unlock()
	})
	res := make([]ContainerFacts, 0, len(list))
	for i, k := range keep {
		if k {
			res = append(res, out[i])
		}
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Name < res[j].Name })
	return res
}

// sampleUsage samples usage where it is needed: from the host's cgroups
// when they can be read (UsageAuto, UsageCgroup), else with one-shot stats.
func (r *run) sampleUsage(cs []ContainerFacts) {
	var idx []int
	for i, c := range cs {
		if needsUsage(c, r.o) {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 || r.broken() {
		return
	}
	if r.o.UsageSource != UsageAPI {
		var rest []int
		var why error
		for _, i := range idx {
			c := &cs[i]
			u, err := r.o.Cgroups.Usage(c.Pid, c.ID)
			if err != nil {
				why = err
				rest = append(rest, i)
				continue
			}
			c.Usage, c.UsageSource = u, "cgroup"
			r.facts.CgroupReads++
		}
		idx = rest
		if len(idx) > 0 && r.o.UsageSource == UsageCgroup {
			r.note(fmt.Sprintf("memory usage of %d %s not read (--usage-source cgroup): %v", len(idx), plural(len(idx), "container", "containers"), why))
			return
		}
	}
	if len(idx) == 0 {
		return
	}
	if len(idx) > 5 {
		r.o.Progress.Say(fmt.Sprintf("sampling the memory of %d containers through the API: daemons before Docker 25 answer a one-shot stats call only at their stats collector's next 1 s pass, and dockguard runs %d at a time to spare the daemon, so this can take about %d s (--no-usage skips it; on the daemon's own host the cgroups are read instead)",
			len(idx), r.o.Workers, (len(idx)+r.o.Workers-1)/r.o.Workers))
	}
	var done int
	var mu sync.Mutex
	r.parallel(len(idx), func(k int) {
		c := &cs[idx[k]]
		r.count("containers/stats")
		u, err := r.d.MemoryUsage(r.ctx, c.ID)
		mu.Lock()
		done++
		r.step("sampling memory usage", done, len(idx))
		mu.Unlock()
		if err != nil {
			if !errors.Is(err, dockerapi.ErrNotFound) {
				r.apiError("stats "+c.Name, err)
			}
			return
		}
		c.Usage, c.UsageSource = u.Usage, "stats"
	})
}

// observeUsage samples every running container over Options.Observe, with
// memusage's observer: cgroups where they can be read, one-shot stats
// through the same guarded client otherwise.
func (r *run) observeUsage(cs []ContainerFacts) {
	var idx []int
	var targets []memusage.Target
	for i, c := range cs {
		if c.Running() && c.State != "paused" {
			idx = append(idx, i)
			targets = append(targets, memusage.Target{ID: c.ID, Name: c.Name, Pid: c.Pid, Running: true})
		}
	}
	if len(idx) == 0 || r.broken() {
		r.markOOM(cs)
		return
	}
	o := &memusage.Observer{Window: r.o.Observe, Period: r.o.Period, Source: r.o.UsageSource, Cgroups: r.o.Cgroups, Daemon: r.d, Workers: r.o.Workers,
		Progress: func(round, rounds int) { r.o.Progress.Step("sampling memory usage", round, rounds) }}
	series, cnt, err := o.Sample(r.ctx, targets)
	r.mu.Lock()
	r.calls["containers/stats"] += cnt.StatsCalls
	r.mu.Unlock()
	r.facts.CgroupReads += cnt.CgroupReads
	if err != nil && !errors.Is(err, dockerapi.ErrNotFound) {
		r.apiError("memory usage", err)
	}
	for k, i := range idx {
		ss := series.Samples[k]
		if len(ss) == 0 {
			continue
		}
		c := &cs[i]
		c.Samples, c.WindowSeconds, c.Usage = ss, series.Window.Seconds(), ss[len(ss)-1]
		switch { // the observer does not say which source each sample had
		case cnt.StatsCalls == 0:
			c.UsageSource = "cgroup"
		case cnt.CgroupReads == 0:
			c.UsageSource = "stats"
		}
	}
	r.markOOM(cs)
}

// markOOM reads the daemon's oom events over the containers' lives and the
// observation (one GET /events), and marks the containers memusage.MarkOOM
// finds OOM-killed: the report's samples then size them as fix
// --limits-from live would.
func (r *run) markOOM(cs []ContainerFacts) {
	if _, ok := r.d.(dockerapi.OOMEventer); !ok || len(cs) == 0 || r.broken() {
		return
	}
	ts := make([]memusage.Target, len(cs))
	for i, c := range cs {
		ts[i] = memusage.Target{ID: c.ID, Name: c.Name, OOMKilled: c.OOMKilled, ExitCode: c.ExitCode, Restarts: c.RestartCount, Started: c.Started}
	}
	r.count("events")
	if _, err := memusage.MarkOOM(r.ctx, r.d, ts, r.o.Now()); err != nil {
		r.apiError("oom events", err)
		return
	}
	for i := range cs {
		if ts[i].OOMKilled && !cs[i].OOMKilled {
			cs[i].OOMKilled, cs[i].OOMFromEvents = true, true
			cs[i].ExitCode, cs[i].RestartCount = ts[i].ExitCode, ts[i].Restarts
		}
	}
}

// needsUsage says whether c's usage is sampled: running (not paused) and
// unlimited, or any running one with Options.Usage.
func needsUsage(c ContainerFacts, o Options) bool {
	if o.NoUsage || !c.Running() || c.State == "paused" {
		return false
	}
	return o.Usage || c.Limit == 0
}

// parallel runs f(0..n-1) on Workers goroutines and stops handing out work
// once the daemon is broken.
func (r *run) parallel(n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(r.o.Workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		if r.broken() {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

func nameOr(name, alt string) string {
	if name != "" {
		return name
	}
	if len(alt) > 12 {
		return alt[:12]
	}
	return alt
}

func size(n int64) string { return units.BytesSize(float64(n)) }

func names(cs []string, max int) string {
	if len(cs) <= max {
		return strings.Join(cs, ", ")
	}
	return strings.Join(cs[:max], ", ") + fmt.Sprintf(" and %d more", len(cs)-max)
}
