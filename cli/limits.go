package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dockguard/dockguard/compose"
	"github.com/dockguard/dockguard/config"
	"github.com/dockguard/dockguard/memusage"
)

// samplePeriod is the time between usage samples of --observe.
const samplePeriod = 5 * time.Second

// limitFlags size the compose DG201 fix: where limits come from
// (observed usage, a default) and how they are written.
type limitFlags struct {
	from            string
	observe         time.Duration
	headroom        float64
	defaultMemory   string
	withReservation bool
	noComment       bool
	budget          string
	conn            verifyFlags

	mu   sync.Mutex
	rows map[[2]string]compose.SizedService
	// observed summarises the observation for the table's footer.
	observed string
}

func (l *limitFlags) register(fs *flag.FlagSet, withBudget bool) {
	fs.StringVar(&l.from, "limits-from", "", "size DG201 memory limits from observed usage: live (sample the daemon's compose containers) or a `dockguard report --format json` file")
	fs.DurationVar(&l.observe, "observe", 60*time.Second, "with --limits-from live, how long to sample usage (every 5 s)")
	fs.Float64Var(&l.headroom, "headroom", memusage.DefaultHeadroom, "multiplier on max(p99, peak) observed")
	fs.StringVar(&l.defaultMemory, "default-memory", "", "DG201 limit for services with no observed usage (e.g. 512MiB)")
	fs.BoolVar(&l.withReservation, "with-reservation", false, "also set the memory reservation, to the observed p50")
	fs.BoolVar(&l.noComment, "no-comment", false, "write no `# dockguard:` comment beside inserted limits")
	if withBudget {
		fs.StringVar(&l.budget, "budget", "", "memory budget of the stack for the sizing table and DG203 (like --memory-budget)")
	}
	l.conn.registerConn(fs, "docker-config")
}

// active reports whether DG201 fixes get a value source.
func (l *limitFlags) active() bool { return l.from != "" || l.defaultMemory != "" }

// sizing turns the flags into the compose front end's value source,
// observing the daemon first for --limits-from live.
func (l *limitFlags) sizing(ctx context.Context, env *Env) (*compose.Sizing, error) {
	if !l.active() {
		return nil, nil
	}
	if l.headroom < 1 {
		return nil, &usageError{"--headroom must be at least 1"}
	}
	sz := &compose.Sizing{Headroom: l.headroom, WithReservation: l.withReservation, NoComment: l.noComment, Sized: l.add}
	if l.defaultMemory != "" {
		n, err := config.ParseSize(l.defaultMemory)
		if err != nil || n < 4<<20 {
			return nil, &usageError{fmt.Sprintf("--default-memory %q: want a size of at least 4MiB, such as 512MiB", l.defaultMemory)}
		}
		sz.Default = (n + 1<<20 - 1) &^ (1<<20 - 1) // whole MiB, as written
	}
	var obs []memusage.Observation
	switch l.from {
	case "":
	case "live":
		var err error
		if obs, err = l.observeLive(ctx, env); err != nil {
			return nil, err
		}
		sz.From = "the daemon's containers"
	default:
		data, err := os.ReadFile(l.from)
		if err != nil {
			return nil, &usageError{"--limits-from: " + err.Error()}
		}
		if obs, err = memusage.FromReport(data); err != nil {
			return nil, &usageError{fmt.Sprintf("--limits-from %s: %v", l.from, err)}
		}
		sz.From = l.from
		l.observed = fmt.Sprintf("from %s", l.from)
	}
	if l.from != "" {
		sz.Observed = matcher(obs)
	}
	return sz, nil
}

// observeLive samples the daemon's compose containers over --observe.
func (l *limitFlags) observeLive(ctx context.Context, env *Env) ([]memusage.Observation, error) {
	if l.observe < 0 {
		return nil, &usageError{"--observe must not be negative"}
	}
	src, err := memusage.ParseSource(l.conn.usageSource)
	if err != nil {
		return nil, &usageError{"--usage-source: " + err.Error()}
	}
	ep, c, err := l.conn.client(env)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	targets, err := memusage.Targets(ctx, c, l.conn.maxInFlight)
	if err != nil && len(targets) == 0 {
		return nil, fmt.Errorf("--limits-from live: %s: %w", ep.Host, err)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard: %v\n", err)
	}
	running := 0
	for _, t := range targets {
		if t.Running {
			running++
		}
	}
	fmt.Fprintf(env.Stderr, "dockguard: observing the memory of %d running compose containers on %s for %s, every %s\n",
		running, ep.Host, memusage.Window(l.observe), memusage.Window(samplePeriod))
	o := &memusage.Observer{Window: l.observe, Period: samplePeriod, Source: src, Daemon: c, Workers: l.conn.maxInFlight}
	obs, cnt, err := o.Observe(ctx, targets)
	if err != nil {
		fmt.Fprintf(env.Stderr, "dockguard: some samples failed: %v\n", err)
	}
	l.observed = fmt.Sprintf("%d rounds over %s on %s: %d samples from cgroups, %d stats calls, %d failed",
		cnt.Rounds, memusage.Window(l.observe), ep.Host, cnt.CgroupReads, cnt.StatsCalls, cnt.Failed)
	if cnt.OOMFromEvents > 0 {
		l.observed += fmt.Sprintf("; %s OOM-killed by the daemon's oom events though its state said not", plural(cnt.OOMFromEvents, "container"))
	}
	return obs, nil
}

