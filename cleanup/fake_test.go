package cleanup_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dockguard/dockguard/cleanup"
	"github.com/dockguard/dockguard/daemonguard"
	"github.com/dockguard/dockguard/internal/testdaemon/fakedaemon"
	"github.com/dockguard/dockguard/verify"
	"github.com/dockguard/dockguard/verify/dockerapi"
	"github.com/dockguard/dockguard/verify/endpoint"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

const anon = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// staged has one object of each kind cleanup must take or leave.
func staged() *fakedaemon.Daemon {
	d := &fakedaemon.Daemon{APIVersion: "1.52", MemTotal: 8 << 30, NCPU: 2}
	d.Containers = []fakedaemon.Container{
		{ID: "c1", Name: "old", State: "exited", FinishedAt: now.Add(-96 * time.Hour), SizeRw: 10 << 20, Labels: map[string]string{"app": "x"}},
		{ID: "c2", Name: "fresh", State: "exited", FinishedAt: now.Add(-time.Minute), SizeRw: 1 << 20, Labels: map[string]string{"app": "x"}},
		{ID: "c3", Name: "never-ran", State: "created", Created: now.Add(-100 * time.Hour), Labels: map[string]string{"app": "y"}},
		{ID: "c4", Name: "web", State: "running", Memory: 1 << 30, Labels: map[string]string{"app": "x"}},
		{ID: "c5", Name: "db", State: "running", Memory: 1 << 30},
	}
	d.Volumes = []fakedaemon.Volume{
		{Name: anon, Dangling: true, Size: 3 << 20},
		{Name: "named-data", Dangling: true, Size: 5 << 20},
		{Name: "in-use", Size: 1 << 20},
	}
	d.Images = []fakedaemon.Image{{ID: "sha256:dang", Dangling: true, Size: 7 << 20, Created: now.Add(-200 * time.Hour)}, {ID: "sha256:app", Size: 50 << 20}}
	d.BuildCache.Total, d.BuildCache.Reclaimable, d.BuildCache.Records = 12<<30, 11<<30, 40
	return d.Start()
}

func client(t *testing.T, d *fakedaemon.Daemon, g daemonguard.Config) *dockerapi.Client {
	t.Helper()
	g.Rate, g.Burst = 1000, 100
	if g.Backoff == 0 {
		g.Backoff = time.Millisecond
	}
	c, err := dockerapi.New(endpoint.Endpoint{Host: d.Host()}, dockerapi.Config{Guard: g})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func opts(s cleanup.Scopes) cleanup.Options {
	return cleanup.Options{Scopes: s, OlderThan: 72 * time.Hour, Now: func() time.Time { return now }, ConflictBackoff: time.Millisecond}
}

func names(items []cleanup.Item) []string {
	var out []string
	for _, it := range items {
		out = append(out, it.Kind+":"+it.Name)
	}
	sort.Strings(out)
	return out
}

func outcomeNames(os []cleanup.Outcome) []string {
	var items []cleanup.Item
	for _, o := range os {
		items = append(items, o.Item)
	}
	return names(items)
}

func TestPlanSelectsAndTheDryRunChangesNothing(t *testing.T) {
	d := staged()
	defer d.Close()
	c := client(t, d, daemonguard.Config{})
	p := cleanup.NewPlan(context.Background(), c, opts(cleanup.All()))
	want := []string{"build-cache:build cache", "container:never-ran", "container:old", "images:dangling images", "volume:" + anon}
	if got := names(p.Items); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("plan %v\nwant %v", got, want)
	}
	if w := d.Writes(); len(w) != 0 {
		t.Errorf("the plan wrote: %v", w)
	}
	if !strings.Contains(fmt.Sprint(p.Notes), "1 dangling named volume(s) kept") {
		t.Errorf("notes %v", p.Notes)
	}
	if got := p.Bytes(); got != 10<<20+3<<20+11<<30+7<<20 {
		t.Errorf("planned bytes %d", got)
	}

	// The dry run costs what verify costs (without usage samples), plus
	// the image list that --images needs.
	v := staged()
	defer v.Close()
	vc := client(t, v, daemonguard.Config{})
	verify.Run(context.Background(), vc, verify.Options{NoUsage: true, Now: func() time.Time { return now }})
	if got, want := len(d.Log()), len(v.Log())+1; got != want {
		t.Errorf("plan made %d calls, verify %d (+1 image list)", got, want-1)
	}
}

