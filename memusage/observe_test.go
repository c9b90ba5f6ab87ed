package memusage

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dockguard/dockguard/verify/dockerapi"
)

// fakeDaemon answers list, inspect and stats from tables.
type fakeDaemon struct {
	mu         sync.Mutex
	list       []dockerapi.ContainerSummary
	inspect    map[string]dockerapi.Container
	stats      map[string][]int64 // successive answers
	statsCalls int
}

func (d *fakeDaemon) Ping(context.Context) (dockerapi.Ping, error) { return dockerapi.Ping{}, nil }
func (d *fakeDaemon) Info(context.Context) (dockerapi.Info, error) { return dockerapi.Info{}, nil }
func (d *fakeDaemon) Containers(_ context.Context, labels []string) ([]dockerapi.ContainerSummary, error) {
	if len(labels) != 1 || labels[0] != LabelProject {
		return nil, errors.New("unexpected filter")
	}
	return d.list, nil
}
func (d *fakeDaemon) Inspect(_ context.Context, id string) (dockerapi.Container, error) {
	c, ok := d.inspect[id]
	if !ok {
		return c, dockerapi.ErrNotFound
	}
	return c, nil
}
func (d *fakeDaemon) MemoryUsage(_ context.Context, id string) (dockerapi.MemoryUsage, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.statsCalls++
	s := d.stats[id]
	if len(s) == 0 {
		return dockerapi.MemoryUsage{}, errors.New("no stats")
	}
	d.stats[id] = s[1:]
	return dockerapi.MemoryUsage{Usage: s[0]}, nil
}
func (d *fakeDaemon) DiskUsage(context.Context) (dockerapi.DiskUsage, error) {
	return dockerapi.DiskUsage{}, nil
}
func (d *fakeDaemon) DanglingVolumes(context.Context, []string) ([]dockerapi.Volume, error) {
	return nil, nil
}

type fakeCgroups map[string]int64

func (f fakeCgroups) Usage(_ int, id string) (int64, error) {
	if v, ok := f[id]; ok {
		return v, nil
	}
	return 0, ErrUnavailable
}

func labels(service string) map[string]string {
	return map[string]string{LabelProject: "shop", LabelService: service, LabelWorkingDir: "/srv/shop"}
}

func TestObserve(t *testing.T) {
	d := &fakeDaemon{
		list: []dockerapi.ContainerSummary{{ID: "a1"}, {ID: "a2"}, {ID: "db"}, {ID: "run", Labels: map[string]string{LabelOneoff: "True"}}, {ID: "gone"}},
		inspect: map[string]dockerapi.Container{
			"a1":  {ID: "a1", Name: "shop-api-1", State: "running", Pid: 10, Labels: labels("api")},
			"a2":  {ID: "a2", Name: "shop-api-2", State: "running", Pid: 11, Labels: labels("api"), Memory: 64 * mb},
			"db":  {ID: "db", Name: "shop-db-1", State: "exited", OOMKilled: true, Memory: 128 * mb, Labels: labels("db")},
			"run": {ID: "run", State: "running", Labels: labels("api")},
		},
		stats: map[string][]int64{"a2": {20 * mb, 30 * mb, 25 * mb}},
	}
	targets, err := Targets(context.Background(), d, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(targets) != 3 {
		t.Fatalf("targets = %+v (one-off and vanished containers are not targets)", targets)
	}
	clock := time.Unix(1000, 0)
	var slept []time.Duration
	o := &Observer{
		Window: 10 * time.Second, Period: 5 * time.Second, Source: SourceAuto,
		Cgroups: fakeCgroups{"a1": 100 * mb}, Daemon: d,
		Now: func() time.Time { return clock },
		Sleep: func(_ context.Context, dur time.Duration) error {
			slept = append(slept, dur)
			clock = clock.Add(5 * time.Second)
			return nil
		},
	}
	obs, cnt, err := o.Observe(context.Background(), targets)
	if err != nil {
		t.Fatal(err)
	}
	if cnt.Rounds != 3 || cnt.CgroupReads != 3 || cnt.StatsCalls != 3 || len(slept) != 2 {
		t.Errorf("counts = %+v, slept %v", cnt, slept)
	}
	if len(obs) != 2 {
		t.Fatalf("observations = %+v", obs)
	}
	api, db := obs[0], obs[1]
	if api.Service != "api" || api.Containers != 2 || len(api.Samples) != 6 || api.Window != 10*time.Second || api.Limit != 64*mb || api.WorkingDir != "/srv/shop" {
		t.Errorf("api = %+v", api)
	}
	if st := api.Stats(); st.Max != 100*mb || st.P50 != 30*mb {
		t.Errorf("api stats = %+v", st)
	}
	if !db.OOMKilled || len(db.Samples) != 0 || db.Limit != 128*mb {
		t.Errorf("db = %+v", db)
	}

	// --usage-source cgroup never calls the API.
	d.statsCalls = 0
	o.Source = SourceCgroup
	_, cnt, _ = o.Observe(context.Background(), targets)
	if d.statsCalls != 0 || cnt.Failed == 0 {
		t.Errorf("cgroup source: %d stats calls, counts %+v", d.statsCalls, cnt)
	}
	// api never reads cgroups.
	o.Source = SourceAPI
	d.stats["a1"] = []int64{1, 2, 3}
	_, cnt, _ = o.Observe(context.Background(), targets)
	if cnt.CgroupReads != 0 {
		t.Errorf("api source read cgroups: %+v", cnt)
	}
}

func TestObserveStopsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	o := &Observer{Window: time.Hour, Period: 5 * time.Second, Cgroups: fakeCgroups{"x": mb},
		Sleep: func(ctx context.Context, _ time.Duration) error { cancel(); return ctx.Err() }}
	obs, cnt, _ := o.Observe(ctx, []Target{{ID: "x", Running: true, Project: "p", Service: "s"}})
	if cnt.Rounds != 1 || len(obs) != 1 || len(obs[0].Samples) != 1 {
		t.Errorf("after cancel: rounds %d, %+v", cnt.Rounds, obs)
	}
}
