package verify

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dockguard/dockguard/rules"
)

// finish turns the facts into findings, in rule order.
func (r *run) finish() {
	f := r.facts
	now := r.o.Now()
	var running []ContainerFacts
	for _, c := range f.Containers {
		if c.Running() {
			running = append(running, c)
		}
	}

	// DG401: running without a limit.
	for _, c := range running {
		if c.Limit != 0 {
			continue
		}
		msg := fmt.Sprintf("container %s (%s) is running without a memory limit", c.Name, c.Image)
		if c.Usage >= 0 {
			msg += fmt.Sprintf("; it used %s when sampled", size(c.Usage))
		}
		r.addContainer("DG401", c, msg)
	}

	// DG402: compose drift.
	r.checkDrift(f.Containers)

	// DG403: OOM-killed or restart loop.
	for _, c := range f.Containers {
		var why []string
		if c.OOMKilled {
			why = append(why, "was OOM-killed")
		}
		if c.RestartCount >= r.o.RestartThreshold {
			why = append(why, fmt.Sprintf("has restarted %d times", c.RestartCount))
		}
		if len(why) == 0 {
			continue
		}
		limit := "no memory limit"
		if c.Limit > 0 {
			limit = "a memory limit of " + size(c.Limit)
		}
		r.addContainer("DG403", c, fmt.Sprintf("container %s (%s, state %s, %s) %s", c.Name, c.Image, c.State, limit, strings.Join(why, " and ")))
	}

	// DG404: stale exited containers.
	var stale []string
	var exitedSize int64
	sizeKnown := true
	for _, c := range f.Containers {
		if c.State != "exited" && c.State != "dead" {
			continue
		}
		if !c.FinishedAt.IsZero() && now.Sub(c.FinishedAt) >= r.o.StaleAfter {
			stale = append(stale, c.Name)
			c.Stale = true
		}
		f.Reclaimable.Exited = append(f.Reclaimable.Exited, c)
		if c.Size >= 0 {
			exitedSize += c.Size
		} else {
			sizeKnown = false
		}
	}
	f.Reclaimable.StaleExited = len(stale)
	f.Reclaimable.ExitedSize = exitedSize
	if !sizeKnown {
		f.Reclaimable.ExitedSize = -1
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		r.add("DG404", r.o.Endpoint, "stale-exited", fmt.Sprintf("%d %s exited more than %s ago and %s never removed: %s",
			len(stale), plural(len(stale), "container", "containers"), humanDuration(r.o.StaleAfter), plural(len(stale), "was", "were"), names(stale, 10)))
	}

	// DG405: dangling volumes.
	if vols := f.Reclaimable.DanglingVolumes; len(vols) > 0 {
		var ns []string
		var total int64
		known := 0
		for _, v := range vols {
			ns = append(ns, v.Name)
			if v.Size >= 0 {
				total += v.Size
				known++
			}
		}
		f.Reclaimable.VolumesSize = -1
		sz := ""
		if known == len(vols) {
			f.Reclaimable.VolumesSize = total
			sz = fmt.Sprintf(" holding %s", size(total))
		} else if known > 0 {
			sz = fmt.Sprintf(" (%s known for %d of them)", size(total), known)
		}
		scope := ""
		if len(r.o.Labels) > 0 {
			scope = " labelled " + labelText(r.o.Labels)
		}
		r.add("DG405", r.o.Endpoint, "dangling-volumes", fmt.Sprintf("%d dangling %s%s%s: %s", len(vols), plural(len(vols), "volume", "volumes"), scope, sz, names(ns, 10)))
	}

	// DG406: build cache.
	if bc := f.Reclaimable.BuildCache; bc != nil && bc.BuildCacheReclaimable > r.o.BuildCacheThreshold {
		msg := fmt.Sprintf("%s of build cache is reclaimable (threshold %s, %d records)",
			size(bc.BuildCacheReclaimable), size(r.o.BuildCacheThreshold), bc.BuildCacheRecords)
		if len(r.o.Labels) > 0 {
			// The API has no label filter for build cache: say that the
			// figure is not the labelled set's.
			msg += "; daemon-wide, not limited to the label filter " + labelText(r.o.Labels) + " (build cache carries no labels)"
		}
		r.add("DG406", r.o.Endpoint, "build-cache", msg)
	}

	// DG407: overcommit.
	r.checkOvercommit(running)

	// DG408: API errors and the breaker.
	// An unreachable daemon already has its DG408; the breaker is how the
	// ping gave up, not news.
	if g, ok := r.d.(guarded); ok && f.Reached && g.Guard().BreakerOpen() {
		r.add("DG408", r.o.Endpoint, "breaker", "the circuit breaker opened after repeated transport failures; dockguard stopped calling the daemon and the live checks are incomplete")
	}
	if f.Deadline != nil {
		r.add("DG408", r.o.Endpoint, "deadline", r.deadlineMessage())
	}
	if n := len(r.apiErrors); n > 0 {
		sort.Strings(r.apiErrors)
		shown := r.apiErrors
		if len(shown) > 3 {
			shown = shown[:3]
		}
		r.add("DG408", r.o.Endpoint, "api-errors", fmt.Sprintf("%d API %s failed: %s", n, plural(n, "call", "calls"), strings.Join(shown, "; ")))
	}
	switch {
	case f.Deadline != nil:
		r.res.Errors = append(r.res.Errors, rules.Note{File: r.o.Endpoint, Message: "the live checks are incomplete: " + r.deadlineMessage()})
	case !f.Complete && f.Reached:
		r.res.Errors = append(r.res.Errors, rules.Note{File: r.o.Endpoint, Message: "the live checks are incomplete: some daemon calls failed (see DG408)"})
	}
	f.Budget = budget(f, r.o, r.listed)
}