func TestRunningNeedsALabelAndIsStoppedFirst(t *testing.T) {
	o := opts(cleanup.Scopes{Running: true})
	if err := o.Validate(); err == nil {
		t.Fatal("--running without a label filter was accepted")
	}
	o.Labels = []string{"app=x"}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	d := staged()
	defer d.Close()
	c := client(t, d, daemonguard.Config{Writes: true})
	p := cleanup.NewPlan(context.Background(), c, o)
	if got := names(p.Items); fmt.Sprint(got) != "[container:web]" {
		t.Fatalf("plan %v: only the labelled running container", got)
	}
	r := cleanup.Execute(context.Background(), nil, c, p, o)
	if len(r.Done) != 1 || len(r.Failed)+len(r.Skipped) != 0 {
		t.Fatalf("result %+v", r)
	}
	w := d.Writes()
	if len(w) != 2 || !strings.HasPrefix(w[0], "POST /v1.52/containers/c4/stop?t=10") || !strings.HasPrefix(w[1], "DELETE /v1.52/containers/c4") {
		t.Errorf("writes %v: want a stop with t= before the removal", w)
	}
}

func TestApplyRemovesThePlanAndNothingElse(t *testing.T) {
	d := staged()
	defer d.Close()
	o := opts(cleanup.All())
	c := client(t, d, daemonguard.Config{Writes: true, WriteInterval: 100 * time.Millisecond})
	p := cleanup.NewPlan(context.Background(), c, o)
	r := cleanup.Execute(context.Background(), nil, c, p, o)
	if fmt.Sprint(outcomeNames(r.Done)) != fmt.Sprint(names(p.Items)) || len(r.Failed)+len(r.Skipped) != 0 {
		t.Fatalf("done %v of %v; skipped %v failed %v", outcomeNames(r.Done), names(p.Items), r.Skipped, r.Failed)
	}
	var left []string
	for _, ct := range d.Containers {
		left = append(left, ct.Name)
	}
	for _, v := range d.Volumes {
		left = append(left, v.Name)
	}
	sort.Strings(left)
	if fmt.Sprint(left) != "[db fresh in-use named-data web]" {
		t.Errorf("left %v", left)
	}
	if r.ReclaimedBytes != 10<<20+3<<20+11<<30+7<<20 {
		t.Errorf("reclaimed %d", r.ReclaimedBytes)
	}
	for _, w := range d.Writes() {
		if strings.Contains(w, "force=1") || strings.Contains(w, "force=true") {
			t.Errorf("forced: %s", w)
		}
	}
	ts := d.WriteTimes()
	for i := 1; i < len(ts); i++ {
		// The guard spaces writes on the wire (daemonguard's own tests
		// assert the exact interval where the transport acts); the fake
		// stamps them when its handler runs, which a loaded (or -race)
		// scheduler delays unevenly. Unspaced writes would arrive
		// microseconds apart, so half the interval tells the two apart.
		if gap := ts[i].Sub(ts[i-1]); gap < 50*time.Millisecond {
			t.Errorf("writes %d and %d arrived %s apart, interval 100ms", i-1, i, gap)
		}
	}
	if d.Peak() > 3 {
		t.Errorf("peak in flight %d", d.Peak())
	}
}

// manyExited stages n stale exited containers.
func manyExited(n int) *fakedaemon.Daemon {
	d := &fakedaemon.Daemon{APIVersion: "1.41", MemTotal: 8 << 30}
	for i := range n {
		d.Containers = append(d.Containers, fakedaemon.Container{ID: fmt.Sprintf("c%02d", i), Name: fmt.Sprintf("job%02d", i), State: "exited", FinishedAt: now.Add(-100 * time.Hour)})
	}
	return d.Start()
}

func TestEveryThird500IsRetried(t *testing.T) {
	for _, tries := range []int{3, 1} {
		t.Run(fmt.Sprintf("tries %d", tries), func(t *testing.T) {
			d := manyExited(9)
			defer d.Close()
			d.Faults = map[string]*fakedaemon.Fault{"containers/remove": {Status: 500, Every: 3}}
			o := opts(cleanup.Scopes{Containers: true})
			// One at a time, so that no object draws two third requests.
			o.Workers = 1
			c := client(t, d, daemonguard.Config{Writes: true, Tries: tries, BreakerThreshold: 100})
			r := cleanup.Execute(context.Background(), nil, c, cleanup.NewPlan(context.Background(), c, o), o)
			if tries == 3 {
				if s := c.Guard().Stats(); len(r.Done) != 9 || s.Attempts == s.Requests {
					t.Errorf("done %d, stats %+v: the 500s should be retried away", len(r.Done), c.Guard().Stats())
				}
				return
			}
			// Without retries every third removal fails, and the rest go on.
			if len(r.Failed) != 3 || len(r.Done) != 6 || r.Stopped != "" {
				t.Errorf("done %d failed %d stopped %q", len(r.Done), len(r.Failed), r.Stopped)
			}
		})
	}
}

