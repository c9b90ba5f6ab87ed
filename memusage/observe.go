package memusage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/dockguard/dockguard/verify/dockerapi"
)

// Compose labels on the containers docker compose creates.
const (
	LabelProject    = "com.docker.compose.project"
	LabelService    = "com.docker.compose.service"
	LabelWorkingDir = "com.docker.compose.project.working_dir"
	LabelOneoff     = "com.docker.compose.oneoff"
)

// Cgroups reads a container's usage from the host's cgroups; CgroupReader
// implements it.
type Cgroups interface {
	// Usage returns the working set of container id, whose init process
	// is pid, or an error when it cannot be read from here.
	Usage(pid int, id string) (int64, error)
}

// Source says where samples come from.
type Source string

// The sample sources.
const (
	// SourceAuto reads the container's memory cgroup when dockguard runs
	// on the daemon's host and sees its processes, and otherwise takes a
	// one-shot stats sample through the API.
	SourceAuto Source = "auto"
	// SourceAPI always takes one-shot stats samples through the API.
	SourceAPI Source = "api"
	// SourceCgroup only reads cgroups; containers whose cgroup cannot be
	// read stay unsampled.
	SourceCgroup Source = "cgroup"
)

// ParseSource checks a --usage-source value.
func ParseSource(s string) (Source, error) {
	switch u := Source(s); u {
	case SourceAuto, SourceAPI, SourceCgroup:
		return u, nil
	}
	return "", fmt.Errorf("unknown usage source %q (want auto, api or cgroup)", s)
}

// Target is one compose container to observe.
type Target struct {
	ID, Name                     string
	Pid                          int
	Project, Service, WorkingDir string
	Running                      bool
	Limit                        int64
	OOMKilled                    bool
	// ExitCode, Restarts and Started are the state MarkOOM reads.
	ExitCode, Restarts int
	Started            time.Time
}

// Targets lists the containers that docker compose created (one-off `run`
// containers excepted) and inspects each, workers at a time.
func Targets(ctx context.Context, d dockerapi.Daemon, workers int) ([]Target, error) {
	list, err := d.Containers(ctx, []string{LabelProject})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]Target, len(list))
	keep := make([]bool, len(list))
	var errs []error
	var mu sync.Mutex
	parallel(ctx, workers, len(list), func(i int) {
		if list[i].Labels[LabelOneoff] == "True" {
			return
		}
		c, err := d.Inspect(ctx, list[i].ID)
		if err != nil {
			if !errors.Is(err, dockerapi.ErrNotFound) {
				mu.Lock()
				errs = append(errs, fmt.Errorf("inspect %s: %w", list[i].Name, err))
				mu.Unlock()
			}
			return
		}
		out[i] = Target{ID: c.ID, Name: c.Name, Pid: c.Pid, Running: c.State == "running",
			Project: c.Labels[LabelProject], Service: c.Labels[LabelService], WorkingDir: c.Labels[LabelWorkingDir],
			Limit: c.Memory, OOMKilled: c.OOMKilled, ExitCode: c.ExitCode, Restarts: c.RestartCount, Started: c.StartedAt}
		keep[i] = c.Labels[LabelService] != ""
	})
	var res []Target
	for i, k := range keep {
		if k {
			res = append(res, out[i])
		}
	}
	return res, errors.Join(errs...)
}

// OOMKilled decides whether a container was killed for its memory limit:
// its state says so, or the daemon sent an oom event for it and it exited
// 137 (SIGKILL), or was restarted since (a restart clears the exit code and
// the flag). Docker 20.10 can report OOMKilled false with exit 137 while
// its event stream said oom.
func OOMKilled(state bool, exitCode, restarts, events int) bool {
	return state || events > 0 && (exitCode == 137 || restarts > 0)
}

// OOMLookback bounds how far back MarkOOM asks for events: the daemon
// keeps only its latest events in memory anyway.
const OOMLookback = 24 * time.Hour

