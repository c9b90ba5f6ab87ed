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
			Limit: c.Memory, OOMKilled: c.OOMKilled}
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
}

// Observe samples every running target once per period over the window
// and returns one observation per compose service, in name order.
func (o *Observer) Observe(ctx context.Context, targets []Target) ([]Observation, Counts, error) {
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
	window := last.Sub(first)
	g := grouper{}
	for i, tg := range targets {
		ob := g.add(tg.Project, tg.Service, tg.WorkingDir, tg.OOMKilled, tg.Limit)
		ob.Samples = append(ob.Samples, samples[i]...)
		ob.Window = window
	}
	return g.sorted(), cnt, lastErr
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
	g := grouper{}
	for _, c := range doc.Live.Containers {
		if c.Project == "" || c.Service == "" {
			continue
		}
		ob := g.add(c.Project, c.Service, c.WorkingDir, c.OOMKilled, c.Limit)
		switch {
		case len(c.Samples) > 0:
			ob.Samples = append(ob.Samples, c.Samples...)
		case c.Usage != nil && *c.Usage >= 0:
			ob.Samples = append(ob.Samples, *c.Usage)
		}
		if w := time.Duration(c.Window * float64(time.Second)); w > ob.Window {
			ob.Window = w
		}
	}
	return g.sorted(), nil
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