// deadlineMessage says how far the pass got before its deadline.
func (r *run) deadlineMessage() string {
	var where string
	switch {
	case !r.facts.Reached:
		where = "before the daemon answered a ping"
	case r.phase == "ping" || r.phase == "listing containers":
		where = "before the container list"
	default:
		where = fmt.Sprintf("after %d of %d containers", r.inspected, r.listed)
		if r.inspected == r.listed && r.phase != "" && r.phase != "inspecting containers" {
			where += ", while " + r.phase
		}
	}
	return fmt.Sprintf("incomplete: deadline reached %s (--deadline %s); the results cover what was gathered", where, humanDuration(r.o.Deadline))
}

func (r *run) checkOvercommit(running []ContainerFacts) {
	m := &r.facts.Memory
	if r.o.MemoryBudget > 0 {
		m.Capacity, m.CapacitySource = r.o.MemoryBudget, "--memory-budget"
	} else if r.facts.Daemon != nil && r.facts.Daemon.MemTotal > 0 {
		m.Capacity, m.CapacitySource = r.facts.Daemon.MemTotal, "daemon MemTotal"
	}
	for _, c := range running {
		if c.Limit > 0 {
			m.Limits += c.Limit
			m.LimitedCount++
			continue
		}
		m.UnlimitedCount++
		if c.Usage >= 0 {
			m.UnlimitedUsage += c.Usage
		} else {
			m.UnsampledCount++
		}
	}
	m.Committed = m.Limits + m.UnlimitedUsage
	if m.Capacity <= 0 || m.Committed <= m.Capacity {
		return
	}
	msg := fmt.Sprintf("running containers may use %s, more than the %s of %s: limits of %d %s sum to %s",
		size(m.Committed), m.CapacitySource, size(m.Capacity), m.LimitedCount, plural(m.LimitedCount, "container", "containers"), size(m.Limits))
	// Usage that was not sampled (--no-usage, a failed read) is unknown,
	// not 0: say so, and keep it out of the sum.
	if sampled := m.UnlimitedCount - m.UnsampledCount; sampled > 0 {
		msg += fmt.Sprintf(", and %d unlimited %s %s now", sampled, plural(sampled, "container uses", "containers use"), size(m.UnlimitedUsage))
	}
	if n := m.UnsampledCount; n > 0 {
		msg += fmt.Sprintf(", and %d unlimited %s usage is unknown (not sampled) and left out of the sum", n, plural(n, "container's", "containers'"))
	}
	r.add("DG407", r.o.Endpoint, "overcommit", msg)
}