// matcher finds a compose service's observation: the same service name,
// in the same project or the same working directory.
func matcher(obs []memusage.Observation) func(project, dir, service string) (memusage.Observation, bool) {
	real := func(p string) string {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		return filepath.Clean(p)
	}
	return func(project, dir, service string) (memusage.Observation, bool) {
		var found []memusage.Observation
		for _, o := range obs {
			if o.Service != service {
				continue
			}
			sameDir := o.WorkingDir != "" && dir != "" && real(o.WorkingDir) == real(dir)
			if o.Project == project || sameDir {
				found = append(found, o)
			}
		}
		if len(found) == 0 {
			return memusage.Observation{}, false
		}
		// Several projects of that name: pool them.
		m := found[0]
		for _, o := range found[1:] {
			m.Samples = append(append([]int64(nil), m.Samples...), o.Samples...)
			m.Containers += o.Containers
			m.OOMKilled = m.OOMKilled || o.OOMKilled
			m.Limit = max(m.Limit, o.Limit)
			m.Window = max(m.Window, o.Window)
		}
		return m, true
	}
}

// add records a table row; the first row of a service wins, because the
// re-check of fixed files reports it again with the new limit.
func (l *limitFlags) add(r compose.SizedService) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.rows == nil {
		l.rows = map[[2]string]compose.SizedService{}
	}
	k := [2]string{r.Project, r.Service}
	if _, ok := l.rows[k]; !ok {
		l.rows[k] = r
	}
}

// writeTable prints the sizing table: each service's observed usage, its
// limit before and after, and the stack's sum against the budget.
func (l *limitFlags) writeTable(w io.Writer, budget int64) {
	l.mu.Lock()
	rows := make([]compose.SizedService, 0, len(l.rows))
	for _, r := range l.rows {
		rows = append(rows, r)
	}
	l.mu.Unlock()
	if len(rows) == 0 {
		if l.from != "" {
			fmt.Fprintln(w, "dockguard: no compose service was observed or sized")
		}
		return
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Project != rows[j].Project {
			return rows[i].Project < rows[j].Project
		}
		return rows[i].Service < rows[j].Service
	})
	size := func(n int64) string {
		if n <= 0 {
			return "-"
		}
		return memusage.Size(n)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROJECT\tSERVICE\tP50\tP99\tMAX\tSAMPLES\tLIMIT BEFORE\tLIMIT AFTER\t")
	var before, after int64
	for _, r := range rows {
		p50, p99, mx, n := "-", "-", "-", "-"
		if r.Observed && r.Stats.N > 0 {
			p50, p99, mx, n = size(r.Stats.P50), size(r.Stats.P99), size(r.Stats.Max), fmt.Sprint(r.Stats.N)
		}
		reps := int64(max(r.Replicas, 1))
		before += r.Before * reps
		after += r.After * reps
		name := r.Service
		if r.Replicas > 1 {
			name = fmt.Sprintf("%s (×%d)", r.Service, r.Replicas)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r.Project, name, p50, p99, mx, n, size(r.Before), size(r.After))
	}
	_ = tw.Flush()
	line := fmt.Sprintf("sum of limits: %s before, %s after, budget %s", size(before), size(after), size(budget))
	if after > budget {
		line += fmt.Sprintf(" — warning: the recommended limits exceed the budget by %s", memusage.Size(after-budget))
	}
	fmt.Fprintln(w, line)
	if l.observed != "" {
		fmt.Fprintf(w, "observed: %s\n", l.observed)
	}
	if l.from == "live" && l.observe < memusage.ProvisionalWindow {
		fmt.Fprintf(w, "note: under %s of samples the limits are provisional; observe longer with --observe 15m\n", memusage.Window(memusage.ProvisionalWindow))
	}
}