// MarkOOM asks d for the oom events of the targets, from the oldest
// target's start (at most OOMLookback before until) to until, and marks
// the targets OOMKilled decides were killed. It reports how many it
// marked that their state did not already show. A daemon that cannot list
// events (a fake) leaves the targets as they are.
func MarkOOM(ctx context.Context, d dockerapi.Daemon, targets []Target, until time.Time) (int, error) {
	ev, ok := d.(dockerapi.OOMEventer)
	if !ok || len(targets) == 0 {
		return 0, nil
	}
	since := until.Add(-OOMLookback)
	oldest := until
	for _, t := range targets {
		if !t.Started.IsZero() && t.Started.Before(oldest) {
			oldest = t.Started
		}
	}
	since = maxTime(since, oldest.Add(-time.Minute))
	counts, err := ev.OOMEvents(ctx, since, until)
	if err != nil {
		return 0, fmt.Errorf("oom events: %w", err)
	}
	n := 0
	for i := range targets {
		t := &targets[i]
		if t.OOMKilled || counts[t.ID] == 0 {
			continue
		}
		// The state was read before the observation: read it again for
		// a container killed during it.
		if c, err := d.Inspect(ctx, t.ID); err == nil {
			t.OOMKilled, t.ExitCode, t.Restarts = c.OOMKilled, c.ExitCode, c.RestartCount
			if t.OOMKilled {
				n++
				continue
			}
		}
		if OOMKilled(false, t.ExitCode, t.Restarts, counts[t.ID]) {
			t.OOMKilled = true
			n++
		}
	}
	return n, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Observer samples containers over a window.
type Observer struct {
	// Window is how long to observe; 0 takes one sample.
	Window time.Duration
	// Period is the time between samples (default 5 s).
	Period time.Duration
	// Source, Cgroups and Daemon say where samples come from; a nil
	// Cgroups reads the real /proc and /sys.
	Source  Source
	Cgroups Cgroups
	Daemon  dockerapi.Daemon
	// Workers bounds the stats calls in flight (default 3); the guard
	// transport under Daemon rate-limits them as it does verify's.
	Workers int
	// Progress, when set, is told of each round.
	Progress func(round, rounds int)
	// Now and Sleep are the clock (default time.Now and a timer).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// Counts says how the samples were taken.
type Counts struct {
	Rounds, CgroupReads, StatsCalls, Failed int
	// OOMFromEvents counts the containers found OOM-killed from the
	// daemon's oom events where their state did not say so.
	OOMFromEvents int
}

// Observe samples every running target once per period over the window
// and returns one observation per compose service, in name order.
//
// A container the kernel killed for its limit counts as OOM-killed when
// its state says so, or when the daemon's oom events (asked once, after the
// samples) and its exit say so (MarkOOM).
func (o *Observer) Observe(ctx context.Context, targets []Target) ([]Observation, Counts, error) {
	series, cnt, err := o.Sample(ctx, targets)
	if o.Daemon != nil && ctx.Err() == nil {
		now := time.Now
		if o.Now != nil {
			now = o.Now
		}
		targets = append([]Target(nil), targets...)
		n, oerr := MarkOOM(ctx, o.Daemon, targets, now())
		cnt.OOMFromEvents = n
		err = errors.Join(err, oerr)
	}
	g := grouper{}
	for i, tg := range targets {
		ob := g.add(tg.Project, tg.Service, tg.WorkingDir, tg.OOMKilled, tg.Limit)
		ob.Samples = append(ob.Samples, series.Samples[i]...)
		ob.Window = series.Window
	}
	return g.sorted(), cnt, err
}

// Series are the samples of Sample: Samples[i] are target i's working-set
// sizes in bytes, in time order (none for a target that is not running or
// could not be read), taken over Window, from the first round to the last.
type Series struct {
	Samples [][]int64
	Window  time.Duration
}

// Sample samples every running target once per period over the window and
// returns each target's samples. verify and report use it for the usage
// series they write; Observe pools them by compose service.
func (o *Observer) Sample(ctx context.Context, targets []Target) (Series, Counts, error) {
	period := o.Period
	if period <= 0 {
		period = 5 * time.Second
	}
	workers := o.Workers
	if workers <= 0 {
		workers = 3
	}
	now, sleep := o.Now, o.Sleep
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = sleepCtx
	}
	cg := o.Cgroups
	if cg == nil {
		cg = &CgroupReader{}
	}
	rounds := 1 + int(o.Window/period)
	samples := make([][]int64, len(targets))
	var cnt Counts
	var mu sync.Mutex
	var lastErr error
	start := now()
	var first, last time.Time
	for round := 0; round < rounds; round++ {
		if round > 0 {
			// Rounds keep their schedule even when one runs long.
			if err := sleep(ctx, time.Until(start.Add(time.Duration(round)*period))); err != nil {
				break
			}
		}
		if o.Progress != nil {
			o.Progress(round+1, rounds)
		}
		t := now()
		var api []int
		for i, tg := range targets {
			if !tg.Running {
				continue
			}
			if o.Source != SourceAPI {
				if u, err := cg.Usage(tg.Pid, tg.ID); err == nil {
					samples[i] = append(samples[i], u)
					cnt.CgroupReads++
					continue
				}
			}
			if o.Source != SourceCgroup && o.Daemon != nil {
				api = append(api, i)
			} else {
				cnt.Failed++
			}
		}
		parallel(ctx, workers, len(api), func(k int) {
			i := api[k]
			u, err := o.Daemon.MemoryUsage(ctx, targets[i].ID)
			mu.Lock()
			defer mu.Unlock()
			cnt.StatsCalls++
			if err != nil {
				cnt.Failed++
				lastErr = fmt.Errorf("stats %s: %w", targets[i].Name, err)
				return
			}
			samples[i] = append(samples[i], u.Usage)
		})
		cnt.Rounds++
		if first.IsZero() {
			first = t
		}
		last = t
		if ctx.Err() != nil {
			break
		}
	}
	return Series{Samples: samples, Window: last.Sub(first)}, cnt, lastErr
}

// grouper pools containers into one observation per compose service.
type grouper map[[3]string]*Observation

// add counts one container of the service and returns its observation.
func (g grouper) add(project, service, dir string, oom bool, limit int64) *Observation {
	k := [3]string{project, service, dir}
	ob := g[k]
	if ob == nil {
		ob = &Observation{Project: project, Service: service, WorkingDir: dir}
		g[k] = ob
	}
	ob.Containers++
	ob.OOMKilled = ob.OOMKilled || oom
	ob.Limit = max(ob.Limit, limit)
	return ob
}

// sorted returns the observations in project, service, folder order.
func (g grouper) sorted() []Observation {
	out := make([]Observation, 0, len(g))
	for _, ob := range g {
		out = append(out, *ob)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Project != b.Project {
			return a.Project < b.Project
		}
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		return a.WorkingDir < b.WorkingDir
	})
	return out
}