func TestDroppedConnectionsOpenTheBreakerAndAbort(t *testing.T) {
	d := manyExited(20)
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"containers/remove": {Drop: true}}
	o := opts(cleanup.Scopes{Containers: true})
	c := client(t, d, daemonguard.Config{Writes: true})
	r := cleanup.Execute(context.Background(), nil, c, cleanup.NewPlan(context.Background(), c, o), o)
	if r.Stopped != "breaker" || len(r.Done) != 0 || len(r.Failed)+len(r.Skipped) != 20 || len(r.Skipped) == 0 {
		t.Fatalf("stopped %q done %d failed %d skipped %d", r.Stopped, len(r.Done), len(r.Failed), len(r.Skipped))
	}
	if !strings.Contains(r.Skipped[len(r.Skipped)-1].Reason, "circuit breaker") {
		t.Errorf("reason %q", r.Skipped[len(r.Skipped)-1].Reason)
	}
	// Five failures open the breaker; net/http may replay an idempotent
	// DELETE once on a reused connection that was dropped before answering.
	if removes := len(d.Writes()); removes > 10 {
		t.Errorf("%d removals reached a failing daemon", removes)
	}
	if len(r.Findings) == 0 || r.Findings[len(r.Findings)-1].Rule != "DG408" {
		t.Errorf("no DG408: %v", r.Findings)
	}
}

func TestConflictIsRetriedThenSkipped(t *testing.T) {
	d := manyExited(2)
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"containers/remove": {Status: 409}}
	o := opts(cleanup.Scopes{Containers: true})
	c := client(t, d, daemonguard.Config{Writes: true})
	r := cleanup.Execute(context.Background(), nil, c, cleanup.NewPlan(context.Background(), c, o), o)
	if len(r.Skipped) != 2 || len(r.Failed) != 0 || r.Stopped != "" {
		t.Fatalf("skipped %v failed %v", r.Skipped, r.Failed)
	}
	if !strings.Contains(r.Skipped[0].Reason, "skipped after 3 tries") || !strings.Contains(r.Skipped[0].Reason, "conflict") {
		t.Errorf("reason %q", r.Skipped[0].Reason)
	}
	if n := len(d.Writes()); n != 6 {
		t.Errorf("%d removals, want 3 per object", n)
	}
}

func TestGoneIsDone(t *testing.T) {
	d := manyExited(3)
	defer d.Close()
	o := opts(cleanup.Scopes{Containers: true})
	c := client(t, d, daemonguard.Config{Writes: true})
	p := cleanup.NewPlan(context.Background(), c, o)
	d.Containers = d.Containers[1:] // someone else removed job00
	r := cleanup.Execute(context.Background(), nil, c, p, o)
	if len(r.Done) != 3 || len(r.Failed)+len(r.Skipped) != 0 {
		t.Fatalf("done %d skipped %v failed %v", len(r.Done), r.Skipped, r.Failed)
	}
}

func TestSlowBuildPruneHitsTheRunDeadline(t *testing.T) {
	d := staged()
	defer d.Close()
	d.Faults = map[string]*fakedaemon.Fault{"build/prune": {Delay: 30 * time.Second}}
	o := opts(cleanup.Scopes{BuildCache: true, Containers: true})
	c := client(t, d, daemonguard.Config{Writes: true})
	p := cleanup.NewPlan(context.Background(), c, o)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := cleanup.Execute(ctx, nil, c, p, o)
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %s with a 500ms deadline", el)
	}
	if r.Stopped != "deadline" || len(r.Failed) != 1 || r.Failed[0].Kind != cleanup.KindBuildCache {
		t.Fatalf("stopped %q failed %v", r.Stopped, r.Failed)
	}
	if !strings.Contains(fmt.Sprint(r.Findings), "deadline") {
		t.Errorf("findings %v", r.Findings)
	}
}

// TestStopStartsNothingNew closes the stop channel (what Ctrl-C does)
// after the first removal: what is in flight finishes, nothing new starts.
func TestStopStartsNothingNew(t *testing.T) {
	d := manyExited(10)
	defer d.Close()
	o := opts(cleanup.Scopes{Containers: true})
	o.Workers = 1
	stop := make(chan struct{})
	c := client(t, d, daemonguard.Config{Writes: true, WriteInterval: 50 * time.Millisecond})
	p := cleanup.NewPlan(context.Background(), c, o)
	o.Progress = progressFunc(func(done, _ int, _ int64) {
		if done == 2 {
			close(stop)
		}
	})
	r := cleanup.Execute(context.Background(), stop, c, p, o)
	if r.Stopped != "signal" || len(r.Done) < 2 || len(r.Done) > 3 || len(r.Failed) != 0 || len(r.Done)+len(r.Skipped) != 10 {
		t.Fatalf("stopped %q done %d skipped %d failed %d", r.Stopped, len(r.Done), len(r.Skipped), len(r.Failed))
	}
	if len(d.Writes()) != len(r.Done) {
		t.Errorf("%d writes for %d done", len(d.Writes()), len(r.Done))
	}
}

type progressFunc func(done, total int, reclaimed int64)

func (f progressFunc) Cleaned(done, total int, reclaimed int64) { f(done, total, reclaimed) }