// checkDrift compares compose containers' limits with their files, loading
// each project once.
func (r *run) checkDrift(cs []ContainerFacts) {
	type project struct {
		name, dir string
		files     []string
		members   []ContainerFacts
	}
	projects := map[string]*project{}
	var order []string
	for _, c := range cs {
		labels := r.composeLabels[c.ID]
		if c.Project == "" || c.Service == "" || labels[LabelOneoff] == "True" {
			continue
		}
		files := splitFiles(labels[LabelConfigFiles])
		key := c.Project + "\x00" + labels[LabelWorkingDir] + "\x00" + strings.Join(files, ",")
		p, ok := projects[key]
		if !ok {
			p = &project{name: c.Project, dir: labels[LabelWorkingDir], files: files}
			projects[key] = p
			order = append(order, key)
		}
		p.members = append(p.members, c)
	}
	if len(projects) == 0 || !r.enabled("DG402") {
		return
	}
	if r.o.ComposeLimits == nil {
		r.note("DG402 skipped: no compose loader configured")
		return
	}
	for _, key := range order {
		p := projects[key]
		if len(p.files) == 0 {
			r.note(fmt.Sprintf("DG402 skipped for compose project %s: its containers do not name their compose files", p.name))
			continue
		}
		declared, err := r.o.ComposeLimits(r.ctx, p.dir, p.files, p.name)
		if err != nil {
			r.note(fmt.Sprintf("DG402 skipped for compose project %s: %v", p.name, err))
			continue
		}
		file := p.files[0]
		if !filepath.IsAbs(file) && p.dir != "" {
			file = filepath.Join(p.dir, file)
		}
		for _, c := range p.members {
			want, ok := declared[c.Service]
			if !ok {
				r.note(fmt.Sprintf("container %s: service %s is no longer in compose project %s (an orphan; `docker compose up --remove-orphans` removes it)", c.Name, c.Service, p.name))
				continue
			}
			if want == c.Limit {
				continue
			}
			msg := fmt.Sprintf("service %s of compose project %s declares %s but its container %s runs with %s; re-create it (docker compose up -d --force-recreate %s)",
				c.Service, p.name, limitText(want), c.Name, limitText(c.Limit), c.Service)
			if !r.enabled("DG402") {
				continue
			}
			f, ok := locateService(p.dir, p.files, c.Service)
			if !ok {
				f.File = file
			}
			rule := rules.MustLookup("DG402")
			f.Rule, f.Name, f.Severity, f.Message, f.Key = rule.ID, rule.Name, rule.Severity, msg, p.name+"/"+c.Service
			r.res.Findings = append(r.res.Findings, f)
		}
	}
}

// labelText shows a label filter as the user gave it: "a=1, b".
func labelText(labels []string) string { return strings.Join(labels, ", ") }

func splitFiles(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func limitText(n int64) string {
	if n <= 0 {
		return "no memory limit"
	}
	return "a memory limit of " + size(n)
}

func containerKey(c ContainerFacts) string {
	if c.Project != "" && c.Service != "" {
		return c.Project + "/" + c.Service
	}
	return c.Name
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func humanDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	case d >= time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	}
	return d.String()
}

// budget is the most API calls the budget allows for what was found: ping,
// info, list, one inspect per container, stats where usage is needed, the
// volume list and /system/df.
func budget(f *Facts, o Options, listed int) int {
	n := 3 + listed + 1
	rounds := 1
	if o.Observe > 0 && !o.NoUsage {
		// Observe samples every running container each round.
		o.Usage = true
		period := o.Period
		if period <= 0 {
			period = 5 * time.Second
		}
		rounds = 1 + int(o.Observe/period)
		// One GET /events, and an inspect of each container it names.
		n += 1 + len(f.Containers)
	}
	for _, c := range f.Containers {
		if needsUsage(c, o) {
			n += rounds
		}
	}
	if !o.NoDiskUsage {
		n++
	}
	return n
}