// FromReport reads the observations held in a `dockguard report --format
// json` or `dockguard verify --format json` document: each compose
// container's sampled usage, limit and OOM state. The window is the one
// the report observed (0 for a single sample).
func FromReport(data []byte) ([]Observation, error) {
	var doc struct {
		Live *struct {
			Containers []struct {
				Name       string  `json:"name"`
				Limit      int64   `json:"memoryLimit"`
				Usage      *int64  `json:"memoryUsage"`
				Samples    []int64 `json:"memorySamples"`
				Window     float64 `json:"memoryWindowSeconds"`
				OOMKilled  bool    `json:"oomKilled"`
				Project    string  `json:"composeProject"`
				Service    string  `json:"composeService"`
				WorkingDir string  `json:"composeWorkingDir"`
			} `json:"containers"`
		} `json:"live"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read report: %w", err)
	}
	if doc.Live == nil {
		return nil, errors.New("the report holds no live section (was it written with --no-live?)")
	}
	cs := make([]Seen, 0, len(doc.Live.Containers))
	for _, c := range doc.Live.Containers {
		u := int64(-1)
		if c.Usage != nil {
			u = *c.Usage
		}
		cs = append(cs, Seen{Project: c.Project, Service: c.Service, WorkingDir: c.WorkingDir, Limit: c.Limit, Usage: u,
			Samples: c.Samples, Window: time.Duration(c.Window * float64(time.Second)), OOMKilled: c.OOMKilled})
	}
	return Pool(cs), nil
}

// Seen is what a report holds of one container: its compose service, its
// limit, its usage (one sample, or a series over Window) and its OOM state.
type Seen struct {
	Project, Service, WorkingDir string
	Limit                        int64
	// Usage is the last sample (-1 unknown); Samples, when set, the
	// series it ends.
	Usage     int64
	Samples   []int64
	Window    time.Duration
	OOMKilled bool
}

// Pool pools the compose containers of cs into one observation per
// service, in project, service, folder order; containers outside compose
// are left out.
func Pool(cs []Seen) []Observation {
	g := grouper{}
	for _, c := range cs {
		if c.Project == "" || c.Service == "" {
			continue
		}
		ob := g.add(c.Project, c.Service, c.WorkingDir, c.OOMKilled, c.Limit)
		switch {
		case len(c.Samples) > 0:
			ob.Samples = append(ob.Samples, c.Samples...)
		case c.Usage >= 0:
			ob.Samples = append(ob.Samples, c.Usage)
		}
		ob.Window = max(ob.Window, c.Window)
	}
	return g.sorted()
}

// parallel runs f(0..n-1) on up to workers goroutines and stops handing
// out work when ctx ends.
func parallel(ctx context.Context, workers, n int, f func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
